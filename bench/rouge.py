"""ROUGE of the extractive default against Lead-3 and sumy's LexRank, on the development summarization sets.

    python bench/rouge.py                      # both dev sets, 3 sentences, markdown table on stdout
    python bench/rouge.py --limit 20           # a quick look
    python bench/rouge.py --data-dir /path/to/shared/data

Every system picks from the same sentences: the `Article` that `briefing` itself builds from a JSONL record
(`briefing.clean.clean` on a record document, as ingest + clean do), so the numbers are what users get.

- ROUGE-1/2/L F1 from `rouge-score` with stemming; ROUGE-Lsum (summary-level LCS over newline-separated sentences,
  the variant published CNN/DailyMail numbers use) is shown too. Sentences of system summaries and of references are
  put on separate lines for Lsum only (CNN/DailyMail highlights are one per line; BBC references are split with
  `briefing.text.split_sentences`).
- Lead-3: the first N sentences. LexRank: sumy's LexRankSummarizer (Snowball stemmer, sumy's English stop words) fed
  our sentence split and a regex word tokenizer, because sumy's default tokenizer needs NLTK punkt data, which is not
  installed offline; sentences come back in article order.
- ours: `briefing`'s extractive summarizer as shipped (float32 encoder), and the same with the int8-quantized one.
- "Δ R-1 vs Lead-3 (95% CI)": paired bootstrap over articles (2000 resamples, fixed seed), so the size of the dev
  sets is visible next to the gain.
- Speed: articles per second of the whole `summarize()` call over the set (features, ranking, encoder, selection),
  warm: the encoder is loaded and has run once before the clock starts; wall clock, so the machine's load average
  is printed with it. Model load is timed separately: imports, sha256 check of the weights, load (+ quantization).
- The last lines count the articles for which the int8 and float32 encoders lead to the same sentences.
- Per-fold gains: each dev set's articles are cut into FOLDS folds (fixed seed, the same folds for every system), and
  the shipped default's ROUGE-1 gain over Lead-3 is printed per fold: the default must be at least Lead-3 in every
  fold of every set. Beside it, the held-out per-fold gains that `scripts/train_scorer.py` recorded for the rule it
  fitted, and whether that rule was adopted (it is shipped only when it gains in every fold on every set).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.devsets import DEFAULT_DATA_DIR, DEV_SETS, DevItem, bench_models, load_dev_set, shared_encoder
from briefing.config import Settings
from briefing.records import Article
from briefing.text import split_sentences

METRICS = ("rouge1", "rouge2", "rougeL", "rougeLsum")
BOOTSTRAP_RESAMPLES = 2000
FOLDS = 5

Picker = Callable[[Sequence[Article]], list[list[str]]]


@dataclass
class SystemResult:
    name: str
    scores: np.ndarray  # (articles, len(METRICS)) F1 x100
    seconds: float  # wall clock
    summaries: list[list[str]]


class RegexWordTokenizer:
    """Offline stand-in for sumy's NLTK tokenizer: LexRank only needs words of sentences we split ourselves."""

    language = "english"
    _WORD = re.compile(r"\w+(?:['’]\w+)*")

    def to_words(self, sentence: str) -> list[str]:
        return self._WORD.findall(sentence)

    def to_sentences(self, paragraph: str) -> list[str]:
        return split_sentences(paragraph)


def lead(articles: Sequence[Article], count: int) -> list[list[str]]:
    return [list(article.sentences[:count]) for article in articles]


def lexrank(articles: Sequence[Article], count: int) -> list[list[str]]:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    tokenizer = RegexWordTokenizer()
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    picked: list[list[str]] = []
    for article in articles:
        sentences = [Sentence(text, tokenizer) for text in article.sentences]
        chosen = {id(s) for s in summarizer(ObjectDocumentModel([Paragraph(sentences)]), count)}
        picked.append([str(s) for s in sentences if id(s) in chosen])  # article order
    return picked


