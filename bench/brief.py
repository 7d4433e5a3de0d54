"""The brief's two measurable parts on the dev data: story grouping and story summaries, in one run.

    python bench/brief.py                   # grouping (calibration + held-out) and story-summary ROUGE
    python bench/brief.py --grouping-only   # grouping only
    python bench/brief.py --draws 3         # a quicker look

Data: bench/grouping_data.py (Multi-News clusters, CNN/DailyMail and BBC singletons; calibration half = what
scripts/train_grouping.py trained the pair model on, held-out half = never seen by it).

Grouping: pools of --clusters Multi-News clusters with --singletons-per-draw CNN/DailyMail articles (each its own event,
often on a topic another event shares: the hard negatives), shuffled, grouped as `briefing` groups a day; and the same
with BBC singletons (five sections: same-section negatives). Per half and per method, the shipped pair model + Leiden
and, as the anchor measured in the same run, the previous rule (bench/similarity_baseline.py): pooled adjusted Rand
index, the share of Multi-News clusters split over 2+ stories, the share of 2+-article stories mixing events, and
singletons wrongly merged (per 50). Then every Multi-News cluster alone (one event per day): how many are split.

Summaries: each true cluster is one story; the story summary is built from the real summarize stage's per-article
summaries (extractive, --sentences per article, the product default 3) at --words words, fed with the summary
sentences only (the old feeding) and with up to STORY_CANDIDATES candidates per article (shipped); the round-robin
lead baseline (first sentence of each document, then the second of each, ...) is cut to the same length as the
shipped story summary and to the full budget. ROUGE F1 x100, rouge-score with stemming.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

# This checkout's `briefing` (not an installed one), and the bench helpers beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from grouping_data import Corpus, PoolScores, adjusted_rand_index, draw_pools, load_corpus, score_pool
from grouping_splits import split_reasons_table
from similarity_baseline import baseline_groups

from briefing.compose.grouping import cluster_graph, day_vectors, group_articles
from briefing.compose.pair_model import pair_features, shipped_pair_model
from briefing.compose.story_summary import STORY_CANDIDATES, summarize_story
from briefing.config import Settings
from briefing.records import Article, Summary

METHODS = (
    "pair model + Leiden (shipped)",
    "pair model + Leiden, every pair scored (dense reference)",
    "previous rule (anchor)",
)


def group_pool(corpus: Corpus, members: list[int], method: str) -> list[list[int]]:
    articles = [corpus.articles[i] for i in members]
    vectors = [corpus.vectors[i] for i in members]
    entities = [corpus.entities[i] for i in members]
    if method == METHODS[0]:
        return group_articles(articles, vectors, entities, shipped_pair_model())
    if method == METHODS[1]:
        return dense_reference(articles, vectors, entities)
    return baseline_groups(articles, np.stack([v.document for v in vectors]), entities)


def dense_reference(articles: list[Article], vectors: list, entities: list) -> list[list[int]]:
    """The shipped grouping with every pair scored instead of the nearest-neighbour candidates (n x n: the check that
    the candidates lose nothing)."""
    if len(articles) < 2:
        return [[0]] if articles else []
    model = shipped_pair_model()
    day = day_vectors(articles, vectors, entities)
    first, second = np.triu_indices(len(articles), k=1)
    probabilities = model.probability(pair_features(day, first, second))
    return cluster_graph(len(articles), np.column_stack([first, second]), probabilities, model)


def _labels(count: int, groups: list[list[int]]) -> list[int]:
    labels = [0] * count
    for label, members in enumerate(groups):
        for member in members:
            labels[member] = label
    return labels


def summarise_scores(scores: list[PoolScores]) -> str:
    ari = [s.ari for s in scores]
    split = sum(s.split for s in scores) / max(1, sum(s.clusters for s in scores))
    mixed = sum(s.mixed for s in scores) / max(1, sum(s.stories for s in scores))
    merges = [50 * s.false_merges / max(1, s.singletons) for s in scores]
    return (
        f"{np.mean(ari):.3f} / {np.min(ari):.3f} | {100 * split:.1f}% | {100 * mixed:.1f}% | "
        f"{np.mean(merges):.1f} / {np.max(merges):.0f}"
    )


def grouping_tables(corpus: Corpus, clusters: int, singletons: int, draws: int) -> dict[str, float]:
    timings: dict[str, float] = {}
    print(
        f"\n## Story grouping: {clusters} Multi-News clusters + {singletons} singletons pooled, "
        f"{draws} draws per half\n"
    )
    print(
        "| method | half | singletons | pooled ARI mean / min | clusters split | stories mixing events "
        "| singleton false merges per 50, mean / max |"
    )
    print("|---|---|---|---|---|---|---|")
    for method in METHODS:
        clock = time.perf_counter()
        for calibration, half in ((True, "calibration"), (False, "held-out")):
            for origin in ("cnn", "bbc"):
                scores = []
                for members in draw_pools(corpus, calibration, draws, clusters, singletons, origin):
                    groups = group_pool(corpus, members, method)
                    scores.append(score_pool([corpus.events[i] for i in members], groups))
                label = "CNN/DailyMail" if origin == "cnn" else "BBC"
                print(f"| {method} | {half} | {label} | {summarise_scores(scores)} |")
        timings[f"grouping, {method} ({4 * draws} pools)"] = time.perf_counter() - clock
    agreement = []
    for calibration in (True, False):
        for origin in ("cnn", "bbc"):
            for members in draw_pools(corpus, calibration, draws, clusters, singletons, origin):
                labels = [_labels(len(members), group_pool(corpus, members, m)) for m in METHODS[:2]]
                agreement.append(adjusted_rand_index(*labels))
    print(
        f"\nCandidate pairs against every pair scored (same pools): ARI between the two groupings mean "
        f"{np.mean(agreement):.4f}, min {np.min(agreement):.4f}"
    )
    split_reasons_table(corpus, group_pool, METHODS[0], clusters, singletons, draws)
    print("\n### One Multi-News cluster at a time (a day with one event): clusters split into 2+ stories\n")
    print("| method | half | clusters split |")
    print("|---|---|---|")
    for method in METHODS:
        for calibration, half in ((True, "calibration"), (False, "held-out")):
            events = sorted(
                {
                    e
                    for e, o, c in zip(corpus.events, corpus.origin, corpus.calibration, strict=True)
                    if o == "multi_news" and c == calibration
                }
            )
            split = total = 0
            for event in events:
                members = [i for i, e in enumerate(corpus.events) if e == event]
                if len(members) < 2:
                    continue
                total += 1
                split += len(group_pool(corpus, members, method)) > 1
            print(f"| {method} | {half} | {split} of {total} ({100 * split / max(1, total):.0f}%) |")
    return timings


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


def rouge_tables(corpus: Corpus, sentences: int, budget: int) -> dict[str, float]:
    from devsets import bench_models
    from rouge_score import rouge_scorer

    from briefing.summarize import summarize

    timings: dict[str, float] = {}
    clock = time.perf_counter()
    multi = [i for i, o in enumerate(corpus.origin) if o == "multi_news"]
    settings = Settings(sentences=sentences, story_words=budget, use_cache=False)
    made = summarize([corpus.articles[i] for i in multi], settings, bench_models(settings))
    summaries: list[Summary] = [Summary(a.id, (), "none", "none") for a in corpus.articles]
    for index, summary in zip(multi, made, strict=True):
        summaries[index] = summary
    # The corpus vectors were embedded without summaries: add the summary sentence vectors now.
    from dataclasses import replace

    from devsets import shared_encoder

    vectors = list(corpus.vectors)
    for index in multi:
        texts = [s.text for s in summaries[index].sentences]
        vectors[index] = replace(
            vectors[index], summary=shared_encoder().embed(texts) if texts else vectors[index].summary
        )
    timings[f"summarize (extractive, {sentences} per article)"] = time.perf_counter() - clock
    clock = time.perf_counter()
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    rows: dict[str, list[list[float]]] = {}
    lengths: dict[str, list[int]] = {}
    for event in sorted({corpus.events[i] for i in multi}):
        members = [i for i in multi if corpus.events[i] == event]
        half = "calibration" if corpus.calibration[members[0]] else "held-out"
        fed = {
            f"story summary, {sentences} summary sentences per article (old feeding)": sentences,
            f"story summary, up to {STORY_CANDIDATES} candidates per article (shipped)": STORY_CANDIDATES,
        }
        texts: dict[str, str] = {}
        for name, per_article in fed.items():
            story = summarize_story(members, corpus.articles, summaries, vectors, budget, per_article)
            texts[name] = " ".join(s.text for s in story)
        shipped_length = len(texts[list(fed)[1]].split())
        lead = lead_baseline([corpus.articles[i] for i in members], budget)
        texts["lead baseline, same length as the shipped story summary"] = cut(lead, shipped_length)
        texts["lead baseline, full budget"] = lead
        for name, text in texts.items():
            score = scorer.score(corpus.references[event], cut(text, budget))
            rows.setdefault(f"{name}|{half}", []).append([score[k].fmeasure for k in ("rouge1", "rouge2", "rougeL")])
            lengths.setdefault(f"{name}|{half}", []).append(len(cut(text, budget).split()))
    timings["story summaries + ROUGE"] = time.perf_counter() - clock
    print(f"\n## Story summaries: ROUGE F1 (x100) at a {budget}-word budget, rouge-score with stemming\n")
    print("| summary | clusters | mean words | ROUGE-1 | ROUGE-2 | ROUGE-L |")
    print("|---|---|---|---|---|---|")
    for key in sorted(rows, key=lambda k: k.split("|")[1]):
        name, half = key.split("|")
        values = " | ".join(f"{100 * v:.2f}" for v in np.mean(rows[key], axis=0))
        print(f"| {name} | {half} ({len(rows[key])}) | {np.mean(lengths[key]):.0f} | {values} |")
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clusters", type=int, default=30, help="Multi-News clusters pooled per grouping draw")
    parser.add_argument("--singletons-per-draw", type=int, default=50, help="singleton articles pooled per draw")
    parser.add_argument("--draws", type=int, default=10, help="random pools per half and singleton set")
    parser.add_argument("--words", type=int, default=230, help="story summary word budget")
    parser.add_argument("--sentences", type=int, default=3, help="per-article summary sentences")
    parser.add_argument("--grouping-only", action="store_true", help="skip summaries and ROUGE")
    args = parser.parse_args(argv)
    clock = time.perf_counter()
    try:
        corpus = load_corpus()
    except OSError as error:
        print(f"error: {error} (bench/brief.py needs ../shared/data)", file=sys.stderr)
        return 1
    timings = {"load corpus (clean, embed, NER; cached)": time.perf_counter() - clock}
    print(
        f"{len(corpus.articles)} articles: "
        + ", ".join(f"{corpus.origin.count(o)} {o}" for o in ("multi_news", "cnn", "bbc"))
        + f"; {corpus.dropped} documents dropped by the cleaner or as duplicates"
    )
    timings |= grouping_tables(corpus, args.clusters, args.singletons_per_draw, args.draws)
    if not args.grouping_only:
        timings |= rouge_tables(corpus, args.sentences, args.words)
    print("\n## Time (s; the machine is shared, compare rows of one run only)\n")
    print("| step | seconds |")
    print("|---|---|")
    for step, seconds in timings.items():
        print(f"| {step} | {seconds:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
