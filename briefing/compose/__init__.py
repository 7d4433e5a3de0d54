"""Stage 5, compose: Articles + Summaries -> Brief.

The same event reported by several outlets becomes one story (briefing.compose.grouping) with one multi-source
summary (story_summary) whose sentences cite every source that says them; stories are ranked (ranking), the top N
shown in full and the rest listed under "Also noted"; the bottom line is one bullet per leading story; actors and
places come from a named-entity model (entities). Sources are numbered in story order, and each knows which brief
sentences quote it. With history (the `daily` command), stories briefed on an earlier day are left out or marked
"update" under `--new-only`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from briefing import __version__
from briefing.clean.headline import Parse
from briefing.compose.entities import extract_entities, story_entities
from briefing.compose.events import event_profiles
from briefing.compose.generated_headline import with_generated_headlines
from briefing.compose.grouping_store import stored_groups
from briefing.compose.headlines import headline_parse, story_headline
from briefing.compose.history import StoryFingerprint, find_earlier
from briefing.compose.numbering import number_brief
from briefing.compose.provenance import input_records, package_versions
from briefing.compose.ranking import (
    DraftStory,
    earliest_published,
    full_and_also_noted,
    latest_published,
    rank_stories,
)
from briefing.compose.story_event import StoryEvent, story_event
from briefing.compose.story_summary import summarize_story
from briefing.compose.vectors import ArticleVectors, embed_articles, normalize
from briefing.config import Affects, Method, Settings
from briefing.models import RunModels
from briefing.records import Article, Brief, Provenance, Skipped, Summary
from briefing.text import content_hash


@dataclass(frozen=True)
class Composition:
    """The brief, and the fingerprints of all its stories (those left out as already briefed included)."""

    brief: Brief
    fingerprints: tuple[StoryFingerprint, ...]


def compose(
    articles: Sequence[Article],
    summaries: Sequence[Summary],
    settings: Settings,
    models: RunModels,
    skipped: Sequence[Skipped] = (),
    started: float | None = None,
) -> Brief:
    """The brief for these articles, without looking at earlier days."""
    return compose_day(articles, summaries, settings, models, skipped, started).brief


def compose_day(
    articles: Sequence[Article],
    summaries: Sequence[Summary],
    settings: Settings,
    models: RunModels,
    skipped: Sequence[Skipped] = (),
    started: float | None = None,
    earlier: Sequence[StoryFingerprint] = (),
) -> Composition:
    """The brief, given the stories of earlier briefs (`earlier`, from the history database)."""
    if len(articles) != len(summaries):
        raise ValueError("compose needs one summary per article")
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    vectors = embed_articles(articles, summaries, models.encoder) if articles else []
    timings["embed"] = _lap(clock)
    clock = time.perf_counter()
    entities = extract_entities(articles, models.ner) if articles else []
    timings["entities"] = _lap(clock)
    clock = time.perf_counter()
    profiles = event_profiles(articles, entities)  # read by grouping and by each story's event: computed once
    groups = stored_groups(articles, vectors, entities, models.store, profiles=profiles)  # a re-run: from the store
    timings["group"] = _lap(clock)
    clock = time.perf_counter()
    drafts = []
    parse = headline_parse(models)
    for members in groups:
        actors, places = story_entities([entities[m] for m in members])
        draft = _draft_story(members, articles, summaries, vectors, settings.story_words, parse)
        drafts.append(replace(draft, actors=actors, places=places))
    timings["summarize_stories"] = _lap(clock)
    events = {d.id: story_event(d.members, articles, profiles, vectors) for d in drafts}
    fingerprints = tuple(
        StoryFingerprint(
            d.id, d.headline, tuple(articles[m].id for m in d.members), d.centroid, event=events[d.id].to_json()
        )
        for d in drafts
    )
    drafts, history_note = _apply_history(drafts, articles, earlier, settings.new_only, events)
    ranked = rank_stories(drafts, articles, settings.date)
    full, also = full_and_also_noted(ranked, articles, settings.top)
    full = with_generated_headlines(full, articles, settings, models)
    numbered = number_brief(full, also, articles, parse)
    provenance = _provenance(articles, summaries, settings, models, groups, timings, started, history_note)
    brief = Brief(
        date=settings.date,
        title=settings.title,
        stories=numbered.stories,
        sources=numbered.sources,
        bottom_line=numbered.bottom_line,
        also_noted=numbered.also_noted,
        skipped=tuple(skipped),
        provenance=provenance,
    )
    return Composition(brief, fingerprints)


def _lap(clock: float) -> float:
    return round(time.perf_counter() - clock, 3)


def _draft_story(
    members: Sequence[int],
    articles: Sequence[Article],
    summaries: Sequence[Summary],
    vectors: Sequence[ArticleVectors],
    budget_words: int,
    parse: Parse | None = None,
) -> DraftStory:
    centroid = normalize(np.stack([vectors[m].document for m in members]).mean(axis=0)).astype(np.float32)
    return DraftStory(
        id=content_hash("|".join(sorted(articles[m].id for m in members))),
        members=tuple(members),
        headline=story_headline(members, articles, vectors, centroid, parse),
        sentences=tuple(summarize_story(members, articles, summaries, vectors, budget_words)),
        centroid=centroid,
        published=latest_published(members, articles),
        first_published=earliest_published(members, articles),
        truncated=all(articles[m].truncated for m in members),
    )


def _grouping_note(stories: int) -> dict[str, object]:
    from briefing.compose.pair_model import MODEL_PATH, shipped_pair_model
    from briefing.text import content_hash

    model = shipped_pair_model()
    return {
        "pair_model": MODEL_PATH.name,
        "pair_model_sha": content_hash(MODEL_PATH.read_text(encoding="utf-8")),
        "clustering": "leiden-cpm",
        "resolution": model.resolution,
        "neighbours": model.neighbours,
        "stories": stories,
    }


def _apply_history(
    drafts: Sequence[DraftStory],
    articles: Sequence[Article],
    earlier: Sequence[StoryFingerprint],
    new_only: bool,
    events: dict[str, StoryEvent],
) -> tuple[list[DraftStory], dict[str, object]]:
    """Under --new-only: leave out stories briefed before with nothing new, mark the others with new sources."""
    if not new_only:
        return list(drafts), {"new_only": False, "earlier_stories": len(earlier)}
    kept: list[DraftStory] = []
    left_out: list[str] = []
    already_covered: list[dict[str, str]] = []  # what the brief's "Already covered" section and final line list
    for draft in drafts:
        coverage = find_earlier([articles[m].id for m in draft.members], draft.centroid, earlier, events[draft.id])
        if coverage is None:
            kept.append(draft)
            continue
        new_members = tuple(m for m in draft.members if articles[m].id not in coverage.article_ids)
        if not new_members:
            left_out.append(draft.headline)
            already_covered.append({"headline": draft.headline, "first_briefed": coverage.first_date.isoformat()})
            continue
        kept.append(
            replace(
                draft,
                status="update",
                previously_briefed=coverage.first_date,
                new_members=new_members,
            )
        )
    note: dict[str, object] = {
        "new_only": True,
        "earlier_stories": len(earlier),
        "left_out": left_out,
        "already_covered": already_covered,
        "updates": sum(1 for d in kept if d.status == "update"),
    }
    return kept, note


# What a brief records of its settings: those that change summaries or the brief; generation ones when generating.
_AFFECTING_THE_BRIEF = {
    False: (Affects.summary, Affects.brief),
    True: (Affects.summary, Affects.brief, Affects.generation),
}


def _provenance(
    articles: Sequence[Article],
    summaries: Sequence[Summary],
    settings: Settings,
    models: RunModels,
    groups: Sequence[Sequence[int]],
    timings: dict[str, float],
    started: float | None,
    history_note: dict[str, object],
) -> Provenance:
    from briefing.compose import entities, ranking, story_summary
    from briefing.compose.provenance import summarizer_model, weights_fingerprint
    from briefing.encoder.resolve import EMBEDDED_NAME, EMBEDDED_SHA256

    summary_model = summaries[0].model if summaries else settings.model
    summarizer = summarizer_model(settings.model, settings.allow_unsafe_weights, summary_model)
    ner_files = entities.model_files(models.ner) if articles else []
    return Provenance(
        briefing_version=__version__,
        generated_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        seconds=round(time.perf_counter() - started, 2) if started is not None else None,
        timings=timings,
        model=summary_model,
        method=settings.method.value,
        # The summarizer's weights hash when it is one file (the common case); every file is listed under "models".
        weights_sha256=summarizer["weights"][0]["sha256"] if len(summarizer["weights"]) == 1 else None,
        models={
            "summarizer": summarizer,
            "encoder": {"name": EMBEDDED_NAME, "weights": [{"file": "model.safetensors", "sha256": EMBEDDED_SHA256}]},
            "ner": {
                "name": entities.NER_PACKAGE,
                "available": bool(ner_files),
                "weights": weights_fingerprint(ner_files),
            },
        },
        parameters={
            **settings.affecting(*_AFFECTING_THE_BRIEF[settings.method is not Method.extractive]),
            "grouping": _grouping_note(len(groups)),
            "story_summary": {
                "centrality": story_summary.CENTRALITY_WEIGHT,
                "position": story_summary.POSITION_WEIGHT,
                "corroboration": story_summary.CORROBORATION_WEIGHT,
                "redundancy_penalty": story_summary.REDUNDANCY_PENALTY,
                "cite_similarity": story_summary.CITE_SIMILARITY,
            },
            "ranking": {
                "sources": ranking.SOURCES_WEIGHT,
                "recency": ranking.RECENCY_WEIGHT,
                "coverage": ranking.COVERAGE_WEIGHT,
            },
        },
        history=history_note,
        packages=package_versions(),
        inputs=input_records(articles),
    )
