"""Abstractive and hybrid summarizers on a local generative model (see generative.py and condense.py).

abstractive: the model summarizes every chunk of the article and the chunk summaries are merged (map-reduce or
refine), so a long article is read to the end, never cut off.
hybrid: the extractive summarizer picks the key sentences first, then the model rewrites only those, which keeps the
model close to the article's own words.

Each output sentence carries provisional citations: the article sentences (for hybrid, among the extracted ones) that
share the most content words with it. The faithfulness guard replaces them with verified citations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from briefing.config import Settings
from briefing.models import RunModels
from briefing.records import Article, Summary, SummarySentence
from briefing.summarize.condense import condense
from briefing.summarize.extractive import ExtractiveSummarizer
from briefing.summary_text import claim_sentences
from briefing.text import normalize_whitespace, words

MAX_PROVISIONAL_CITATIONS = 2
_SENTENCE_END = re.compile(r"[.!?…]['\"’”)\]]*$")
_STOPWORDS = frozenset(
    "the a an and or but of to in on at for by with from as is are was were be been has have had it its this that "
    "these those he she they them his her their we our you your i not no will would can could said says also than "
    "then there here who which what when where after before over into about more most".split()
)


def summary_sentences(generated: str, limit: int) -> list[str]:
    """The sentences of a generated summary, without markup (`briefing.summary_text`: list markers, headings,
    emphasis, lead-ins), repeats or a sentence cut off mid-way."""
    sentences = claim_sentences(generated)
    if len(sentences) > 1 and not _SENTENCE_END.search(sentences[-1]):
        sentences.pop()  # generation stopped at max_new_tokens mid-sentence: an unfinished claim is worse than none
    unique: list[str] = []
    seen: set[str] = set()
    for sentence in sentences:
        key = " ".join(words(sentence))
        if key and key not in seen:
            seen.add(key)
            unique.append(normalize_whitespace(sentence))
    return unique[:limit]


def provisional_citations(sentence: str, article: Article, candidates: Sequence[int]) -> tuple[int, ...]:
    """The candidate article sentences sharing the most content words with `sentence` (character trigrams break ties
    and decide when no word is shared), in article order. Always at least one when there are candidates."""
    if not candidates:
        return ()
    content = _content_words(sentence)
    grams = _trigrams(sentence)
    scored = []
    for index in candidates:
        other = article.sentences[index]
        shared = len(content & _content_words(other))
        other_grams = _trigrams(other)
        jaccard = len(grams & other_grams) / max(1, len(grams | other_grams))
        scored.append((shared, jaccard, -index))
    scored.sort(reverse=True)
    best = [-index for shared, _, index in scored[:MAX_PROVISIONAL_CITATIONS] if shared > 0]
    return tuple(sorted(best)) if best else (-scored[0][2],)


def _content_words(text: str) -> set[str]:
    return {word for word in words(text) if len(word) > 2 and word not in _STOPWORDS}


def _trigrams(text: str) -> set[str]:
    folded = " ".join(words(text))
    return {folded[i : i + 3] for i in range(max(0, len(folded) - 2))}


def build_summary(
    article: Article, generated: str, candidates: Sequence[int], settings: Settings, method: str, model: str
) -> Summary:
    sentences = tuple(
        SummarySentence(text, provisional_citations(text, article, candidates))
        for text in summary_sentences(generated, settings.sentences)
    )
    return Summary(article.id, sentences, method=method, model=model)


class _GenerativeSummarizer:
    """What both generative methods share: the settings, and the model named by `--model`."""

    name: str

    def __init__(self, settings: Settings, models: RunModels) -> None:
        self.settings = settings
        self.models = models
        self.model_name = settings.model


class AbstractiveSummarizer(_GenerativeSummarizer):
    """Map-reduce (or refine) over token-aware chunks of the whole article."""

    name = "abstractive"

    def summarize(self, articles: Sequence[Article]) -> list[Summary]:
        if not articles:
            return []
        model = self.models.generator
        drafts = condense(model, articles, self.settings, first="map")
        return [
            build_summary(article, draft.text, range(len(article.sentences)), self.settings, self.name, model.name)
            for article, draft in zip(articles, drafts, strict=True)
        ]


class HybridSummarizer(_GenerativeSummarizer):
    """Extract the key sentences with the embedded encoder, then let the generative model rewrite them."""

    name = "hybrid"

    def summarize(self, articles: Sequence[Article]) -> list[Summary]:
        if not articles:
            return []
        model = self.models.generator  # first, so that a bad --model fails before any extractive work
        extracted = ExtractiveSummarizer(self.settings, self.models).summarize(articles)
        picks = [sorted({i for sentence in summary.sentences for i in sentence.citations}) for summary in extracted]
        # The picked sentences, in article order, stand in for the article: long ones are still chunked and reduced.
        selections = [
            replace(article, sentences=tuple(article.sentences[i] for i in chosen))
            for article, chosen in zip(articles, picks, strict=True)
        ]
        drafts = condense(model, selections, self.settings, first="rewrite")
        return [
            top_up(
                build_summary(article, draft.text, chosen, self.settings, self.name, model.name), extract, self.settings
            )
            for article, chosen, draft, extract in zip(articles, picks, drafts, extracted, strict=True)
        ]


def top_up(summary: Summary, extracted: Summary, settings: Settings) -> Summary:
    """Hybrid: when the model wrote fewer sentences than --sentences, the extracted sentences it did not rewrite
    (none of its sentences cites them) fill the summary up, in article order after the rewritten ones."""
    missing = settings.sentences - len(summary.sentences)
    if missing <= 0:
        return summary
    used = {index for sentence in summary.sentences for index in sentence.citations}
    extra = [s for s in extracted.sentences if not used.intersection(s.citations)][:missing]
    return replace(summary, sentences=summary.sentences + tuple(extra))
