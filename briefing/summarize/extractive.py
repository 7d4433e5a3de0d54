"""Extractive summarizer (the default): a small trained scorer ranks sentences, the encoder keeps near-duplicates out.

1. Every sentence gets a score from position and surface features (`sentence_features.py`) and the weights shipped
   in `extractive_scorer.json`, trained on the development data by `scripts/train_scorer.py`. News is written lead
   first, so the score stays close to article order and mostly decides which weak lead sentences to pass over.
   The trained weights are shipped only when they beat Lead-3 in every cross-validation fold on every dev set;
   otherwise the shipped scorer is the lead itself (all weights 0), and the first N sentences are the summary.
2. Candidates are taken best first; one whose embedding is too similar to a sentence already chosen (a caption
   repeating the first sentence, a quote restated) is skipped. Only the candidates the selection reaches are
   embedded (usually N per article), all articles in one encoder pass, so the cost does not grow with article length.
   The encoder runs with float32 weights, so an article's summary never depends on the other articles in the run.
3. The chosen sentences are returned in article order, each citing its own index in `Article.sentences`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from briefing.config import Settings
from briefing.encoder.resolve import EMBEDDED_NAME
from briefing.errors import ModelError
from briefing.models import RunModels
from briefing.records import Article, Summary, SummarySentence
from briefing.summarize.sentence_features import FEATURES, sentence_features

SCORER_PATH = Path(__file__).with_name("extractive_scorer.json")


class Encoder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Scorer:
    """A linear sentence scorer and the similarity above which a candidate counts as a near-duplicate."""

    weights: np.ndarray  # one weight per name in FEATURES
    redundancy_threshold: float

    def score(self, sentences: Sequence[str]) -> np.ndarray:
        return sentence_features(sentences) @ self.weights

    @property
    def is_lead(self) -> bool:
        """All weights 0 and no near-duplicate ever skipped: the first N sentences, in order (Lead-N)."""
        return not self.weights.any() and self.redundancy_threshold > 1.0

    @classmethod
    def from_json(cls, path: Path) -> Scorer:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            weights = data["weights"]
            threshold = float(data["redundancy_threshold"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ModelError(f"{path}: unreadable extractive scorer ({error.__class__.__name__}: {error})") from None
        if not isinstance(weights, dict) or set(weights) != set(FEATURES):
            raise ModelError(f"{path}: scorer weights must name exactly these features: {', '.join(FEATURES)}")
        return cls(np.array([float(weights[name]) for name in FEATURES], dtype=np.float64), threshold)


@lru_cache(maxsize=1)
def shipped_scorer() -> Scorer:
    return Scorer.from_json(SCORER_PATH)


def candidate_order(scores: np.ndarray) -> list[int]:
    """Sentence indexes best first; equal scores keep article order, so the result never depends on sort stability."""
    return sorted(range(len(scores)), key=lambda index: (-float(scores[index]), index))


def pick_diverse(vectors: np.ndarray, limit: int, threshold: float) -> list[int]:
    """Positions of the first `limit` rows that are not near-duplicates of a row picked before them.

    `vectors` are unit embeddings of the candidates in ranking order; positions index that order.
    """
    chosen: list[int] = []
    for position in range(len(vectors)):
        if chosen and float((vectors[chosen] @ vectors[position]).max()) > threshold:
            continue
        chosen.append(position)
        if len(chosen) == limit:
            break
    return chosen


def fill_to(chosen: list[int], candidates: int, limit: int) -> list[int]:
    """Top up with the best remaining candidates when too many were near-duplicates (an article that repeats itself)."""
    taken = set(chosen)
    extra = [position for position in range(candidates) if position not in taken]
    return chosen + extra[: max(0, limit - len(chosen))]


@dataclass
class _Plan:
    """One article's selection in progress."""

    order: list[int]  # sentence indexes, best first
    vectors: np.ndarray | None = None  # embeddings of order[: len(vectors)]
    picked: list[int] | None = None  # positions in `order`


class ExtractiveSummarizer:
    name = "extractive"

    def __init__(self, settings: Settings, models: RunModels, scorer: Scorer | None = None) -> None:
        self.settings = settings
        self.models = models
        self.model_name = EMBEDDED_NAME
        self.scorer = scorer or shipped_scorer()

    def summarize(self, articles: Sequence[Article]) -> list[Summary]:
        limit = self.settings.sentences
        plans = [_Plan(candidate_order(self.scorer.score(article.sentences))) for article in articles]
        if self.scorer.is_lead:  # the lead needs no encoder: nothing is ranked or compared
            for plan in plans:
                plan.picked = list(range(min(limit, len(plan.order)))) if len(plan.order) > limit else None
        open_plans = [
            (article, plan)
            for article, plan in zip(articles, plans, strict=True)
            if len(plan.order) > limit and plan.picked is None
        ]
        if open_plans:
            # float32 (the one encoder every stage shares), never int8: int8 dynamic quantization scales activations per
            # batch, so a sentence's vector would depend on the other articles in the run. compose finds these
            # vectors in the encoder's cache.
            encoder = self.models.encoder
            # Embed only what the selection looks at: each round embeds, for every article still short of N, as
            # many next-best candidates as it still needs, all articles in one encoder call. A round after the
            # first happens only for articles where a candidate was a near-duplicate.
            while open_plans:
                self._embed_next(encoder, open_plans, limit)
                for _, plan in open_plans:
                    assert plan.vectors is not None  # embedded just above
                    plan.picked = pick_diverse(plan.vectors, limit, self.scorer.redundancy_threshold)
                open_plans = [
                    (article, plan)
                    for article, plan in open_plans
                    if len(plan.picked or ()) < limit
                    and len(plan.vectors if plan.vectors is not None else ()) < len(plan.order)
                ]
        summaries: list[Summary] = []
        for article, plan in zip(articles, plans, strict=True):
            if plan.picked is None:  # no more sentences than asked for: the whole article is the summary
                indexes = list(range(len(article.sentences)))
            else:
                positions = fill_to(plan.picked, len(plan.order), limit)
                indexes = sorted(plan.order[position] for position in positions)
            sentences = tuple(SummarySentence(article.sentences[i], (i,), support=1.0) for i in indexes)
            summaries.append(Summary(article.id, sentences, method=self.name, model=self.model_name))
        return summaries

    @staticmethod
    def _embed_next(encoder: Encoder, plans: Sequence[tuple[Article, _Plan]], limit: int) -> None:
        """Embed each plan's next candidates (all plans in one encoder call) and append their vectors."""
        texts: list[str] = []
        spans: list[tuple[int, int]] = []
        for article, plan in plans:
            have = 0 if plan.vectors is None else len(plan.vectors)
            # What is still missing, or half as many as were embedded before, whichever is more: an article that
            # keeps repeating itself needs a few rounds (the count grows geometrically), not one per sentence.
            wanted = max(limit - (len(plan.picked) if plan.picked is not None else 0), have // 2)
            following = plan.order[have : have + wanted]
            spans.append((len(texts), len(texts) + len(following)))
            texts.extend(article.sentences[index] for index in following)
        vectors = encoder.embed(texts)
        for (_, plan), (start, end) in zip(plans, spans, strict=True):
            new = vectors[start:end]
            plan.vectors = new if plan.vectors is None else np.concatenate([plan.vectors, new])
