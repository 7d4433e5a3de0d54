"""The consistency classifier: a small head on the embedded MiniLM's similarities and the rules' findings.

It reads what the rules found (facts missing from the article or from the window, negation, roles, units, unknown
names), how well the sentence and each of its clauses match the article on the encoder, and how many of its words
and word pairs the matching sentences hold (22 features, one ReLU layer of 16). The elementwise product and
difference of the MiniLM vectors were tried as extra inputs and dropped: they lowered every cross-validated catch
rate (they fit the training articles' topics). Trained by `scripts/train_consistency.py` on synthetic corruptions
of the development articles; the weights (`consistency_model.json`, a few kB) are checked against `MODEL_SHA256`.
It can only add flags to today's checks and the adopted rules; its cut is the highest at which it flags no more true
training sentences than today's checks. At that cut (0.0 for the shipped weights: the lowest-scored true sentences
are ones today's checks pass) it adds nothing, so it is not adopted (`CLASSIFIER_ADOPTED`); the benchmark prints it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from briefing.errors import ModelError
from briefing.shipped import verified_bytes
from briefing.summarize.guard.facts import Fact
from briefing.summarize.guard.rule_words import content_words, ngrams
from briefing.summarize.guard.rules import WindowFindings
from briefing.summarize.guard.structure import Structure

MODEL_PATH = Path(__file__).with_name("consistency_model.json")
# sha256 of consistency_model.json as written by scripts/train_consistency.py (which updates this line).
# Whether the classifier flags in the product: only when it qualified on the held-out articles (README, guard section).
CLASSIFIER_ADOPTED = False
MODEL_SHA256 = "29c492dc1ab124782bbbb36312e1a663b969eb2ae01efd61b0c9775a1f9e95a7"

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
    return np.asarray(hand_features(signals), dtype=np.float32)


@dataclass(frozen=True)
class ConsistencyModel:
    """Standardise, one small ReLU layer, a logistic output: P(the sentence is consistent with the article)."""

    mean: np.ndarray
    scale: np.ndarray
    hidden_weights: np.ndarray  # (features, hidden)
    hidden_bias: np.ndarray
    output_weights: np.ndarray  # (hidden,)
    output_bias: float
    threshold: float  # below it the sentence is flagged (picked by the training script; see its docstring)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        hidden = np.maximum(0.0, ((features - self.mean) / self.scale) @ self.hidden_weights + self.hidden_bias)
        z = hidden @ self.output_weights + self.output_bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def main_concern(self, features: np.ndarray) -> str | None:
        """The feature whose value, set to the training mean, would raise the score most (the reason shown when no
        rule fired)."""
        base = float(self.probabilities(features[None, :])[0])
        trials = np.repeat(features[None, :], len(features), axis=0)
        trials[np.arange(len(features)), np.arange(len(features))] = self.mean
        gains = self.probabilities(trials) - base
        index = int(np.argmax(gains))
        return HAND_FEATURES[index] if gains[index] > 0 else None

    def to_json(self) -> dict:
        def rounded(values: np.ndarray) -> list:
            return np.round(values.astype(np.float64), 6).tolist()

        return {
            "features": list(HAND_FEATURES),
            "mean": rounded(self.mean),
            "scale": rounded(self.scale),
            "hidden_weights": rounded(self.hidden_weights),
            "hidden_bias": rounded(self.hidden_bias),
            "output_weights": rounded(self.output_weights),
            "output_bias": round(float(self.output_bias), 6),
            "threshold": round(float(self.threshold), 4),
        }

    @classmethod
    def from_json(cls, data: dict) -> ConsistencyModel:
        if data.get("features") != list(HAND_FEATURES):
            raise ModelError(f"{MODEL_PATH}: features do not match this version; run scripts/train_consistency.py")
        return cls(
            np.asarray(data["mean"], dtype=np.float32),
            np.asarray(data["scale"], dtype=np.float32),
            np.asarray(data["hidden_weights"], dtype=np.float32),
            np.asarray(data["hidden_bias"], dtype=np.float32),
            np.asarray(data["output_weights"], dtype=np.float32),
            float(data["output_bias"]),
            float(data["threshold"]),
        )


@cache
def load_consistency_model(path: Path = MODEL_PATH, expected_sha256: str | None = None) -> ConsistencyModel | None:
    """The shipped classifier after its sha256 check; None when no weights are shipped (the rules decide alone)."""
    if not path.is_file():
        return None
    raw = verified_bytes(
        path, expected_sha256 or MODEL_SHA256, "reinstall briefing or retrain with scripts/train_consistency.py"
    )
    return ConsistencyModel.from_json(json.loads(raw))
