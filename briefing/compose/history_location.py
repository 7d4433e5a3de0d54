"""Where the brief history lives: `OUT/history.sqlite3`, next to the dated folders it describes.

Each output folder has its own history, so two separate briefs (another `--out`) never count each other's stories
as earlier coverage. Briefing used to keep one history in the cache folder; the first run on an output folder that
has no history yet copies from that old file the days this folder holds a brief for, once, and says so. The old
file stays where it is: other output folders may still copy their days from it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from pathlib import Path

from briefing.compose.history import HISTORY_FILE, open_history
from briefing.errors import BriefingError

log = logging.getLogger(__name__)


def history_folder(out_dir: Path) -> Path:
    return out_dir


def briefed_days(out_dir: Path) -> set[dt.date]:
    """The days `out_dir` holds a brief for (a YYYY-MM-DD folder with a brief.json)."""
    days: set[dt.date] = set()
    if not out_dir.is_dir():
        return days
    for folder in out_dir.iterdir():
        try:
            day = dt.date.fromisoformat(folder.name)
        except ValueError:
            continue
        if len(folder.name) == 10 and (folder / "brief.json").is_file():
            days.add(day)
    return days


def migrate_history(out_dir: Path, cache_dir: Path) -> str | None:
    """Copy this folder's days from the old shared history, the first time only; a note to show the user, or None.

    Never fails the run: an unreadable old history is reported and the folder starts a fresh one.
    """
    new = history_folder(out_dir) / HISTORY_FILE
    old = cache_dir / HISTORY_FILE
    if new.exists() or not old.is_file() or new.resolve() == old.resolve():
        return None
    days = briefed_days(out_dir)
    if not days:
        return None  # a new output folder: nothing of the old history is about it
    try:
        with old.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":  # opening it would move it aside as corrupt: leave it be
                return f"could not copy the old brief history {old} (not an SQLite database); {new} starts empty"
        with open_history(cache_dir) as previous:
            if previous.problem:  # unreadable (now moved aside by the history's own repair): nothing to copy
                return f"could not copy the old brief history {old} ({previous.problem}); {new} starts empty"
            fingerprints = [f for f in previous.earlier(dt.date.max) if f.date in days]
        with open_history(history_folder(out_dir)) as history:
            for day, group in itertools.groupby(fingerprints, key=lambda f: f.date):
                if day is not None:
                    history.record(day, list(group))
    except BriefingError as error:
        log.debug("history migration failed", exc_info=True)
        return f"could not copy the old brief history {old} ({error}); {new} starts empty"
    copied = len({f.date for f in fingerprints})
    return (
        f"brief history now lives in {new}: copied {copied} day{'' if copied == 1 else 's'} briefed in {out_dir} "
        f"from {old} (left in place for other output folders)"
    )
