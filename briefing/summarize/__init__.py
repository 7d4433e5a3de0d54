"""Stage 4, summarize: Articles -> Summaries, with the summarizer named by `--method` from the registry.

Around the summarizer: the summary cache (articles summarized before with the same model, method, parameters and
prompts are not summarized again), and after a generative summarizer the faithfulness guard, so that every
abstractive or hybrid sentence leaving this stage has been checked against its article.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from briefing.config import Method, Settings
from briefing.errors import ModelError
from briefing.models import RunModels
from briefing.records import Article, Summary
from briefing.summarize.base import Summarizer
from briefing.summarize.cache import SummaryCache, cache_key, model_fingerprint, prompt_version
from briefing.summarize.registry import create_summarizer

log = logging.getLogger(__name__)

GUARDED_METHODS = frozenset({Method.abstractive, Method.hybrid})
CACHE_BATCH = 32  # articles summarized, guarded and committed together: an interrupted run loses at most one batch


def summarize(articles: Sequence[Article], settings: Settings, models: RunModels) -> list[Summary]:
    """One Summary per article, in the same order; models are loaded from `models` only for articles not cached."""
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
) -> list[Summary]:
    results: list[Summary | None] = [None] * len(articles)
    keys: list[str] = []
    if cache is not None:
        fingerprint, prompts = model_fingerprint(settings), prompt_version(settings)
        keys = [cache_key(article, settings, fingerprint, prompts) for article in articles]
        found = cache.get_many(keys)
        results = [found.get(key) for key in keys]
        log.info("summary cache: %d of %d articles found in %s", len(found), len(articles), cache.path)
    missing = [index for index, summary in enumerate(results) if summary is None]
    if missing:
        # Created only now: loading a generative model is the work a fully cached run must not do.
        summarizer = create_summarizer(settings.method.value, settings, models)
        step = CACHE_BATCH if cache is not None else len(missing)
        for start in range(0, len(missing), step):
            batch = missing[start : start + step]
            made = _summarize_batch(summarizer, [articles[index] for index in batch], settings, models)
            for index, summary in zip(batch, made, strict=True):
                results[index] = summary
            if cache is not None:
                cache.put_many({keys[index]: made_summary for index, made_summary in zip(batch, made, strict=True)})
    return [summary for summary in results if summary is not None]


def _summarize_batch(
    summarizer: Summarizer, articles: list[Article], settings: Settings, models: RunModels
) -> list[Summary]:
    summaries = summarizer.summarize(articles)
    if len(summaries) != len(articles):
        raise ModelError(
            f"summarizer {summarizer.name!r} returned {len(summaries)} summaries for {len(articles)} articles"
        )
    if settings.method in GUARDED_METHODS:
        from briefing.summarize.guard import guard_summaries

        summaries = guard_summaries(articles, summaries, settings.guard, models.encoder, parser=models.parser)
    return summaries
