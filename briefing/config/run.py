"""Settings of the run itself: where the brief goes, for which day, how it reports, where the work runs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from briefing.config.fields import setting
from briefing.errors import ConfigError


class Executor(str, Enum):
    local = "local"  # every stage in this process
    ray = "ray"  # ingest, clean and summarize as Ray Data map_batches on actor pools; compose and render here


@dataclass(frozen=True)
class RunSettings:
    out_dir: Path = setting(Path("outputs"), flag="--out", help="Output root; files go to OUT/YYYY-MM-DD/.")
    date: dt.date = setting(default_factory=dt.date.today, flag="--date", help="Brief date, YYYY-MM-DD.")
    quiet: bool = setting(False, flag="--quiet", help="No progress bars; only problems and the final line are printed.")
    executor: Executor = setting(
        Executor.local,
        flag="--executor",
        help="Where ingest, clean and summarize run: this process, or Ray (a local instance, or --ray-address).",
    )
    ray_address: str | None = setting(
        None, flag="--ray-address", help="Address of a running Ray cluster (ray start --head); default: start one."
    )
    ray_workers: int | None = setting(
        None, low=1, high=4096, flag="--ray-workers", help="Actors per stage on Ray (default: the cluster's CPUs)."
    )
    clean_workers: int | None = setting(
        None,
        low=1,
        high=64,
        help="Processes that clean a batch of HTML pages and text files with --executor local (default: up to 2, at "
        "most the CPU count; 1: this process only). A batch of fewer than 8 pages (or some 350 KB of text) is cleaned "
        "in this process.",
    )

    def _check_run(self) -> None:
        if self.ray_address is not None and self.executor is not Executor.ray:
            raise ConfigError("--ray-address needs --executor ray")


def parse_date(value: str) -> dt.date:
    """Parse `--date`: strictly YYYY-MM-DD, because it becomes a folder name."""
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--date must be a real date written YYYY-MM-DD, got {value!r}") from None
    if len(value) != 10:
        raise ConfigError(f"--date must be written YYYY-MM-DD, got {value!r}")
    return parsed
