"""The cleaner on real pages: the Panjshir dump line by line, a WSJ page as a text dump and as HTML, records."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from briefing.clean import clean
from briefing.errors import SourceError
from briefing.records import RawDocument
from briefing.text import split_sentences

PANJSHIR_HEADLINE = "Inside the Taliban’s secret war in the Panjshir Valley"
# Every line of the Panjshir dump that is not article text (the list).
PANJSHIR_JUNK = (
    "Placeholder while article actions load",
    "Read More: Inside the Taliban’s secret war in the Panjshir Valley",
    "This website uses cookies to improve your experience. We'll assume you're ok with this, but you can opt-out if "
    "you wish. Accept Read More",
    "mahjong slot",
    "Live News",
    "Get more stuff like this",
    "in your inbox",
    "Subscribe to our mailing list and get interesting stuff and updates to your email inbox.",
    "Thank you for subscribing.",
    "Something went wrong.",
)


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_panjshir_dump_keeps_every_body_sentence_and_no_junk_line(panjshir_dump: Path):
    lines = _lines(panjshir_dump)
    assert set(PANJSHIR_JUNK) <= set(lines), "the fixture changed: the junk list no longer matches it"
    body_lines = [line for line in lines if line != PANJSHIR_HEADLINE and line not in PANJSHIR_JUNK]
    assert len(body_lines) >= 10

    article = clean(RawDocument(str(panjshir_dump), panjshir_dump.read_text(encoding="utf-8"), "text"))

    kept = set(article.sentences)
    for line in body_lines:
        for sentence in split_sentences(line):
            assert sentence in kept, f"body sentence dropped: {sentence[:80]}"
    text = "\n".join(article.sentences)
    for junk in PANJSHIR_JUNK:
        assert junk not in text, f"junk line kept: {junk}"
    assert article.title == PANJSHIR_HEADLINE
    assert PANJSHIR_HEADLINE not in article.sentences
    assert article.sentences[0].startswith("DARA, Afghanistan —")
    assert article.sentences[-1].endswith("…")
    assert article.truncated
    assert article.language == "en"
    assert article.word_count == sum(len(line.split()) for line in body_lines)


def test_wsj_text_dump_keeps_the_paywalled_excerpt_only(data_dir: Path):
    path = data_dir / "page-dump.txt"
    article = clean(RawDocument(str(path), path.read_text(encoding="utf-8"), "text"))
    text = "\n".join(article.sentences)
    assert article.title == "Google Stadia, Microsoft xCloud, Apple Arcade: So Many Ways to Play…and Pay"
    assert text.startswith("Gaming used to be so simple.")
    assert "developers keep updating their biggest hits" in text
    for junk in ("Dow Jones Newswires", "Subscribe Sign In", "Most Popular Videos", "To Read the Full Story"):
        assert junk not in text
    assert article.published == dt.date(2019, 11, 19)
    assert article.author == "Sarah E. Needleman"
    assert article.truncated  # the excerpt ends on "All..."


def test_wsj_html_page_body_and_metadata(data_dir: Path):
    path = data_dir / "page.html.gz"
    markup = gzip.decompress(path.read_bytes()).decode("utf-8")
    article = clean(RawDocument(str(path), markup, "html"))
    text = "\n".join(article.sentences)
    assert article.title.startswith("Google Stadia, Microsoft xCloud, Apple Arcade")
    assert "Gaming used to be so simple." in text
    assert "Most Popular Videos" not in text
    assert article.author == "Sarah E. Needleman"
    assert article.published == dt.date(2019, 11, 19)
    assert article.language == "en"
    assert article.url and article.url.startswith("https://www.wsj.com/articles/")
    assert article.site


def test_html_without_an_article_is_refused_with_a_reason():
    menu = "".join(f"<li><a href='/s{i}'>Section {i}</a></li>" for i in range(40))
    markup = f"<html><head><title>Home</title></head><body><nav><ul>{menu}</ul></nav><p>© 2024</p></body></html>"
    with pytest.raises(SourceError, match="HTML page holds no article text"):
        clean(RawDocument("menu.html", markup, "html"))


def test_plain_html_article_without_trafilatura_hints_is_extracted():
    paragraphs = [
        "The city council voted on Tuesday to expand the bus network to the northern districts, officials said.",
        "The plan adds four routes and raises the number of buses from 120 to 150 by the end of next year.",
        "Residents of the districts have asked for better service for more than a decade, the mayor told reporters.",
    ]
    markup = (
        "<html lang='en'><head><title>Council expands bus network | City News</title>"
        "<meta property='article:published_time' content='2024-03-05T10:00:00Z'>"
        "<meta name='author' content='Jane Roe'></head><body><header><a href='/'>Home</a></header><article>"
        "<h1>Council expands bus network</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article>"
        "<footer>Subscribe to our newsletter</footer></body></html>"
    )
    article = clean(RawDocument("bus.html", markup, "html"))
    assert article.sentences == tuple(paragraphs)
    assert article.title == "Council expands bus network"
    assert (article.published, article.author, article.language) == (dt.date(2024, 3, 5), "Jane Roe", "en")
    assert not article.truncated


def test_records_are_only_normalised(data_dir: Path):
    record = json.loads((data_dir / "cnn_sample.jsonl").read_text(encoding="utf-8").splitlines()[0])
    content = record.get("article") or record.get("text") or record.get("content")
    article = clean(RawDocument("cnn_sample.jsonl:1", content, "record", title="A title"))
    assert article.title == "A title"
    assert " ".join(article.sentences) == " ".join(content.split())


def test_record_metadata_is_passed_through_and_dates_normalised():
    body = "The central bank raised its main rate by a quarter point on Thursday, citing stubborn inflation. " * 3
    document = RawDocument(
        "feed.json:3", body, "record", title="Rates up", url="https://example.org/a", published="2024-06-13T08:00:00Z"
    )
    article = clean(document)
    assert (article.published, article.site, article.url) == (
        dt.date(2024, 6, 13),
        "example.org",
        "https://example.org/a",
    )


@pytest.mark.parametrize(
    "content",
    [
        "",
        "   \n\n  ",
        "Home\nNews\nSport\nWeather\n",
        "x" * 300_000,
        "\x00\x01binary\x02" * 50,
    ],
)
def test_text_without_an_article_is_refused_not_crashed(content: str):
    with pytest.raises(SourceError):
        clean(RawDocument("odd.txt", content, "text"))


def test_huge_text_is_cut_not_choked_on():
    one_long_line = "The committee met again today and voted. " * 100_000  # 4 MB, one line
    many_lines = "Menu\nThe committee met again today and voted on the new budget for the year.\n" * 200_000
    for content in (one_long_line, many_lines):
        try:
            article = clean(RawDocument("huge.txt", content, "text"))
        except SourceError:
            continue
        assert len(article.text) <= 2_000_000


@pytest.mark.parametrize(
    "markup",
    [
        "",
        "<html></html>",
        "<div>" * 50_000 + "deep" + "</div>" * 50_000,
        "<html><body>" + "<p>a</p>" * 30_000 + "</body></html>",
        "<?xml version='1.0' encoding='utf-8'?><html><body><p>Short.</p></body></html>",
        "not html at all",
    ],
)
def test_broken_or_empty_html_is_refused_not_crashed(markup: str):
    with pytest.raises(SourceError):
        clean(RawDocument("odd.html", markup, "html"))
