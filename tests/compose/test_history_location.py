"""The brief history lives in each output folder; the old one in the cache folder is copied from once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from briefing.compose.history import HISTORY_FILE, StoryFingerprint, open_history
from briefing.compose.history_location import migrate_history

DAYS = [dt.date(2026, 11, 20), dt.date(2026, 11, 21), dt.date(2026, 11, 22)]


def story(name: str) -> StoryFingerprint:
    return StoryFingerprint(name, f"headline {name}", (f"article-{name}",), np.array([1, 0], dtype=np.float32))


def brief_folder(out: Path, day: dt.date) -> None:
    (out / day.isoformat()).mkdir(parents=True)
    (out / day.isoformat() / "brief.json").write_text("{}", encoding="utf-8")


def test_the_old_shared_history_is_split_by_the_days_each_output_folder_holds(tmp_path: Path):
    cache, world, sport = tmp_path / "cache", tmp_path / "world", tmp_path / "sport"
    with open_history(cache) as old:
        for day, name in zip(DAYS, ("w1", "s1", "w2"), strict=True):
            old.record(day, [story(name)])
    brief_folder(world, DAYS[0])
    brief_folder(world, DAYS[2])
    brief_folder(sport, DAYS[1])

    note = migrate_history(world, cache)
    assert note is not None and f"copied 2 days briefed in {world}" in note and str(cache / HISTORY_FILE) in note
    with open_history(world) as history:
        assert history.dates() == [DAYS[0], DAYS[2]]
        assert [f.story_id for f in history.earlier(dt.date.max)] == ["w1", "w2"]
    assert migrate_history(world, cache) is None  # once only: the folder has its own history now

    assert "copied 1 day " in (migrate_history(sport, cache) or "")
    with open_history(sport) as history:
        assert [f.story_id for f in history.earlier(dt.date.max)] == ["s1"]
    assert (cache / HISTORY_FILE).is_file()  # left for other folders


def test_nothing_to_migrate_is_silent_and_a_broken_old_file_does_not_stop_the_run(tmp_path: Path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    assert migrate_history(out, cache) is None  # no old history
    cache.mkdir()
    (cache / HISTORY_FILE).write_bytes(b"not a database" * 200)
    assert migrate_history(out, cache) is None  # a new output folder: nothing of the old history is about it
    brief_folder(out, DAYS[0])
    note = migrate_history(out, cache)
    assert note is not None and note.startswith(f"could not copy the old brief history {cache / HISTORY_FILE}")
