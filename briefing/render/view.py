"""The brief.json document -> a typed view for the templates.

The view reads the document defensively (missing keys take defaults, unknown keys are ignored), so a brief.json
written by an older or newer minor schema version still renders, and templates can use strict undefined checking
on a shape that never changes. It also derives what the reader needs but the records do not hold directly: the
contents list and each source's quoted sentences; the run's own report (intake notes, what the history left out,
the provenance footer) is read by `briefing.render.run_notes`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from briefing.render.escape import plain_text, safe_url
from briefing.render.reading import mapping, mappings, plural, positive_int, positive_ints, texts, unique
from briefing.render.run_notes import CoveredView, already_covered, intake_notes, provenance_footer
from briefing.text import MAX_SHOWN_SENTENCE_CHARS, MAX_TITLE_CHARS, shorten

MAX_SHOWN_CITATIONS = 10


@dataclass(frozen=True)
class SentenceView:
    text: str
    sources: tuple[int, ...]
    flagged: bool = False
    reason: str = ""
    label: str = ""  # a lead-in shown before the text, e.g. the story headline of an "Also noted" line

    @property
    def shown_sources(self) -> tuple[int, ...]:
        """The citation marks printed after the sentence: the first MAX_SHOWN_CITATIONS."""
        return self.sources[:MAX_SHOWN_CITATIONS]

    @property
    def more_sources(self) -> int:
        """How many citations are not printed ("+N"): 500 near-duplicates must not give a sentence 500 marks."""
        return max(0, len(self.sources) - MAX_SHOWN_CITATIONS)


@dataclass(frozen=True)
class ReadingView:
    value: str
    sources: tuple[int, ...]


@dataclass(frozen=True)
class DisagreementView:
    """A "Sources differ" line: what is disputed, and each value with the sources that state it."""

    about: str
    readings: tuple[ReadingView, ...]


@dataclass(frozen=True)
class StoryView:
    number: int
    anchor: str
    headline: str
    sentences: tuple[SentenceView, ...]
    sources: tuple[int, ...]
    sites: tuple[str, ...]
    actors: tuple[str, ...]
    places: tuple[str, ...]
    is_update: bool
    update_note: str
    new_sources: tuple[int, ...]  # for an update: the sources earlier briefs did not have
    published: str
    truncated: bool
    disagreements: tuple[DisagreementView, ...] = ()
    since: str = ""  # the first day of a story whose sources span several days; "" for a one-day story


@dataclass(frozen=True)
class QuoteView:
    text: str
    story_number: int | None  # None: quoted in "Also noted"


@dataclass(frozen=True)
class SourceView:
    number: int
    anchor: str
    title: str
    url: str | None  # only ever http(s); anything else was dropped
    site: str
    published: str
    author: str
    location: str  # the file, URL or record it was read from
    quotes: tuple[QuoteView, ...]


@dataclass(frozen=True)
class SkippedView:
    source: str
    reason: str


@dataclass(frozen=True)
class BriefView:
    title: str
    date: str  # ISO, as in the folder name
    long_date: str  # "Wednesday 25 November 2026"
    bottom_line: tuple[SentenceView, ...]
    stories: tuple[StoryView, ...]
    also_noted: tuple[SentenceView, ...]
    sources: tuple[SourceView, ...]
    skipped: tuple[SkippedView, ...]
    counts: str  # "5 stories · 9 sources · 1 input skipped"
    provenance: tuple[str, ...]  # footer items, e.g. "model embedded (sha256 1a2b3c4d5e6f)"
    unverified: int  # sentences marked unverified, anywhere in the brief
    already_covered: tuple[CoveredView, ...] = ()
    intake_notes: tuple[str, ...] = ()  # what the date window and language left out, e.g. "12 older articles…"
    top: int | None = None  # the run's --top: that many stories asked for in full (briefing.render.layout)

    @property
    def source_groups(self) -> tuple[SourceGroup, ...]:
        """The sources by outlet and day, in order of each group's first number (brief.md's compact Sources)."""
        groups: dict[tuple[str, str], list[SourceView]] = {}
        for source in self.sources:
            groups.setdefault((source.site, source.published), []).append(source)
        return tuple(SourceGroup(site, published, tuple(members)) for (site, published), members in groups.items())


@dataclass(frozen=True)
class SourceGroup:
    """Sources of one outlet on one day; `site` is empty for sources whose outlet is not known."""

    site: str
    published: str
    sources: tuple[SourceView, ...]


def build_view(document: Mapping[str, Any]) -> BriefView:
    """The view of one brief.json document."""
    sources_by_number = {
        number: source for source in mappings(document.get("sources")) if (number := positive_int(source.get("number")))
    }
    known = frozenset(sources_by_number)
    stories = tuple(
        _story(position, story, sources_by_number)
        for position, story in enumerate(mappings(document.get("stories")), start=1)
    )
    also_noted = tuple(s for s in (_sentence(item, known) for item in mappings(document.get("also_noted"))) if s.text)
    quotes = _quotes_by_source(stories, also_noted)
    provenance = mapping(document.get("provenance"))
    intake = mapping(provenance.get("intake"))
    undated = "undated" if intake.get("window") else ""  # with a window, an article of unknown date is marked
    sources = tuple(_source(n, source, quotes.get(n, ()), undated) for n, source in sorted(sources_by_number.items()))
    skipped = tuple(
        SkippedView(
            shorten(plain_text(item.get("source")), MAX_TITLE_CHARS),
            shorten(plain_text(item.get("reason")), MAX_SHOWN_SENTENCE_CHARS),
        )
        for item in mappings(document.get("skipped"))
    )
    bottom_line = tuple(_sentence(item, known) for item in mappings(document.get("bottom_line")))
    date_text = plain_text(document.get("date"))
    return BriefView(
        title=shorten(plain_text(document.get("title")), MAX_TITLE_CHARS) or "Brief",
        date=date_text,
        long_date=_long_date(date_text),
        bottom_line=bottom_line,
        stories=stories,
        also_noted=also_noted,
        sources=sources,
        skipped=skipped,
        counts=_counts(len(stories), len(also_noted), len(sources), len(skipped)),
        provenance=provenance_footer(provenance),
        unverified=sum(s.flagged for s in (*bottom_line, *also_noted, *(s for t in stories for s in t.sentences))),
        already_covered=already_covered(mapping(provenance.get("history"))),
        intake_notes=intake_notes(intake),
        top=positive_int(mapping(provenance.get("parameters")).get("top")),
    )


def _story(position: int, story: Mapping[str, Any], sources: Mapping[int, Mapping[str, Any]]) -> StoryView:
    known = frozenset(sources)
    numbers = tuple(n for n in positive_ints(story.get("sources")) if n in known)
    sites = unique(plain_text(sources.get(n, {}).get("site")) for n in numbers)
    status = plain_text(story.get("status")).lower()
    return StoryView(
        number=position,
        anchor=f"story-{position}",
        headline=shorten(plain_text(story.get("headline")), MAX_TITLE_CHARS) or f"Story {position}",
        sentences=tuple(s for s in (_sentence(item, known) for item in mappings(story.get("sentences"))) if s.text),
        sources=numbers,
        sites=sites,
        actors=texts(story.get("actors")),
        places=texts(story.get("places")),
        is_update=status == "update",
        update_note=_update_note(story),
        new_sources=tuple(n for n in positive_ints(story.get("new_sources")) if n in known),
        published=plain_text(story.get("published")),
        truncated=bool(story.get("truncated")),
        disagreements=_disagreements(story.get("disagreements"), known),
        since=_since(story),
    )


def _since(story: Mapping[str, Any]) -> str:
    """The first publication day of a story whose sources were published on different days, else ""."""
    first = plain_text(story.get("first_published"))
    last = plain_text(story.get("last_published")) or plain_text(story.get("published"))
    return first if first and last and first != last else ""


def _disagreements(value: Any, known: frozenset[int]) -> tuple[DisagreementView, ...]:
    """The Sources differ lines; a reading without a known source, or a line left with fewer than two, is dropped."""
    lines = []
    for item in mappings(value):
        readings = tuple(
            ReadingView(text, numbers)
            for reading in mappings(item.get("readings"))
            if (text := plain_text(reading.get("value")))
            and (numbers := tuple(n for n in positive_ints(reading.get("sources")) if n in known))
        )
        if len(readings) >= 2:
            lines.append(DisagreementView(plain_text(item.get("about")), readings))
    return tuple(lines)


def _update_note(story: Mapping[str, Any]) -> str:
    """When the history says when this story was first briefed, say so; the field name is the composer's."""
    for key in ("previously_briefed", "first_briefed", "first_seen"):
        value = story.get(key)
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        if value:
            return f"first briefed {plain_text(value)}"
    return ""


