"""Faults: a daily run killed at any moment, and two runs at once, never lose a brief or corrupt the cache.

The runs are real `python -m briefing daily` subprocesses on real articles with the embedded model. To land a kill
inside the write phase (which takes milliseconds) the killed runs go through a small harness that stretches time
around `os.fsync` and `os.replace` and logs each call to a file: the production code runs unchanged, only slower, and
the test kills it right after a chosen call (a temp file fsynced, the first rename, the second rename).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from briefing import __version__
from briefing.runlock import RunLockError, day_lock

DATE = "2026-11-25"
BRIEF_FILES = ("brief.json", "brief.md", "brief.html")
RUN_TIMEOUT = 600  # seconds; a loaded CI machine can be slow to import torch, never this slow

# Runs the CLI with os.fsync / os.replace slowed down and logged, so that a kill can land between two of them.
HARNESS = """
import os, sys, time
log_path, delay = os.environ["FAULT_LOG"], float(os.environ["FAULT_DELAY"])
real_fsync, real_replace = os.fsync, os.replace
def note(event):
    with open(log_path, "a") as handle:
        handle.write(event + "\\n")
def fsync(fd):
    real_fsync(fd)
    try:  # name the file, where the platform tells (Linux); the test waits for the brief's own temp files
        name = os.path.basename(os.readlink("/proc/self/fd/%d" % fd))
    except OSError:
        name = "?"
    note("fsync " + name)
    time.sleep(delay)
def replace(src, dst, **kwargs):
    real_replace(src, dst, **kwargs)
    note("replace " + os.path.basename(os.fspath(dst)))
    time.sleep(delay)
