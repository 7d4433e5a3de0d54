"""The small frozen records passed from stage to stage.

ingest -> RawDocument -> clean -> Article -> chunk -> Chunk -> summarize -> Summary -> compose -> Brief -> render
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

DocumentKind = Literal["text", "html", "record"]


@dataclass(frozen=True)
class RawDocument:
    """One input as read, before cleaning. `source` names where it came from (path, URL, `file.jsonl:12`)."""

    source: str
    content: str
    kind: DocumentKind
    title: str | None = None
    url: str | None = None
    published: str | None = None
    author: str | None = None
    site: str | None = None


@dataclass(frozen=True)
class Article:
    """A cleaned article: body text split into sentences, with the metadata found for it."""

    id: str  # stable: hash of the cleaned body
    source: str
    title: str
    sentences: tuple[str, ...]
    url: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) when known
    author: str | None = None
    site: str | None = None
    language: str | None = None
    truncated: bool = False  # body stops mid-sentence or on "…": an excerpt, not the whole story

    @property
    def text(self) -> str:
        return " ".join(self.sentences)

    @property
    def word_count(self) -> int:
        return sum(len(sentence.split()) for sentence in self.sentences)


@dataclass(frozen=True)
class Chunk:
    """A run of whole article sentences that fits the model's context; `start`/`end` index `Article.sentences`."""

    article_id: str
    index: int
    start: int
    end: int  # exclusive
    text: str
    token_count: int


@dataclass(frozen=True)
class SummarySentence:
    """One summary sentence and the article sentences that support it (indexes into `Article.sentences`)."""

    text: str
    citations: tuple[int, ...]
    support: float | None = None  # best encoder similarity to a cited sentence, when checked
    flagged: bool = False  # kept although the faithfulness guard found no support
    reason: str | None = None  # why it was flagged


@dataclass(frozen=True)
class Summary:
    article_id: str
    sentences: tuple[SummarySentence, ...]
    method: str
    model: str


@dataclass(frozen=True)
class Source:
    """A numbered source of the brief: what `[n]` points at."""

    number: int
    article_id: str
    title: str
    source: str
    url: str | None = None
    site: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class BriefSentence:
    text: str
    sources: tuple[int, ...]  # Source.number values
    flagged: bool = False


@dataclass(frozen=True)
class Story:
    """One event, possibly reported by several articles."""

    id: str
    headline: str
    sentences: tuple[BriefSentence, ...]
    sources: tuple[int, ...]
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    status: Literal["new", "update"] = "new"
    truncated: bool = False


@dataclass(frozen=True)
class Skipped:
    """An input left out of the run, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class Brief:
    date: dt.date
    title: str
    stories: tuple[Story, ...]
    sources: tuple[Source, ...]
    bottom_line: tuple[BriefSentence, ...] = ()
    also_noted: tuple[BriefSentence, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    provenance: dict[str, Any] = field(default_factory=dict)
