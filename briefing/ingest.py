"""Stage 1, ingest: turn SOURCE arguments into RawDocuments.

A source is a file, a folder (read recursively), `-` for stdin, or an http(s) URL. Files may be text, Markdown,
HTML, JSON/JSONL records, RSS/Atom feeds or lists of URLs, optionally gzip'd. Every input that cannot be used
becomes a `Skipped` with a one-line reason (an oversized one is cut, and a `Skipped` note says what was left out);
the rest of the batch carries on. The details live in `briefing.sources`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefing.config import Settings
from briefing.errors import SourceError
from briefing.records import RawDocument, Skipped
from briefing.sources.content import IngestContext, Item, url_documents
from briefing.sources.decode import decode
from briefing.sources.files import path_documents, stdin_documents

_URL_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]+):")


@dataclass(frozen=True)
class IngestResult:
    documents: tuple[RawDocument, ...]
    skipped: tuple[Skipped, ...]


def ingest(sources: Sequence[str], settings: Settings | None = None) -> IngestResult:
    """Read every source; unusable ones (and cut-off parts) are reported in `skipped`, never raised."""
    context = IngestContext(settings or Settings())
    documents: list[RawDocument] = []
    skipped: list[Skipped] = []
    try:
        for source in sources:
            try:
                for item in _expand(context, source):
                    (skipped if isinstance(item, Skipped) else documents).append(item)  # type: ignore[arg-type]
            except SourceError as error:
                skipped.append(Skipped(error.source, error.reason))
    finally:
        context.close()
    return IngestResult(tuple(documents), tuple(skipped))


def _expand(context: IngestContext, source: str) -> Iterator[Item]:
    if source == "-":
        yield from stdin_documents(context)
        return
    scheme = _URL_SCHEME.match(source)
    if scheme and scheme.group(1).lower() in ("http", "https"):
        yield from url_documents(context, source)
        return
    if scheme and not Path(source).exists():
        raise SourceError(source, f"only http and https URLs are fetched ({scheme.group(1).lower()}: refused)")
    yield from path_documents(context, source)


def decode_text(source: str, data: bytes) -> str:
    """Bytes to text as ingestion does it (kept for callers of the first version of this module)."""
    return decode(source, data)
