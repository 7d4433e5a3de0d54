"""How a day grows with its size: wall time and peak RSS for N articles, for grouping alone and the whole daily run.

    python bench/scale.py                                   # N = 100, 1,000, 5,000, 20,000, both parts
    python bench/scale.py --sizes 100 1000 --part grouping  # a quicker look

A day of N articles is recycled from the dev corpus (bench/grouping_data.py: Multi-News, CNN/DailyMail and BBC, ~1,100
cleaned articles with their vectors and entities). Copy i of corpus article i mod M is varied so that no two articles
are identical: its body sentences after the lead are shuffled, every figure of its title and first three sentences is
shifted by a copy-specific amount ("1,200" -> "1,207"), one named person or place of its lead is swapped for another
article's, and it is dated 0-2 days before the brief's day. Events therefore repeat (N / M copies of each, as a big
story many outlets carry), which is the hard case for candidate pairs and clustering.

  grouping  `group_articles` (TF-IDF, candidate pairs, pair model, Leiden) on the varied articles, once vectors and
            entities are computed: the copy's vectors are its original's, its sentence vectors permuted as its
            sentences were and its document vector moved by the change of its lead-weighted body (no encoder run);
            entities are the original's with the swapped name. Anchor in the same process: the previous dense rule
            (bench/similarity_baseline.py, an N x N matrix) up to N = ANCHOR_MAX.
  daily     `briefing daily` on the varied articles written as JSONL records (extractive default summarizer, no
            summary cache, a fresh cache folder), under /usr/bin/time: wall time, peak RSS, and the run's own
            timings of its compose steps (brief.json provenance).

Each N runs in its own process, so peak RSS is that N's own; CPU seconds (user + system of that process) are printed
beside wall time because on a shared machine wall time mostly measures the other jobs. The growth exponent is the
slope of log(time) against log(N) between successive sizes, and between the first size >= 1,000 and the largest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

# This checkout's `briefing` (not an installed one), and the bench helpers beside this file.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

ANCHOR_MAX = 1000
STEPS = ("vectors_cpu", "candidates_cpu", "pair_model_cpu", "leiden_cpu")
DAY = dt.date(2026, 11, 25)
RECORDS_PER_FILE = 400  # JSONL files stay under the 4 MB a file may hold (--max-input-mb)
_FIGURE = re.compile(r"\d[\d,]*\d|\d")


def _shift_figures(text: str, shift: int) -> str:
    def shifted(match: re.Match[str]) -> str:
        digits = match.group(0).replace(",", "")
        if len(digits) == 4 and digits[:2] in ("19", "20"):
            return match.group(0)  # a year
        return f"{int(digits) + shift:,}" if "," in match.group(0) else str(int(digits) + shift)

    return _FIGURE.sub(shifted, text)


def varied_day(count: int, seed: int = 0):
    """N varied articles, their vectors and entities (see the module docstring)."""
    from grouping_data import load_corpus

    from briefing.compose.entities import ArticleEntities, Mention
    from briefing.compose.vectors import lead_weights, normalize

    corpus = load_corpus()
    rng = random.Random(seed)
    total = len(corpus.articles)
    names = [m for e in corpus.entities for m in e.mentions if m.label in ("PERSON", "GPE")]
    articles, vectors, entities = [], [], []
    for index in range(count):
        base = index % total
        article, vector, found = corpus.articles[base], corpus.vectors[base], corpus.entities[base]
        copy = index // total
        order = list(range(len(article.sentences)))
        body = order[1:]
        rng.shuffle(body)
        order = order[:1] + body
        sentences = [article.sentences[i] for i in order]
        shift = copy * 7 + rng.randrange(1, 6)
        sentences[:3] = [_shift_figures(s, shift) for s in sentences[:3]]
        title = _shift_figures(article.title, shift)
        mentions = list(found.mentions)
        lead = " ".join((title, *sentences[:3]))
        swappable = [k for k, m in enumerate(mentions) if m.label in ("PERSON", "GPE") and m.text in lead]
        if swappable and names:
            k = rng.choice(swappable)
            new = rng.choice(names)
            title = title.replace(mentions[k].text, new.text)
            sentences[:3] = [s.replace(mentions[k].text, new.text) for s in sentences[:3]]
            mentions[k] = Mention(new.text, new.label)
        published = (DAY - dt.timedelta(days=rng.randrange(3))).isoformat()
        articles.append(
            replace(
                article,
                id=f"{article.id}~{index}",
                title=title,
                sentences=tuple(sentences),
                published=dt.date.fromisoformat(published),
            )
        )
        embedded = [i for i in order if i < len(vector.sentences)]
        permuted = vector.sentences[embedded] if embedded else vector.sentences
        if len(permuted):
            weights = lead_weights(len(permuted))[:, None]
            before = normalize((weights * vector.sentences[: len(permuted)]).sum(axis=0))
            after = normalize((weights * permuted).sum(axis=0))
            document = normalize(vector.document + after - before).astype(np.float32)
        else:
            document = vector.document
        vectors.append(replace(vector, sentences=permuted, document=document))
        entities.append(ArticleEntities(tuple(mentions)))
    return articles, vectors, entities


def measure_grouping(count: int) -> dict[str, float]:
    from similarity_baseline import baseline_groups

    from briefing.compose.candidates import candidate_pairs
    from briefing.compose.grouping import cluster_graph, day_vectors, group_articles
    from briefing.compose.pair_model import pair_features, shipped_pair_model

    articles, vectors, entities = varied_day(count)
    model = shipped_pair_model()
    group_articles(articles[:50], vectors[:50], entities[:50], model)  # imports and first calls out of the clock
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    clock, cpu = time.perf_counter(), time.process_time()
    # group_articles, step by step (the same calls), so that each step's CPU time shows which one grows fastest.
    day = day_vectors(articles, vectors, entities)
    steps = {"vectors_cpu": time.process_time() - cpu}
    pairs = candidate_pairs(day.documents, day.body_tfidf, model.neighbours)
    steps["candidates_cpu"] = time.process_time() - cpu - sum(steps.values())
    probabilities = model.probability(pair_features(day, pairs[:, 0], pairs[:, 1]))
    steps["pair_model_cpu"] = time.process_time() - cpu - sum(steps.values())
    stories = cluster_graph(count, pairs, probabilities, model)
    steps["leiden_cpu"] = time.process_time() - cpu - sum(steps.values())
    seconds = time.perf_counter() - clock
    result = {
        "n": count,
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu,
        "stories": len(stories),
        "pairs": len(pairs),
        **steps,
        "rss_before_mb": before,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if count <= ANCHOR_MAX:
        clock = time.perf_counter()
        baseline_groups(articles, np.stack([v.document for v in vectors]), entities)
        result["anchor_seconds"] = time.perf_counter() - clock
    return result


def measure_daily(count: int) -> dict[str, float]:
    articles, _, _ = varied_day(count)
    with tempfile.TemporaryDirectory(prefix="briefing-scale-") as folder:
        inputs = Path(folder) / "in"
        inputs.mkdir()
        for start in range(0, count, RECORDS_PER_FILE):
            rows = [
                {
                    "id": a.id,
                    "title": a.title,
                    "text": " ".join(a.sentences),
                    "date": a.published.isoformat() if a.published else None,
                }
                for a in articles[start : start + RECORDS_PER_FILE]
            ]
            (inputs / f"day-{start:06d}.jsonl").write_text(
                "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8"
            )
        out = Path(folder) / "out"
        command = [
            "/usr/bin/time",
            "-f",
            "%e %M",
            "-o",
            str(Path(folder) / "time.txt"),
            sys.executable,
            "-m",
            "briefing",
            "daily",
            str(inputs),
            "--date",
            DAY.isoformat(),
            "--out",
            str(out),
            "--cache-dir",
            str(Path(folder) / "cache"),
            "--no-cache",
            "--quiet",
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
        if done.returncode != 0:
            raise RuntimeError(f"briefing daily failed: {done.stderr.strip()[-500:]}")
        seconds, peak_kb = (Path(folder) / "time.txt").read_text().split()[-2:]
        brief = json.loads((out / DAY.isoformat() / "brief.json").read_text(encoding="utf-8"))
    timings = brief.get("provenance", {}).get("timings", {})
    return {
        "n": count,
        "seconds": float(seconds),
        "peak_rss_mb": int(peak_kb) / 1024,
        "stories": len(brief.get("stories", [])) + len(brief.get("also_noted", [])),
        "group_seconds": float(timings.get("group", float("nan"))),
        "embed_seconds": float(timings.get("embed", float("nan"))),
        "entities_seconds": float(timings.get("entities", float("nan"))),
    }


def _exponent(first: dict[str, float], last: dict[str, float], key: str = "seconds") -> str:
    if last["n"] == first["n"] or first[key] <= 0:
        return ""
    return f"{math.log(last[key] / first[key]) / math.log(last['n'] / first['n']):.2f}"


def _run(part: str, sizes: list[int]) -> list[dict[str, float]]:
    rows = []
    for count in sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(count), "--part", part], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            print(f"{part} N = {count}: failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"  {part} N = {count}: {rows[-1]['seconds']:.1f} s", file=sys.stderr, flush=True)
    return rows


def _overall(rows: list[dict[str, float]], key: str = "seconds") -> str:
    big = [r for r in rows if r["n"] >= 1000]
    if len(big) < 2:
        return "not measured (fewer than two sizes >= 1,000)"
    return f"{_exponent(big[0], big[-1], key)} between N = {big[0]['n']} and N = {big[-1]['n']}"


def print_grouping(rows: list[dict[str, float]]) -> None:
    print("\n## Grouping alone, vectors and entities computed (machine shared: compare rows of one run only)\n")
    print(
        "| N | stories | group_articles s | CPU s | growth exponent | peak RSS MB (before) | previous rule s (anchor) |"
    )
    print("|---|---|---|---|---|---|---|")
    for previous, row in zip([None, *rows], rows, strict=False):
        anchor = f"{row['anchor_seconds']:.2f}" if "anchor_seconds" in row else "not run"
        exponent = _exponent(previous, row) if previous else ""
        print(
            f"| {row['n']} | {row['stories']} | {row['seconds']:.2f} | {row['cpu_seconds']:.2f} | {exponent} | "
            f"{row['peak_rss_mb']:.0f} ({row['rss_before_mb']:.0f}) | {anchor} |"
        )
    print(f"\nGrowth exponent of grouping: wall time {_overall(rows)}; CPU time {_overall(rows, 'cpu_seconds')}")
    print("\nCPU s per step of grouping (growth exponent between the first size >= 1,000 and the largest)\n")
    print("| N | pairs | TF-IDF and vectors | candidate pairs | pair model | Leiden |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        cells = " | ".join(f"{row[key]:.2f}" for key in STEPS)
        print(f"| {row['n']} | {row['pairs']} | {cells} |")
    print(
        f"| exponent | {_overall(rows, 'pairs').split()[0]} | "
        + " | ".join(_overall(rows, k).split()[0] for k in STEPS)
        + " |"
    )


def print_daily(rows: list[dict[str, float]]) -> None:
    print("\n## Whole daily run (`briefing daily`, extractive, no summary cache)\n")
    print("| N | stories | wall s | growth exponent | peak RSS MB | embed s | entities s | group s |")
    print("|---|---|---|---|---|---|---|---|")
    for previous, row in zip([None, *rows], rows, strict=False):
        exponent = _exponent(previous, row) if previous else ""
        print(
            f"| {row['n']} | {row['stories']} | {row['seconds']:.1f} | {exponent} | {row['peak_rss_mb']:.0f} | "
            f"{row['embed_seconds']:.1f} | {row['entities_seconds']:.1f} | {row['group_seconds']:.1f} |"
        )
    print(f"\nGrowth exponent of the daily run: {_overall(rows)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000, 20000])
    parser.add_argument("--part", choices=("grouping", "daily", "both"), default="both")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        measure = measure_grouping if args.part == "grouping" else measure_daily
        print(json.dumps(measure(args.one)))
        return 0
    load = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"load at start: {load}")
    if args.part in ("grouping", "both"):
        print_grouping(_run("grouping", args.sizes))
    if args.part in ("daily", "both"):
        print_daily(_run("daily", args.sizes))
    load = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"\nload at end: {load}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
