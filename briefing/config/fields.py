"""How a setting is declared: `setting(...)` documents it once (help, range, flag, what it affects)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import field
from enum import Enum
from pathlib import Path
from typing import Any

from briefing.errors import ConfigError


class Affects(str, Enum):
    """What a setting changes, read by the summary cache key and the brief's provenance (no hand-kept lists)."""

    summary = "summary"  # every per-article summary: part of the cache key
    generation = "generation"  # generative summaries only: part of the cache key when the method is not extractive
    brief = "brief"  # how the brief is composed: recorded in the provenance, not in the summary cache key
    nothing = "nothing"  # where files go, how the run reports, resource limits: the same inputs give the same brief


def setting(
    default: Any = dataclasses.MISSING,
    *,
    help: str,
    low: float | None = None,
    high: float | None = None,
    flag: str | None = None,
    affects: Affects = Affects.nothing,
    default_factory: Callable[[], Any] | None = None,
) -> Any:
    """A Settings field documented in one place: its help text, its range and what it changes.

    `Settings.__post_init__` checks the range and the CLI builds its option (help, min, max) from the same metadata,
    so no range is written twice.
    """
    metadata = {"help": help, "low": low, "high": high, "flag": flag, "affects": affects}
    if default_factory is not None:
        return field(default_factory=default_factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def check_range(spec: dataclasses.Field[Any], value: Any) -> None:
    low, high = spec.metadata["low"], spec.metadata["high"]
    if value is None or (low is None and high is None):
        return
    if (low is not None and value < low) or (high is not None and value > high):
        name = spec.metadata["flag"] or spec.name
        if high is None:
            raise ConfigError(f"{name} must be at least {low:g}, got {value}")
        raise ConfigError(f"{name} must be between {low:g} and {high:g}, got {value}")


def plain_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (Path, dt.date)):
        return str(value)
    return value
