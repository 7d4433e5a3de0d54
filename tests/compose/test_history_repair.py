"""The brief history in a hostile cache folder (issue 12): bad rows skipped with a warning, a broken, truncated or
foreign file moved aside and rebuilt, a read-only one read, a newer one left alone; schema versioned and migrated.
A run without `--new-only` never fails on the history."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.compose import history as history_module
from briefing.compose.history import HISTORY_FILE, SCHEMA_VERSION, StoryFingerprint, open_history

DAY_ONE = dt.date(2026, 11, 24)
DAY_TWO = dt.date(2026, 11, 25)
runner = CliRunner()


def unit(size: int = 4, hot: int = 0) -> np.ndarray:
    vector = np.zeros(size, dtype=np.float32)
    vector[hot] = 1.0
    return vector


def recorded(folder: Path) -> Path:
    with open_history(folder) as history:
        history.record(DAY_ONE, [StoryFingerprint("a", "A", ("x1",), unit())])
    return folder / HISTORY_FILE


def insert(path: Path, *rows: tuple[object, ...]) -> None:
    with sqlite3.connect(path) as connection:
        connection.executemany("INSERT INTO story VALUES (?, ?, ?, ?, ?)", rows)


def test_bad_rows_are_skipped_with_one_warning_and_the_good_ones_read(tmp_path: Path, caplog):
    path = recorded(tmp_path)
    good_vector = unit().tobytes()
    insert(
        path,
        ("2026-11-19", "good", "G", '["x2"]', unit(hot=1).tobytes()),
        ("2026-11-20", "bad-json", "B", "[not json", good_vector),
        ("2026-02-30", "bad-date", "C", '["x3"]', good_vector),
        ("2026-11-21", "short", "D", '["x4"]', unit(3).tobytes()),
        ("2026-11-22", "odd-bytes", "E", '["x5"]', b"\x00" * 7),
    )
    with caplog.at_level(logging.WARNING), open_history(tmp_path) as history:
        earlier = history.earlier(DAY_TWO)
    assert [f.story_id for f in earlier] == ["good", "a"]
    [warning] = [r.getMessage() for r in caplog.records if "unreadable history rows" in r.getMessage()]
    assert "4 unreadable history rows skipped" in warning
    assert "impossible date '2026-02-30'" in warning and "article ids are not valid JSON" in warning
    assert "1 more" in warning  # three examples, then a count


@pytest.mark.parametrize(
    "damage",
    ["not-a-database", "truncated", "wrong-schema", "foreign-table"],
)
def test_a_broken_history_file_is_moved_aside_and_rebuilt(tmp_path: Path, damage: str, caplog):
    path = tmp_path / HISTORY_FILE
    if damage == "not-a-database":
        path.write_bytes(b"this is not a database" * 100)
    elif damage == "truncated":
        with open_history(tmp_path) as history:  # enough rows for several pages, then cut in the middle
            history.record(DAY_ONE, [StoryFingerprint(str(n), "h" * 200, ("x",), unit(384)) for n in range(200)])
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif damage == "wrong-schema":
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE story (day TEXT, what TEXT)")
    else:
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE summaries (key TEXT)")
    with caplog.at_level(logging.WARNING), open_history(tmp_path) as history:
        assert history.problem is None
        assert history.earlier(DAY_TWO) == []
        history.record(DAY_TWO, [StoryFingerprint("b", "B", ("y",), unit())])
        assert history.dates() == [DAY_TWO]
    assert (tmp_path / f"{HISTORY_FILE}.corrupt").is_file(), "the broken file is kept for inspection"
    assert any("moved aside" in r.getMessage() for r in caplog.records)


def test_an_unversioned_history_is_migrated_and_keeps_its_rows(tmp_path: Path):
    path = tmp_path / HISTORY_FILE
    with sqlite3.connect(path) as connection:  # what briefing wrote before the schema carried a version
        connection.execute(
            "CREATE TABLE story (date TEXT NOT NULL, story_id TEXT NOT NULL, headline TEXT NOT NULL, "
            "article_ids TEXT NOT NULL, centroid BLOB NOT NULL, PRIMARY KEY (date, story_id))"
        )
    insert(path, (DAY_ONE.isoformat(), "a", "A", '["x1"]', unit().tobytes()))
    with open_history(tmp_path) as history:
        assert [f.story_id for f in history.earlier(DAY_TWO)] == ["a"]
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_history_from_a_newer_briefing_is_left_alone_and_not_used(tmp_path: Path):
    path = recorded(tmp_path)
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    with open_history(tmp_path) as history:
        assert history.earlier(DAY_TWO) == []
        assert "written by a newer briefing" in (history.problem or "")
        history.record(DAY_TWO, [])  # a warning, not an error
    assert path.read_bytes() == before and not (tmp_path / f"{HISTORY_FILE}.corrupt").exists()


def test_a_read_only_history_is_read_and_today_not_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog):
    """As root (CI) chmod does not stop a write: the read-write open is made to fail as SQLite fails it."""
    recorded(tmp_path)
    real_connect = history_module._connect

    def read_only_connect(path: Path) -> sqlite3.Connection:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(history_module, "_connect", read_only_connect)
    with caplog.at_level(logging.WARNING), open_history(tmp_path) as history:
        assert [f.story_id for f in history.earlier(DAY_TWO)] == ["a"]
        history.record(DAY_TWO, [StoryFingerprint("b", "B", ("y",), unit())])
    monkeypatch.setattr(history_module, "_connect", real_connect)
    with open_history(tmp_path) as history:
        assert history.dates() == [DAY_ONE]
    assert any("read-only" in r.getMessage() for r in caplog.records)
    assert not any("move it away" in r.getMessage() for r in caplog.records)


def test_daily_without_new_only_never_fails_on_history_and_with_it_says_why(
    tmp_path: Path, data_dir: Path, fake_summarizer, embedded_encoder
):
    cache = tmp_path / "cache"
    cache.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    path = recorded(out)  # the history lives in the output folder
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    source = tmp_path / "day.jsonl"
    source.write_text((data_dir / "cnn_sample.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n")
    args = ["daily", str(source), "--date", DAY_TWO.isoformat(), "--out", str(tmp_path / "out")]
    args += ["--cache-dir", str(cache), "-q"]
    plain = runner.invoke(app, args)
    assert plain.exit_code == 0, plain.output
    assert (tmp_path / "out" / DAY_TWO.isoformat() / "brief.json").is_file()
    new_only = runner.invoke(app, [*args, "--new-only"])
    assert new_only.exit_code == 1
    errors = [line for line in new_only.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "--new-only needs the brief history" in errors[0] and "newer briefing" in errors[0]
    assert "Traceback" not in new_only.output
