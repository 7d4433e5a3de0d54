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
from briefing.clean.bound import bound_article
from briefing.compose import compose_day
from briefing.compose.history import open_history
from briefing.config import Settings
from briefing.errors import SourceError
from briefing.ingest import ingest
from briefing.memory import release_free_memory
from briefing.models import RunModels
from briefing.progress import NO_PROGRESS, Progress
from briefing.records import Article, Brief, Skipped, Summary
from briefing.render import write_brief
from briefing.runlock import day_lock
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


def load_articles(sources: Sequence[str], settings: Settings, progress: Progress = NO_PROGRESS) -> CleanResult:
    """Ingest and clean every source; duplicates (same cleaned body) are kept once."""
    progress.stage("Reading sources")
    ingested = ingest(sources, settings)  # settings carry the ingestion limits (sizes, timeouts)
    skipped = list(ingested.skipped)
    articles: list[Article] = []
    seen: set[str] = set()
    progress.stage("Cleaning articles", total=len(ingested.documents))
    for document in ingested.documents:
        progress.advance()
        try:
            article = clean(document)
        except SourceError as error:
            log.info("skipped %s", error)
            skipped.append(Skipped(error.source, error.reason))
            continue
        except Exception as error:
            # Third-party parsers (lxml, trafilatura, htmldate) can fail on hostile markup in ways the cleaner does
            # not foresee (an AssertionError deep in lxml): one page must not end the morning's run. The user gets
            # the one-line reason; the traceback goes to the debug log for a bug report.
            log.debug("cleaner failed on %s", document.source, exc_info=True)
            detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            skipped.append(Skipped(document.source, f"could not be cleaned ({detail[:200]}); the parser failed on it"))
            continue
        if article.id in seen:
            skipped.append(Skipped(document.source, "duplicate of an article already in this run"))
            continue
        seen.add(article.id)
        article, cut_note = bound_article(article, settings)  # an HTML page can clean to megabytes of text
        skipped.extend([cut_note] if cut_note else [])
        articles.append(article)
    return CleanResult(tuple(articles), tuple(skipped))


def summarize_sources(
    sources: Sequence[str], settings: Settings, models: RunModels, progress: Progress = NO_PROGRESS
) -> tuple[CleanResult, list[Summary]]:
    loaded = load_articles(sources, settings, progress)
    progress.stage(f"Summarizing {len(loaded.articles)} articles", total=len(loaded.articles))
    summaries = summarize(loaded.articles, settings, models)
    progress.advance(len(loaded.articles))
    return loaded, summaries


@dataclass(frozen=True)
class SummarizeResult:
    loaded: CleanResult
    summaries: tuple[Summary, ...]


def run_summarize(sources: Sequence[str], settings: Settings, progress: Progress = NO_PROGRESS) -> SummarizeResult:
    """`briefing summarize`: every source's summary; no brief is composed (no grouping, no named entities)."""
    with RunModels(settings) as models:
        loaded, summaries = summarize_sources(sources, settings, models, progress)
    return SummarizeResult(loaded, tuple(summaries))


def run_daily(sources: Sequence[str], settings: Settings, progress: Progress = NO_PROGRESS) -> DailyResult:
    """The daily run, one at a time per output day: a second run for the same day waits (see `briefing.runlock`)."""
    with day_lock(settings.out_dir, settings.date), RunModels(settings) as models:
        try:
            return _run_daily_locked(sources, settings, models, progress)
        finally:
            # A scheduler may call run_daily day after day in one process: without this the heap keeps every
            # run's freed pages and resident memory climbs run after run (bench/soak.py measures it).
            release_free_memory()


def _run_daily_locked(sources: Sequence[str], settings: Settings, models: RunModels, progress: Progress) -> DailyResult:
    started = time.perf_counter()
    loaded, summaries = summarize_sources(sources, settings, models, progress)
    release_free_memory()  # the cleaner's parse trees and the summarizer's buffers are gone: compose starts lower
    progress.stage("Composing the brief")
    # The history of earlier briefs (what --new-only leaves out) lives beside the summary cache. The day is recorded
    # only once its files are written; a re-run of the same day replaces that day's record.
    with open_history(settings.cache_dir) as history:
        earlier = history.earlier(settings.date)
        composition = compose_day(loaded.articles, summaries, settings, models, loaded.skipped, started, earlier)
        brief = composition.brief
        progress.stage("Writing brief.json, brief.md, brief.html")
        written = write_brief(brief, settings.out_dir) if loaded.articles else []
        if written:
            history.record(settings.date, composition.fingerprints)
    return DailyResult(brief, tuple(written))
