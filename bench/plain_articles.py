"""Plain-text articles as users save them, built from the development summarization sets, and how well the
cleaner keeps them whole.

Each record's article text (CNN/DailyMail, BBC News) is written in one of three layouts, in turn:
- "one line": the whole body on one line;
- "paragraphs": paragraphs of two or three sentences separated by blank lines;
- "title + paragraphs": a title line (the BBC record's title, or the CNN/DailyMail story's first words), a blank
  line, then paragraphs.
Scores: refused (no article returned), lead kept (the article's first sentence is in the cleaned text), and word
recall (the share of the body's `\\w+` words, counted as a multiset, found in the cleaned title and text).

`header_cases` writes held-out records (61-100 of each set) with the header lines users copy along (see
HEADER_LAYOUTS): title + byline + date; Markdown; labelled or e-mail headers; trailing credits; each with and
without blank lines. `bench/clean.py` scores them: refused, lead kept (the first summary sentence is the article's
first sentence), a header line left in the body, author and date found.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from briefing.text import normalize_whitespace, split_sentences

LAYOUTS = ("one line", "paragraphs", "title + paragraphs")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class PlainCase:
    name: str
    layout: str
    text: str  # the file's content
    title: str | None  # the title line written, if any
    body: str  # the article's words, without the title line
    lead: str  # the article's first sentence


def _paragraphs(sentences: list[str]) -> list[str]:
    """Two or three sentences a paragraph, alternating, so paragraph breaks fall in varied places."""
    paragraphs, index, size = [], 0, 2
    while index < len(sentences):
        paragraphs.append(" ".join(sentences[index : index + size]))
        index += size
        size = 5 - size
    return paragraphs


def _layout(layout: str, title: str, sentences: list[str]) -> tuple[str, str | None]:
    if layout == "one line":
        return " ".join(sentences) + "\n", None
    body = "\n\n".join(_paragraphs(sentences)) + "\n"
    if layout == "paragraphs":
        return body, None
    return f"{title}\n\n{body}", title


def plain_cases(data_dir: Path, per_set: int = 60) -> list[PlainCase]:
    """`per_set` articles of each development set, the layouts taken in turn."""
    cases: list[PlainCase] = []
    for set_name in ("cnn_dailymail_dev", "bbc_news_dev"):
        path = data_dir / "summarization" / f"{set_name}.jsonl"
        with path.open(encoding="utf-8") as handle:
            records = [json.loads(line) for line, _ in zip(handle, range(per_set), strict=False)]
        for number, record in enumerate(records):
            sentences = split_sentences(record["article"])
            if not sentences:
                continue
            title = record.get("title") or " ".join(sentences[0].split()[:8]).rstrip(".,;:")
            layout = LAYOUTS[(len(cases)) % len(LAYOUTS)]
            text, written_title = _layout(layout, title, sentences)
            cases.append(
                PlainCase(f"{set_name}:{number + 1}", layout, text, written_title, " ".join(sentences), sentences[0])
            )
    return cases


@dataclass(frozen=True)
class PlainScore:
    articles: int
    refused: int
    lead_kept: int
    word_recall: float


def score_plain(cases: list[PlainCase], clean_text: Callable[[str], tuple[str, str] | None]) -> PlainScore:
    """`clean_text(content)` returns (title, text) or None when it refuses the input."""
    refused = lead_kept = 0
    recalls = []
    for case in cases:
        result = clean_text(case.text)
        if result is None:
            refused += 1
            recalls.append(0.0)
            continue
        title, text = result
        if normalize_whitespace(case.lead) in normalize_whitespace(text):
            lead_kept += 1
        wanted = Counter(_WORD.findall(case.body.lower()))
        found = Counter(_WORD.findall(f"{title}\n{text}".lower()))
        recalls.append(sum((wanted & found).values()) / max(1, sum(wanted.values())))
    return PlainScore(len(cases), refused, lead_kept, sum(recalls) / max(1, len(recalls)))


# Header layouts: the article as a user saves it from a browser or a CMS, header lines and all. Each layout is written
# with blank lines between the header lines and the paragraphs, and without (one line break each). The header lines
# are taken in turn from the pools below, so names, outlets and date formats vary across articles.
HEADER_LAYOUTS = (
    "title + byline + date",
    "markdown",
    "labelled headers",
    "trailing credits",
    "news-site headers",
    "held-out site headers",
)
_NAMES = ("Maria Lopez", "Tom Becker", "Aisha Rahman", "Kenji Sato", "Olga Ivanova", "Daniel O'Brien", "Priya Nair")
_OUTLETS = ("CNN", "Reuters", "BBC News", "The Guardian", "Associated Press")
# (as written, the ISO date it names)
_DATES = (
    ("Updated 10:31 AM ET, Tue December 1, 2026", "2026-12-01"),
    ("Published 1 December 2026", "2026-12-01"),
    ("2026-11-30 08:00", "2026-11-30"),
    ("November 29, 2026", "2026-11-29"),
    ("Posted: Nov 28, 2026 at 6:05 pm", "2026-11-28"),
    ("Mon 30 Nov 2026 14.32 GMT", "2026-11-30"),
    ("Last updated on 27 November 2026", "2026-11-27"),
)


@dataclass(frozen=True)
class HeaderCase:
    name: str
    layout: str  # one of HEADER_LAYOUTS, then ", blank lines" or ", no blank lines"
    text: str
    header_lines: tuple[str, ...]  # the lines written around the body, the title line aside
    author: str | None  # the name the header lines give, if any
    date: str | None  # the ISO date they give, if any
    body: str
    lead: str


def _byline(number: int) -> tuple[str, str]:
    name, other = _NAMES[number % len(_NAMES)], _NAMES[(number + 3) % len(_NAMES)]
    outlet = _OUTLETS[number % len(_OUTLETS)]
    forms = (
        (f"By {name}", name),
        (f"By {name}, {outlet}", name),
        (f"By {name} and {other}, {outlet}", f"{name} and {other}"),
        (f"Written by {name}", name),
        (f"By {name}, senior correspondent", name),
    )
    return forms[number % len(forms)]


def _header_lines(layout: str, number: int, title: str) -> tuple[list[str], list[str], str | None, str | None]:
    """(lines above the body, lines below it, author, ISO date) for one article of `layout`."""
    byline, author = _byline(number)
    date, iso = _DATES[number % len(_DATES)]
    name = author.split(" and ")[0]
    if layout == "title + byline + date":
        return [title, byline, date], [], author, iso
    if layout == "markdown":
        marked = f"By [{name}](https://example.com/staff/{number})" if number % 2 else f"**{byline}**"
        return (
            [f"# {title}", marked if number % 2 else f"*{byline}*", f"_{date}_"],
            [],
            name if number % 2 else author,
            iso,
        )
    if layout == "labelled headers":
        outlet = _OUTLETS[number % len(_OUTLETS)]
        if number % 3 == 2:  # an e-mail forwarded to oneself
            return [f"Subject: Fwd: {title}", f"From: {name} <desk@example.com>", f"Date: {date}"], [], name, iso
        return [f"Title: {title}", f"Author: {name}", f"Date: {date}", f"Source: {outlet}"], [], name, iso
    if layout == "news-site headers":
        return _site_header(number, title)
    if layout == "held-out site headers":
        return _held_out_site_header(number, title)
    editor, other = _NAMES[(number + 1) % len(_NAMES)], _NAMES[(number + 2) % len(_NAMES)]
    form = number % 4
    if form == 0:
        return [title], [f"Reporting by {name}; Editing by {editor}", "© 2026 Reuters"], name, None
    if form == 1:
        credit = f"(Reporting by {name} in London; Additional reporting by {other}; Editing by {editor})"
        return [title], [credit], name, None
    if form == 2:
        return [title], ["Copyright 2026 The Associated Press. All rights reserved."], None, None
    return [title], [f"Follow {name} on Twitter", date], None, iso


def _site_header(number: int, title: str) -> tuple[list[str], list[str], str | None, str | None]:
    """Header blocks as news sites print them (written from memory of the sites' layouts after the header rules,
    and scored without changing the rules for them): CNN, the Daily Mail, the BBC, the Guardian, the New York Times,
    the AP, Reuters. The author and date are what a reader takes from them, whether or not the rules can."""
    name = _NAMES[number % len(_NAMES)]
    forms = (
        ([title, f"By {name}, CNN", "Updated 1423 GMT (2223 HKT) November 30, 2026"], name, "2026-11-30"),
        (
            [
                title,
                "By Associated Press",
                "Published: 08:00 EST, 30 November 2026 | Updated: 10:31 EST, 30 November 2026",
            ],
            "Associated Press",
            "2026-11-30",
        ),
        ([title, f"By {name}", "BBC News, Washington", "30 November 2026"], name, "2026-11-30"),
        ([title, f"{name} in London", "Mon 30 Nov 2026 10.31 GMT"], name, "2026-11-30"),
        ([title, f"By {name}", "Nov. 30, 2026"], name, "2026-11-30"),
        ([title, f"By {name.upper()} Associated Press", "November 30, 2026, 10:31 AM"], name.upper(), "2026-11-30"),
        ([title, f"By {name}", "November 30, 2026 10:31 AM UTC Updated 2 hours ago"], name, "2026-11-30"),
    )
    above, author, date = forms[number % len(forms)]
    return above, [], author, date


def _held_out_site_header(number: int, title: str) -> tuple[list[str], list[str], str | None, str | None]:
    """More sites' header blocks (Fox News, NPR, Al Jazeera, the Washington Post, Bloomberg, Medium, Reuters' pasted
    text, Yahoo), written after the rules were last changed and scored once, the rules left as they were."""
    name = _NAMES[number % len(_NAMES)]
    other = _NAMES[(number + 3) % len(_NAMES)]
    forms: tuple[tuple[list[str], str | None, str | None], ...] = (
        ([title, f"By {name} | Fox News", "Published November 30, 2026 10:31am EST"], name, "2026-11-30"),
        ([title, "November 30, 2026 10:31 AM ET", name], name, "2026-11-30"),
        ([title, "Published On 30 Nov 2026"], None, "2026-11-30"),
        ([title, f"By {name} and {other}", "November 30, 2026 at 10:31 a.m. EST"], f"{name} and {other}", "2026-11-30"),
        ([title, name, "November 30, 2026 at 10:31 AM GMT"], name, "2026-11-30"),
        ([f"# {title}", f"[{name}](https://medium.com/@writer)", "5 min read · Nov 30, 2026"], name, "2026-11-30"),
        ([title, f"By {name}", "November 30, 20262:31 PM GMT+8Updated 2 hours ago"], name, "2026-11-30"),
        ([title, f"{name} · Reporter", "Sun, November 30, 2026 at 10:31 AM EST · 3 min read"], name, "2026-11-30"),
    )
    above, author, date = forms[number % len(forms)]
    return above, [], author, date


def header_cases(data_dir: Path, first: int = 61, last: int = 100) -> list[HeaderCase]:
    """Records `first`..`last` (1-based) of each development set, every one in every header layout, with and
    without blank lines. The defaults are held out: `plain_cases` reads records 1-60 and the header rules were
    written without reading these."""
    cases: list[HeaderCase] = []
    for set_name in ("cnn_dailymail_dev", "bbc_news_dev"):
        path = data_dir / "summarization" / f"{set_name}.jsonl"
        with path.open(encoding="utf-8") as handle:
            records = [json.loads(line) for line, _ in zip(handle, range(last), strict=False)][first - 1 :]
        for offset, record in enumerate(records):
            number = first + offset
            sentences = split_sentences(record["article"])
            if not sentences:
                continue
            title = record.get("title") or " ".join(sentences[0].split()[:8]).rstrip(".,;:")
            paragraphs = _paragraphs(sentences)
            # The lead as the cleaner splits the written body (a record's own line breaks can split it elsewhere:
            # "… Tears of the Sun. Willis …"), so the score sees only what the header lines do.
            lead = split_sentences("\n".join(paragraphs))[0]
            for layout in HEADER_LAYOUTS:
                above, below, author, date = _header_lines(layout, number, title)
                for blank in (True, False):
                    gap = "\n\n" if blank else "\n"
                    text = gap.join([*above, *paragraphs, *below]) + "\n"
                    header_lines = tuple(above if layout == "labelled headers" else above[1:])
                    cases.append(
                        HeaderCase(
                            f"{set_name}:{number}",
                            f"{layout}, {'blank lines' if blank else 'no blank lines'}",
                            text,
                            (*header_lines, *below),
                            author,
                            date,
                            " ".join(sentences),
                            lead,
                        )
                    )
    return cases


_MARKUP = re.compile(r"[#*_]|\[|\]\([^)]*\)")


def header_left(case: HeaderCase, title: str, text: str) -> bool:
    """A header line written around the body is in the cleaned text (its markup aside); the title line is the
    title's to keep, and a labelled title's value counts as left only when the label itself is."""
    body = normalize_whitespace(text)
    for line in case.header_lines:
        core = normalize_whitespace(_MARKUP.sub("", line))
        if core and core in body:
            return True
    return False
