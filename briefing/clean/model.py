"""The block classifier: two logistic-regression passes over block features, scored with numpy.

Pass 1 sees each block's own features (`features.BASE_FEATURES`); pass 2 adds its neighbours' pass-1 probabilities
(`features.CONTEXT_FEATURES`), which is what smooths a run of article paragraphs into one kept span and drops an
isolated sentence-like promo between menus. The weights live in a small JSON file written by
`scripts/train_cleaner.py`; no scikit-learn at run time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from briefing.clean.context import CONTEXT_FEATURES, context_features
from briefing.clean.features import BASE_FEATURES, PageFeatures

DUMP_MODEL_PATH = Path(__file__).with_name("dump_model.json")
HTML_MODEL_PATH = Path(__file__).with_name("html_model.json")


@dataclass(frozen=True)
class LogisticStage:
    """p = sigmoid(((x - mean) / scale) . coef + intercept)."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def predict(self, rows: np.ndarray) -> np.ndarray:
        if rows.shape[0] == 0:
            return np.zeros(0)
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def to_json(self) -> dict[str, object]:
        return {
            "names": list(self.names),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": round(float(self.intercept), 6),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> LogisticStage:
        return cls(
            names=tuple(data["names"]),  # type: ignore[arg-type]
            mean=np.asarray(data["mean"], dtype=float),
            scale=np.asarray(data["scale"], dtype=float),
            coef=np.asarray(data["coef"], dtype=float),
            intercept=float(data["intercept"]),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class BlockModel:
    """The passes, the keep threshold, and the names of any extra per-block columns (the HTML model has some).

    Pass 1 sees the block rows; every later pass sees the rows plus the context features of the pass before it."""

    passes: tuple[LogisticStage, ...]
    threshold: float
    extra: tuple[str, ...] = ()
    info: dict[str, object] | None = None
    # HTML: blocks the anchor extractor (trafilatura, extra column 0) kept need only this probability to stay.
    anchor_threshold: float | None = None

    def keep(self, probabilities: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
        """Which blocks to keep, given their probabilities (and the extra columns, for the anchor's choice)."""
        keep = probabilities >= self.threshold
        if self.anchor_threshold is not None and extra is not None and extra.shape[1]:
            anchored = extra[:, 0] >= 0.5
            keep = np.where(anchored, probabilities >= self.anchor_threshold, keep)
        return keep

    def probabilities(self, page: PageFeatures, extra: np.ndarray | None = None) -> np.ndarray:
        """Keep-probability of every block of a page; `extra` holds the model's extra columns, if it has any."""
        base = page.rows
        rows = base if extra is None else np.hstack((base, extra))
        if rows.shape[0] == 0:
            return np.zeros(0)
        probabilities = self.passes[0].predict(rows)
        for stage in self.passes[1:]:
            probabilities = stage.predict(np.hstack((rows, context_features(probabilities, page))))
        # A block without a single word character adds nothing to an article, whatever its neighbours say.
        probabilities[base[:, BASE_FEATURES.index("no_tokens")] > 0] = 0.0
        return probabilities

    def save(self, path: Path) -> None:
        data = {
            "threshold": round(self.threshold, 4),
            "anchor_threshold": None if self.anchor_threshold is None else round(self.anchor_threshold, 4),
            "extra": list(self.extra),
            "passes": [stage.to_json() for stage in self.passes],
            "info": self.info or {},
        }
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> BlockModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        model = cls(
            passes=tuple(LogisticStage.from_json(stage) for stage in data["passes"]),
            threshold=float(data["threshold"]),
            extra=tuple(data.get("extra", ())),
            info=data.get("info"),
            anchor_threshold=None if data.get("anchor_threshold") is None else float(data["anchor_threshold"]),
        )
        expected = (*BASE_FEATURES, *model.extra)
        names = [stage.names for stage in model.passes]
        if not names or names[0] != expected or any(n != (*expected, *CONTEXT_FEATURES) for n in names[1:]):
            raise ValueError(f"{path.name} was trained on other features; retrain with scripts/train_cleaner.py")
        return model
