"""Story importance, the bottom line up front, and the one-liners of "Also noted".

importance = SOURCES_WEIGHT  * log2(1 + distinct outlets reporting it)
           + RECENCY_WEIGHT  * 1 / (1 + days between its latest article and the brief date)   (0.5 when undated)
           + COVERAGE_WEIGHT * log10(1 + words written about it) / 4
An event five outlets report outranks one outlet's scoop; between equals, the fresher and more covered one leads.
Ties keep input order, so the brief is deterministic.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from briefing.compose.story_summary import DraftSentence, published_date
from briefing.records import Article
from briefing.summarize.sentence_features import leans_on_context

SOURCES_WEIGHT = 1.0
RECENCY_WEIGHT = 0.5
COVERAGE_WEIGHT = 0.3
UNDATED_RECENCY = 0.5
BOTTOM_LINE_MAX = 5
BULLET_MAX_WORDS = 40  # a bottom-line bullet longer than this gives way to the story's next-best shorter sentence


@dataclass(frozen=True)
class DraftStory:
    """A story before its sources are numbered; `members` index the day's articles."""

    id: str
    members: tuple[int, ...]
    headline: str
    sentences: tuple[DraftSentence, ...]
    centroid: np.ndarray
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    published: str | None = None
    since: str | None = None  # earliest day of its articles when they span several days (an event that runs on)
    truncated: bool = False
    score: float = 0.0
    status: Literal["new", "update"] = "new"
    previously_briefed: str | None = None
    new_members: tuple[int, ...] = ()


def latest_published(members: Sequence[int], articles: Sequence[Article]) -> str | None:
    dates = [d for d in (published_date(articles[m].published) for m in members) if d is not None]
    return max(dates).isoformat() if dates else None


def outlet_count(members: Sequence[int], articles: Sequence[Article]) -> int:
    """Distinct outlets: two articles from one site count once; an article of unknown site counts on its own."""
    sites = {articles[m].site.lower() for m in members if articles[m].site}
    return len(sites) + sum(1 for m in members if not articles[m].site)


def importance(story: DraftStory, articles: Sequence[Article], brief_date: dt.date) -> float:
    latest = published_date(story.published)
    recency = UNDATED_RECENCY if latest is None else 1.0 / (1.0 + max(0, (brief_date - latest).days))
    words = sum(articles[m].word_count for m in story.members)
    return (
        SOURCES_WEIGHT * math.log2(1 + outlet_count(story.members, articles))
        + RECENCY_WEIGHT * recency
        + COVERAGE_WEIGHT * math.log10(1 + words) / 4
    )


def rank_stories(stories: Sequence[DraftStory], articles: Sequence[Article], brief_date: dt.date) -> list[DraftStory]:
    """Most important first; each story carries its score."""
    scored = [replace(s, score=round(importance(s, articles, brief_date), 4)) for s in stories]
    order = sorted(range(len(scored)), key=lambda i: (-scored[i].score, scored[i].members[0]))
    return [scored[i] for i in order]


def best_sentence(story: DraftStory) -> DraftSentence | None:
    """The story's bottom-line sentence: its highest-scoring verified sentence that reads as one line and stands alone
    (it does not open with "He", "That" or "But", which point back to a sentence the bullet does not show); failing
    that, a verified one up to twice as long that stands alone; then a short one that leans; then its best.

    When the story's articles were published on different days, a standing-alone sentence from the newest day comes
    first: the bottom line says where the event stands now ("found safe"), not where it stood ("the search is on").
    """
    if not story.sentences:
        return None
    ranked = sorted(story.sentences, key=lambda s: (s.flagged, -s.score))
    verified = [s for s in ranked if not s.flagged]
    alone = [s for s in verified if not leans_on_context(s.text) and len(s.text.split()) <= 2 * BULLET_MAX_WORDS]
    short = [s for s in verified if len(s.text.split()) <= BULLET_MAX_WORDS]
    short_alone = [s for s in alone if len(s.text.split()) <= BULLET_MAX_WORDS]
    days = {s.day for s in story.sentences if s.day is not None}
    if len(days) > 1:
        newest = max(days)
        for pool in (short_alone, alone):
            latest = [s for s in pool if s.day == newest]
            if latest:
                return latest[0]
    return (short_alone or alone or short or ranked)[0]


def bottom_line_stories(ranked: Sequence[DraftStory]) -> list[DraftStory]:
    """The leading stories that get a bottom-line bullet: up to five, one each."""
    return [s for s in ranked if s.sentences][:BOTTOM_LINE_MAX]
