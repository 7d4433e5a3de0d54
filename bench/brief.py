"""The brief's two measurable parts on Multi-News: story grouping (adjusted Rand index) and story summaries (ROUGE).

    python bench/brief.py                         # full run: grouping calibration + held-out, ROUGE vs baseline
    python bench/brief.py --clusters-limit 20     # a quick look on the first 20 clusters of each half
    python bench/brief.py --grouping-only         # story grouping only (no summaries, no ROUGE)

Data: `../shared/data/multidoc/multi_news_dev.jsonl` (100 clusters of 1-7 articles on one event, with a reference
summary). Every document goes through the real cleaner as a scraped text dump (Multi-News documents are scraped page
text: Twitter boilerplate and captions included), and exact duplicates are dropped as `briefing daily` drops them.
Clusters 0-49 are the calibration half, 50-99 the held-out half.

Grouping: pool the articles of 30 clusters drawn at random with 50 CNN/DailyMail articles
(`../shared/data/summarization/cnn_dailymail_dev.jsonl`, read as `briefing daily` reads JSONL; each article is its own
event, often on the same topic as another: the hard negatives Multi-News lacks; articles 0-49 go with the calibration
half, 50-99 with the held-out half), shuffle, group them with `briefing.compose.grouping`, and report per rule the
adjusted Rand index on the pooled set, the CNN false merges (CNN articles put in a story with any other document) and
the ARI of the same Multi-News clusters pooled alone; mean and min/max over --draws draws per half. Rules are
compared on the calibration half; the held-out half is reported for every rule.

Summaries: each true cluster is one story; the story summary (`briefing.compose.story_summary`) is built from the
real summarize stage's per-article summaries (extractive on the embedded encoder, --sentences per article) at --words
words, against the baseline computed here: the first sentence of each document, then the second of each, ... until
the budget. Both are cut to exactly --words words and scored with rouge-score (F1, Porter stemming).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from math import comb
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from devsets import bench_models, shared_encoder

from briefing.clean import clean
from briefing.compose.entities import ArticleEntities, extract_entities, load_entity_model
from briefing.compose.grouping import (
    DEFAULT_GROUPING,
    GroupingParameters,
    average_linkage,
    similarity_matrix,
    story_similarity,
)
from briefing.compose.story_summary import summarize_story
from briefing.compose.vectors import ArticleVectors, embed_articles
from briefing.config import Settings
from briefing.errors import SourceError
from briefing.ingest.records import record_document
from briefing.records import Article, RawDocument, Summary

DEFAULT_DATA = Path("../shared/data/multidoc/multi_news_dev.jsonl")
DEFAULT_SINGLETONS = Path("../shared/data/summarization/cnn_dailymail_dev.jsonl")
SINGLETON_BASE = 1000  # cluster id of CNN/DailyMail article i is SINGLETON_BASE + i: every article is its own event
CALIBRATION = range(0, 50)
HELD_OUT = range(50, 100)
THRESHOLDS = [0.25, 0.30, 0.35, 0.40]


@dataclass(frozen=True)
class Pool:
    articles: list[Article]
    clusters: list[int]  # true cluster of each article
    references: dict[int, str]
    dropped: int  # documents the cleaner rejected or that duplicated another


def load_pool(path: Path, limit_per_half: int | None) -> Pool:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted = {i for half in (CALIBRATION, HELD_OUT) for i in list(half)[: limit_per_half or len(half)] if i < len(rows)}
    articles: list[Article] = []
    clusters: list[int] = []
    seen: set[str] = set()
    dropped = 0
    for index in sorted(wanted):
        for number, text in enumerate(rows[index]["articles"]):
            try:
                article = clean(RawDocument(f"multi_news_dev:{index}#{number}", text, "text"))
            except SourceError:
                dropped += 1
                continue
            if article.id in seen:
                dropped += 1
                continue
            seen.add(article.id)
            articles.append(article)
            clusters.append(index)
    return Pool(articles, clusters, {i: rows[i]["summary"] for i in wanted}, dropped)


def load_singletons(path: Path, limit_per_half: int | None) -> tuple[list[Article], list[int]]:
    """CNN/DailyMail articles, each its own event (hard negatives: same topics, different events), read as
    `briefing daily` reads a JSONL file; articles 0-49 pair with the calibration half, 50-99 with the held-out half."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted = {i for half in (CALIBRATION, HELD_OUT) for i in list(half)[: limit_per_half or len(half)] if i < len(rows)}
    articles: list[Article] = []
    clusters: list[int] = []
    for index in sorted(wanted):
        try:
            articles.append(clean(record_document(f"{path.name}:{index + 1}", rows[index])))
        except SourceError:
            continue
        clusters.append(SINGLETON_BASE + index)
    return articles, clusters