def ours(articles: Sequence[Article], count: int, quantize: bool) -> list[list[str]]:
    from briefing.summarize.extractive import ExtractiveSummarizer

    settings = Settings(sentences=count)
    summarizer = ExtractiveSummarizer(settings, bench_models(settings, quantize))
    return [[s.text for s in summary.sentences] for summary in summarizer.summarize(articles)]


def score(items: Sequence[DevItem], summaries: Sequence[Sequence[str]]) -> np.ndarray:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    rows = []
    for item, summary in zip(items, summaries, strict=True):
        reference_lines = [line for line in item.reference.splitlines() if line.strip()]
        if len(reference_lines) == 1:
            reference_lines = split_sentences(reference_lines[0])
        reference = "\n".join(reference_lines)
        result = scorer.score(reference, "\n".join(summary))
        # rougeL (no Lsum) treats the text as one sequence; newlines make no difference to it, or to ROUGE-1/2.
        rows.append([100 * result[metric].fmeasure for metric in METRICS])
    return np.array(rows)


def bootstrap_gain(ours_r1: np.ndarray, lead_r1: np.ndarray) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    differences = ours_r1 - lead_r1
    samples = rng.integers(0, len(differences), size=(BOOTSTRAP_RESAMPLES, len(differences)))
    means = differences[samples].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def fold_gains(ours_r1: np.ndarray, lead_r1: np.ndarray) -> list[float]:
    """Mean ROUGE-1 gain per fold of articles (a fixed random split, so every system sees the same folds)."""
    order = np.random.default_rng(0).permutation(len(ours_r1))
    return [float((ours_r1[part] - lead_r1[part]).mean()) for part in np.array_split(order, FOLDS) if len(part)]


def trained_rule_note() -> str:
    """What scripts/train_scorer.py recorded of the rule it fitted: held-out gains per fold, and the decision."""
    import json

    from briefing.summarize.extractive import SCORER_PATH

    data = json.loads(SCORER_PATH.read_text(encoding="utf-8"))
    per_fold = data.get("cross_validation", {}).get("rouge1_gain_per_fold", {})
    lines = [f"Trained rule (scripts/train_scorer.py, {data.get('trained')}): adopted = {data.get('adopted')}."]
    for name, gains in per_fold.items():
        losing = sum(g <= 0 for g in gains)
        lines.append(
            f"  {name}: held-out ROUGE-1 gain per fold min {min(gains):+.2f} / mean {np.mean(gains):+.2f} / "
            f"max {max(gains):+.2f}; {losing} of {len(gains)} folds without a gain"
        )
    return "\n".join(lines)


