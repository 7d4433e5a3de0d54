"""Header and credit lines around a plain article (and at the top of a record's text) become metadata, never its lead;
prose that merely looks like a header stays."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.clean import clean
from briefing.clean.headers import header_fields, read_headers
from briefing.cli import app
from briefing.records import Article, RawDocument
from briefing.text import split_sentences

DATA = Path(__file__).parent.parent / "data"
TITLE = "Kilmarnock to confirm Locke as manager"


def _article() -> str:
    with (DATA / "cnn_sample.jsonl").open(encoding="utf-8") as handle:
        return str(json.loads(handle.readline())["article"])


def _paragraphs(article: str) -> str:
    sentences = split_sentences(article)
    return "\n\n".join(" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2))


def _cleaned(text: str, kind: str = "text", **fields: str) -> Article:
    return clean(RawDocument(f"story.{'txt' if kind == 'text' else 'jsonl'}", text, kind, **fields))  # type: ignore[arg-type]


def _assert_lead_first(article: Article) -> None:
    assert article.sentences[0] == split_sentences(_article())[0]


@pytest.mark.parametrize("gap", ["\n\n", "\n"])
def test_title_byline_and_timestamp_are_metadata_not_the_lead(gap: str):
    text = gap.join([TITLE, "By Jane Doe, CNN", "Updated 10:31 AM ET, Tue December 1, 2026", _paragraphs(_article())])
    article = _cleaned(text)
    _assert_lead_first(article)
    assert (article.title, article.author, article.published) == (TITLE, "Jane Doe", dt.date(2026, 12, 1))
    assert "Jane Doe" not in article.text and "10:31" not in article.text


@pytest.mark.parametrize(
    ("byline", "author"),
    [
        ("By Jane Doe", "Jane Doe"),
        ("By Jane Doe and John Smith, Reuters", "Jane Doe and John Smith"),
        ("*By Jane Doe*", "Jane Doe"),
        ("**By Jane Doe | Senior correspondent**", "Jane Doe"),
        ("Author: Jane Doe", "Jane Doe"),
        ("Written by Jane Doe", "Jane Doe"),
        ("By: Jane Doe", "Jane Doe"),
        ("By JANE DOE FOR MAILONLINE", "JANE DOE"),
        ("By [Jane Doe](https://example.com/staff/jane-doe)", "Jane Doe"),
    ],
)
def test_bylines(byline: str, author: str):
    article = _cleaned(f"{TITLE}\n{byline}\n\n{_paragraphs(_article())}")
    _assert_lead_first(article)
    assert article.author == author
    assert article.title == TITLE


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("Updated 10:31 AM ET, Tue December 1, 2026", "2026-12-01"),
        ("Published 1 December 2026", "2026-12-01"),
        ("2026-11-30 08:00", "2026-11-30"),
        ("2026-11-30T08:00:00Z", "2026-11-30"),
        ("December 1, 2026", "2026-12-01"),
        ("Mon 30 Nov 2026 14.32 GMT", "2026-11-30"),
        ("Posted: Nov 28, 2026 at 6:05 pm", "2026-11-28"),
    ],
)
def test_dates_and_timestamps(line: str, day: str):
    article = _cleaned(f"{TITLE}\n{line}\n\n{_paragraphs(_article())}")
    _assert_lead_first(article)
    assert str(article.published) == day


@pytest.mark.parametrize(
    ("lines", "author", "site"),
    [
        (["By Jane Doe", "BBC News, Washington", "1 December 2026"], "Jane Doe", "BBC News"),
        (["By JANE DOE Associated Press", "December 1, 2026, 10:31 AM"], "JANE DOE", None),
        (["Jane Doe in Glasgow", "Tue 1 Dec 2026 10.31 GMT"], "Jane Doe", None),
    ],
)
def test_news_site_bylines(lines: list[str], author: str, site: str | None):
    article = _cleaned("\n".join([TITLE, *lines, _paragraphs(_article())]))
    _assert_lead_first(article)
    assert (article.author, article.site, str(article.published)) == (author, site, "2026-12-01")


def test_a_place_line_without_a_timestamp_under_it_stays():
    # "Chaos in Glasgow" reads like "Jane Doe in Glasgow"; only a timestamp under it makes it a byline
    article = _cleaned(f"{TITLE}\nStorm Chaos in Glasgow\n\n{_paragraphs(_article())}")
    assert article.sentences[0] == "Storm Chaos in Glasgow"
    assert article.author is None


def test_a_timestamp_without_a_date_goes_and_dates_nothing():
    article = _cleaned(f"{TITLE}\nUpdated 2 hours ago\n\n{_paragraphs(_article())}")
    _assert_lead_first(article)
    assert article.published is None


def test_labelled_headers():
    text = (
        "Headline: Kilmarnock to confirm Locke\nAuthor: Jane Doe\nPublished: 2026-12-01 08:00\nSource: Reuters\n"
        "Link: https://www.reuters.com/sports/locke-kilmarnock-2026-12-01/\n\n" + _paragraphs(_article())
    )
    article = _cleaned(text)
    _assert_lead_first(article)
    assert article.title == "Kilmarnock to confirm Locke"
    assert (article.author, str(article.published), article.site) == ("Jane Doe", "2026-12-01", "Reuters")
    assert article.url == "https://www.reuters.com/sports/locke-kilmarnock-2026-12-01/"
    assert "Headline:" not in article.text and "Source:" not in article.text


def test_email_headers():
    text = (
        "Subject: Fwd: Kilmarnock to confirm Locke\nFrom: Jane Doe <jane@example.com>\n"
        "Date: Tue, 1 Dec 2026 08:00:00 +0000\nTo: desk@example.com\n\n" + _paragraphs(_article())
    )
    article = _cleaned(text)
    _assert_lead_first(article)
    assert (article.title, article.author, str(article.published)) == (
        "Kilmarnock to confirm Locke",
        "Jane Doe",
        "2026-12-01",
    )


def test_markdown_title_byline_and_date_lose_their_markup():
    text = f"# {TITLE}\n\n_By Jane Doe_\n\n**Published 1 December 2026**\n\n{_paragraphs(_article())}"
    article = _cleaned(text)
    _assert_lead_first(article)
    assert (article.title, article.author, str(article.published)) == (TITLE, "Jane Doe", "2026-12-01")
    assert not any(mark in article.text for mark in ("#", "*By", "_By"))


def test_markdown_front_matter_is_metadata():
    text = (
        f"---\ntitle: {TITLE}\nauthor: Jane Doe\ndate: 2026-12-01\ntags: [football, scotland]\nlayout: post\n---\n\n"
        + _paragraphs(_article())
    )
    article = _cleaned(text)
    _assert_lead_first(article)
    assert (article.title, article.author, str(article.published)) == (TITLE, "Jane Doe", "2026-12-01")
    assert "tags" not in article.text


def test_a_markdown_heading_leaves_the_title_of_a_page_dump_too():
    # "·" makes the text a page dump, not a plain article (a separator line): the dump's headline loses its "#" too
    text = f"# {TITLE}\nJane Doe\n5 min read · Nov 30, 2026\n\n{_paragraphs(_article())}"
    assert _cleaned(text).title == TITLE


def test_markdown_link_in_a_source_names_site_and_url():
    text = f"# {TITLE}\nSource: [CNN](https://edition.cnn.com/2026/12/01/sport/locke/)\n\n{_paragraphs(_article())}"
    article = _cleaned(text)
    assert (article.site, article.url) == ("CNN", "https://edition.cnn.com/2026/12/01/sport/locke/")


@pytest.mark.parametrize(
    ("credits", "author"),
    [
        (["Reporting by Jane Doe; Editing by John Smith", "© 2026 Reuters"], "Jane Doe"),
        (
            ["(Reporting by Jane Doe in Glasgow and Tom Li; Additional reporting by Ann Bo; Editing by Ed Wu)"],
            "Jane Doe",
        ),
        (["Copyright 2026 The Associated Press. All rights reserved."], None),
        (["Follow us on Twitter @sportdesk"], None),
    ],
)
def test_trailing_credits_leave_the_body(credits: list[str], author: str | None):
    text = "\n\n".join([TITLE, _paragraphs(_article()), *credits])
    article = _cleaned(text)
    _assert_lead_first(article)
    assert article.sentences[-1] == split_sentences(_article())[-1]
    assert article.author == author


@pytest.mark.parametrize(
    "line",
    [
        "By Friday the river had fallen 2 metres.",
        "By Friday the river had fallen",
        "By Friday, it was over",
        "Copyright law changed in 2026, the court said.",
        "Reporting by the Times showed that the mayor had lied to the council.",
        "The vote is on December 1, 2026",
        "Title IX cases rose",
        "Source: a person familiar with the talks said the deal was close to being signed by both sides on Friday.",
    ],
)
def test_prose_and_lookalikes_are_no_header(line: str):
    assert header_fields(line) is None
    assert header_fields(line, head=False) is None


def test_sentence_opening_by_stays_the_lead():
    sentence = "By Friday the river had fallen 2 metres."
    article = _cleaned(f"{sentence} {_article()}")
    assert article.sentences[0] == sentence
    assert article.author is None


def test_a_date_line_inside_the_body_is_kept():
    paragraphs = _paragraphs(_article()).split("\n\n")
    text = "\n\n".join([TITLE, paragraphs[0], "December 1, 2026", *paragraphs[1:]])
    article = _cleaned(text)
    assert "December 1, 2026" in article.text
    assert article.published is None


def test_dateline_stays_in_the_text_under_a_byline():
    text = (
        "Taliban fighters battle resistance in the Panjshir\nBy Jane Doe\n\n"
        "DARA, Afghanistan — Taliban forces have been locked for months in a shadowy battle with opposition fighters "
        "based in the Panjshir Valley, a few hours’ drive north of Kabul.\n\n"
        "The province has long been an anti-Taliban stronghold, and its fighters say they will not give up."
    )
    article = _cleaned(text)
    assert article.sentences[0].startswith("DARA, Afghanistan — Taliban forces")
    assert (article.dateline, article.author) == ("DARA, Afghanistan", "Jane Doe")


def test_first_sensible_date_wins_and_future_or_old_dates_are_no_publication_date():
    future = (dt.date.today() + dt.timedelta(days=40)).strftime("%B %-d, %Y")
    lines = [TITLE, future, "March 3, 1987", "Published 1 December 2026", "Updated 2 December 2026", "body"]
    reading = read_headers([*lines[:-1], _paragraphs(_article())])
    assert reading.date == "2026-12-01"
    assert reading.head_dropped == 4  # every date line goes, sensible or not
    assert read_headers(["March 3, 1987", _article()]).date is None


def test_record_text_headers_are_read_and_the_record_fields_win():
    text = "Kilmarnock to confirm Locke\nBy Jane Doe\nUpdated 10:31 AM ET, Tue December 1, 2026\n\n" + _article()
    article = _cleaned(text, "record")
    _assert_lead_first(article)
    assert (article.title, article.author, str(article.published)) == (
        "Kilmarnock to confirm Locke",
        "Jane Doe",
        "2026-12-01",
    )
    own = _cleaned(text, "record", title="Locke confirmed", author="Sam Roe", published="2026-11-30")
    assert (own.title, own.author, str(own.published)) == ("Locke confirmed", "Sam Roe", "2026-11-30")
    _assert_lead_first(own)


def test_record_text_without_headers_is_unchanged():
    article = _cleaned(_article(), "record")
    assert article.sentences == tuple(split_sentences(_article()))
    assert read_headers(_article().split("\n")).lines == tuple(_article().split("\n"))
    assert (article.author, article.published) == (None, None)


def test_summarize_cli_starts_with_the_lead(tmp_path: Path):
    path = tmp_path / "story.md"
    path.write_text(
        f"# {TITLE}\n\n*By Jane Doe*\n\nUpdated 10:31 AM ET, Tue December 1, 2026\n\n{_paragraphs(_article())}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["summarize", str(path), "--quiet", "--no-cache"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines[0] == f"## {TITLE}"
    assert lines[1] == f"- {split_sentences(_article())[0]} (s1)"
    assert "Jane Doe" not in result.stdout and "10:31" not in result.stdout