def adjusted_rand_index(truth: list[int], predicted: list[int]) -> float:
    """Hubert & Arabie's ARI from the contingency table (1 = identical partitions, ~0 = chance)."""
    pairs = Counter(zip(truth, predicted, strict=True))
    index = sum(comb(n, 2) for n in pairs.values())
    rows = sum(comb(n, 2) for n in Counter(truth).values())
    columns = sum(comb(n, 2) for n in Counter(predicted).values())
    total = comb(len(truth), 2)
    expected = rows * columns / total if total else 0.0
    maximum = (rows + columns) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


@dataclass(frozen=True)
class GroupingScores:
    pooled_ari: list[float]  # Multi-News clusters + CNN singletons, one per draw
    false_merges: list[int]  # CNN articles placed in a story with any other document, one per draw
    multi_news_ari: list[float]  # the same Multi-News clusters pooled alone


def predicted_labels(similarity: np.ndarray, threshold: float) -> list[int]:
    predicted = [0] * len(similarity)
    for label, group in enumerate(average_linkage(similarity, threshold)):
        for position in group:
            predicted[position] = label
    return predicted


def rule_similarity(
    members: list[int],
    articles: list[Article],
    vectors: list[ArticleVectors],
    entities: list[ArticleEntities],
    parameters: GroupingParameters,
    evidence: bool,
) -> np.ndarray:
    chosen = [articles[i] for i in members]
    documents = np.stack([vectors[i].document for i in members])
    if evidence:
        return story_similarity(chosen, documents, [entities[i] for i in members], parameters)
    return similarity_matrix(chosen, documents, [entities[i] for i in members], parameters)


def grouping_scores(
    articles: list[Article],
    clusters: list[int],
    vectors: list[ArticleVectors],
    entities: list[ArticleEntities],
    half: range,
    clusters_per_draw: int,
    singletons_per_draw: int,
    draws: int,
    rules: dict[str, tuple[GroupingParameters, bool]],
) -> dict[str, GroupingScores]:
    """Per rule: pooled ARI, CNN false merges and Multi-News-only ARI of each draw."""
    available = sorted({c for c in clusters if c in half})
    singles = [c for c in clusters if c - SINGLETON_BASE in half]
    scores = {name: GroupingScores([], [], []) for name in rules}
    for seed in range(draws):
        rng = random.Random(seed)
        chosen = set(rng.sample(available, min(clusters_per_draw, len(available))))
        chosen |= set(rng.sample(singles, min(singletons_per_draw, len(singles))))
        members = [i for i, c in enumerate(clusters) if c in chosen]
        rng.shuffle(members)
        multi_news = [i for i in members if clusters[i] < SINGLETON_BASE]
        for name, (parameters, evidence) in rules.items():
            for pool_members, pooled in ((members, True), (multi_news, False)):
                similarity = rule_similarity(pool_members, articles, vectors, entities, parameters, evidence)
                predicted = predicted_labels(similarity, parameters.threshold)
                truth = [clusters[i] for i in pool_members]
                ari = adjusted_rand_index(truth, predicted)
                if not pooled:
                    scores[name].multi_news_ari.append(ari)
                    continue
                scores[name].pooled_ari.append(ari)
                sizes = Counter(predicted)
                merged = sum(1 for t, p in zip(truth, predicted, strict=True) if t >= SINGLETON_BASE and sizes[p] > 1)
                scores[name].false_merges.append(merged)
    return scores


