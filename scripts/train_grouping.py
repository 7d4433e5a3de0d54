"""Train the same-event pair model (`briefing/compose/grouping_model.json`) on the calibration half of the dev data.

    python scripts/train_grouping.py              # cross-validate by event, fit, pick the resolution, write weights
    python scripts/train_grouping.py --no-write   # the numbers only
    python scripts/train_grouping.py --train-on held-out   # the halves swapped (never writes): a diagnostic

Training pairs come from POOLS random pools of the calibration half (Multi-News clusters 0-49, CNN/DailyMail 0-49,
BBC 0-124; see bench/grouping_data.py), each pool built like a user's day: CLUSTERS Multi-News clusters, CNN
singletons and BBC singletons of all five sections shuffled together, its TF-IDF fitted on the pool. Pairs: the
candidate pairs the product would score (encoder and TF-IDF nearest neighbours) plus every same-event pair, so the model
sees positives within a cluster, negatives across clusters, and the hard negatives (same BBC section, shared names,
different event) that nearest neighbours bring up. The held-out half is never read here: bench/brief.py checks it.

Cross-validation: events are split into FOLDS folds; a fold's model is fitted on pairs of the other folds' events and
tested on pairs within its own (log loss, Brier score, AUC and a reliability table of predicted against observed
same-event rate, test negatives weighted by FOLDS to restore a day's proportion of them). Then one model is fitted
on all pairs, and the Leiden resolution is chosen on calibration pools
(pooled ARI, with at most MAX_FALSE_MERGES CNN/BBC singletons merged per 50).
Runs in about a minute once the corpus vectors are cached (the first run embeds and tags the 588 dev articles:
about 25 min on a busy 2-core machine).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from grouping_data import Corpus, draw_pools, load_corpus, score_pool  # noqa: E402

from briefing.compose import pair_model  # noqa: E402
from briefing.compose.grouping import cluster_graph, day_vectors  # noqa: E402
from briefing.compose.pair_model import FEATURES, MODEL_PATH, PairModel, pair_features  # noqa: E402

POOLS = 8
CLUSTERS = 30
FOLDS = 5
NEIGHBOURS = 10
RESOLUTIONS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6)
SMALL_POOLS = 60  # days of 1-3 events and a few singletons: TF-IDF over a handful of articles reads differently
MIN_PROBABILITY = 0.05
MAX_FALSE_MERGES = 2.0
REGULARISATION = 1.0  # inverse L2 strength of the logistic regression (scikit-learn's C)


def training_pools(corpus: Corpus) -> list[list[int]]:
    half = [i for i, c in enumerate(corpus.calibration) if c]
    clusters = sorted({corpus.events[i] for i in half if corpus.origin[i] == "multi_news"})
    singles = [i for i in half if corpus.origin[i] != "multi_news"]
    pools = []
    for seed in range(POOLS):
        rng = random.Random(1000 + seed)
        chosen = set(rng.sample(clusters, min(CLUSTERS, len(clusters))))
        members = [i for i in half if corpus.origin[i] == "multi_news" and corpus.events[i] in chosen]
        members += rng.sample(singles, len(singles) * 2 // 3)
        rng.shuffle(members)
        pools.append(members)
    for seed in range(SMALL_POOLS):
        rng = random.Random(5000 + seed)
        chosen = set(rng.sample(clusters, rng.randint(1, 3)))
        members = [i for i in half if corpus.origin[i] == "multi_news" and corpus.events[i] in chosen]
        members += rng.sample(singles, rng.randint(0, 4))
        rng.shuffle(members)
        pools.append(members)
    return pools


def pool_pairs(corpus: Corpus, members: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and (event, event) of the pool's candidate pairs plus all its same-event pairs."""
    from briefing.compose.candidates import candidate_pairs, unique_pairs

    day = day_vectors(
        [corpus.articles[i] for i in members],
        [corpus.vectors[i] for i in members],
        [corpus.entities[i] for i in members],
    )
    events = np.array([corpus.events[i] for i in members])
    candidates = candidate_pairs(day.documents, day.body_tfidf, NEIGHBOURS)
    same = [(a, b) for a in range(len(members)) for b in range(a + 1, len(members)) if events[a] == events[b]]
    pairs = unique_pairs(np.concatenate([candidates, np.array(same, dtype=np.int64).reshape(-1, 2)]), len(members))
    features = pair_features(day, pairs[:, 0], pairs[:, 1])
    # A pair with an article in a language the models do not read is judged on its words alone (NaN features): not
    # training material for a model of every feature.
    read = ~np.isnan(features).any(axis=1)
    features, pairs = features[read], pairs[read]
    labels = (events[pairs[:, 0]] == events[pairs[:, 1]]).astype(int)
    return features, labels, np.column_stack([events[pairs[:, 0]], events[pairs[:, 1]]])


