"""Story grouping: articles about the same event, from any number of sources and days, become one story.

1. Candidates: each article's nearest neighbours by encoder vector and by TF-IDF vector (briefing.compose.candidates;
   never an n x n matrix: exact in blocks up to 2,000 articles, an HNSW graph and blocking on rare terms above).
2. The pair model (briefing.compose.pair_model) gives each candidate pair the probability that both report the same
   event, from their event profiles (who, where, when, figures, lead words: briefing.compose.events) and vectors.
3. Clustering on that sparse graph with Leiden (leidenalg) under the Constant Potts Model: a partition scores
   sum over stories of (sum of its pairs' probabilities - resolution x its number of pairs), missing pairs counting 0:
   articles go together when their mean same-event probability beats the resolution, taken over whole stories, so
   one bridging article cannot chain two events (every cross pair of the merged story pays the resolution). The
   resolution (0.20) is chosen by scripts/train_grouping.py on calibration pools. Seeded: the same day always gives
   the same stories.
Events that run for days are not split by date: the pair model has no date-gap feature (same event, later report),
and a story shows the span of its articles' days.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from briefing.compose.candidates import candidate_pairs
from briefing.compose.entities import ArticleEntities
from briefing.compose.events import LEAD_SENTENCES, EventProfile, event_profiles
from briefing.compose.pair_model import (
    HEAD_SENTENCES,
    MODEL_LANGUAGES,
    DayVectors,
    PairModel,
    pair_features,
    shipped_pair_model,
)
from briefing.compose.vectors import ArticleVectors, normalize
from briefing.records import Article

# Function words and news boilerplate: they say nothing about which event an article reports.
_STOPWORDS = frozenset(
    "a an the and or but of to in on at for from by with as is are was were be been has have had it its this that "
    "after over into about says say said new how why what who will would could can may not no".split()
)


_TOKEN = re.compile(r"(?u)\b\w\w\w+\b")


def tfidf_matrix(texts: Sequence[str]) -> Any:
    """Sublinear TF-IDF rows (unit length, scipy.sparse CSR, float32) over these texts; the IDF is the day's own.

    The same matrix as scikit-learn's `TfidfVectorizer(sublinear_tf=True, token_pattern=..., stop_words=...)`
    (smoothed IDF, columns in word order; a test holds the two equal), built here because importing scikit-learn
    costs a re-run of the day some 3 s, more than the rest of grouping."""
    from scipy.sparse import csr_matrix

    rows: list[Counter[str]] = [
        Counter(word for word in _TOKEN.findall(text.lower()) if word not in _STOPWORDS) for text in texts
    ]
    document_frequency: Counter[str] = Counter(word for counts in rows for word in counts)
    if not document_frequency:  # no word at all in any text
        return csr_matrix((len(texts), 1), dtype=np.float32)
    words = sorted(document_frequency)
    vocabulary = {word: column for column, word in enumerate(words)}
    frequency = np.array([document_frequency[word] for word in words], dtype=np.float64)
    idf = np.log((1 + len(texts)) / (1 + frequency)) + 1.0
    indptr, indices, values = [0], [], []
    for counts in rows:
        columns = sorted(vocabulary[word] for word in counts)
        term_counts = np.array([counts[words[column]] for column in columns], dtype=np.float64)
        weights = (np.log(term_counts) + 1.0) * idf[columns]
        norm = float(np.sqrt(weights @ weights))  # 0 for a text without a word: its row stays empty
        indices.extend(columns)
        values.extend((weights / norm if norm else weights).tolist())
        indptr.append(len(indices))
    return csr_matrix(
        (np.array(values, dtype=np.float32), np.array(indices, dtype=np.int32), np.array(indptr, dtype=np.int32)),
        shape=(len(texts), len(vocabulary)),
    )


def lead_vector(vectors: ArticleVectors) -> np.ndarray:
    if not len(vectors.sentences):
        return vectors.document
    return normalize(vectors.sentences[:LEAD_SENTENCES].mean(axis=0)).astype(np.float32)


def day_vectors(
    articles: Sequence[Article],
    vectors: Sequence[ArticleVectors],
    entities: Sequence[ArticleEntities],
    profiles: Sequence[EventProfile] | None = None,
) -> DayVectors:
    """`profiles`: the articles' event profiles when the caller has them (compose does: they are computed once)."""
    profiles = list(profiles) if profiles is not None else event_profiles(articles, entities)
    return DayVectors(
        documents=np.stack([v.document for v in vectors]).astype(np.float32),
        leads=np.stack([lead_vector(v) for v in vectors]),
        body_tfidf=tfidf_matrix([f"{a.title} {a.text}" for a in articles]),
        lead_tfidf=tfidf_matrix([p.lead for p in profiles]),
        profiles=profiles,
        heads=head_sentences(vectors),
        other_language=np.array([a.language is not None and a.language not in MODEL_LANGUAGES for a in articles]),
    )


def head_sentences(vectors: Sequence[ArticleVectors]) -> np.ndarray:
    dimension = vectors[0].document.shape[0]
    heads = np.zeros((len(vectors), HEAD_SENTENCES, dimension), dtype=np.float32)
    for row, article in enumerate(vectors):
        first = article.sentences[:HEAD_SENTENCES]
        heads[row, : len(first)] = first
    return heads


def scored_pairs(day: DayVectors, model: PairModel) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (m, 2) and their same-event probabilities (m,)."""
    pairs = candidate_pairs(day.documents, day.body_tfidf, model.neighbours)
    probabilities = model.probability(pair_features(day, pairs[:, 0], pairs[:, 1]))
    return pairs, probabilities


def cluster_graph(count: int, pairs: np.ndarray, probabilities: np.ndarray, model: PairModel) -> list[list[int]]:
    """Leiden (CPM) communities of the probability graph; groups (sorted member lists) in order of first member."""
    import igraph
    import leidenalg

    keep = probabilities >= model.min_probability
    graph = igraph.Graph(n=count, edges=pairs[keep].tolist())
    partition = leidenalg.find_partition(
        graph,
        leidenalg.CPMVertexPartition,
        weights=probabilities[keep].tolist(),
        resolution_parameter=model.resolution,
        n_iterations=-1,
        seed=0,
    )
    return sorted((sorted(members) for members in partition if members), key=lambda members: members[0])


def group_articles(
    articles: Sequence[Article],
    vectors: Sequence[ArticleVectors],
    entities: Sequence[ArticleEntities],
    model: PairModel | None = None,
    profiles: Sequence[EventProfile] | None = None,
) -> list[list[int]]:
    """Indexes of `articles`, one list per story (`profiles`: their event profiles, if already computed)."""
    if not articles:
        return []
    if len(articles) == 1:
        return [[0]]
    model = model or shipped_pair_model()
    day = day_vectors(articles, vectors, entities, profiles)
    pairs, probabilities = scored_pairs(day, model)
    return cluster_graph(len(articles), pairs, probabilities, model)