def lead_baseline(members: list[Article], budget: int) -> str:
    """First sentence of each document, then the second of each, ... until the word budget is reached."""
    chosen: list[str] = []
    used = 0
    for position in range(max(len(a.sentences) for a in members)):
        for article in members:
            if position < len(article.sentences) and used < budget:
                chosen.append(article.sentences[position])
                used += len(article.sentences[position].split())
    return " ".join(chosen)


def cut(text: str, budget: int) -> str:
    return " ".join(text.split()[:budget])


def rouge_table(
    pool: Pool, summaries: list[Summary], vectors: list[ArticleVectors], budget: int
) -> dict[str, dict[str, list[float]]]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    results: dict[str, dict[str, list[float]]] = {}
    for cluster in sorted(set(pool.clusters)):
        members = [i for i, c in enumerate(pool.clusters) if c == cluster]
        story = summarize_story(members, pool.articles, summaries, vectors, budget)
        texts = {
            "story summary": " ".join(s.text for s in story),
            "lead baseline": lead_baseline([pool.articles[i] for i in members], budget),
        }
        half = "calibration" if cluster in CALIBRATION else "held-out"
        for name, text in texts.items():
            score = scorer.score(pool.references[cluster], cut(text, budget))
            row = results.setdefault(f"{name}|{half}", {"rouge1": [], "rouge2": [], "rougeL": []})
            for key in row:
                row[key].append(score[key].fmeasure)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--clusters", type=int, default=30, help="clusters pooled per grouping draw")
    parser.add_argument("--draws", type=int, default=10, help="random pools per half")
    parser.add_argument("--words", type=int, default=230, help="story summary word budget")
    parser.add_argument("--sentences", type=int, default=10, help="per-article summary sentences (candidates)")
    parser.add_argument("--singletons", type=Path, default=DEFAULT_SINGLETONS, help="CNN/DailyMail JSONL")
    parser.add_argument("--singletons-per-draw", type=int, default=50, help="CNN articles pooled per grouping draw")
    parser.add_argument("--grouping-only", action="store_true", help="skip summaries and ROUGE")
    parser.add_argument("--clusters-limit", type=int, default=None, help="only the first N clusters of each half")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"error: {args.data}: no such file (pass --data)", file=sys.stderr)
        return 1
    from briefing.summarize import summarize

    timings: dict[str, float] = {}
    clock = time.perf_counter()
    pool = load_pool(args.data, args.clusters_limit)
    singletons, singleton_clusters = (
        load_singletons(args.singletons, args.clusters_limit) if args.singletons.is_file() else ([], [])
    )
    timings["clean"] = time.perf_counter() - clock
    words = sum(a.word_count for a in pool.articles)
    print(f"{len(pool.articles)} articles ({words} words) from {len(set(pool.clusters))} clusters; ", end="")
    print(
        f"{pool.dropped} documents dropped by the cleaner or as duplicates; {len(singletons)} CNN/DailyMail singletons"
    )

    clock = time.perf_counter()
    settings = Settings(sentences=args.sentences, story_words=args.words, use_cache=False)
    if args.grouping_only:  # the document vector is title + body: it does not use the summaries
        summaries = [Summary(a.id, (), "none", "none") for a in pool.articles]
    else:
        summaries = summarize(pool.articles, settings, bench_models(settings))
        timings["summarize (extractive, per article)"] = time.perf_counter() - clock
    everything = pool.articles + singletons
    clusters = pool.clusters + singleton_clusters
    clock = time.perf_counter()
    no_summaries = [Summary(a.id, (), "none", "none") for a in singletons]
    vectors = embed_articles(everything, summaries + no_summaries, shared_encoder())
    timings["compose: embed"] = time.perf_counter() - clock
    clock = time.perf_counter()
    entities = extract_entities(everything, load_entity_model())
    timings["compose: NER (spaCy)"] = time.perf_counter() - clock

    clock = time.perf_counter()
    rules: dict[str, tuple[GroupingParameters, bool]] = {}
    for threshold in sorted({*THRESHOLDS, DEFAULT_GROUPING.threshold}):
        parameters = replace(DEFAULT_GROUPING, threshold=threshold)
        rules[f"similarity >= {threshold:.2f}"] = (parameters, False)
        rules[f"similarity >= {threshold:.2f} + evidence"] = (parameters, True)
    per_half = {
        name: grouping_scores(
            everything, clusters, vectors, entities, half, args.clusters, args.singletons_per_draw, args.draws, rules
        )
        for name, half in (("calibration", CALIBRATION), ("held-out", HELD_OUT))
    }
    timings[f"compose: grouping ({2 * args.draws} pools x {len(rules)} rules)"] = time.perf_counter() - clock
    shipped = f"similarity >= {DEFAULT_GROUPING.threshold:.2f} + evidence"
    calibrated = max(rules, key=lambda r: (np.mean(per_half["calibration"][r].pooled_ari), r == shipped))

    print(
        f"\n## Story grouping: {args.clusters} Multi-News clusters + {args.singletons_per_draw} CNN/DailyMail "
        f"singletons pooled, {args.draws} draws per half (calibration: 0-49 of both, held-out: 50-99)\n"
    )
    print("| rule | half | Multi-News ARI mean / min | pooled ARI mean / min | CNN false merges mean / max |")
    print("|---|---|---|---|---|")
    for rule in rules:
        marks = [m for m, hit in (("best on calibration", rule == calibrated), ("shipped", rule == shipped)) if hit]
        note = f" ({', '.join(marks)})" if marks else ""
        for half, scores in per_half.items():
            row = scores[rule]
            print(
                f"| {rule}{note} | {half} | {np.mean(row.multi_news_ari):.3f} / {np.min(row.multi_news_ari):.3f} | "
                f"{np.mean(row.pooled_ari):.3f} / {np.min(row.pooled_ari):.3f} | "
                f"{np.mean(row.false_merges):.1f} / {np.max(row.false_merges)} |"
            )
    weights = GroupingParameters()
    print(
        f"\nSimilarity = {weights.encoder_weight} encoder cosine + {weights.tfidf_weight} TF-IDF cosine + "
        f"{weights.entity_weight} entity Jaccard; average linkage. Evidence: cannot-link unless the two articles share "
        f">= {weights.evidence_entities} named entity or TF-IDF cosine >= {weights.evidence_tfidf}."
    )
    if args.grouping_only:
        print_timings(timings)
        return 0

    clock = time.perf_counter()
    table = rouge_table(pool, summaries, vectors, args.words)
    timings["compose: story summaries + ROUGE"] = time.perf_counter() - clock
    print(f"\n## Story summaries: ROUGE F1 (x100) at {args.words} words, rouge-score with stemming\n")
    print("| summary | clusters | ROUGE-1 | ROUGE-2 | ROUGE-L |")
    print("|---|---|---|---|---|")
    for key in sorted(table, key=lambda k: (k.split("|")[1], k.split("|")[0] != "story summary")):
        name, half = key.split("|")
        row = table[key]
        values = " | ".join(f"{100 * np.mean(row[m]):.2f}" for m in ("rouge1", "rouge2", "rougeL"))
        print(f"| {name} | {half} ({len(row['rouge1'])}) | {values} |")

    print_timings(timings)
    return 0


def print_timings(timings: dict[str, float]) -> None:
    print("\n## Time (s)\n")
    print("| step | seconds |")
    print("|---|---|")
    for step, seconds in timings.items():
        print(f"| {step} | {seconds:.1f} |")


if __name__ == "__main__":
    sys.exit(main())
