"""Header and credit lines around an article's prose: read into its metadata, left out of its body.

Articles copied from a browser or a CMS into a .txt/.md file, and the "text" of many JSON exports, open with a few
short lines that are not the story: a byline ("By Jane Doe, CNN", "*By Jane Doe*", "Written by X"), a timestamp
("Updated 10:31 AM ET, Tue December 1, 2026", "2026-12-01 08:00"), labelled headers ("Title: …", "Author: …",
"Date: …", "Source: …", "URL: …", e-mail style "Subject:"/"From:"/"Date:"), Markdown markup around the title
("# Title", "**Title**"), an outlet's line ("BBC News, Washington"), a "Jane Doe in London" byline over a timestamp;
and close with credits ("Reporting by X; Editing by Y", "© 2026 Reuters"). Left in the body, the byline and the date
became the summary's first "sentences" and pushed the lead to third. The line shapes are in `header_patterns.py`.

Only the edges are read: the lines before the first prose line (a first line that reads like a title aside) and the
lines after the last one. A line goes only when it is short (not prose by `prose.is_prose`) and wholly matches one of
these shapes, so "By Friday the river had fallen 2 metres." and a date inside the body stay; a dateline ("DARA,
Afghanistan —") opens a prose line and is never touched. Three exceptions to "short", each anchored on the whole
line: a labelled title whose value reads like a title (up to 25 words), a copyright notice with its year ("Copyright
2026 Reuters. All rights reserved.") and a wire credit made of "… by Name" clauses ("(Reporting by X in London;
Additional reporting by Y; Editing by Z)"). Where two lines give the same field the first sensible one wins; a date
after the run's day or before 1990 is no publication date (the line still goes: it is a header).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.clean.header_patterns import (
    BYLINE_OPENING,
    BYLINE_SEPARATOR,
    BYLINE_SMALL_WORDS,
    CLOCK,
    COPYRIGHT_NOTICE,
    CREDIT,
    CREDIT_PARTS,
    EMAIL,
    HEADING,
    IMAGE,
    LABEL_FIELDS,
    LABELLED,
    LETTER_OR_DIGIT,
    LINK,
    MAX_BYLINE_WORDS,
    MAX_SITE_WORDS,
    OUTLET_ENDING,
    OUTLET_LINE,
    PLACE_BYLINE,
    RELATIVE_WORDS,
    REPORTER,
    REPORTER_END,
    SUBJECT_PREFIX,
    TIMESTAMP_NUMBER,
    TIMESTAMP_WORDS,
    TOKEN,
    URL,
    WIRE_CREDIT,
    WRAPPED,
)
from briefing.clean.metadata import find_byline, find_date
from briefing.clean.prose import is_prose, reads_like_title

EARLIEST_PUBLICATION = dt.date(1990, 1, 1)  # before the web: a date this old in a header is a book's or an event's


@dataclass(frozen=True)
class HeaderReading:
    """A text's lines less its header and credit lines, and what those lines said."""

    lines: tuple[str, ...]  # the other lines, in order (blank ones kept), edge lines without their Markdown markup
    title: str | None = None  # a labelled title ("Title:", "Headline:", "Subject:") or a Markdown heading
    author: str | None = None
    date: str | None = None  # YYYY-MM-DD, between 1990 and the run's day
    url: str | None = None
    site: str | None = None
    head_dropped: int = 0  # header lines left out above the prose
    tail_dropped: int = 0  # credit, byline and date lines left out below it


def markdown_text(line: str) -> str:
    """A line with its Markdown links read as their text and its images left out."""
    if "](" not in line:
        return line
    return LINK.sub(r"\1", IMAGE.sub("", line)).strip()


def _unwrapped(line: str, links: bool = True) -> tuple[str, bool]:
    """The line without a Markdown heading mark or emphasis around all of it (its links read as their text unless
    `links` is False), and whether it was a heading."""
    text = markdown_text(line.strip()) if links else line.strip()
    heading = HEADING.match(text)
    if heading:
        text = heading[1].strip()
    while (wrapped := WRAPPED.match(text)) is not None and LETTER_OR_DIGIT.search(wrapped[2]):
        text = wrapped[2].strip()  # "**Title**" -> "Title"; a rule ("___") stays a rule
    return text, heading is not None


def without_markdown(line: str) -> str:
    """'# Title', '**Title**', '[Title](https://…)' -> 'Title' (a title found by any cleaner, not only here)."""
    return _unwrapped(line)[0]


