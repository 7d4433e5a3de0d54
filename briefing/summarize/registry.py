"""The name -> class table the CLI's `--method` picks from (a plain table: no decorator, no import cycle).

The implementations import `base` (the protocol), never this module, so importing them here is cycle-free; torch stays
lazy because they import it only when they first load a model.
"""

from __future__ import annotations

from briefing.config import Settings
from briefing.errors import ConfigError
from briefing.models import RunModels
from briefing.summarize.abstractive import AbstractiveSummarizer, HybridSummarizer
from briefing.summarize.base import Summarizer
from briefing.summarize.extractive import ExtractiveSummarizer

SUMMARIZERS: dict[str, type[Summarizer]] = {
    "extractive": ExtractiveSummarizer,
    "abstractive": AbstractiveSummarizer,
    "hybrid": HybridSummarizer,
}


def create_summarizer(name: str, settings: Settings, models: RunModels) -> Summarizer:
    """The summarizer registered as `name`, built for this run."""
    try:
        cls = SUMMARIZERS[name]
    except KeyError:
        raise ConfigError(f"unknown method {name!r}; choose one of {', '.join(sorted(SUMMARIZERS))}") from None
    return cls(settings, models)  # type: ignore[call-arg]  # the protocol cannot state the constructor
