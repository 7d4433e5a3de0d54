"""How grouping grows with the size of a day: wall time and peak RSS for N articles, once vectors are computed.

    python bench/scale.py                      # N = 100, 1,000, 5,000, 20,000
    python bench/scale.py --sizes 100 1000     # a quicker look

A day of N articles is made from the dev corpus (bench/grouping_data.py, ~750 real articles with their vectors and
entities): article i is corpus article i mod M with its sentences cut at a random point and two sentences of another
article added, its vectors the original's plus Gaussian noise (sigma NOISE per dimension, renormalised). So events
repeat (N / M copies each, like a big story many outlets carry) and no two articles are identical. Each N runs in its
own process, so peak RSS is that N's own. Measured: `group_articles` (TF-IDF, candidates, pair model, Leiden), and as
the anchor in the same run the previous dense rule (bench/similarity_baseline.py) up to N = ANCHOR_MAX. The growth
exponent is the slope of log(time) against log(N) between successive sizes.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

# This checkout's `briefing` (not an installed one), and the bench helpers beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

NOISE = 0.02
ANCHOR_MAX = 1000


def synthetic_day(count: int, seed: int = 0):
    from grouping_data import load_corpus

    from briefing.compose.vectors import normalize

    corpus = load_corpus()
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    articles, vectors, entities = [], [], []
    total = len(corpus.articles)
    for index in range(count):
        base = index % total
        article, vector = corpus.articles[base], corpus.vectors[base]
        other = corpus.articles[rng.randrange(total)]
        keep = max(1, rng.randint(len(article.sentences) // 2, len(article.sentences)))
        sentences = (*article.sentences[:keep], *other.sentences[:2])
        articles.append(replace(article, id=f"{article.id}-{index}", sentences=sentences))
        document = normalize(vector.document + noise.normal(0, NOISE, vector.document.shape)).astype(np.float32)
        lead = vector.sentences + noise.normal(0, NOISE, vector.sentences.shape).astype(np.float32)
        vectors.append(replace(vector, document=document, sentences=lead))
        entities.append(corpus.entities[base])
    return articles, vectors, entities


def measure(count: int) -> dict[str, float]:
    from similarity_baseline import baseline_groups

    from briefing.compose.grouping import group_articles
    from briefing.compose.pair_model import shipped_pair_model

    articles, vectors, entities = synthetic_day(count)
    model = shipped_pair_model()
    group_articles(articles[:50], vectors[:50], entities[:50], model)  # imports and first calls out of the clock
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    clock = time.perf_counter()
    stories = group_articles(articles, vectors, entities, model)
    seconds = time.perf_counter() - clock
    result = {
        "n": count,
        "seconds": seconds,
        "stories": len(stories),
        "rss_before_mb": before,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if count <= ANCHOR_MAX:
        clock = time.perf_counter()
        baseline_groups(articles, np.stack([v.document for v in vectors]), entities)
        result["anchor_seconds"] = time.perf_counter() - clock
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000, 20000])
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(measure(args.one)))
        return 0
    rows = []
    for count in args.sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(count)], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            print(f"N = {count}: failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print("\n## Grouping time and memory by day size (machine shared: compare rows of one run only)\n")
    print("| N | stories | group_articles s | growth exponent | peak RSS MB (before) | previous rule s (anchor) |")
    print("|---|---|---|---|---|---|")
    previous = None
    for row in rows:
        exponent = ""
        if previous is not None:
            exponent = f"{math.log(row['seconds'] / previous['seconds']) / math.log(row['n'] / previous['n']):.2f}"
        anchor = f"{row['anchor_seconds']:.2f}" if "anchor_seconds" in row else "not run"
        print(
            f"| {row['n']} | {row['stories']} | {row['seconds']:.2f} | {exponent} | "
            f"{row['peak_rss_mb']:.0f} ({row['rss_before_mb']:.0f}) | {anchor} |"
        )
        previous = row
    return 0


if __name__ == "__main__":
    sys.exit(main())
