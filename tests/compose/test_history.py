"""What earlier briefs covered: the history database, and `daily --new-only` across two days, re-run included."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from briefing.cli import app
from briefing.compose.history import HISTORY_FILE, StoryFingerprint, find_earlier, open_history

CLUSTERS = Path(__file__).parents[1] / "data" / "multinews_clusters.jsonl"
DAY_ONE = dt.date(2026, 11, 24)
DAY_TWO = dt.date(2026, 11, 25)
runner = CliRunner()


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def fingerprint(story_id: str, ids: tuple[str, ...], centroid: np.ndarray) -> StoryFingerprint:
    return StoryFingerprint(story_id, f"headline {story_id}", ids, centroid)


def test_history_keeps_one_record_per_day_and_reads_only_earlier_days(tmp_path: Path):
    with open_history(tmp_path) as history:
        history.record(DAY_ONE, [fingerprint("a", ("x1", "x2"), unit(1, 0, 0))])
        history.record(DAY_TWO, [fingerprint("b", ("y1",), unit(0, 1, 0))])
        history.record(DAY_TWO, [fingerprint("c", ("y1", "y2"), unit(0, 0, 1))])  # re-run replaces the day
        assert history.dates() == [DAY_ONE, DAY_TWO]
        earlier = history.earlier(DAY_TWO)
        assert [(f.story_id, f.article_ids, f.date) for f in earlier] == [("a", ("x1", "x2"), DAY_ONE)]
        assert np.allclose(earlier[0].centroid, unit(1, 0, 0))
        assert history.earlier(DAY_ONE) == []
    with sqlite3.connect(tmp_path / HISTORY_FILE) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("SELECT story_id FROM story WHERE date = ?", (DAY_TWO.isoformat(),)).fetchall() == [
            ("c",)
        ]


def test_an_earlier_story_matches_by_shared_article_or_close_centroid():
    earlier = [
        StoryFingerprint("a", "A", ("x1",), unit(1, 0, 0), DAY_ONE),
        StoryFingerprint("b", "B", ("y1",), unit(0, 1, 0), DAY_ONE),
    ]
    by_article = find_earlier(["x1", "x9"], unit(0, 0, 1), earlier)
    assert by_article is not None and by_article.article_ids == {"x1"} and by_article.first_date == DAY_ONE
    by_centroid = find_earlier(["z1"], unit(0.1, 1, 0), earlier)
    assert by_centroid is not None and by_centroid.article_ids == {"y1"}
    assert find_earlier(["z1"], unit(0, 0, 1), earlier) is None


def write_day(path: Path, ids: list[str]) -> Path:
    records = [json.loads(line) for line in CLUSTERS.read_text(encoding="utf-8").splitlines()]
    chosen = [r for r in records if r["id"] in ids]
    assert len(chosen) == len(ids)
    path.write_text("".join(json.dumps(r) + "\n" for r in chosen), encoding="utf-8")
    return path


def daily(source: Path, date: dt.date, out: Path, cache: Path, *extra: str) -> dict:
    args = ["daily", str(source), "--date", date.isoformat(), "--out", str(out), "--cache-dir", str(cache), "-q"]
    result = runner.invoke(app, [*args, *extra])
    assert result.exit_code == 0, result.output
    return json.loads((out / date.isoformat() / "brief.json").read_text(encoding="utf-8"))


def story_clusters(brief: dict) -> dict[str, set[str]]:
    """Story id -> the Multi-News cluster ids of its sources."""
    clusters: dict[str, set[str]] = {}
    for source in brief["sources"]:
        clusters.setdefault(source["story_id"], set()).add(source["source"].rsplit("#", 1)[1].split("-")[0])
    return clusters


def test_new_only_leaves_out_briefed_stories_and_marks_updates(tmp_path: Path, fake_summarizer, embedded_encoder):
    out, cache = tmp_path / "outputs", tmp_path / "cache"
    day_one = write_day(tmp_path / "day1.jsonl", ["c19-d0", "c19-d1", "c20-d0", "c20-d1"])
    # Day two: Hanford again with one new outlet (c19-d2), the Mars landing unchanged, Yellowstone new.
    day_two = write_day(tmp_path / "day2.jsonl", ["c19-d0", "c19-d1", "c19-d2", "c20-d0", "c20-d1", "c40-d0", "c40-d1"])
    first = daily(day_one, DAY_ONE, out, cache)
    assert sorted(map(sorted, story_clusters(first).values())) == [["c19"], ["c20"]]

    second = daily(day_two, DAY_TWO, out, cache, "--new-only")
    by_cluster = {
        next(iter(story_clusters(second)[s["id"]])): s
        for s in second["stories"]
        if len(story_clusters(second)[s["id"]]) == 1
    }
    assert set(by_cluster) == {"c19", "c40"}  # the Mars story had nothing new: left out
    hanford, yellowstone = by_cluster["c19"], by_cluster["c40"]
    assert hanford["status"] == "update" and hanford["previously_briefed"] == DAY_ONE.isoformat()
    new_sources = [s for s in second["sources"] if s["number"] in hanford["new_sources"]]
    assert [s["source"].rsplit("#", 1)[1] for s in new_sources] == ["c19-d2"]
    assert yellowstone["status"] == "new"
    assert len(second["provenance"]["history"]["left_out"]) == 1

    # The same day again: the same stories, the same files, one history record for the day.
    files = sorted(p.name for p in (out / DAY_TWO.isoformat()).iterdir())
    again = daily(day_two, DAY_TWO, out, cache, "--new-only")
    assert sorted(p.name for p in (out / DAY_TWO.isoformat()).iterdir()) == files
    assert again["stories"] == second["stories"] and again["sources"] == second["sources"]
    assert again["bottom_line"] == second["bottom_line"]
    with open_history(out) as history:
        assert history.dates() == [DAY_ONE, DAY_TWO]
        assert len(history.earlier(DAY_TWO + dt.timedelta(days=1))) == 2 + 3


def test_without_new_only_every_story_is_shown(tmp_path: Path, fake_summarizer, embedded_encoder):
    out, cache = tmp_path / "outputs", tmp_path / "cache"
    source = write_day(tmp_path / "day.jsonl", ["c20-d0", "c20-d1"])
    daily(source, DAY_ONE, out, cache)
    second = daily(source, DAY_TWO, out, cache)
    assert [s["status"] for s in second["stories"]] == ["new"]
