"""Stage 4, summarize: Articles -> Summaries, with the summarizer named by `--method` from the registry.

Around the summarizer: the summary cache (articles summarized before with the same model, method, parameters and
prompts are not summarized again), and after a generative summarizer the faithfulness guard, so that every
abstractive or hybrid sentence leaving this stage has been checked against its article.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from briefing.config import Executor, Method, Settings
from briefing.errors import ModelError
from briefing.models import RunModels
from briefing.records import Article, Skipped, Summary
from briefing.summarize.base import Summarizer
from briefing.summarize.cache import SummaryCache, cache_key, model_fingerprint, prompt_version
from briefing.summarize.registry import create_summarizer

log = logging.getLogger(__name__)

GUARDED_METHODS = frozenset({Method.abstractive, Method.hybrid})
FALLBACK_METHOD = "extractive-fallback"  # Summary.method of an empty generated summary replaced by the extractive one
CACHE_BATCH = 32  # articles summarized, guarded and committed together: an interrupted run loses at most one batch


def summarize(articles: Sequence[Article], settings: Settings, models: RunModels) -> list[Summary]:
    """One Summary per article, in the same order; models are loaded from `models` only for articles not cached."""
    outcomes = summarize_or_skip(articles, settings, models)
    failed = [outcome for outcome in outcomes if isinstance(outcome, Skipped)]
    if failed:  # only a Ray worker turns an article's failure into a Skipped; callers of this function want all
        raise ModelError(f"{failed[0].source}: {failed[0].reason}")
    return [outcome for outcome in outcomes if isinstance(outcome, Summary)]


def summarize_or_skip(articles: Sequence[Article], settings: Settings, models: RunModels) -> list[Summary | Skipped]:
    """One Summary per article in the same order, or (on Ray) a Skipped for an article a worker failed on."""
    if not articles:
        return []
    cache = SummaryCache.open(settings.cache_dir) if settings.use_cache else None
    try:
        return _summarize(articles, settings, models, cache)
    finally:
        if cache is not None:
            cache.close()


def _summarize(
    articles: Sequence[Article], settings: Settings, models: RunModels, cache: SummaryCache | None
) -> list[Summary | Skipped]:
    results: list[Summary | Skipped | None] = [None] * len(articles)
    keys: list[str] = []
    if cache is not None:
        fingerprint, prompts = model_fingerprint(settings), prompt_version(settings)
        keys = [cache_key(article, settings, fingerprint, prompts) for article in articles]
        found = cache.get_many(keys)
        results = [found.get(key) for key in keys]
        log.info("summary cache: %d of %d articles found in %s", len(found), len(articles), cache.path)
    missing = [index for index, summary in enumerate(results) if summary is None]
    if missing:
        # Consulted before any work goes out, filled with what comes back, a batch at a time.
        for batch, made in _produce(missing, articles, settings, models, cache is not None):
            for index, outcome in zip(batch, made, strict=True):
                results[index] = outcome
            if cache is not None:
                cache.put_many(
                    {keys[i]: outcome for i, outcome in zip(batch, made, strict=True) if isinstance(outcome, Summary)}
                )
    return [outcome for outcome in results if outcome is not None]


def _produce(
    missing: list[int], articles: Sequence[Article], settings: Settings, models: RunModels, cached: bool
) -> Iterator[tuple[list[int], Sequence[Summary | Skipped]]]:
    """(article indexes, their summaries) batch after batch, from this process or from Ray's workers."""
    if settings.executor is Executor.ray:
        from briefing.executor.ray_stages import summarize_on_ray

        yield from summarize_on_ray(missing, articles, settings)
        return
    # Created only now: loading a generative model is the work a fully cached run must not do.
    summarizer = create_summarizer(settings.method.value, settings, models)
    step = CACHE_BATCH if cached else len(missing)
    for start in range(0, len(missing), step):
        batch = missing[start : start + step]
        yield batch, summarize_batch(summarizer, [articles[index] for index in batch], settings, models)


def summarize_batch(
    summarizer: Summarizer, articles: list[Article], settings: Settings, models: RunModels
) -> list[Summary]:
    summaries = summarizer.summarize(articles)
    if len(summaries) != len(articles):
        raise ModelError(
            f"summarizer {summarizer.name!r} returned {len(summaries)} summaries for {len(articles)} articles"
        )
    if settings.method in GUARDED_METHODS:
        from briefing.summarize.guard import guard_needs_parser, guard_summaries

        parser = models.parser if guard_needs_parser() else None  # spaCy is loaded only when an adopted rule reads it
        summaries = guard_summaries(articles, summaries, settings.guard, models.encoder, parser=parser)
        summaries = _fall_back_when_empty(articles, summaries, settings, models)
    return summaries


def _fall_back_when_empty(
    articles: list[Article], summaries: list[Summary], settings: Settings, models: RunModels
) -> list[Summary]:
    """A generated summary that came out empty (the model wrote nothing, or the guard dropped every line) is never
    returned as a summary: the article gets its extractive summary instead, and a warning names it."""
    empty = [i for i, summary in enumerate(summaries) if not summary.sentences and articles[i].sentences]
    if not empty:
        return summaries
    from briefing.summarize.extractive import ExtractiveSummarizer

    replacements = ExtractiveSummarizer(settings, models).summarize([articles[i] for i in empty])
    fixed = list(summaries)
    for index, replacement in zip(empty, replacements, strict=True):
        log.warning(
            "%s: the %s summary came out empty (nothing generated, or nothing the faithfulness guard kept); "
            "using the extractive summary instead",
            articles[index].source,
            settings.method.value,
        )
        fixed[index] = Summary(replacement.article_id, replacement.sentences, FALLBACK_METHOD, replacement.model)
    return fixed