def _link_target(value: str) -> tuple[str, str | None]:
    """A labelled value's text and the URL it names ('[CNN](https://cnn.com/x)', 'https://…', 'CNN')."""
    link = LINK.search(value)
    if link:
        return link[1].strip(), link[2] or None
    if URL.match(value):
        return "", value if value.lower().startswith("http") else f"https://{value}"
    return value, None


def _byline_author(line: str) -> str | None:
    """'By Jane Doe and John Smith, Reuters' -> 'Jane Doe and John Smith'; None unless the words after 'By' up to the
    first separator are names and connectors ('By Friday the river had fallen' is a sentence). After a separator
    comes anything (an outlet, a job title, a timestamp), but only behind a name of two words or more: "By Friday,
    it was over" is no byline."""
    opening = BYLINE_OPENING.match(line)
    if not opening:
        return None
    rest = EMAIL.sub("", opening["rest"]).strip()
    name_part, separator, tail = _split_byline(rest)
    words = name_part.split()
    if not words or len(rest.split()) > MAX_BYLINE_WORDS:
        return None
    for word in words:
        bare = word.strip(".'’\"“”*_")
        if bare and not (bare[:1].isupper() or bare.lower() in BYLINE_SMALL_WORDS):
            return None
    if separator and tail and len(words) < 2:
        return None
    outlet = OUTLET_ENDING.search(name_part)
    if outlet and outlet.start() > 0:  # "By DANIEL O'BRIEN Associated Press", "By Jane Doe BBC News"
        name_part = name_part[: outlet.start()]
    return find_byline([f"By {name_part}"])


def _split_byline(rest: str) -> tuple[str, str, str]:
    """The name part of a byline, the separator after it and what follows ('Jane Doe', ',', 'CNN')."""
    match = BYLINE_SEPARATOR.search(rest)
    if match is None:
        return rest, "", ""
    return rest[: match.start()], match[0], rest[match.end() :]


@dataclass(frozen=True)
class _Timestamp:
    date: str | None  # YYYY-MM-DD, or None for a timestamp without a full date ("Updated 10:31 AM ET")


def _timestamp(line: str) -> _Timestamp | None:
    """The line as a timestamp and nothing else ('Updated 10:31 AM ET, Tue December 1, 2026', '2026-12-01 08:00',
    'Published 1 December 2026', 'Updated 2 hours ago'), or None."""
    tokens = [token.lower() for token in TOKEN.findall(line)]
    if not tokens or any(
        token not in TIMESTAMP_WORDS and token not in RELATIVE_WORDS and not TIMESTAMP_NUMBER.match(token)
        for token in tokens
    ):
        return None
    date = find_date(line)
    if date:  # "November 30, 2026 10:31 AM UTC Updated 2 hours ago": the full date is the publication's
        return _Timestamp(date)
    has_verb = any(token in ("updated", "published", "posted", "modified") for token in tokens)
    relative = "ago" in tokens or tokens[-2:] == ["just", "now"]
    return _Timestamp(None) if has_verb and (CLOCK.search(line) or relative) else None


def _name_of(value: str) -> str | None:
    """An author field's name: 'Jane Doe <jane@example.com>' -> 'Jane Doe'; an address alone names nobody."""
    name = EMAIL.sub("", value).strip(" \"'<>,;")
    if not name:
        return None
    return find_byline([f"By {name}"]) or (name if len(name.split()) <= 6 and name[:1].isupper() else None)


def header_fields(line: str, *, head: bool = True) -> dict[str, str | None] | None:
    """What a header or credit line says ({} for a line that is one but names nothing we keep), or None when the
    line is not wholly one. `head`: above the prose, where labelled headers are read too."""
    text, heading = _unwrapped(line)
    if not text:
        return {}  # an image alone, a bare "#"
    labelled = LABELLED.match(_unwrapped(line, links=False)[0]) if head else None
    if labelled:  # the value read with its links: "Source: [CNN](https://…)" names the site and the page
        field, value = LABEL_FIELDS[labelled["label"].lower()], labelled["value"].strip()
        if is_prose(text) and not (field == "title" and reads_like_title(markdown_text(value))):
            return None
        return _labelled_fields(field, value)
    if _is_body_prose(text):
        return None
    if heading:
        return None  # a Markdown heading is a title (or a subheading), never a header
    author = _byline_author(text)
    if author is not None:
        date = find_date(text)
        return {"author": author, "date": date} if date else {"author": author}
    timestamp = _timestamp(text)
    if timestamp is not None:
        return {"date": timestamp.date} if timestamp.date else {}
    outlet = OUTLET_LINE.match(text) if head else None
    if outlet:
        return {"site": outlet["outlet"]}
    if CREDIT.match(text):
        reporter = REPORTER.match(text)
        author = _byline_author(f"By {REPORTER_END.split(reporter['rest'])[0]}") if reporter else None
        return {"author": author} if author else {}
    return None


