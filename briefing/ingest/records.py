"""JSON and JSONL records: one article per object, with `text` or `article` and optional metadata.

Fields: body from `text`, `article`, `content` or `body` (first non-empty); `title`, `url`, `published` (or `date`),
`author`, `id`, `site` (or `sitename`). A JSON file may hold one object, a list of objects, or an object with the list
under `articles` or `items`. In JSONL a broken line is skipped with its line number and the other lines are read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import json
import re
from collections.abc import Iterable, Iterator

from briefing.errors import SourceError
from briefing.ingest.sniff import looks_like_html
from briefing.records import RawDocument, Skipped
from briefing.shown import for_terminal, usable_url

BODY_FIELDS = ("text", "article", "content", "body")
MAX_REPORTED_BROKEN_LINES = 10  # beyond this, one summary line: a mislabelled binary file would flood the report


def jsonl_documents(source: str, lines: Iterable[tuple[int, str | None]]) -> Iterator[RawDocument | Skipped]:
    """Documents from numbered JSONL lines; a None line was too long to read (over the size cap)."""
    broken = 0
    read = 0
    lines_seen = 0
    non_blank = 0
    for number, line in lines:
        lines_seen += 1
        where = f"{source}:{number}"
        if line is None:
            non_blank += 1
            yield Skipped(where, "line longer than the input size cap (max_input_mb); skipped")
            continue
        if not line.strip():
            continue
        non_blank += 1
        try:
            value = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as error:
            broken += 1
            if broken <= MAX_REPORTED_BROKEN_LINES:
                what = f"{error.msg.removesuffix(' at')} at column {error.colno}"
                yield Skipped(where, f"broken JSON line ({what}); other lines read")
            continue
        except RecursionError:
            broken += 1
            yield Skipped(where, "JSON nested too deeply; skipped")
            continue
        read += 1
        try:
            yield from record_documents(where, value)
        except SourceError as error:
            yield Skipped(error.source, error.reason)
    if broken > MAX_REPORTED_BROKEN_LINES:
        more = broken - MAX_REPORTED_BROKEN_LINES
        yield Skipped(source, f"{more} more broken JSON lines skipped ({read} lines read)")
    if non_blank == 0:
        raise SourceError(source, "empty file" if lines_seen == 0 else "only whitespace")


def json_documents(source: str, text: str) -> Iterator[RawDocument | Skipped]:
    """Documents from a whole JSON document: an object, a list of objects, or {"articles": [...]}/{"items": [...]}."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(source, f"invalid JSON ({error.msg} at line {error.lineno})") from None
    except RecursionError:
        raise SourceError(source, "JSON nested too deeply") from None
    if isinstance(value, dict) and not _body_of(value):
        for key in ("articles", "items"):
            if isinstance(value.get(key), list):
                value = value[key]
                break
    if isinstance(value, list):
        if not value:
            raise SourceError(source, "JSON list is empty: no records")
        for number, item in enumerate(value, start=1):
            try:
                yield from record_documents(f"{source}[{number}]", item)
            except SourceError as error:
                yield Skipped(error.source, error.reason)
        return
    yield from record_documents(source, value)


def record_documents(where: str, item: object) -> Iterator[RawDocument | Skipped]:
    """The record's document, after a note when its `url` is unusable: the article is kept, the URL dropped."""
    document = record_document(where, item)
    if document.url is not None and not usable_url(document.url):
        yield Skipped(document.source, f"url {for_terminal(document.url, 80)!r} is malformed; article kept without it")
        document = dataclasses.replace(document, url=None)
    yield document


def record_document(where: str, item: object) -> RawDocument:
    if not isinstance(item, dict):
        raise SourceError(where, "expected a JSON object with a `text` or `article` field")
    body = _body_of(item)
    if body is None:
        raise SourceError(where, "record has no `text` or `article` field with text in it")

    def field(*names: str) -> str | None:
        for name in names:
            value = item.get(name)
            if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
                return str(value).strip()
        return None

    record_id = field("id")
    return RawDocument(
        f"{where}#{record_id}" if record_id else where,
        body,
        "html" if looks_like_html(body) else "record",
        title=field("title"),
        url=field("url"),
        published=iso_date(field("published", "date")),
        author=field("author"),
        site=field("site", "sitename"),
    )


def _body_of(item: dict[str, object]) -> str | None:
    for name in BODY_FIELDS:
        value = item.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return None


_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def iso_date(value: str | None) -> str | None:
    """YYYY-MM-DD from an ISO 8601 or RFC 2822 date; None when the value is not a date we can read for sure."""
    if not value:
        return None
    match = _ISO_DATE.match(value)
    try:
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
