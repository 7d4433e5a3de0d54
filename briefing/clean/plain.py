"""Plain articles: text that is already an article (a saved story, a wire copy) passes whole.

A text file is read as a plain article when it shows no page furniture: its lines are prose, with no menu (a run of
short lines before or after the prose), no short line repeated, no furniture phrase on a short line, no line of
`|`-separated links. Then every sentence is kept: the lead of a news article is its most important sentence, and a
block model trained on scraped pages has no reason to keep it when nothing around it looks like a page. The first line
is the title only when it reads like one (short, no closing full stop); a dateline ("DARA, Afghanistan —") opening the
body is read into the article's metadata and stays in the text. Header lines above the prose (a byline, a timestamp,
"Title:"/"Author:"/"Date:" headers, Markdown markup) and credit lines below it are read first (`headers.py`): their
fields become metadata, the lines leave the body, and they do not count as the short lines of a menu.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from briefing.clean.features import has_separator
from briefing.clean.furniture import is_furniture_line
from briefing.clean.headers import HeaderReading, header_fields, read_headers
from briefing.clean.lexicon import FURNITURE_PHRASE
from briefing.clean.prose import find_dateline, is_prose, reads_like_title, word_count

MAX_EDGE_SHORT_LINES = 3  # short lines allowed before the first prose line (title, subtitle) and after the last
MIN_PROSE_SHARE = 0.6  # of the words: a plain article is mostly prose
MAX_HEADER_LINES = 12  # header lines (bylines, timestamps, labels) the quick test skips before it gives up


@dataclass(frozen=True)
class PlainArticle:
    title: str | None
    paragraphs: tuple[str, ...]
    dateline: str | None
    headers: HeaderReading = field(default_factory=lambda: HeaderReading(()))  # the header lines read, left out


def read_plain_article(text: str) -> PlainArticle | None:
    """The article, if `text` is already one (see the module docstring); None for a page dump with furniture."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    headers = read_headers([line for line in lines if line])
    lines = [line for line in headers.lines if line]
    if not lines:
        return None
    title = headers.title
    if title is None and len(lines) > 1 and reads_like_title(lines[0]) and _is_prose_after(lines[1:]):
        title = lines[0]
        lines = lines[1:]
    if not _shows_no_furniture(lines):
        return None
    return PlainArticle(title, tuple(lines), find_dateline(lines[0]), headers)


def may_be_plain_article(text: str) -> bool:
    """False when `read_plain_article` would surely refuse `text`: none of its first five non-blank lines that are
    not furniture is prose (a plain article's body starts within MAX_EDGE_SHORT_LINES lines, after an optional
    title). Reads only the top of the text, so a page dump opened by a menu is told at once, without the furniture
    filter and the prose test running over all of its lines."""
    seen = headers = 0
    for raw_line in text.split("\n"):  # the lines drop_furniture_lines reads, then the lines read_plain_article reads
        if is_furniture_line(raw_line):
            continue
        for part in raw_line.splitlines():
            line = " ".join(part.split())
            if not line:
                continue
            if is_prose(line):
                return True
            if headers < MAX_HEADER_LINES and header_fields(line) is not None:
                headers += 1  # a byline, a timestamp, a labelled header: read_plain_article leaves it out
                continue
            seen += 1
            if seen > MAX_EDGE_SHORT_LINES + 1:  # a title, then MAX_EDGE_SHORT_LINES short lines at most
                return False
    return False


def _is_prose_after(lines: list[str]) -> bool:
    return any(is_prose(line) for line in lines[: MAX_EDGE_SHORT_LINES + 1])


def _shows_no_furniture(lines: list[str]) -> bool:
    prose = [is_prose(line) for line in lines]
    if not any(prose):
        return False
    first, last = prose.index(True), len(prose) - 1 - prose[::-1].index(True)
    if first > MAX_EDGE_SHORT_LINES or len(lines) - 1 - last > MAX_EDGE_SHORT_LINES:
        return False  # a menu above the article, or link lists under it
    short = [line for line, is_prose in zip(lines, prose, strict=True) if not is_prose]
    seen: set[str] = set()
    for line in short:
        key = line.lower()
        if key in seen or FURNITURE_PHRASE.search(line) or has_separator(line):
            return False
        seen.add(key)
    words = [word_count(line) for line in lines]
    prose_words = sum(count for count, is_prose in zip(words, prose, strict=True) if is_prose)
    return prose_words >= MIN_PROSE_SHARE * sum(words)