# The feature whose weight may take either sign; every other one is evidence of one event (more shared names, closer
# vectors), so its weight is held >= 0: correlated evidence then shares the weight instead of one feature going
# negative to offset another (which would make sharing one more name lower the probability).
SIGNED = frozenset({"unnamed"})


def fit(features: np.ndarray, labels: np.ndarray) -> PairModel:
    """L2-regularised logistic regression (strength 1 / REGULARISATION), evidence weights bounded at 0 (L-BFGS-B)."""
    from scipy.optimize import minimize

    mean = features.mean(axis=0)
    scale = features.std(axis=0) + 1e-6
    x = (features - mean) / scale
    y = labels.astype(np.float64)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        logits = x @ theta[:-1] + theta[-1]
        probability = 1.0 / (1.0 + np.exp(-logits))
        value = np.sum(np.logaddexp(0.0, logits) - y * logits) + 0.5 * theta[:-1] @ theta[:-1] / REGULARISATION
        gradient = np.append(x.T @ (probability - y) + theta[:-1] / REGULARISATION, np.sum(probability - y))
        return float(value), gradient

    bounds = [(None, None) if name in SIGNED else (0.0, None) for name in FEATURES] + [(None, None)]
    result = minimize(loss, np.zeros(len(FEATURES) + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    return PairModel(mean, scale, result.x[:-1], float(result.x[-1]), 0.5, NEIGHBOURS, MIN_PROBABILITY)


def cross_validate(features: np.ndarray, labels: np.ndarray, event_pairs: np.ndarray) -> dict[str, object]:
    from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

    fold_of = {e: random.Random(int(e)).randrange(FOLDS) for e in np.unique(event_pairs)}
    first = np.array([fold_of[e] for e in event_pairs[:, 0]])
    second = np.array([fold_of[e] for e in event_pairs[:, 1]])
    predicted, observed = [], []
    for fold in range(FOLDS):
        train = (first != fold) & (second != fold)
        test = (first == fold) & (second == fold)
        if labels[test].sum() == 0 or labels[train].sum() == 0:
            continue
        model = fit(features[train], labels[train])
        predicted.append(model.probability(features[test]))
        observed.append(labels[test])
    p, y = np.concatenate(predicted), np.concatenate(observed)
    # A test fold keeps its same-event pairs (both articles in one event, so in one fold) but only the negatives whose
    # two events both fell in it: 1 in FOLDS of those it would meet in a day. Weighting each test negative by FOLDS
    # restores the day's proportion, so the reliability table reads what a run would see.
    weight = np.where(y == 1, 1.0, float(FOLDS))
    bins = np.array([0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0001])
    reliability = []
    for low, high in itertools.pairwise(bins):
        inside = (p >= low) & (p < high)
        if inside.any():
            reliability.append(
                (
                    f"{low:.1f}-{min(high, 1):.1f}",
                    int(inside.sum()),
                    float(np.average(p[inside], weights=weight[inside])),
                    float(np.average(y[inside], weights=weight[inside])),
                )
            )
    return {
        "pairs": len(y),
        "positives": int(y.sum()),
        "log_loss": float(log_loss(y, p, sample_weight=weight)),
        "brier": float(brier_score_loss(y, p, sample_weight=weight)),
        "auc": float(roc_auc_score(y, p)),
        "reliability": reliability,
    }


def choose_resolution(corpus: Corpus, model: PairModel) -> tuple[float, list[tuple[float, float, float, float, float]]]:
    """The resolution with the best mean pooled ARI on calibration pools whose singletons are not over-merged."""
    from briefing.compose.grouping import scored_pairs

    pools = [(p, "cnn") for p in draw_pools(corpus, True, 5, CLUSTERS, 50, "cnn")]
    pools += [(p, "bbc") for p in draw_pools(corpus, True, 5, CLUSTERS, 50, "bbc")]
    scored = []
    for members, _ in pools:
        day = day_vectors(
            [corpus.articles[i] for i in members],
            [corpus.vectors[i] for i in members],
            [corpus.entities[i] for i in members],
        )
        scored.append((members, *scored_pairs(day, model)))
    table = []
    for resolution in RESOLUTIONS:
        candidate = PairModel(**{**model.__dict__, "resolution": resolution})
        results = {"cnn": [], "bbc": []}
        for (members, pairs, probabilities), (_, origin) in zip(scored, pools, strict=True):
            groups = cluster_graph(len(members), pairs, probabilities, candidate)
            results[origin].append(score_pool([corpus.events[i] for i in members], groups))
        row = [resolution]
        for origin in ("cnn", "bbc"):
            row += [
                float(np.mean([s.ari for s in results[origin]])),
                float(np.mean([s.false_merges for s in results[origin]])),
            ]
        table.append(tuple(row))
    allowed = [r for r in table if r[2] <= MAX_FALSE_MERGES and r[4] <= MAX_FALSE_MERGES] or table
    best = max(allowed, key=lambda r: (r[1] + r[3], -abs(r[0] - 0.5)))
    return best[0], table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--train-on",
        choices=("calibration", "held-out"),
        default="calibration",
        help="held-out: fit and choose the resolution on the held-out half (in-sample there; nothing is written): "
        "how well the features can do on that half at all",
    )
    args = parser.parse_args(argv)
    corpus = load_corpus()
    if args.train_on == "held-out":
        corpus.calibration = [not c for c in corpus.calibration]
        args.no_write = True
    parts = [pool_pairs(corpus, members) for members in training_pools(corpus)]
    features = np.concatenate([p[0] for p in parts])
    labels = np.concatenate([p[1] for p in parts])
    event_pairs = np.concatenate([p[2] for p in parts])
    print(
        f"{len(labels)} training pairs ({labels.sum()} same-event) from {POOLS} calibration pools "
        f"and {SMALL_POOLS} small ones"
    )
    report = cross_validate(features, labels, event_pairs)
    print(f"\n## Cross-validated by event ({FOLDS} folds)\n")
    print(
        f"pairs {report['pairs']} ({report['positives']} same-event): log loss {report['log_loss']:.4f}, "
        f"Brier {report['brier']:.4f}, AUC {report['auc']:.4f}\n"
    )
    print("| predicted | pairs | mean predicted | observed same-event |")
    print("|---|---|---|---|")
    for span, count, mean_predicted, rate in report["reliability"]:
        print(f"| {span} | {count} | {mean_predicted:.3f} | {rate:.3f} |")
    model = fit(features, labels)
    resolution, table = choose_resolution(corpus, model)
    print("\n## Resolution on the training half's pools (30 Multi-News clusters + 50 singletons, 5 draws each)\n")
    print("| resolution | ARI with CNN | CNN false merges | ARI with BBC | BBC false merges |")
    print("|---|---|---|---|---|")
    for row in table:
        mark = " (chosen)" if row[0] == resolution else ""
        print(f"| {row[0]:.2f}{mark} | {row[1]:.3f} | {row[2]:.1f} | {row[3]:.3f} | {row[4]:.1f} |")
    model = PairModel(**{**model.__dict__, "resolution": resolution})
    print("\n| feature | weight (standardised) |\n|---|---|")
    for name, weight in zip(FEATURES, model.coefficients, strict=True):
        print(f"| {name} | {weight:+.3f} |")
    if not args.no_write:
        data = model.to_json()
        data["cross_validation"] = {k: v for k, v in report.items() if k != "reliability"}
        data["trained_on"] = (
            "calibration half: Multi-News 0-49, CNN/DailyMail 0-49, BBC 0-124 (scripts/train_grouping.py)"
        )
        content = (json.dumps(data, indent=1) + "\n").encode("utf-8")
        MODEL_PATH.write_bytes(content)
        code = Path(pair_model.__file__)
        digest = hashlib.sha256(content).hexdigest()
        code.write_text(
            re.sub(
                r'^MODEL_SHA256 = "\w*"', f'MODEL_SHA256 = "{digest}"', code.read_text(encoding="utf-8"), flags=re.M
            ),
            encoding="utf-8",
        )
        print(f"\nwrote {MODEL_PATH} (sha256 {digest}, recorded in {code.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
