"""The one protocol every summarizer implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from briefing.records import Article, Summary


@runtime_checkable
class Summarizer(Protocol):
    """Summarize articles; every summary sentence cites the article sentences it came from.

    Implementations are built as `cls(settings, models)`: the run's `Settings` and its `RunModels` (from which they
    take the encoder or the generative model the first time they need it).
    """

    name: str

    def summarize(self, articles: Sequence[Article]) -> list[Summary]: ...
