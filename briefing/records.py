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
    truncated: bool = False  # ingestion kept only the first part of an oversized input (a note says so)


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
    """A numbered source of the brief: what `[n]` points at. Numbered in story order (stories, then Also noted)."""

    number: int
    article_id: str
    title: str
    source: str
    url: str | None = None
    site: str | None = None
    published: str | None = None
    author: str | None = None
    story_id: str | None = None  # the Story (or Also-noted item) this article was grouped into
    quoted_in: tuple[str, ...] = ()  # BriefSentence.id values that cite this source, in reading order


@dataclass(frozen=True)
class BriefSentence:
    """A sentence of the brief, taken from (or, when flagged, generated over) the sources it cites."""

    text: str
    sources: tuple[int, ...]  # Source.number values; never empty
    flagged: bool = False  # unverified: the faithfulness guard found no support in the cited article
    id: str = ""  # unique in the brief, usable as an HTML anchor: "s2-1" (story 2, sentence 1), "bluf-1", "also-3"
    story_id: str | None = None  # the Story this sentence belongs to or points at (bottom line, Also noted)
    label: str | None = None  # a short lead-in shown before the text: the story headline in Also noted


@dataclass(frozen=True)
class Story:
    """One event, possibly reported by several articles; `sources` lists every one of them."""

    id: str
    headline: str
    sentences: tuple[BriefSentence, ...]
    sources: tuple[int, ...]
    actors: tuple[str, ...] = ()  # people and organisations (named-entity model), most mentioned first
    places: tuple[str, ...] = ()  # countries, cities, regions, facilities
    status: Literal["new", "update"] = "new"
    truncated: bool = False
    rank: int = 0  # 1 = most important; Also-noted stories continue the numbering
    score: float = 0.0  # importance: sources, recency, length of coverage (see briefing.compose.ranking)
    published: str | None = None  # latest ISO date among its sources, when known
    since: str | None = None  # earliest ISO date among its sources, when they were published on different days
    previously_briefed: str | None = None  # ISO date of the earlier brief that covered it (status "update")
    new_sources: tuple[int, ...] = ()  # for an "update": the sources that earlier briefs did not have


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
