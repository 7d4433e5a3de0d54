"""The consistency classifier: a logistic head on the embedded MiniLM's vectors and the rules' findings.

It reads what the rules found (facts missing from the window, negation, roles, units, unknown names), how well the
sentence and each of its clauses match the article, how many of its words and word pairs the matching sentences
hold, and the elementwise product and difference of the sentence's vector with its best match. Trained by
`scripts/train_consistency.py` on synthetic corruptions of the development articles; the weights
(`consistency_model.json`, a few hundred kB) are checked against `MODEL_SHA256` before use.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from briefing.errors import ModelError
from briefing.summarize.guard.facts import Fact
from briefing.summarize.guard.rules import WindowFindings, content_words, ngrams
from briefing.summarize.guard.structure import Structure

MODEL_PATH = Path(__file__).with_name("consistency_model.json")
# sha256 of consistency_model.json as written by scripts/train_consistency.py (which updates this line).
MODEL_SHA256 = "unset"

HAND_FEATURES = (
    "support",
    "support_gap",
    "clause_min_support",
    "clauses",
    "missing_number",
    "missing_date",
    "missing_name",
    "local_number",
    "local_date",
    "local_name",
    "negation_problem",
    "negation_difference",
    "role_problem",
    "unit_problem",
    "new_proper_nouns",
    "local_proper_nouns",
    "novel_words",
    "novel_words_window",
    "novel_bigrams_window",
    "novel_trigrams_window",
    "log_words",
    "length_ratio",
)


@dataclass(frozen=True)
class SentenceSignals:
    """Everything the classifier reads about one sentence, gathered by the guard."""

    text: str
    vector: np.ndarray
    best_vector: np.ndarray
    support: float
    second_support: float
    clause_supports: tuple[float, ...]
    missing: tuple[Fact, ...]
    findings: WindowFindings
    structure: Structure
    best_structure: Structure
    window_text: str
    best_text: str
    article_words: frozenset[str]


def _share_absent(items: set | list, present: set | frozenset) -> float:
    return sum(1 for item in items if item not in present) / len(items) if items else 0.0


def hand_features(signals: SentenceSignals) -> list[float]:
    kinds = ("number", "date", "name")
    words = content_words(signals.text)
    window_words = set(content_words(signals.window_text))
    findings = signals.findings
    return [
        signals.support,
        signals.support - signals.second_support,
        min(signals.clause_supports, default=signals.support),
        float(len(signals.clause_supports)),
        *(float(sum(f.kind == kind for f in signals.missing)) for kind in kinds),
        *(float(sum(f.kind == kind for f in findings.local_missing)) for kind in kinds),
        float(findings.negation is not None),
        float(abs(signals.structure.negations - signals.best_structure.negations)),
        float(findings.role is not None),
        float(findings.unit is not None),
        float(len(findings.new_names)),
        float(len(findings.local_names)),
        _share_absent(words, signals.article_words),
        _share_absent(words, window_words),
        _share_absent(ngrams(signals.text, 2), ngrams(signals.window_text, 2)),
        _share_absent(ngrams(signals.text, 3), ngrams(signals.window_text, 3)),
        math.log1p(len(signals.text.split())),
        len(signals.text.split()) / max(1, len(signals.best_text.split())),
    ]


def feature_vector(signals: SentenceSignals) -> np.ndarray:
    u, v = signals.vector, signals.best_vector
    return np.concatenate([np.asarray(hand_features(signals), dtype=np.float32), u * v, np.abs(u - v)])


@dataclass(frozen=True)
class ConsistencyModel:
    """Standardise, then a logistic unit: P(the sentence is consistent with the article)."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float  # below it the sentence is flagged (picked by the training script; see its docstring)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        z = ((features - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def main_concern(self, features: np.ndarray) -> str | None:
        """The hand feature that pushed the score down most (for the reason when no rule fired)."""
        contribution = ((features - self.mean) / self.scale * self.weights)[: len(HAND_FEATURES)]
        index = int(np.argmin(contribution))
        return HAND_FEATURES[index] if contribution[index] < 0 else None

    def to_json(self) -> dict:
        return {
            "features": list(HAND_FEATURES) + ["u*v"] * 384 + ["|u-v|"] * 384,
            "mean": [round(float(x), 6) for x in self.mean],
            "scale": [round(float(x), 6) for x in self.scale],
            "weights": [round(float(x), 6) for x in self.weights],
            "bias": round(float(self.bias), 6),
            "threshold": round(float(self.threshold), 4),
        }

    @classmethod
    def from_json(cls, data: dict) -> ConsistencyModel:
        if data.get("features", [])[: len(HAND_FEATURES)] != list(HAND_FEATURES):
            raise ModelError(
                f"{MODEL_PATH}: features do not match this version; retrain (scripts/train_consistency.py)"
            )
        return cls(
            np.asarray(data["mean"], dtype=np.float32),
            np.asarray(data["scale"], dtype=np.float32),
            np.asarray(data["weights"], dtype=np.float32),
            float(data["bias"]),
            float(data["threshold"]),
        )


@cache
def load_consistency_model(path: Path = MODEL_PATH, expected_sha256: str | None = None) -> ConsistencyModel | None:
    """The shipped classifier after its sha256 check; None when no weights are shipped (the rules decide alone)."""
    if not path.is_file():
        return None
    raw = path.read_bytes()
    actual = hashlib.sha256(raw).hexdigest()
    expected = expected_sha256 or MODEL_SHA256
    if actual != expected:
        raise ModelError(
            f"{path}: sha256 {actual[:12]}… does not match the expected {expected[:12]}…; reinstall briefing or "
            "retrain with scripts/train_consistency.py"
        )
    return ConsistencyModel.from_json(json.loads(raw))
