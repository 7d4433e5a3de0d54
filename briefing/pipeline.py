"""The stages composed in one readable sequence: ingest -> clean -> summarize -> compose -> render.

A document that cannot be cleaned is skipped with its reason; the run goes on with the rest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from briefing.clean import clean
from briefing.clean.bound import bound_article
from briefing.clean_store import clean_with_store
from briefing.config import Executor, Settings
from briefing.errors import ConfigError, SourceError
from briefing.ingest import ingest
from briefing.memory import release_free_memory
from briefing.models import RunModels
from briefing.progress import NO_PROGRESS, Progress
from briefing.records import Article, Brief, RawDocument, Skipped, Summary, VerifyReport, VerifyRequest
from briefing.runlock import day_lock
from briefing.shown import for_terminal
from briefing.store import Store
from briefing.summarize import summarize_or_skip
from briefing.window import Intake, take_in

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CleanResult:
    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...]


@dataclass(frozen=True)
class DailyResult:
    brief: Brief
    written: tuple[Path, ...]
    intake: Intake  # what the date window and the language left out
    notes: tuple[str, ...] = ()  # one-off notes for the user (the history moved)


def load_articles(
    sources: Sequence[str], settings: Settings, progress: Progress = NO_PROGRESS, store: Store | None = None
) -> CleanResult:
    """Ingest and clean every source; duplicates (same cleaned body) are kept once. Documents cleaned before (same
    content, same cleaner) come from `store`."""
    progress.stage("Reading sources")
    if settings.executor is Executor.ray:
        from briefing.executor.ray_stages import ingest_and_clean_on_ray

        ingest_skipped, outcomes = ingest_and_clean_on_ray(sources, settings)
        progress.stage("Cleaning articles", total=len(outcomes))
        progress.advance(len(outcomes))
        return collect_articles(ingest_skipped, outcomes, settings)
    ingested = ingest(sources, settings)  # settings carry the ingestion limits (sizes, timeouts)
    progress.stage("Cleaning articles", total=len(ingested.documents))
    outcomes = clean_with_store(
        ingested.documents, store, clean_or_skip, progress.advance, _is_rejection, settings.clean_workers
    )
    return collect_articles(ingested.skipped, outcomes, settings)


def clean_or_skip(document: RawDocument) -> Article | Skipped:
    """The cleaned article, or why the document cannot be one (on this process or a Ray worker)."""
    try:
        return clean(document)
    except SourceError as error:
        log.info("skipped %s", for_terminal(error))
        return Skipped(error.source, error.reason)
    except Exception as error:
        # Third-party parsers (lxml, trafilatura, htmldate) can fail on hostile markup in ways the cleaner does
        # not foresee (an AssertionError deep in lxml): one page must not end the morning's run. The user gets
        # the one-line reason; the traceback goes to the debug log for a bug report.
        log.debug("cleaner failed on %s", for_terminal(document.source), exc_info=True)
        detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        return Skipped(document.source, f"could not be cleaned ({detail[:200]}){PARSER_FAILED}")


PARSER_FAILED = "; the parser failed on it"


def _is_rejection(skipped: Skipped) -> bool:
    """The document is not an article (kept in the stage cache), as opposed to a parser crash (tried again)."""
    return not skipped.reason.endswith(PARSER_FAILED)


def collect_articles(
    ingest_skipped: Sequence[Skipped], outcomes: Sequence[Article | Skipped], settings: Settings
) -> CleanResult:
    """The cleaning outcomes in document order, made into the run's articles: duplicates dropped, sizes bounded."""
    skipped = list(ingest_skipped)
    articles: list[Article] = []
    seen: dict[str, int] = {}  # article id -> its place in `articles`
    for article in outcomes:
        if isinstance(article, Skipped):
            skipped.append(article)
            continue
        if settings.lang and article.language not in settings.lang:
            language = article.language or "an unknown language"
            skipped.append(Skipped(article.source, f"in {language}, not in --lang {','.join(settings.lang)}"))
            continue
        if article.id in seen:
            skipped.append(Skipped(article.source, "duplicate of an article already in this run"))
            # The same text saved bare and exported with its metadata: the kept copy takes what it lacks.
            articles[seen[article.id]] = _with_metadata_of(articles[seen[article.id]], article)
            continue
        seen[article.id] = len(articles)
        article, cut_note = bound_article(article, settings)  # an HTML page can clean to megabytes of text
        skipped.extend([cut_note] if cut_note else [])
        articles.append(article)
    return CleanResult(tuple(articles), tuple(skipped))


def _with_metadata_of(kept: Article, duplicate: Article) -> Article:
    """`kept` with the url, date, author, site and dateline it lacks taken from a duplicate of it."""
    filled = {
        name: getattr(duplicate, name)
        for name in ("url", "published", "author", "site", "dateline")
        if getattr(kept, name) is None and getattr(duplicate, name) is not None
    }
    return replace(kept, **filled) if filled else kept


