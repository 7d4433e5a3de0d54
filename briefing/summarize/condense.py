"""Condense whole articles with a generative model, so that nothing is silently truncated.

map-reduce: every chunk of every article is summarized (one batched pass), then each article's chunk summaries are
packed into groups that fit the context and merged, round after round, until one summary is left.
refine: the first chunk is summarized, then the running summary is rewritten with each next chunk in turn (batched
across articles step by step); slower, but each step sees the story so far.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from briefing.config import ReduceMode, Settings
from briefing.errors import ModelError
from briefing.records import Article, Chunk
from briefing.summarize.base import TextGenerator
from briefing.summarize.chunk import chunk
from briefing.summarize.generative import GenerationOptions
from briefing.summarize.prompts import load_template

MAX_TITLE_WORDS = 30  # a scraped "title" can be a whole paragraph; the prompt needs only the headline


@dataclass(frozen=True)
class Draft:
    """The generated summary text of one article, and the chunks it was made from."""

    text: str
    chunks: tuple[Chunk, ...]
    reduce_rounds: int = 0  # map-reduce: merge rounds run; refine: refine steps run


def condense(model: TextGenerator, articles: Sequence[Article], settings: Settings, first: str = "map") -> list[Draft]:
    """One Draft per article. `first` names the template for the map step ("map", or "rewrite" for hybrid)."""
    if not articles:
        return []
    if settings.reduce_mode is ReduceMode.refine:
        return _refine(model, articles, settings, first)
    return _map_reduce(model, articles, settings, first)


def _values(article: Article, settings: Settings) -> dict[str, object]:
    title = " ".join(article.title.split()[:MAX_TITLE_WORDS])
    return {"title": title, "sentences": settings.sentences}


def _chunks(
    model: TextGenerator, article: Article, settings: Settings, template: str, reserve: int = 0
) -> tuple[Chunk, ...]:
    options = GenerationOptions.from_settings(settings)
    budget = model.input_budget(load_template(template), options, _values(article, settings), reserve=reserve)
    return tuple(chunk(article, model.count_tokens, budget, settings.chunk_overlap))


def _map_reduce(model: TextGenerator, articles: Sequence[Article], settings: Settings, first: str) -> list[Draft]:
    options = GenerationOptions.from_settings(settings)
    map_template, reduce_template = load_template(first), load_template("reduce")
    chunked = [_chunks(model, article, settings, first) for article in articles]
    prompts = [
        model.render(map_template, text=piece.text, **_values(article, settings))
        for article, pieces in zip(articles, chunked, strict=True)
        for piece in pieces
    ]
    outputs = iter(model.generate(prompts, options))
    partials = [[text for text in (next(outputs) for _ in pieces) if text] for pieces in chunked]
    rounds = [0] * len(articles)
    while any(len(parts) > 1 for parts in partials):
        jobs: list[tuple[int, list[str]]] = []  # (article index, the partial summaries one reduce prompt merges)
        for index, parts in enumerate(partials):
            if len(parts) > 1:
                jobs.extend((index, group) for group in _pack(model, articles[index], parts, settings))
                rounds[index] += 1
        # A group of one summary would only be summarized again: it goes on unchanged.
        merging = [(index, group) for index, group in jobs if len(group) > 1]
        prompts = [
            model.render(reduce_template, text="\n".join(group), **_values(articles[index], settings))
            for index, group in merging
        ]
        merged = iter(model.generate(prompts, options))
        for index in {index for index, _ in jobs}:
            partials[index] = []
        for index, group in jobs:
            text = next(merged) if len(group) > 1 else group[0]
            if text:
                partials[index].append(text)
    return [
        Draft(parts[0] if parts else "", pieces, rounds[i])
        for i, (parts, pieces) in enumerate(zip(partials, chunked, strict=True))
    ]


def _pack(model: TextGenerator, article: Article, parts: list[str], settings: Settings) -> list[list[str]]:
    """Consecutive partial summaries grouped so that each group, newline-joined, fits one reduce prompt."""
    options = GenerationOptions.from_settings(settings)
    budget = model.input_budget(load_template("reduce"), options, _values(article, settings))
    groups: list[list[str]] = [[]]
    for part in parts:
        candidate = [*groups[-1], part]
        if groups[-1] and model.count_tokens("\n".join(candidate)) > budget:
            groups.append([part])
        else:
            groups[-1] = candidate
    too_long = any(model.count_tokens("\n".join(group)) > budget for group in groups)
    if too_long or len(groups) >= len(parts):  # no progress possible: the loop in _map_reduce would never end
        raise ModelError(
            f"{model.name}: a context of {model.context_tokens} tokens cannot hold two chunk summaries of up to "
            f"{options.max_new_tokens} tokens to merge them; lower --max-new-tokens or use --reduce refine"
        )
    return groups


def _refine(model: TextGenerator, articles: Sequence[Article], settings: Settings, first: str) -> list[Draft]:
    options = GenerationOptions.from_settings(settings)
    map_template, refine_template = load_template(first), load_template("refine")
    # Room for the running summary (at most max_new_tokens) is kept free in every refine prompt.
    chunked = [_chunks(model, a, settings, "refine", reserve=options.max_new_tokens) for a in articles]
    summaries = model.generate(
        [
            model.render(map_template, text=pieces[0].text, **_values(a, settings))
            for a, pieces in zip(articles, chunked, strict=True)
        ],
        options,
    )
    steps = max(len(pieces) for pieces in chunked)
    for step in range(1, steps):
        active = [i for i, pieces in enumerate(chunked) if len(pieces) > step]
        prompts = [
            model.render(
                refine_template,
                text=chunked[i][step].text,
                summary=summaries[i],
                **_values(articles[i], settings),
            )
            for i in active
        ]
        for index, text in zip(active, model.generate(prompts, options), strict=True):
            summaries[index] = text or summaries[index]  # an empty rewrite keeps what was already summarized
    return [Draft(text, pieces, len(pieces) - 1) for text, pieces in zip(summaries, chunked, strict=True)]
