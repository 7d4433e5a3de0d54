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
    published: dt.date | None = None  # the day it was published, when known
    author: str | None = None
    site: str | None = None
    language: str | None = None
    truncated: bool = False  # body stops mid-sentence or on "…": an excerpt, not the whole story
    dateline: str | None = None  # "DARA, Afghanistan": the place line opening the body (it stays in the text too)

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
    published: dt.date | None = None
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
    reason: str | None = None  # for a flagged sentence: why the faithfulness guard could not tie it to its source


@dataclass(frozen=True)
class Reading:
    """One value of a disputed fact and the sources that state it."""

    value: str  # as the sources write it: "27", "did not arrest", "Tuesday"
    sources: tuple[int, ...]  # Source.number values
    sentence: str  # the sentence of the first of them that says it


@dataclass(frozen=True)
class Disagreement:
    """Sources of one story that say the same thing with different values ("Sources differ")."""

    kind: Literal["number", "date", "negation", "name", "role"]
    about: str  # the shared words that say what is disputed: "people were killed"
    readings: tuple[Reading, ...]  # at least two, in source-number order
    sentence_id: str  # the brief sentence it qualifies (that sentence cites only the sources of its own reading)


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
    published: dt.date | None = None  # the latest day among its sources, when known
    first_published: dt.date | None = None  # the span of its sources' days (an event that runs for days: "since")
    last_published: dt.date | None = None  # the same day as `published`
    previously_briefed: dt.date | None = None  # the day of the earlier brief that covered it (status "update")
    new_sources: tuple[int, ...] = ()  # for an "update": the sources that earlier briefs did not have
    disagreements: tuple[Disagreement, ...] = ()  # where its sources state different values for the same thing


@dataclass(frozen=True)
class Skipped:
    """An input left out of the run, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class InputRecord:
    """One input article of a brief: where it came from and the sha256 of the cleaned text the brief was built on."""

    source: str
    id: str
    title: str = ""
    sha256: str = ""
    words: int = 0


@dataclass(frozen=True)
class Provenance:
    """What made a brief: versions, models and their weight hashes, settings, timings, and every input."""

    briefing_version: str = ""
    generated_at: str | None = None  # ISO timestamp, UTC
    seconds: float | None = None  # wall time of the run, when measured
    timings: dict[str, float] = field(default_factory=dict)  # seconds per compose step
    model: str = ""  # the summarizer's model as given (--model)
    method: str = ""  # extractive, abstractive or hybrid
    weights_sha256: str | None = None  # the summarizer's weights, when they are one file
    models: dict[str, Any] = field(default_factory=dict)  # summarizer, encoder and NER: names and weight hashes
    parameters: dict[str, Any] = field(default_factory=dict)  # the settings and constants that shaped the brief
    history: dict[str, Any] = field(default_factory=dict)  # what the history of earlier briefs contributed
    intake: dict[str, Any] = field(default_factory=dict)  # what --window and --lang left out (briefing.window)
    packages: dict[str, str | None] = field(default_factory=dict)  # versions of the packages that did the work
    inputs: tuple[InputRecord, ...] = ()


@dataclass(frozen=True)
class Brief:
    date: dt.date
    title: str
    stories: tuple[Story, ...]
    sources: tuple[Source, ...]
    bottom_line: tuple[BriefSentence, ...] = ()
    also_noted: tuple[BriefSentence, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    provenance: Provenance = field(default_factory=Provenance)


@dataclass(frozen=True)
class VerifyRequest:
    """`briefing verify`: a summary to check against its sources (cleaned articles)."""

    id: str
    sources: tuple[Article, ...]
    summary: tuple[str, ...]  # its sentences


@dataclass(frozen=True)
class Citation:
    """Where a source says what a checked sentence says: `source` and `sentence` count from 1."""

    source: int
    sentence: int
    text: str


@dataclass(frozen=True)
class SentenceVerdict:
    text: str
    supported: bool
    reason: str | None  # why it is not supported; None when it is
    score: float  # the encoder similarity of its best-matching source sentence
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class VerifyReport:
    id: str
    sentences: tuple[SentenceVerdict, ...]
