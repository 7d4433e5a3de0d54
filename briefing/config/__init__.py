"""One settings object, built at the CLI edge, validated on creation, passed down to every stage.

`Settings` is one flat, frozen object (every stage reads `settings.<field>`), assembled from one group of fields per
pipeline stage, each declared beside its own checks: `run.py` (output, date, executor), `ingest.py` (read caps,
fetching, languages, date window), `summarize.py` (model, method, generation, guard, cache) and `compose.py` (the
brief's shape). `fields.py` holds `setting(...)`, which documents a field once: help, range, flag, what it affects.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from briefing.config.compose import ComposeSettings
from briefing.config.fields import Affects, check_range, plain_value, setting
from briefing.config.ingest import MAX_WINDOW_DAYS, IngestSettings, default_user_agent, parse_languages, window_days
from briefing.config.run import Executor, RunSettings, parse_date
from briefing.config.summarize import (
    API_KEY_VARIABLES,
    EMBEDDED_MODEL,
    OPENAI_PREFIX,
    Device,
    DType,
    GuardMode,
    Method,
    ReduceMode,
    SummarizeSettings,
    default_cache_dir,
)


@dataclass(frozen=True)
class Settings(ComposeSettings, SummarizeSettings, IngestSettings, RunSettings):
    """Everything a run can be told; built once at the CLI edge and passed down to every stage."""

    def __post_init__(self) -> None:
        for spec in dataclasses.fields(self):
            check_range(spec, getattr(self, spec.name))
        self._check_run()
        self._check_ingest()
        self._check_summarize()
        self._check_compose()

    def affecting(self, *kinds: Affects) -> dict[str, Any]:
        """The settings that change what `kinds` name, as JSON values (the cache key and provenance read this)."""
        return {
            spec.name: plain_value(getattr(self, spec.name))
            for spec in dataclasses.fields(self)
            if spec.metadata["affects"] in kinds
        }

    def to_dict(self) -> dict[str, Any]:
        """Every setting as JSON values."""
        return {spec.name: plain_value(getattr(self, spec.name)) for spec in dataclasses.fields(self)}


def setting_spec(name: str) -> dataclasses.Field[Any]:
    """One Settings field (help, range, flag in `.metadata`), for the CLI's options."""
    return next(spec for spec in dataclasses.fields(Settings) if spec.name == name)


__all__ = [
    "API_KEY_VARIABLES",
    "EMBEDDED_MODEL",
    "MAX_WINDOW_DAYS",
    "OPENAI_PREFIX",
    "Affects",
    "DType",
    "Device",
    "Executor",
    "GuardMode",
    "Method",
    "ReduceMode",
    "Settings",
    "default_cache_dir",
    "default_user_agent",
    "parse_date",
    "parse_languages",
    "setting",
    "setting_spec",
    "window_days",
]