os.fsync, os.replace = fsync, replace
from briefing.cli import app
app(prog_name="briefing", args=sys.argv[1:])
"""


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> dict[str, Path]:
    """Two inputs that make different briefs: v1 (two articles) and v2 (three others)."""
    folder = tmp_path_factory.mktemp("articles")
    lines = (data_dir / "cnn_sample.jsonl").read_text(encoding="utf-8").splitlines()
    (folder / "v1.jsonl").write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    (folder / "v2.jsonl").write_text("\n".join(lines[2:5]) + "\n", encoding="utf-8")
    return {"v1": folder / "v1.jsonl", "v2": folder / "v2.jsonl"}


def daily_args(source: Path, out: Path, version: str, date: str = DATE) -> list[str]:
    return ["daily", str(source), "--out", str(out), "--date", date, "--title", f"Brief {version}"]


def environment(cache_home: Path, **extra: str) -> dict[str, str]:
    # XDG_CACHE_HOME moves the summary cache (default_cache_dir) into the test's folder.
    return {**os.environ, "XDG_CACHE_HOME": str(cache_home), "HF_HUB_OFFLINE": "1", **extra}


def start(args: Sequence[str], env: dict[str, str], harness: bool = False) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", HARNESS, *args] if harness else [sys.executable, "-m", "briefing", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run(args: Sequence[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    process = start(args, env)
    stdout, stderr = process.communicate(timeout=RUN_TIMEOUT)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def classify(path: Path, snapshot: dict[str, bytes]) -> str:
    """'absent', 'old' (byte for byte the previous brief) or 'new' (a complete brief of v2); fails on anything else."""
    if not path.exists():
        return "absent"
    data = path.read_bytes()
    if data == snapshot.get(path.name):
        return "old"
    text = data.decode("utf-8")
    assert "Brief v2" in text, f"{path.name} is neither the previous brief nor the new one"
    if path.suffix == ".json":
        document = json.loads(text)  # a half-written file would not parse
        assert document["title"] == "Brief v2" and document["stories"]
    elif path.suffix == ".html":
        assert text.rstrip().endswith("</html>"), f"{path.name} is cut short"
    else:
        last_line = [line for line in text.splitlines() if line.strip()][-1]
        assert f"briefing {__version__}" in last_line, f"{path.name} does not end with its footer: {last_line!r}"
    return "new"


def brief_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def assert_cache_usable(cache_home: Path) -> None:
    databases = sorted(cache_home.rglob("*.sqlite3"))
    assert databases, f"no SQLite summary cache under {cache_home}"
    for database in databases:
        with sqlite3.connect(database, timeout=30) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok", database
            for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()


def kill_when(process: subprocess.Popen[str], log_path: Path, event: str, occurrence: int = 1) -> bool:
    """SIGKILL `process` right after the harness logged an event starting with `event` for the `occurrence`-th
    time; False if the process ended first."""
    while process.poll() is None:
        logged = log_path.read_text().splitlines() if log_path.exists() else []
        if sum(line.startswith(event) for line in logged) >= occurrence:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=RUN_TIMEOUT)
            return True
        time.sleep(0.01)
    return False


# --- killed mid-run -----------------------------------------------------------------------------------------------

KILL_POINTS = [
    ("a temp file is written and fsynced, nothing renamed yet", "fsync .brief.json.", 1),
    ("brief.json renamed into place, brief.md and brief.html not yet", "replace brief.json", 1),
    ("brief.json and brief.md renamed, brief.html not yet", "replace brief.md", 1),
]


@pytest.mark.processes
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_run_killed_at_any_moment_leaves_old_or_new_brief_and_a_usable_cache(
    tmp_path: Path, articles: dict[str, Path]
) -> None:
    out, cache_home = tmp_path / "out", tmp_path / "cache"
    folder = out / DATE
    env = environment(cache_home)

    first = run(daily_args(articles["v1"], out, "v1"), env)
    assert first.returncode == 0, first.stderr
    snapshot = {name: (folder / name).read_bytes() for name in BRIEF_FILES}

    outcomes: list[tuple[str, dict[str, str]]] = []
    # Kills at chosen points of the write phase, then one at a random moment (import, model load, summarizing).
    for label, event, occurrence in KILL_POINTS:
        log_path = tmp_path / f"events-{len(outcomes)}.log"
        victim = start(
            daily_args(articles["v2"], out, "v2"),
            environment(cache_home, FAULT_LOG=str(log_path), FAULT_DELAY="0.5"),
            harness=True,
        )
        killed = kill_when(victim, log_path, event, occurrence)
        assert killed, f"the run ended before '{event}': {victim.stderr.read() if victim.stderr else ''}"
        if event.startswith("fsync"):  # the staged temp file exists, and is not taken for the brief itself
            assert list(folder.glob(".brief.*.tmp")), "expected the killed run's temp file in the day folder"
        states = {name: classify(folder / name, snapshot) for name in BRIEF_FILES}
        outcomes.append((label, states))
        assert brief_files(folder) == sorted(BRIEF_FILES), "no partial file may sit among the brief's files"
    victim = start(daily_args(articles["v2"], out, "v2"), env)
    time.sleep(random.uniform(0.5, 6.0))
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=RUN_TIMEOUT)
    outcomes.append(("random moment", {name: classify(folder / name, snapshot) for name in BRIEF_FILES}))

    # The write order is json, md, html: a kill can only ever leave a prefix of them new, never a file in between.
    assert outcomes[0][1] == dict.fromkeys(BRIEF_FILES, "old"), outcomes[0]
    assert outcomes[1][1]["brief.json"] == "new" and outcomes[1][1]["brief.html"] == "old", outcomes[1]
    assert outcomes[2][1]["brief.md"] == "new" and outcomes[2][1]["brief.html"] == "old", outcomes[2]

    rerun = run(daily_args(articles["v2"], out, "v2"), env)
    assert rerun.returncode == 0, rerun.stderr
    assert {name: classify(folder / name, snapshot) for name in BRIEF_FILES} == dict.fromkeys(BRIEF_FILES, "new")
    assert_one_run(folder)
    assert not list(folder.glob(".brief.*.tmp")), "the rerun sweeps temp files that killed runs left behind"
    assert_cache_usable(cache_home)


def assert_one_run(folder: Path) -> None:
    """The three files come from the same run: the md and html footers carry the json's generation time."""
    document = json.loads((folder / "brief.json").read_text(encoding="utf-8"))
    generated = document["provenance"]["generated_at"]
    for name in ("brief.md", "brief.html"):
        assert generated in (folder / name).read_text(encoding="utf-8"), f"{name} is from another run than brief.json"


# --- two runs at once ---------------------------------------------------------------------------------------------


