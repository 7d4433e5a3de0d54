"""JSON and JSONL records: one article per object, its text and metadata under the names exports use.

Fields: see `record_fields.py` (body from `text`, `article`, `content`, `body`, `maintext`, `fullText`, …; title, url,
published, author, site, id under their common names). A JSON file may hold one object, a list of objects, or the list
inside an API response's wrapper (`{"articles": [...]}`, `{"response": {"results": [...]}}`, `{"hits": {"hits":
[...]}}`, …). In JSONL a broken line is skipped with its line number and the other lines are read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import json
import re
from collections.abc import Iterable, Iterator

from briefing.errors import SourceError
from briefing.ingest.record_fields import (
    AUTHOR_FIELDS,
    BODY_FIELDS,
    ID_FIELDS,
    SITE_FIELDS,
    TITLE_FIELDS,
    URL_FIELDS,
    RecordFields,
    people,
)
from briefing.ingest.sniff import looks_like_html
from briefing.records import RawDocument, Skipped
from briefing.shown import for_terminal, usable_url

MAX_REPORTED_BROKEN_LINES = 10  # beyond this, one summary line: a mislabelled binary file would flood the report
# Where API responses and exports put their list of records (NewsAPI, the Guardian, the NYT, Elasticsearch, feeds
# turned into JSON, JSON:API), looked in in this order, at most MAX_WRAPPER_DEPTH objects deep.
RECORD_LISTS = (
    "articles",
    "items",
    "results",
    "data",
    "response",
    "docs",
    "documents",
    "entries",
    "posts",
    "stories",
    "news",
    "records",
    "hits",
    "value",
    "rows",
)
MAX_WRAPPER_DEPTH = 3
MAX_NAMED_FIELDS = 8  # a record without text names at most this many of the fields it has


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
    """Documents from a whole JSON document: an object, a list of objects, or a list inside wrapper objects."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(source, f"invalid JSON ({error.msg} at line {error.lineno})") from None
    except RecursionError:
        raise SourceError(source, "JSON nested too deeply") from None
    if isinstance(value, dict) and not RecordFields(value).has_article_text():
        value = _record_list(value, MAX_WRAPPER_DEPTH)
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
    fields = RecordFields(item)
    found = fields.body()
    if found is None:
        raise SourceError(where, _no_text_reason(fields))
    body, cut_off = found
    record_id = fields.text(ID_FIELDS)
    return RawDocument(
        f"{where}#{record_id}" if record_id else where,
        body,
        "html" if looks_like_html(body) else "record",
        title=_one_line(fields.text(TITLE_FIELDS)),
        url=fields.text(URL_FIELDS),
        published=iso_date(fields.date()),
        author=_one_line(next((name for value in fields.values(AUTHOR_FIELDS) if (name := people(value))), None)),
        site=_site(fields.text(SITE_FIELDS)),
        truncated=cut_off,
    )


def _record_list(value: dict[str, object], depth: int) -> object:
    """The list of records inside an API response's wrapper objects, or `value` itself when there is none."""
    for key in RECORD_LISTS:
        inner = value.get(key)
        if isinstance(inner, list) and any(isinstance(item, dict) for item in inner):
            return inner
        if isinstance(inner, dict) and depth > 1:
            found = _record_list(inner, depth - 1)
            if found is not inner:
                return found
    return value


def _no_text_reason(fields: RecordFields) -> str:
    names = fields.given_names
    shown = ", ".join(f"`{name}`" for name in names[:MAX_NAMED_FIELDS])
    shown += ", …" if len(names) > MAX_NAMED_FIELDS else ""
    looked_for = ", ".join(f"`{name}`" for name in BODY_FIELDS[:4])
    return f"record has no article text (no {looked_for} or similar field with text; it has {shown or 'no fields'})"


def _one_line(text: str | None) -> str | None:
    return " ".join(text.split()) if text else None


def _site(text: str | None) -> str | None:
    """An outlet's name; a URL given as the source is read as its host name."""
    if text and "://" in text:
        from urllib.parse import urlsplit

        host = urlsplit(text.strip()).hostname
        return host.removeprefix("www.") if host else None
    return _one_line(text)


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
