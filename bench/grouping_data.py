"""The development articles grouping is trained and measured on, with their event labels, vectors and entities.

Shared by `bench/brief.py` and `scripts/train_grouping.py`, so the benchmark and the pair model's training see the
articles a user's run would see:
  Multi-News (`multidoc/multi_news_dev.jsonl`): 100 clusters, one event each, several outlets; every document goes
      through the cleaner as a scraped text dump, exact duplicates dropped (as `briefing daily` drops them).
  CNN/DailyMail (`summarization/cnn_dailymail_dev.jsonl`): 100 articles, each its own event (hard negatives).
  BBC News (`summarization/bbc_news_dev.jsonl`): 250 articles in five sections, each its own event (same-section,
      same-topic negatives).
Calibration half: Multi-News clusters 0-49, CNN 0-49, BBC 0-124; held-out half: the rest. Vectors (embedded encoder)
and entities (spaCy) are cached in `.briefing-cache/grouping-corpus.pkl`, keyed by the articles' ids.
"""

from __future__ import annotations

import json
import pickle
import random
from collections import Counter
from dataclasses import dataclass
from math import comb
from pathlib import Path

from briefing.clean import clean
from briefing.compose.entities import ArticleEntities, extract_entities, load_entity_model
from briefing.compose.vectors import ArticleVectors, embed_articles
from briefing.errors import SourceError
from briefing.ingest.records import record_document
from briefing.records import Article, RawDocument, Summary
from briefing.text import content_hash

DATA_DIR = Path("../shared/data")
MULTI_NEWS = "multidoc/multi_news_dev.jsonl"
CNN_DAILYMAIL = "summarization/cnn_dailymail_dev.jsonl"
BBC_NEWS = "summarization/bbc_news_dev.jsonl"
CNN_BASE = 1000  # event id of CNN/DailyMail article i: CNN_BASE + i
BBC_BASE = 2000
CACHE = Path(".briefing-cache/grouping-corpus.pkl")


@dataclass
class Corpus:
    articles: list[Article]
    events: list[int]  # the event each article reports
    origin: list[str]  # "multi_news", "cnn", "bbc"
    section: list[str | None]  # BBC section, when known
    calibration: list[bool]  # in the calibration half
    references: dict[int, str]  # Multi-News reference summary of each cluster
    vectors: list[ArticleVectors]
    entities: list[ArticleEntities]
    dropped: int


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_corpus(data_dir: Path = DATA_DIR, use_cache: bool = True) -> Corpus:
    articles: list[Article] = []
    events: list[int] = []
    origin: list[str] = []
    section: list[str | None] = []
    calibration: list[bool] = []
    references: dict[int, str] = {}
    seen: set[str] = set()
    dropped = 0

    def add(article: Article, event: int, where: str, part: str | None, in_calibration: bool) -> None:
        nonlocal dropped
        if article.id in seen:
            dropped += 1
            return
        seen.add(article.id)
        articles.append(article)
        events.append(event)
        origin.append(where)
        section.append(part)
        calibration.append(in_calibration)

    for index, row in enumerate(_rows(data_dir / MULTI_NEWS)):
        references[index] = row["summary"]
        for number, text in enumerate(row["articles"]):
            try:
                article = clean(RawDocument(f"multi_news_dev:{index}#{number}", text, "text"))
            except SourceError:
                dropped += 1
                continue
            add(article, index, "multi_news", None, index < 50)
    for base, name, where, half in ((CNN_BASE, CNN_DAILYMAIL, "cnn", 50), (BBC_BASE, BBC_NEWS, "bbc", 125)):
        path = data_dir / name
        for index, row in enumerate(_rows(path)):
            try:
                article = clean(record_document(f"{path.name}:{index + 1}", row))
            except SourceError:
                dropped += 1
                continue
            add(article, base + index, where, row.get("category"), index < half)
    key = content_hash("|".join(a.id for a in articles))
    cached = _read_cache(key) if use_cache else None
    if cached is None:
        from devsets import shared_encoder

        vectors = embed_articles(articles, [Summary(a.id, (), "none", "none") for a in articles], shared_encoder())
        entities = extract_entities(articles, load_entity_model())
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        CACHE.write_bytes(pickle.dumps((key, vectors, entities)))
    else:
        vectors, entities = cached
    return Corpus(articles, events, origin, section, calibration, references, vectors, entities, dropped)


def _read_cache(key: str) -> tuple[list[ArticleVectors], list[ArticleEntities]] | None:
    try:
        stored_key, vectors, entities = pickle.loads(CACHE.read_bytes())
    except (OSError, ValueError, pickle.UnpicklingError, EOFError):
        return None
    return (vectors, entities) if stored_key == key else None


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
class PoolScores:
    ari: float
    clusters: int  # true events of 2+ articles in the pool
    split: int  # of those, events spread over 2+ stories
    stories: int  # predicted stories of 2+ articles
    mixed: int  # of those, stories holding articles of 2+ events
    false_merges: int  # single-article events (CNN/DailyMail, BBC) put in a story with any other article
    singletons: int


def score_pool(events: list[int], groups: list[list[int]]) -> PoolScores:
    predicted = [0] * len(events)
    for label, members in enumerate(groups):
        for member in members:
            predicted[member] = label
    sizes = Counter(events)
    story_sizes = Counter(predicted)
    stories_of: dict[int, set[int]] = {}
    for event, story in zip(events, predicted, strict=True):
        stories_of.setdefault(event, set()).add(story)
    multi = [e for e, n in sizes.items() if n > 1]
    big = [members for members in groups if len(members) > 1]
    singles = [i for i, e in enumerate(events) if e >= CNN_BASE]
    return PoolScores(
        ari=adjusted_rand_index(events, predicted),
        clusters=len(multi),
        split=sum(1 for e in multi if len(stories_of[e]) > 1),
        stories=len(big),
        mixed=sum(1 for members in big if len({events[m] for m in members}) > 1),
        false_merges=sum(1 for i in singles if story_sizes[predicted[i]] > 1),
        singletons=len(singles),
    )


def draw_pools(
    corpus: Corpus,
    calibration: bool,
    draws: int,
    clusters_per_draw: int = 30,
    singletons_per_draw: int = 50,
    singleton_origin: str = "cnn",
) -> list[list[int]]:
    """Shuffled article indexes: `clusters_per_draw` Multi-News clusters + `singletons_per_draw` single-article events
    of `singleton_origin`, from one half; seeded by draw number."""
    half = [i for i, c in enumerate(corpus.calibration) if c == calibration]
    clusters = sorted({corpus.events[i] for i in half if corpus.origin[i] == "multi_news"})
    singles = [i for i in half if corpus.origin[i] == singleton_origin]
    pools = []
    for seed in range(draws):
        rng = random.Random(seed)
        chosen = set(rng.sample(clusters, min(clusters_per_draw, len(clusters))))
        members = [i for i in half if corpus.origin[i] == "multi_news" and corpus.events[i] in chosen]
        members += rng.sample(singles, min(singletons_per_draw, len(singles)))
        rng.shuffle(members)
        pools.append(members)
    return pools
