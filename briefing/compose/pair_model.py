"""The same-event pair model: P(two articles report the same event) from their event profiles and vectors.

A logistic regression over the features in FEATURES (standardised), trained by `scripts/train_grouping.py` on the
development data (Multi-News clusters: positives within a cluster, negatives across; CNN/DailyMail and BBC articles:
same-section, shared-name negatives) and cross-validated by cluster; the weights ship in `grouping_model.json`.
Features are computed only for candidate pairs (briefing.compose.candidates), never for all n x n.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from briefing.compose.candidates import row_cosines
from briefing.compose.events import EventProfile
from briefing.errors import ModelError
from briefing.shipped import verified_bytes

MODEL_PATH = Path(__file__).with_name("grouping_model.json")
# sha256 of the shipped grouping_model.json, checked before it is read: a damaged or hand-edited file fails loudly
# instead of grouping with other weights than the benchmark measured. scripts/train_grouping.py rewrites this line.
MODEL_SHA256 = "6458e96eb501ff820191ed8a5e1bb8ca11d76f20888a23d42cbdc13203ac97da"
FEATURES = (
    "encoder_document",  # cosine of the title + lead-weighted body vectors (all-MiniLM-L6-v2)
    "encoder_lead",  # cosine of the lead vectors (mean of the first LEAD_SENTENCES sentence vectors)
    "tfidf_body",  # TF-IDF cosine of title + body over the day's articles (names, numbers, rare words)
    "tfidf_lead",  # TF-IDF cosine of title + lead: the words of what happened
    "shared_people",  # log(1 + named people both mention)
    "shared_organisations",
    "shared_places",
    "shared_lead_names",  # log(1 + names both put in their title or lead)
    "name_jaccard",  # Jaccard overlap of all their names
    "shared_figures",  # log(1 + figures both report: "1,200", "76%", "$1.13bn")
    "shared_dates",  # log(1 + calendar dates both mention)
    "unnamed",  # 1 when either article has no named entity; not read (pair_features): see NAMELESS_NOT_EVIDENCE
    "encoder_x_tfidf",  # product of the two cosines: close in meaning AND in words
    "best_sentence",  # highest cosine between one of the first HEAD_SENTENCES sentences of each: a fact both tell
    "matching_sentences",  # log(1 + such sentence pairs with cosine >= SENTENCE_MATCH)
)
# The languages the pair model can read meaning and names in: the encoder (all-MiniLM-L6-v2) and the NER model are
# English, and the model was trained on English pairs. On other languages the encoder's cosine says little (unrelated
# German articles score 0.6-0.7, as same-event English ones do) and no names are tagged (so "unnamed" fires, which
# the English training data tied to same-event pairs). A pair with an article in another language is judged on its
# words, figures and dates only: its meaning and name features are left out (set to the training mean, which adds
# nothing to the logit).
MODEL_LANGUAGES = frozenset({"en"})
LEXICAL_FEATURES = frozenset({"tfidf_body", "tfidf_lead", "shared_figures", "shared_dates"})
_UNREAD_COLUMNS = np.array([name not in LEXICAL_FEATURES for name in FEATURES])
# `unnamed` = 1 is read at its training mean (it adds nothing): its weight (+0.48, +4.3 logits at 1) was learned from
# the one article of the dev data without names, a Dutch document of a Multi-News cluster, so every pair with a
# nameless article (a short English piece, a page NER finds nothing in) was pushed toward one event. At 0 it is read as
# before, so the shipped weights give every English dev pair the probability they were measured with.
NAMELESS_NOT_EVIDENCE = True
_UNNAMED = FEATURES.index("unnamed")
HEAD_SENTENCES = 8
SENTENCE_MATCH = 0.8
PAIR_BLOCK = 4096  # pairs whose head sentences are compared at once (memory: PAIR_BLOCK x 8 x 8 x dim floats)


@dataclass(frozen=True)
class DayVectors:
    """What the pair model compares, for every article of the day."""

    documents: np.ndarray  # (n, dim), unit rows
    leads: np.ndarray  # (n, dim), unit rows
    body_tfidf: Any  # scipy.sparse (n, vocabulary), unit rows
    lead_tfidf: Any
    profiles: Sequence[EventProfile]
    heads: np.ndarray | None = None  # (n, HEAD_SENTENCES, dim): first sentence vectors, zero rows past the end
    other_language: np.ndarray | None = None  # (n,) bool: written in a language outside MODEL_LANGUAGES


def _log_shared(a: frozenset, b: frozenset) -> float:
    return math.log1p(len(a & b))


def pair_features(day: DayVectors, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """(m, len(FEATURES)) features of the m pairs (first[k], second[k])."""
    count = len(first)
    if count == 0:
        return np.zeros((0, len(FEATURES)))
    encoder_document = np.einsum("ij,ij->i", day.documents[first], day.documents[second])
    encoder_lead = np.einsum("ij,ij->i", day.leads[first], day.leads[second])
    tfidf_body = row_cosines(day.body_tfidf, first, second)
    tfidf_lead = row_cosines(day.lead_tfidf, first, second)
    names = np.zeros((count, 8))
    profiles = day.profiles
    for row, (i, j) in enumerate(zip(first.tolist(), second.tolist(), strict=True)):
        a, b = profiles[i], profiles[j]
        names_a, names_b = a.names, b.names
        union = len(names_a | names_b)
        names[row] = (
            _log_shared(a.people, b.people),
            _log_shared(a.organisations, b.organisations),
            _log_shared(a.places, b.places),
            _log_shared(a.lead_names, b.lead_names),
            len(names_a & names_b) / union if union else 0.0,
            _log_shared(a.numbers, b.numbers),
            _log_shared(a.mentioned_dates, b.mentioned_dates),
            float(not names_a or not names_b),
        )
    best, matching = _sentence_matches(day, first, second)
    features = np.column_stack(
        [encoder_document, encoder_lead, tfidf_body, tfidf_lead, names, encoder_document * tfidf_body, best, matching]
    ).astype(np.float64)
    if NAMELESS_NOT_EVIDENCE:
        nameless = features[:, _UNNAMED] == 1.0
        features[nameless, _UNNAMED] = np.nan  # PairModel.probability: the training mean
    if day.other_language is not None:
        unread = day.other_language[first] | day.other_language[second]
        features[np.ix_(unread, _UNREAD_COLUMNS)] = np.nan  # PairModel.probability: the training mean
    return features


def _sentence_matches(day: DayVectors, first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best head-sentence cosine of each pair, and log(1 + head-sentence pairs at least SENTENCE_MATCH alike)."""
    if day.heads is None:  # a story compared as a whole (history): its lead vector stands for its head sentences
        best = np.einsum("ij,ij->i", day.leads[first], day.leads[second])
        return best, np.log1p((best >= SENTENCE_MATCH).astype(np.float64))
    best = np.zeros(len(first))
    matching = np.zeros(len(first))
    for start in range(0, len(first), PAIR_BLOCK):
        a = day.heads[first[start : start + PAIR_BLOCK]]
        b = day.heads[second[start : start + PAIR_BLOCK]]
        cosines = a @ b.transpose(0, 2, 1)  # batched BLAS: einsum's own loop was 8x slower here
        best[start : start + PAIR_BLOCK] = cosines.reshape(len(a), -1).max(axis=1)
        matching[start : start + PAIR_BLOCK] = np.log1p((cosines >= SENTENCE_MATCH).sum(axis=(1, 2)))
    return best, matching


