"""What `briefing verify` reads: JSONL records of summaries with their sources, and plain summary files.

A record is one JSON object per line: `{"id", "article": "…"}` or `{"id", "sources": ["…", …]}`, and `"summary"`
as one text or a list of sentences (also under the names evaluation sets use: `ARTICLE_FIELDS`, `SUMMARY_FIELDS`).
A record without an article or a summary (or a line that is not JSON) is skipped with a one-line reason naming the
file and line; the other records are read.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from briefing.errors import SourceError
from briefing.ingest.record_fields import keyed_fields
from briefing.records import Skipped
from briefing.summary_text import claim_sentences


@dataclass(frozen=True)
class SummaryRecord:
    """One record as read, before its sources are cleaned: `where` is `file:line`."""

    where: str
    id: str
    sources: tuple[str, ...]
    summary: tuple[str, ...]


def read_text(source: str) -> str:
    """A file's text, or stdin's for `-`; a file that cannot be read raises SourceError with the reason."""
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    if not path.is_file():
        raise SourceError(source, "no such file" if not path.exists() else "not a file")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(source, "not UTF-8 text") from None
    except OSError as error:
        raise SourceError(source, f"cannot be read ({error.strerror or error})") from None


def summary_sentences(value: object) -> tuple[str, ...]:
    """A summary's sentences: a text is read as people and models write one (`briefing.summary_text`: Markdown
    headings, rules, list markers, emphasis and lead-ins such as "Here is a summary:" are no claims; a line wrapped at
    a fixed width is joined), then split into sentences; a list is taken as sentences (each split again when it holds
    several)."""
    items = value if isinstance(value, list) else [value]
    sentences: list[str] = []
    for item in items:
        if isinstance(item, str):
            sentences.extend(claim_sentences(item))
    return tuple(sentences)


def read_summary_records(source: str) -> tuple[list[SummaryRecord], list[Skipped]]:
    """Every usable record of a JSONL file (or stdin), and a Skipped for each unusable line."""
    records: list[SummaryRecord] = []
    skipped: list[Skipped] = []
    for item in _records(source, read_text(source)):
        if isinstance(item, SummaryRecord):
            records.append(item)
        else:
            skipped.append(item)
    return records, skipped


def _records(source: str, text: str) -> Iterator[SummaryRecord | Skipped]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield Skipped(where, f"not a JSON object ({error.msg} at column {error.colno})")
            continue
        if not isinstance(value, dict):
            yield Skipped(where, "not a JSON object")
            continue
        yield _record(where, value)


# What evaluation sets and exports call the parts of a record (looked up without case or separators, first match):
# the source text ("document": XSum; "text": FactCC), a list of sources, and the summary ("highlights": the Hugging
# Face CNN/DailyMail set; "claim": FactCC; a model's "prediction" or "output"). `summary` wins over a prediction.
ARTICLE_FIELDS = ("article", "text", "document", "content", "body")
SOURCES_FIELDS = ("sources", "documents", "articles")
SUMMARY_FIELDS = ("summary", "highlights", "claim", "prediction", "generated", "output", "hypothesis")


def _record(where: str, value: dict[str, object]) -> SummaryRecord | Skipped:
    keyed = keyed_fields(value)
    record_id = str(keyed.get("id") or where)
    label = f"{where} (id {record_id})" if keyed.get("id") else where
    article = next((keyed[name] for name in ARTICLE_FIELDS if _has_text(keyed.get(name))), None)
    listed = next((keyed[name] for name in SOURCES_FIELDS if isinstance(keyed.get(name), list)), None)
    if isinstance(article, str):
        sources: tuple[str, ...] = (article,)
    elif isinstance(listed, list):
        sources = tuple(s for s in listed if _has_text(s))
    else:
        sources = ()
    if not sources:
        return Skipped(label, 'no source text: give "article" (a text) or "sources" (a list of texts)')
    given = next((keyed[name] for name in SUMMARY_FIELDS if keyed.get(name) not in (None, "", [])), None)
    summary = summary_sentences(given)
    if not summary:
        return Skipped(label, 'no summary: give "summary" as a text or a list of sentences')
    return SummaryRecord(where, record_id, sources, summary)


def _has_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())
