"""Progress reporting for long runs: rich progress bars on stderr, or nothing at all.

The pipeline only sees the small `Progress` protocol (one task per stage), so it stays free of terminal concerns;
the CLI picks `progress_bars(...)` or `NO_PROGRESS` (with `--quiet`, and whenever stderr is not a terminal, so logs
and cron mails are not filled with redraws).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol


class Progress(Protocol):
    def stage(self, description: str, total: int | None = None) -> None:
        """Start a stage; `total` steps when known, else an open-ended spinner."""

    def advance(self, steps: int = 1) -> None:
        """Count steps done in the current stage."""


class _NoProgress:
    def stage(self, description: str, total: int | None = None) -> None:
        return None

    def advance(self, steps: int = 1) -> None:
        return None


NO_PROGRESS: Progress = _NoProgress()


class _RichProgress:
    """Each stage is one bar; a finished stage stays on screen, ticked full, until the run ends."""

    def __init__(self, bars: Any) -> None:
        self.bars = bars
        self.task: Any = None

    def stage(self, description: str, total: int | None = None) -> None:
        self._finish()
        self.task = self.bars.add_task(description, total=total)

    def advance(self, steps: int = 1) -> None:
        if self.task is not None:
            self.bars.advance(self.task, steps)

    def _finish(self) -> None:
        if self.task is not None:
            task = self.bars.tasks[self.task]
            self.bars.update(self.task, total=task.total or task.completed or 1, completed=task.total or 1)


@contextmanager
def progress_bars(enabled: bool = True, console: Any = None) -> Iterator[Progress]:
    """Rich bars on stderr while the block runs, removed when it ends; NO_PROGRESS when disabled or not a terminal.

    `console` (a rich Console) is for callers that already have one, and for tests.
    """
    if not enabled:
        yield NO_PROGRESS
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress

    console = console or Console(stderr=True)
    if not console.is_terminal:
        yield NO_PROGRESS
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with RichProgress(*columns, console=console, transient=True) as bars:
        reporter = _RichProgress(bars)
        yield reporter
        reporter._finish()
