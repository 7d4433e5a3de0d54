"""What the page shows of the brief: the leading stories in full, the others one line each.

brief.json keeps every story and every sentence; brief.md and brief.html are read at 7 a.m., so a day of thirty
multi-source stories is shown as the analyst reads it: the FULL_STORIES leading ones in full (by rank: outlets,
recency, coverage), the ones after them with at most SHORT_STORY_BULLETS bullets up to SHORT_STORIES more, and the
rest as one line each under "More stories" (headline, outlets, citations). The order is brief.json's, the rank.
Skipped inputs are listed one line per reason.
A run given `--top N` asked for N stories in full: the page then shows every story of brief.json in full.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from briefing.render.view import MAX_SHOWN_CITATIONS, BriefView, StoryView

FULL_STORIES = 5  # in full, every bullet: the stories of the bottom line
SHORT_STORIES = 3  # after them, in full with fewer bullets
SHORT_STORY_BULLETS = 2


@dataclass(frozen=True)
class PageLayout:
    full: tuple[StoryView, ...]  # shown with their headline, outlets and bullets; lower-ranked ones with fewer
    listed: tuple[StoryView, ...]  # one line each under "More stories"


def page_layout(view: BriefView) -> PageLayout:
    if view.top is not None:
        return PageLayout(view.stories, ())
    leading = view.stories[:FULL_STORIES]
    short = tuple(
        dataclasses.replace(story, sentences=story.sentences[:SHORT_STORY_BULLETS])
        for story in view.stories[FULL_STORIES : FULL_STORIES + SHORT_STORIES]
    )
    return PageLayout(leading + short, view.stories[FULL_STORIES + SHORT_STORIES :])


def shown_sources(story: StoryView) -> tuple[tuple[int, ...], int]:
    """A listed story's citation marks: its first MAX_SHOWN_CITATIONS sources, and how many more there are."""
    return story.sources[:MAX_SHOWN_CITATIONS], max(0, len(story.sources) - MAX_SHOWN_CITATIONS)


def skipped_by_reason(view: BriefView) -> list[tuple[str, list[str]]]:
    """The skipped inputs grouped by reason, in the order each reason first appears."""
    groups: dict[str, list[str]] = {}
    for item in view.skipped:
        groups.setdefault(item.reason, []).append(item.source)
    return list(groups.items())