def summarize_sources(
    sources: Sequence[str], settings: Settings, models: RunModels, progress: Progress = NO_PROGRESS
) -> tuple[CleanResult, list[Summary], Intake]:
    """Load, keep what the date window and language let in (before any model work), summarize."""
    loaded = load_articles(sources, settings, progress, models.store)
    intake = take_in(loaded.articles, settings, loaded.skipped)
    loaded = CleanResult(intake.articles, loaded.skipped)
    progress.stage(f"Summarizing {len(loaded.articles)} articles", total=len(loaded.articles))
    outcomes = summarize_or_skip(loaded.articles, settings, models)
    progress.advance(len(loaded.articles))
    failed = tuple(outcome for outcome in outcomes if isinstance(outcome, Skipped))
    if failed:  # a Ray worker could not summarize these: the brief is made of the others, the reasons reported
        kept = [a for a, outcome in zip(loaded.articles, outcomes, strict=True) if isinstance(outcome, Summary)]
        loaded = CleanResult(tuple(kept), loaded.skipped + failed)
    return loaded, [outcome for outcome in outcomes if isinstance(outcome, Summary)], intake


@dataclass(frozen=True)
class SummarizeResult:
    loaded: CleanResult
    summaries: tuple[Summary, ...]


def run_summarize(sources: Sequence[str], settings: Settings, progress: Progress = NO_PROGRESS) -> SummarizeResult:
    """`briefing summarize`: every source's summary; no brief is composed (no grouping, no named entities)."""
    with RunModels(settings) as models:
        loaded, summaries, _ = summarize_sources(sources, settings, models, progress)
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
    # Imported here: `briefing summarize` composes and renders no brief, and its start-up should not pay for them.
    from briefing.compose import compose_day
    from briefing.compose.history import open_history
    from briefing.compose.history_location import history_folder, migrate_history
    from briefing.render import write_brief

    started = time.perf_counter()
    loaded, summaries, intake = summarize_sources(sources, settings, models, progress)
    release_free_memory()  # the cleaner's parse trees and the summarizer's buffers are gone: compose starts lower
    progress.stage("Composing the brief")
    # The history of earlier briefs (what --new-only leaves out) lives in the output folder, so separate briefs
    # never share coverage. The day is recorded only once its files are written; a re-run replaces that record.
    moved = migrate_history(settings.out_dir, settings.cache_dir)
    with open_history(history_folder(settings.out_dir)) as history:
        earlier = history.earlier(settings.date)
        if settings.new_only and history.problem:  # only --new-only needs the history; without it, a warning
            raise ConfigError(f"--new-only needs the brief history: {history.problem}")
        composition = compose_day(loaded.articles, summaries, settings, models, loaded.skipped, started, earlier)
        brief = composition.brief
        if settings.window is not None or settings.lang:
            brief = replace(brief, provenance=replace(brief.provenance, intake=intake.provenance()))
        progress.stage("Writing brief.json, brief.md, brief.html")
        template_cache = settings.cache_dir if settings.use_cache else None
        written = write_brief(brief, settings.out_dir, template_cache, models.store) if loaded.articles else []
        if written:
            history.record(settings.date, composition.fingerprints)
    return DailyResult(brief, tuple(written), intake, (moved,) if moved else ())


@dataclass(frozen=True)
class VerifyResult:
    reports: tuple[VerifyReport, ...]
    skipped: tuple[Skipped, ...]


def run_verify_summary(
    article_sources: Sequence[str], summary_source: str, settings: Settings, progress: Progress = NO_PROGRESS
) -> VerifyResult:
    """`briefing verify ARTICLE... --summary FILE|-`: one summary checked against the articles given."""
    from briefing.ingest.verify_records import read_text, summary_sentences

    summary = summary_sentences(read_text(summary_source))
    if not summary:
        raise SourceError(summary_source, "the summary holds no sentence to check")
    loaded = load_articles(article_sources, settings, progress)
    if not loaded.articles:
        why = "; ".join(f"{item.source}: {item.reason}" for item in loaded.skipped[:3])
        raise SourceError(
            ", ".join(article_sources),
            "no article could be read to check the summary against" + (f" ({why})" if why else ""),
        )
    request = VerifyRequest("stdin" if summary_source == "-" else summary_source, loaded.articles, summary)
    return VerifyResult(tuple(_verify([request], settings, progress)), loaded.skipped)


def run_verify_records(
    record_sources: Sequence[str], settings: Settings, progress: Progress = NO_PROGRESS
) -> VerifyResult:
    """`briefing verify RECORDS.jsonl...`: every record's summary against its own sources; bad records skipped."""
    from briefing.ingest.verify_records import read_summary_records

    requests: list[VerifyRequest] = []
    skipped: list[Skipped] = []
    progress.stage("Reading records")
    for source in record_sources:
        try:
            records, bad = read_summary_records(source)
        except SourceError as error:
            skipped.append(Skipped(error.source, error.reason))
            continue
        skipped.extend(bad)
        for record in records:
            try:
                articles = tuple(
                    clean(RawDocument(f"{record.where} source {n}", text, "text"))
                    for n, text in enumerate(record.sources, start=1)
                )
            except SourceError as error:
                skipped.append(Skipped(f"{record.where} (id {record.id})", error.reason))
                continue
            requests.append(VerifyRequest(record.id, articles, record.summary))
    return VerifyResult(tuple(_verify(requests, settings, progress)), tuple(skipped))


def _verify(requests: Sequence[VerifyRequest], settings: Settings, progress: Progress) -> list[VerifyReport]:
    from briefing.summarize.verify import verify_summaries

    if not requests:
        return []
    progress.stage(f"Checking {sum(len(r.summary) for r in requests)} summary sentences")
    with RunModels(settings) as models:
        return verify_summaries(requests, models.encoder)
