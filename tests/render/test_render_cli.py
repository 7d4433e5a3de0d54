"""The render stage seen from the command line: progress bars, --quiet, the final line, and where files may go."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from briefing.cli import app
from briefing.pipeline import run_daily
from briefing.progress import NO_PROGRESS, progress_bars

runner = CliRunner()


def test_daily_quiet_prints_only_the_final_line(tmp_path: Path, panjshir_dump: Path, fake_summarizer) -> None:
    out = tmp_path / "out"
    args = ["daily", str(panjshir_dump), "--date", "2026-11-25", "--out", str(out), "--quiet"]
    result = runner.invoke(app, [*args, "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"wrote 1 story to {out / '2026-11-25'}/ (brief.md, brief.html, brief.json)"]
    assert result.stdout == ""


def test_progress_bars_name_each_stage_on_a_terminal(settings, data_dir: Path, fake_summarizer) -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100, color_system=None)
    with progress_bars(enabled=True, console=console) as progress:
        assert progress is not NO_PROGRESS
        result = run_daily([str(data_dir / "brief_articles.jsonl")], settings, progress)
    assert result.written
    shown = screen.getvalue()
    for stage in ("Reading sources", "Cleaning articles", "Summarizing 7 articles", "Composing the brief", "Writing"):
        assert stage in shown, stage


@pytest.mark.parametrize("terminal", [True, False])
def test_no_progress_bars_when_quiet_or_not_a_terminal(terminal: bool) -> None:
    console = Console(file=io.StringIO(), force_terminal=terminal)
    with progress_bars(enabled=not terminal, console=console) as progress:
        assert progress is NO_PROGRESS
        progress.stage("anything", total=3)
        progress.advance()
    assert console.file.getvalue() == ""


@pytest.mark.parametrize(
    "date", ["../../etc", "2026-11-25/../../x", "2026-1-5", "2026-02-30", "20261125", " 2026-11-25"]
)
def test_dates_that_are_not_plain_iso_days_are_refused(tmp_path: Path, panjshir_dump: Path, date: str) -> None:
    out = tmp_path / "nested" / "out"
    result = runner.invoke(app, ["daily", str(panjshir_dump), "--date", date, "--out", str(out), "--quiet"])
    assert result.exit_code == 1
    assert "--date must be" in result.stderr
    assert list(tmp_path.rglob("*")) == []  # nothing written anywhere, inside the output folder or out of it
