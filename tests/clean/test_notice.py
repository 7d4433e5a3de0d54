"""A text that is only a page's notice (a social widget, a crawl notice, a cookie wall, a missing page) is refused as no
article, with a one-line reason naming the input; a short real article, even one about the web, is kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.clean import clean
from briefing.clean.notice import page_notice
from briefing.clean_store import clean_with_store
from briefing.errors import SourceError
from briefing.pipeline import clean_or_skip
from briefing.records import Article, RawDocument, Skipped
from briefing.store import Store
from briefing.text import split_sentences

DATA = Path(__file__).parent.parent / "data"
# Notices as such pages print them (not from the development records: the kinds the records do not hold).
WRITTEN_NOTICES = {
    "a cookie or consent notice": (
        "We use cookies and similar technologies to improve your experience on our website, to personalise content "
        'and ads, and to analyse our traffic. By clicking "Accept all", you consent to our use of cookies. You can '
        "manage your preferences at any time in Cookie Settings. Read our Privacy Policy to learn more."
    ),
    "a browser notice": (
        "JavaScript is disabled. Please enable JavaScript in your browser settings to continue using this site, or "
        "switch to a supported browser. You can see a list of supported browsers in our Help Center."
    ),
    "a missing-page notice": (
        "Page not found. Sorry, the page you were looking for could not be found. It may have been moved or removed, "
        "or the link you followed may be broken. Please check the URL, go back to the homepage or use the search."
    ),
    "a sign-in or subscription wall": (
        "Subscribe to continue reading. You have reached your limit of free articles this month. Already a "
        "subscriber? Sign in to your account. Get unlimited digital access for just $1 a week. Cancel anytime."
    ),
    "a robot check": (
        "Are you a robot? Please confirm you are a human by clicking the box below. We have detected unusual "
        "traffic from your network. To continue, please complete the CAPTCHA."
    ),
}


def _records(label: str) -> list[dict[str, str]]:
    with (DATA / "page_notices.jsonl").open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    return [record for record in records if record["label"] == label]


@pytest.mark.parametrize("kind", ["text", "record"])
def test_scraped_notices_are_refused_naming_the_input_and_the_notice(kind: str):
    notices = _records("notice")
    assert notices
    for record in notices:
        with pytest.raises(SourceError) as refused:
            clean(RawDocument(record["id"], record["text"], kind))  # type: ignore[arg-type]
        assert refused.value.reason.startswith("not an article: a "), record["id"]
        assert str(refused.value).startswith(f"{record['id']}: not an article"), record["id"]
        assert "\n" not in str(refused.value)


@pytest.mark.parametrize("kind", list(WRITTEN_NOTICES))
def test_each_kind_of_notice_is_named(kind: str):
    assert page_notice(WRITTEN_NOTICES[kind]) == kind


def test_short_real_articles_are_kept():
    for record in _records("article"):
        article = clean(RawDocument(record["id"], record["text"], "text"))
        assert article.word_count >= 25, record["id"]


def test_article_leads_of_any_length_are_no_notice():
    """Every prefix of one to five sentences of the sample CNN articles (a short wire brief reads like one)."""
    with (DATA / "cnn_sample.jsonl").open(encoding="utf-8") as handle:
        articles = [json.loads(line)["article"] for line in handle if line.strip()]
    for article in articles:
        sentences = split_sentences(article)
        for count in range(1, 6):
            assert page_notice(" ".join(sentences[:count])) is None


def test_a_story_about_the_web_is_no_notice():
    story = (
        "Twitter said on Tuesday it had suspended 70 million accounts in two months, doubling the rate at which it "
        "removed fake and abusive profiles after lawmakers in Washington criticised the company. The figures, "
        "first reported by the Washington Post, show the company's chief executive, Jack Dorsey, was under pressure "
        "from investors and members of Congress to clean up the platform before the midterm elections."
    )
    assert page_notice(story) is None
    assert clean(RawDocument("story.txt", story, "text")).sentences


def test_a_short_report_in_the_webs_own_words_is_no_notice():
    """As dense in web words as a widget (0.35 of its content words), but it reports: someone said something."""
    report = (
        "Facebook said on Monday it would let users delete their location history from its app, after privacy "
        "regulators in Europe questioned how long the company keeps the data."
    )
    assert page_notice(report) is None


def test_a_refused_notice_is_stored_and_not_cleaned_again(tmp_path: Path):
    notice = _records("notice")[0]
    documents = [RawDocument(notice["id"], notice["text"], "record")]
    calls: list[str] = []

    def counted(document: RawDocument) -> Article | Skipped:
        calls.append(document.source)
        return clean_or_skip(document)

    for _ in range(2):
        store = Store.open(tmp_path)
        assert store is not None
        with store:
            outcomes = clean_with_store(documents, store, counted, lambda: None, lambda skipped: True)
        assert isinstance(outcomes[0], Skipped)
        assert outcomes[0].reason.startswith("not an article")
    assert calls == [notice["id"]]