def _sentence(item: Mapping[str, Any], known_sources: frozenset[int]) -> SentenceView:
    """A cited sentence; a citation of a number not in the Sources list is dropped rather than left dangling."""
    return SentenceView(
        text=shorten(plain_text(item.get("text") or item.get("headline")), MAX_SHOWN_SENTENCE_CHARS),
        sources=tuple(n for n in positive_ints(item.get("sources")) if n in known_sources),
        flagged=bool(item.get("flagged")),
        reason=plain_text(item.get("reason")),
        label=shorten(plain_text(item.get("label")), MAX_TITLE_CHARS),
    )


def _quotes_by_source(
    stories: Iterable[StoryView], also_noted: Iterable[SentenceView]
) -> dict[int, tuple[QuoteView, ...]]:
    """Each source's sentences as they appear in the brief, in reading order, each once."""
    quotes: dict[int, list[QuoteView]] = {}
    for story in stories:
        for sentence in story.sentences:
            for number in sentence.sources:
                quotes.setdefault(number, []).append(QuoteView(sentence.text, story.number))
    for item in also_noted:
        for number in item.sources:
            quotes.setdefault(number, []).append(QuoteView(item.text, None))
    return {number: tuple(_unique_quotes(found)) for number, found in quotes.items()}


def _unique_quotes(quotes: Iterable[QuoteView]) -> list[QuoteView]:
    seen: set[str] = set()
    kept = []
    for quote in quotes:
        if quote.text and quote.text not in seen:
            seen.add(quote.text)
            kept.append(quote)
    return kept


def _source(number: int, source: Mapping[str, Any], quotes: tuple[QuoteView, ...], undated: str) -> SourceView:
    return SourceView(
        number=number,
        anchor=f"source-{number}",
        title=shorten(plain_text(source.get("title")) or plain_text(source.get("source")), MAX_TITLE_CHARS)
        or f"Source {number}",
        url=safe_url(source.get("url")),
        site=plain_text(source.get("site")),
        published=plain_text(source.get("published")) or undated,
        author=plain_text(source.get("author")),
        location=plain_text(source.get("source")),
        quotes=quotes,
    )


def _counts(stories: int, also_noted: int, sources: int, skipped: int) -> str:
    parts = [plural(stories, "story", "stories")]
    if also_noted:
        parts.append(f"{also_noted} also noted")
    parts.append(plural(sources, "source", "sources"))
    if skipped:
        parts.append(plural(skipped, "input", "inputs") + " skipped")
    return " · ".join(parts)


def _long_date(iso_date: str) -> str:
    try:
        day = dt.date.fromisoformat(iso_date)
    except ValueError:
        return iso_date
    return f"{day:%A} {day.day} {day:%B %Y}"