@pytest.mark.processes
def test_two_runs_at_once_wait_for_each_other_and_share_the_cache(tmp_path: Path, articles: dict[str, Path]) -> None:
    out, cache_home = tmp_path / "out", tmp_path / "cache"
    env = environment(cache_home)
    first = start(daily_args(articles["v1"], out, "v1"), env)
    # Start the second run once the first holds the day's lock (it then still has the model to load and the
    # articles to summarize), so the two overlap; a third run, for another day, shares only the cache with them.
    lock_file = out / f".{DATE}.lock"
    while first.poll() is None and not (lock_file.exists() and lock_file.read_text().strip()):
        time.sleep(0.02)
    second = start(daily_args(articles["v2"], out, "v2"), env)
    other_day = start(daily_args(articles["v2"], out, "v3", date="2026-11-26"), env)
    results = {
        name: (p, *p.communicate(timeout=RUN_TIMEOUT))
        for name, p in [("first", first), ("second", second), ("other day", other_day)]
    }
    for name, (process, _, stderr) in results.items():
        assert process.returncode == 0, f"{name}: {stderr}"

    message = results["second"][2]
    assert f"another briefing run (pid {first.pid}) is writing {out / DATE}; waiting" in message, message
    assert "waiting" not in results["other day"][2], "runs for different days do not wait for each other"
    # The run that waited wrote last: all three files are its own, none left from the first run.
    folder = out / DATE
    assert brief_files(folder) == sorted(BRIEF_FILES)
    for name in BRIEF_FILES:
        assert "Brief v2" in (folder / name).read_text(encoding="utf-8"), name
    assert_one_run(folder)
    assert json.loads((out / "2026-11-26" / "brief.json").read_text(encoding="utf-8"))["title"] == "Brief v3"
    assert not list(out.glob(".*.lock")), "lock files are removed by the run that held them"
    assert_cache_usable(cache_home)


# --- the lock itself ----------------------------------------------------------------------------------------------


def test_day_lock_refuses_after_waiting(tmp_path: Path) -> None:
    date = dt.date(2026, 11, 25)
    messages: list[str] = []
    with day_lock(tmp_path, date):
        started = time.monotonic()
        with (
            pytest.raises(RunLockError) as refused,
            day_lock(tmp_path, date, wait_seconds=0.3, on_wait=messages.append),
        ):
            pass  # pragma: no cover - never entered
        assert time.monotonic() - started >= 0.3
    assert str(tmp_path / "2026-11-25") in str(refused.value) and "refusing" in str(refused.value)
    assert f"(pid {os.getpid()})" in str(refused.value)
    assert len(messages) == 1 and "waiting" in messages[0]
    with day_lock(tmp_path, date, wait_seconds=0):  # released: free again at once
        pass
    assert not (tmp_path / ".2026-11-25.lock").exists()


def test_day_lock_waits_for_the_holder_then_runs(tmp_path: Path) -> None:
    date = dt.date(2026, 11, 25)
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with day_lock(tmp_path, date):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(10)
    messages: list[str] = []
    threading.Timer(0.4, release.set).start()
    started = time.monotonic()
    with day_lock(tmp_path, date, wait_seconds=10, on_wait=messages.append):
        waited = time.monotonic() - started
    thread.join(10)
    assert waited >= 0.3 and len(messages) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_day_lock_of_a_killed_run_is_free_at_once_and_its_temp_files_are_swept(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import datetime, sys, time; from pathlib import Path; from briefing.runlock import day_lock\n"
                "with day_lock(Path(sys.argv[1]), datetime.date(2026, 11, 25)):\n"
                "    print('held', flush=True); time.sleep(60)"
            ),
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    day_folder = tmp_path / "2026-11-25"
    day_folder.mkdir()
    stale = day_folder / ".brief.md.k1ll3d.tmp"
    stale.write_text("# half a brie")
    with pytest.raises(RunLockError), day_lock(tmp_path, dt.date(2026, 11, 25), wait_seconds=0.2, on_wait=print):
        pass  # pragma: no cover
    assert stale.exists(), "temp files are only swept by the lock holder"
    holder.send_signal(signal.SIGKILL)
    holder.wait(10)
    with day_lock(tmp_path, dt.date(2026, 11, 25), wait_seconds=0):  # the kernel released the dead run's lock
        assert not stale.exists()


def test_unwritable_output_folder_is_one_line_error(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "out"
    not_a_folder.write_text("a file where the output folder should be")
    with (
        pytest.raises(RunLockError, match=r"out: cannot write the output folder \("),
        day_lock(not_a_folder, dt.date(2026, 1, 1)),
    ):
        pass  # pragma: no cover


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_a_symlinked_lock_file_is_refused_and_its_target_left_alone(tmp_path: Path, articles: dict[str, Path]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "precious.txt"
    victim.write_text("do not truncate me\n")
    (out / f".{DATE}.lock").symlink_to(victim)
    result = run(daily_args(articles["v1"], out, "v1"), environment(tmp_path / "cache"))
    assert result.returncode == 1
    assert victim.read_text() == "do not truncate me\n"
    assert "lock file is a symlink; refusing to follow it" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
