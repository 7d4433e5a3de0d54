"""The stages composed in one readable sequence: ingest -> clean -> summarize -> compose -> render.

A document that cannot be cleaned is skipped with its reason; the run goes on with the rest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from briefing.clean import clean
from briefing.compose import compose
from briefing.config import Settings
from briefing.errors import SourceError
from briefing.ingest import ingest
from briefing.records import Article, Brief, Skipped, Summary
from briefing.render import write_brief
from briefing.summarize import summarize

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CleanResult:
    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...]


@dataclass(frozen=True)
class DailyResult:
    brief: Brief
    written: tuple[Path, ...]


def load_articles(sources: Sequence[str]) -> CleanResult:
    """Ingest and clean every source; duplicates (same cleaned body) are kept once."""
    ingested = ingest(sources)
    skipped = list(ingested.skipped)
    articles: list[Article] = []
    seen: set[str] = set()
    for document in ingested.documents:
        try:
            article = clean(document)
        except SourceError as error:
            log.info("skipped %s", error)
            skipped.append(Skipped(error.source, error.reason))
            continue
        if article.id in seen:
            skipped.append(Skipped(document.source, "duplicate of an article already in this run"))
            continue
        seen.add(article.id)
        articles.append(article)
    return CleanResult(tuple(articles), tuple(skipped))


def summarize_sources(sources: Sequence[str], settings: Settings) -> tuple[CleanResult, list[Summary]]:
    loaded = load_articles(sources)
    return loaded, summarize(loaded.articles, settings)


def run_daily(sources: Sequence[str], settings: Settings) -> DailyResult:
    started = time.perf_counter()
    loaded, summaries = summarize_sources(sources, settings)
    brief = compose(loaded.articles, summaries, settings, loaded.skipped, started=started)
    written = write_brief(brief, settings.out_dir) if loaded.articles else []
    return DailyResult(brief, tuple(written))