def _is_body_prose(text: str) -> bool:
    """Prose, and neither a labelled title nor a copyright notice (which may read as prose by length alone)."""
    if not is_prose(text) or COPYRIGHT_NOTICE.match(text) or WIRE_CREDIT.match(text):
        return False
    labelled = LABELLED.match(text)
    return not (labelled and LABEL_FIELDS[labelled["label"].lower()] == "title" and reads_like_title(labelled["value"]))


def _labelled_fields(field: str, value: str) -> dict[str, str | None]:
    if field == "title":
        title, _ = _unwrapped(SUBJECT_PREFIX.sub("", markdown_text(value)))
        return {"title": title} if title else {}
    if field == "author":
        text, _ = _link_target(value)
        return {"author": _name_of(text)} if _name_of(text) else {}
    if field == "date":
        date = find_date(value)
        return {"date": date} if date else {}
    if field in ("site", "url"):
        text, url = _link_target(value)
        found: dict[str, str | None] = {}
        if url:
            found["url"] = url
        if field == "site" and text and len(text.split()) <= MAX_SITE_WORDS and not CREDIT_PARTS.search(text):
            found["site"] = text  # "Source: CNN"; not "Source: Jdarsie11 / Wikimedia Commons", a photo's credit
        return found
    return {}


def _is_publication_date(iso: str, today: dt.date) -> bool:
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return False
    return EARLIEST_PUBLICATION <= day <= today


def read_headers(lines: Sequence[str], today: dt.date | None = None) -> HeaderReading:
    """`lines` (a text's lines, blank ones allowed) less the header lines above its first prose line and the credit,
    byline and date lines below its last; the fields they give, the first sensible value of each."""
    today = today or dt.date.today()
    filled = [index for index, line in enumerate(lines) if line.strip()]
    prose = [index for index in filled if _is_body_prose(_unwrapped(lines[index])[0])]
    if not prose:
        return HeaderReading(tuple(lines))
    first, last = prose[0], prose[-1]
    if first == filled[0] and len(prose) > 1 and reads_like_title(_unwrapped(lines[first])[0]):
        first = prose[1]  # a long headline is not the body's first line: the byline under it is still a header
    found: dict[str, str] = {}
    dropped: set[int] = set()
    title_index: int | None = None
    head = [index for index in filled if index < first]
    read = {index: header_fields(lines[index], head=index < first) for index in filled if not first <= index <= last}
    for position, index in enumerate(head[:-1]):
        place_byline = PLACE_BYLINE.match(_unwrapped(lines[index])[0]) if read[index] is None else None
        below = read[head[position + 1]]
        if place_byline and below is not None and "date" in below:
            read[index] = {"author": place_byline["name"]}  # "Jane Doe in London" over "Mon 30 Nov 2026 10.31 GMT"
    for index, fields in read.items():
        if fields is None:
            if index < first and title_index is None and _unwrapped(lines[index])[1]:
                title_index = index  # a Markdown heading above the prose: the title
            continue
        dropped.add(index)
        for key, value in fields.items():
            if not value or key in found:
                continue
            if key == "date" and not _is_publication_date(value, today):
                continue
            found[key] = value
    if "title" not in found and title_index is not None:
        found["title"] = _unwrapped(lines[title_index])[0]
        dropped.add(title_index)
    kept = tuple(
        _unwrapped(line)[0] if (index < first or index > last) and line.strip() else markdown_text(line)
        for index, line in enumerate(lines)
        if index not in dropped
    )
    return HeaderReading(
        kept,
        title=found.get("title"),
        author=found.get("author"),
        date=found.get("date"),
        url=found.get("url"),
        site=found.get("site"),
        head_dropped=sum(1 for index in dropped if index < first),
        tail_dropped=sum(1 for index in dropped if index > last),
    )
