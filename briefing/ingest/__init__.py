"""Stage 1, ingest: turn SOURCE arguments into RawDocuments.

A source is a file, a folder (read recursively), `-` for stdin, or an http(s) URL. Files may be text, Markdown,
HTML, JSON/JSONL records, RSS/Atom feeds or lists of URLs, optionally gzip'd. Every input that cannot be used
becomes a `Skipped` with a one-line reason (an oversized one is cut, and a `Skipped` note says what was left out);
the rest of the batch carries on. The details live in `briefing.ingest`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefing.config import Settings
from briefing.errors import SourceError
from briefing.ingest.content import IngestContext, Item, guarded, url_documents
from briefing.ingest.files import path_documents, stdin_documents
from briefing.records import RawDocument, Skipped

_URL_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]+):")


@dataclass(frozen=True)
class IngestResult:
    documents: tuple[RawDocument, ...]
    skipped: tuple[Skipped, ...]


def ingest(sources: Sequence[str], settings: Settings) -> IngestResult:
    """Read every source; unusable ones (and cut-off parts) are reported in `skipped`, never raised."""
    context = IngestContext(settings)
    documents: list[RawDocument] = []
    skipped: list[Skipped] = []
    try:
        for source in sources:
            for item in guarded(source, _expand(context, source)):
                if isinstance(item, Skipped):
                    skipped.append(item)
                else:
                    documents.append(item)
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
