"""Stories that continue across days, for the digest: read from the output folder's brief history.

A story of day D continues one of an earlier day when the history's matching rule says they are one event (a shared
article, or centroids at least MATCH_SIMILARITY alike: `briefing.compose.history.find_earlier`). Its day number is
one more than the earlier days it matches; the digest links the latest of those days whose brief showed it (a
`--new-only` brief may have left it out as already covered). Without a history (briefs
written before it moved to the output folder) no story is linked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from briefing.compose.history import HISTORY_FILE, StoryFingerprint, find_earlier, open_history
from briefing.errors import BriefingError


@dataclass(frozen=True)
class Continuation:
    day_number: int  # 2 on the second day the event is briefed
    first_date: dt.date
    earlier: tuple[tuple[dt.date, str], ...]  # (day, story id) of every earlier match, oldest first


def read_fingerprints(out_dir: Path) -> list[StoryFingerprint]:
    """Every story the folder's history holds, oldest day first; none when there is no (usable) history."""
    if not (out_dir / HISTORY_FILE).is_file():
        return []
    try:
        with open_history(out_dir) as history:
            return history.earlier(dt.date.max)
    except BriefingError:
        return []  # the digest is a convenience: it never fails on the history; the daily run reports it


def continuations(fingerprints: list[StoryFingerprint]) -> dict[tuple[dt.date, str], Continuation]:
    """(day, story id) -> how that story continues earlier days, for every story that does."""
    found: dict[tuple[dt.date, str], Continuation] = {}
    for story in fingerprints:
        if story.date is None:
            continue
        earlier = [f for f in fingerprints if f.date is not None and f.date < story.date]
        matches = [f for f in earlier if find_earlier(story.article_ids, story.centroid, [f]) is not None]
        if not matches:
            continue
        days = sorted({f.date for f in matches if f.date is not None})
        earlier_ids = tuple(sorted((f.date, f.story_id) for f in matches if f.date is not None))
        found[(story.date, story.story_id)] = Continuation(len(days) + 1, days[0], earlier_ids)
    return found


def story_positions(stories_by_day: Mapping[dt.date, list[str]]) -> dict[tuple[dt.date, str], int]:
    """(day, story id) -> the story's number in that day's brief (its `#story-N` anchor)."""
    return {(day, story_id): n for day, ids in stories_by_day.items() for n, story_id in enumerate(ids, start=1)}