@dataclass(frozen=True)
class PairModel:
    mean: np.ndarray
    scale: np.ndarray
    coefficients: np.ndarray
    intercept: float
    resolution: float  # CPM resolution of the clustering step: the probability at which a pair counts as linked
    neighbours: int  # nearest-neighbour candidates per article, per vector space
    min_probability: float  # candidate pairs below this are left out of the graph

    def probability(self, features: np.ndarray) -> np.ndarray:
        if len(features) == 0:
            return np.zeros(0)
        standardised = np.nan_to_num((features - self.mean) / self.scale, nan=0.0)  # NaN: a feature not read
        logits = standardised @ self.coefficients + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -40, 40)))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "coefficients": self.coefficients.round(6).tolist(),
            "intercept": round(float(self.intercept), 6),
            "resolution": self.resolution,
            "neighbours": self.neighbours,
            "min_probability": self.min_probability,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PairModel:
        if tuple(data.get("features", ())) != FEATURES:
            raise ModelError("grouping model: its features do not match this version (rerun scripts/train_grouping.py)")
        return cls(
            np.array(data["mean"]),
            np.array(data["scale"]),
            np.array(data["coefficients"]),
            float(data["intercept"]),
            float(data["resolution"]),
            int(data["neighbours"]),
            float(data["min_probability"]),
        )


@cache
def shipped_pair_model() -> PairModel:
    content = verified_bytes(MODEL_PATH, MODEL_SHA256, "reinstall briefing or retrain with scripts/train_grouping.py")
    try:
        data = json.loads(content.decode("utf-8"))
    except ValueError as error:
        raise ModelError(f"grouping model {MODEL_PATH}: unreadable ({error})") from error
    return PairModel.from_json(data)
