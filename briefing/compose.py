"""Stage 5, compose: Articles + Summaries -> Brief. Numbers the sources and attaches `[n]` citations."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence

from briefing import __version__
from briefing.config import Settings
from briefing.records import Article, Brief, BriefSentence, Skipped, Source, Story, Summary


def compose(
    articles: Sequence[Article],
    summaries: Sequence[Summary],
    settings: Settings,
    skipped: Sequence[Skipped] = (),
    started: float | None = None,
) -> Brief:
    """One story per article (grouping across sources comes later), sources numbered in story order."""
    sources: list[Source] = []
    stories: list[Story] = []
    for article, summary in zip(articles, summaries, strict=True):
        number = len(sources) + 1
        sources.append(
            Source(
                number,
                article.id,
                article.title,
                article.source,
                article.url,
                article.site,
                article.published,
                author=article.author,
            )
        )
        sentences = tuple(BriefSentence(s.text, (number,), s.flagged) for s in summary.sentences)
        stories.append(Story(article.id, article.title, sentences, (number,), truncated=article.truncated))
    provenance = {
        "briefing_version": __version__,
        "model": summaries[0].model if summaries else settings.model,
        "method": settings.method.value,
        "sentences": settings.sentences,
        "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 2) if started is not None else None,
        "inputs": [{"source": a.source, "id": a.id} for a in articles],
    }
    return Brief(
        date=settings.date,
        title=settings.title,
        stories=tuple(stories),
        sources=tuple(sources),
        skipped=tuple(skipped),
        provenance=provenance,
    )
