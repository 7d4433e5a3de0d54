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
from briefing.ingest.files import file_documents, folder_files, path_documents, stdin_documents
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


def work_units(sources: Sequence[str]) -> Iterator[tuple[str, str | None] | Skipped]:
    """The sources split into the units a distributed run hands out: each file of a folder (with its hint), every
    other source as it is (hint None). Reading them all with `ingest_unit` gives what `ingest(sources)` gives."""
    for source in sources:
        if source != "-" and not _URL_SCHEME.match(source) and Path(source).is_dir():
            try:
                for entry in folder_files(Path(source)):
                    yield entry if isinstance(entry, Skipped) else (str(entry[0]), entry[1])
            except SourceError as error:  # a folder without article files: the same one line as `ingest` gives
                yield Skipped(error.source or source, error.reason)
        else:
            yield source, None


def ingest_unit(source: str, hint: str | None, settings: Settings) -> IngestResult:
    """Read one unit of `work_units`: a folder's file with its hint, or any source."""
    if hint is None:
        return ingest([source], settings)
    context = IngestContext(settings)
    documents: list[RawDocument] = []
    skipped: list[Skipped] = []
    try:
        for item in guarded(source, file_documents(context, Path(source), hint)):
            (skipped if isinstance(item, Skipped) else documents).append(item)  # type: ignore[arg-type]
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
