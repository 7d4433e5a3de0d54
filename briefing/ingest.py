"""Stage 1, ingest: turn SOURCE arguments into RawDocuments.

A source is a file, a folder (read recursively), `-` for stdin, or an http(s) URL. Files may be text, Markdown,
HTML, JSON/JSONL records, RSS/Atom feeds or lists of URLs, optionally gzip'd. Every input that cannot be used
becomes a `Skipped` with a one-line reason (an oversized one is cut, and a `Skipped` note says what was left out);
the rest of the batch carries on. The details live in `briefing.sources`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from briefing.config import Settings
from briefing.errors import SourceError
from briefing.records import Article, RawDocument, Skipped
from briefing.sources.content import IngestContext, Item, guarded, url_documents
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


def bound_article(article: Article, settings: Settings | None = None) -> tuple[Article, Skipped | None]:
    """Keep the leading sentences of an article whose cleaned text passes `max_text_chars`, with a note.

    Ingestion caps the text it reads, but an HTML page's cleaned text is only known after cleaning; every later
    stage's work grows with the sentence count, so this is where one input's cost is bounded. News puts the key
    facts first, so the lead is what to keep.
    """
    limit = (settings or Settings()).max_text_chars
    total = sum(len(sentence) + 1 for sentence in article.sentences)
    if total <= limit:
        return article, None
    kept: list[str] = []
    used = 0
    for sentence in article.sentences:
        if used + len(sentence) + 1 > limit:
            if not kept:  # one "sentence" longer than the cap (text without punctuation): cut it at a space
                cut = sentence.rfind(" ", 0, limit)
                kept.append(sentence[: cut if cut > limit // 2 else limit])
            break
        kept.append(sentence)
        used += len(sentence) + 1
    kept_chars = sum(len(sentence) + 1 for sentence in kept)
    note = Skipped(
        article.source,
        f"article too long ({total:,} characters after cleaning): only the first {kept_chars:,} characters "
        f"({len(kept):,} of {len(article.sentences):,} sentences) kept (max_text_chars = {limit:,}); "
        "the rest is left out",
    )
    return replace(article, sentences=tuple(kept), truncated=True), note