def time_model_load() -> dict[str, float]:
    """Seconds for: importing torch + transformers, the weights' sha256 check, loading int8, loading float32."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    import torch  # noqa: F401
    import transformers  # noqa: F401

    timings["import torch + transformers"] = time.perf_counter() - started
    from briefing.encoder.resolve import verified_embedded_folder

    started = time.perf_counter()
    verified_embedded_folder()
    timings["sha256 check"] = time.perf_counter() - started
    for quantize, label in ((False, "load float32 (the summarizer's)"), (True, "load int8 (load + quantize)")):
        started = time.perf_counter()
        encoder = shared_encoder(quantize)
        timings[label] = time.perf_counter() - started
        encoder.embed(["Warm-up sentence for the encoder.", "A second one, a little longer than the first."])
    return timings


def run_system(name: str, picker: Picker, items: Sequence[DevItem]) -> SystemResult:
    articles = [item.article for item in items]
    started = time.perf_counter()
    summaries = picker(articles)
    seconds = time.perf_counter() - started
    return SystemResult(name, score(items, summaries), seconds, summaries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="folder holding summarization/")
    parser.add_argument("--limit", type=int, default=None, help="first N records of each dev set")
    parser.add_argument("--sentences", type=int, default=3, help="sentences per summary (default 3)")
    parser.add_argument(
        "--quick", action="store_true", help="Lead-3 and the shipped default only (no LexRank, no int8, no load timing)"
    )
    args = parser.parse_args()

    load_at_start = os.getloadavg()[0]
    load_seconds = {} if args.quick else time_model_load()
    count = args.sentences
    notes: list[str] = []
    fold_rows: list[tuple[str, list[float]]] = []
    lines = [
        f"| dev set | system | R-1 | R-2 | R-L | R-Lsum | Δ R-1 vs Lead-{count} (95% CI) | Δ R-2 | articles/s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for set_name, relative in DEV_SETS.items():
        items, rejected = load_dev_set(args.data_dir / relative, args.limit)
        if rejected:
            print(f"{set_name}: the cleaner rejected {len(rejected)} records: {', '.join(rejected)}", file=sys.stderr)
        articles = [item.article for item in items]
        print(f"{set_name}: {len(articles)} articles…", file=sys.stderr, flush=True)
        results = [
            run_system(f"Lead-{count}", partial(lead, count=count), items),
            run_system("**ours** (extractive, float32 encoder)", partial(ours, count=count, quantize=False), items),
        ]
        if not args.quick:
            results[1:1] = [run_system("LexRank (sumy)", partial(lexrank, count=count), items)]
            results.append(run_system("ours with the int8 encoder", partial(ours, count=count, quantize=True), items))
        shipped = results[-2] if not args.quick else results[1]
        baseline = results[0].scores
        for result in results:
            means = result.scores.mean(axis=0)
            gain = means - baseline.mean(axis=0)
            if result is results[0]:
                delta, delta2 = "—", "—"
            else:
                low, high = bootstrap_gain(result.scores[:, 0], baseline[:, 0])
                delta, delta2 = f"{gain[0]:+.2f} ({low:+.2f} … {high:+.2f})", f"{gain[1]:+.2f}"
            lines.append(
                f"| {set_name} ({len(articles)}) | {result.name} | {means[0]:.2f} | {means[1]:.2f} | {means[2]:.2f} "
                f"| {means[3]:.2f} | {delta} | {delta2} | {_rate(len(articles), result.seconds)} |"
            )
        if not args.quick:
            same = sum(a == b for a, b in zip(results[2].summaries, results[3].summaries, strict=True))
            notes.append(
                f"{set_name}: float32 and int8 encoders pick the same sentences for {same} of {len(articles)}."
            )
        fold_rows.append((set_name, fold_gains(shipped.scores[:, 0], baseline[:, 0])))
    print("\n".join(lines))
    print(f"\nShipped default, ROUGE-1 gain over Lead-{count} per fold ({FOLDS} folds by article, seed 0):\n")
    print("| dev set | " + " | ".join(f"fold {k + 1}" for k in range(FOLDS)) + " | every fold ≥ 0 |")
    print("|---|" + "---:|" * FOLDS + "---|")
    for set_name, gains in fold_rows:
        cells = " | ".join(f"{g:+.2f}" for g in gains)
        print(f"| {set_name} | {cells} | {'yes' if min(gains) >= -1e-9 else '**no**'} |")
    print("\n" + trained_rule_note())
    print(f"\n{count} sentences per summary; ROUGE F1 x100 (rouge-score, stemming). Torch threads: {_threads()}.")
    print(f"Load average (1 min) at start / end: {load_at_start:.2f} / {os.getloadavg()[0]:.2f}.")
    if load_seconds:
        print("Model load: " + ", ".join(f"{what} {seconds:.2f} s" for what, seconds in load_seconds.items()) + ".")
    print("\n".join(notes))


def _rate(articles: int, seconds: float) -> str:
    return f"{articles / seconds:,.1f}" if seconds > 0 else "∞"


def _threads() -> int:
    import torch

    return torch.get_num_threads()


if __name__ == "__main__":
    main()
