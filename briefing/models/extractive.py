"""Extractive summarizer on the embedded encoder: score sentences, pick with MMR, keep article order.

Score = centrality (similarity to the article centroid) + headline similarity + a lead-position prior,
then Maximal Marginal Relevance removes near-duplicates. Every chosen sentence cites itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from briefing.config import Settings
from briefing.models.registry import register
from briefing.models.resolve import EMBEDDED_NAME
from briefing.records import Article, Summary, SummarySentence

POSITION_WEIGHT = 0.35
CENTRALITY_WEIGHT = 0.45
HEADLINE_WEIGHT = 0.20
REDUNDANCY_PENALTY = 0.6  # MMR lambda complement: how much similarity to chosen sentences costs
MIN_WORDS = 4  # sentences shorter than this (datelines, captions) are rarely summary material


def position_prior(count: int) -> np.ndarray:
    """News puts the key facts first: a prior that decays with the sentence's position."""
    positions = np.arange(count, dtype=np.float32)
    return 1.0 / np.sqrt(1.0 + positions)


def score_sentences(sentence_vectors: np.ndarray, title_vector: np.ndarray | None) -> np.ndarray:
    count = len(sentence_vectors)
    centroid = sentence_vectors.mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    centrality = sentence_vectors @ (centroid / norm) if norm > 0 else np.zeros(count, dtype=np.float32)
    headline = sentence_vectors @ title_vector if title_vector is not None else np.zeros(count, dtype=np.float32)
    return CENTRALITY_WEIGHT * centrality + HEADLINE_WEIGHT * headline + POSITION_WEIGHT * position_prior(count)


def select_mmr(scores: np.ndarray, vectors: np.ndarray, limit: int, eligible: np.ndarray) -> list[int]:
    """Greedy MMR: the best-scoring sentence that is not too similar to those already chosen."""
    chosen: list[int] = []
    candidates = [i for i in range(len(scores)) if eligible[i]] or list(range(len(scores)))
    while candidates and len(chosen) < limit:
        if chosen:
            redundancy = (vectors[candidates] @ vectors[chosen].T).max(axis=1)
        else:
            redundancy = np.zeros(len(candidates), dtype=np.float32)
        adjusted = scores[candidates] - REDUNDANCY_PENALTY * redundancy
        best = candidates[int(np.argmax(adjusted))]
        chosen.append(best)
        candidates.remove(best)
    return sorted(chosen)


@register("extractive")
class ExtractiveSummarizer:
    name = "extractive"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model_name = EMBEDDED_NAME

    def summarize(self, articles: Sequence[Article]) -> list[Summary]:
        from briefing.models.encoder import embedded_encoder

        encoder = embedded_encoder()
        # One encoder pass over every sentence of every article: batching across articles keeps padding small.
        texts: list[str] = []
        for article in articles:
            texts.append(article.title)
            texts.extend(article.sentences)
        vectors = encoder.embed(texts)
        summaries: list[Summary] = []
        offset = 0
        for article in articles:
            title_vector = vectors[offset] if article.title else None
            sentence_vectors = vectors[offset + 1 : offset + 1 + len(article.sentences)]
            offset += 1 + len(article.sentences)
            summaries.append(self._summarize_one(article, sentence_vectors, title_vector))
        return summaries

    def _summarize_one(
        self, article: Article, sentence_vectors: np.ndarray, title_vector: np.ndarray | None
    ) -> Summary:
        limit = self.settings.sentences
        if len(article.sentences) <= limit:
            picked = list(range(len(article.sentences)))
        else:
            scores = score_sentences(sentence_vectors, title_vector)
            eligible = np.array([len(s.split()) >= MIN_WORDS for s in article.sentences])
            picked = select_mmr(scores, sentence_vectors, limit, eligible)
        sentences = tuple(SummarySentence(article.sentences[i], (i,), support=1.0) for i in picked)
        return Summary(article.id, sentences, method=self.name, model=self.model_name)
