"""Stage 4, summarize: Articles -> Summaries, with the summarizer named by `--method` from the registry."""

from __future__ import annotations

from collections.abc import Sequence

from briefing.config import Settings
from briefing.models.registry import create_summarizer
from briefing.records import Article, Summary


def summarize(articles: Sequence[Article], settings: Settings) -> list[Summary]:
    """One Summary per article, in the same order."""
    if not articles:
        return []
    summarizer = create_summarizer(settings.method.value, settings)
    return summarizer.summarize(articles)
