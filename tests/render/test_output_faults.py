"""Writing outputs in a hostile place (issue 12): a full disk, a folder where a file should be, a missing `--out`
folder, a brief.json nested too deep for the digest. One line each, and the previous brief always survives."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.errors import OutputError
from briefing.records import Brief, BriefSentence, Source, Story
from briefing.render import BRIEF_FILES, atomic_write, write_brief

runner = CliRunner()
DAY = dt.date(2026, 11, 20)


def brief(title: str = "Morning Brief") -> Brief:
    story = Story("s", "Rover lands", (BriefSentence("The rover landed safely.", (1,)),), (1,))
    return Brief(date=DAY, title=title, stories=(story,), sources=(Source(1, "a", "Rover", "rover.txt"),))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in BRIEF_FILES}


def test_a_folder_in_place_of_brief_md_is_found_before_any_file_is_replaced(tmp_path: Path):
    write_brief(brief("Old"), tmp_path)
    folder = tmp_path / DAY.isoformat()
    (folder / "brief.md").unlink()
    (folder / "brief.md").mkdir()
    before = {name: (folder / name).read_bytes() for name in ("brief.json", "brief.html")}
    with pytest.raises(OutputError, match=r"brief\.md is a folder, not a file; nothing written"):
        write_brief(brief("New"), tmp_path)
    assert {name: (folder / name).read_bytes() for name in before} == before, "the three files must always match"
    assert not list(folder.glob(".brief.*.tmp"))


def test_disk_full_while_staging_keeps_the_old_brief_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    write_brief(brief("Old"), tmp_path)
    before = snapshot(tmp_path / DAY.isoformat())
    calls = iter(range(100))

    def fsync(descriptor: int) -> None:  # the second staged file hits a full disk, as delayed allocation reports it
        if next(calls) == 1:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OutputError) as failure:
        write_brief(brief("New"), tmp_path)
    assert str(failure.value).endswith(
        "cannot write (the disk is full (no space left on device)); the previous brief is untouched"
    )
    assert snapshot(tmp_path / DAY.isoformat()) == before
    assert not list((tmp_path / DAY.isoformat()).glob(".brief.*.tmp"))


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A real 512 KB tmpfs, where the machine lets us mount one (root on Linux); skipped elsewhere."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if sys.platform != "linux" or shutil.which("mount") is None:
        pytest.skip("tmpfs needs Linux")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount_point)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root?); the faked ENOSPC test covers the code path")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def fill(disk: Path, leave_pages: int) -> None:
    with (disk / "filler").open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    size = (disk / "filler").stat().st_size
    os.truncate(disk / "filler", max(0, size - leave_pages * 4096))


def test_a_really_full_disk_ends_daily_in_one_line_and_the_old_brief_survives(
    small_tmpfs: Path, tmp_path: Path, data_dir: Path, fake_summarizer, embedded_encoder
):
    source = tmp_path / "day.jsonl"
    source.write_text((data_dir / "cnn_sample.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n")
    out = small_tmpfs / "out"
    args = ["daily", str(source), "--date", DAY.isoformat(), "--out", str(out), "--cache-dir", str(tmp_path / "c")]
    first = runner.invoke(app, [*args, "-q"])
    assert first.exit_code == 0, first.output
    before = snapshot(out / DAY.isoformat())
    fill(small_tmpfs, leave_pages=1)  # room for the lock file's pid, not for a brief
    second = runner.invoke(app, [*args, "-q", "--title", "Second run"])
    assert second.exit_code == 1
    errors = second.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith("error: ")
    assert "no space left on device" in errors[0] and "the previous brief is untouched" in errors[0]
    assert snapshot(out / DAY.isoformat()) == before


def test_atomic_write_refuses_a_folder_and_a_missing_parent_in_one_line(tmp_path: Path):
    with pytest.raises(OutputError, match="is a folder; give a file name"):
        atomic_write(tmp_path, "x")
    with pytest.raises(OutputError, match=r"no such folder to write brief\.md in"):
        atomic_write(tmp_path / "missing" / "brief.md", "x")


def test_summarize_out_into_a_missing_folder_creates_it(tmp_path: Path, panjshir_dump: Path, fake_summarizer):
    target = tmp_path / "not" / "yet" / "summary.md"
    result = runner.invoke(app, ["summarize", str(panjshir_dump), "--out", str(target), "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("#")


def test_summarize_out_that_is_a_folder_fails_before_any_work(
    tmp_path: Path, panjshir_dump: Path, monkeypatch: pytest.MonkeyPatch
):
    import briefing.pipeline

    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("summarized before checking --out")

    monkeypatch.setattr(briefing.pipeline, "summarize_sources", no_work)
    result = runner.invoke(app, ["summarize", str(panjshir_dump), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {tmp_path} is a folder; give a file name to write to"


def test_digest_skips_a_deeply_nested_brief_json_with_a_reason(tmp_path: Path):
    write_brief(brief(), tmp_path)
    nested = tmp_path / "2026-11-21"
    nested.mkdir()
    (nested / "brief.json").write_text('{"schema_version": "1.0", "stories": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = runner.invoke(app, ["digest", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"skipped {nested / 'brief.json'}: brief.json is nested too deeply to be a brief; skipped" in result.stderr
    assert "Traceback" not in result.output
