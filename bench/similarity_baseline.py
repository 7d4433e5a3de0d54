"""The grouping rule shipped before issue 17, kept here as the anchor bench/brief.py measures the pair model against.

Pairwise similarity 0.4 x encoder cosine + 0.4 x TF-IDF cosine + 0.2 x entity Jaccard, cannot-link when two articles
share no PERSON/ORG/GPE/LOC/FAC/EVENT name and their TF-IDF cosine is below 0.25, then average-linkage agglomerative
clustering on the dense n x n matrix down to a mean similarity of 0.30.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from briefing.compose.entities import ArticleEntities
from briefing.records import Article
from briefing.text import words

_STOPWORDS = frozenset(
    "a an the and or but of to in on at for from by with as is are was were be been has have had it its this that "
    "after over into about says say said new how why what who will would could can may not no".split()
)


@dataclass(frozen=True)
class GroupingParameters:
    threshold: float = 0.30  # mean pairwise similarity at which two groups are the same story
    encoder_weight: float = 0.4
    tfidf_weight: float = 0.4
    entity_weight: float = 0.2
    evidence_tfidf: float = 0.25  # below this TF-IDF cosine, two articles need a shared named entity to be linked
    evidence_entities: int = 1  # shared PERSON/ORG/GPE/LOC/FAC/EVENT names that count as same-event evidence


DEFAULT_GROUPING = GroupingParameters()
# NORP ("American", "Democrats") is left out: it names a side, not an event's actor or place.
EVIDENCE_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"})


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def tfidf_similarity(articles: Sequence[Article]) -> np.ndarray:
    """Cosine of sublinear TF-IDF vectors; IDF is smoothed (ln((1+n)/(1+df)) + 1) so it works for a 2-article day."""
    counts = [Counter(w for w in words(f"{a.title} {a.text}") if len(w) > 2 and w not in _STOPWORDS) for a in articles]
    document_frequency: Counter[str] = Counter()
    for count in counts:
        document_frequency.update(count.keys())
    vocabulary = {word: column for column, word in enumerate(document_frequency)}
    total = len(articles)
    matrix = np.zeros((total, max(1, len(vocabulary))), dtype=np.float64)
    for row, count in enumerate(counts):
        for word, times in count.items():
            idf = math.log((1 + total) / (1 + document_frequency[word])) + 1.0
            matrix[row, vocabulary[word]] = (1.0 + math.log(times)) * idf
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-12
    return matrix @ matrix.T


def similarity_matrix(
    articles: Sequence[Article],
    documents: np.ndarray,
    entities: Sequence[ArticleEntities],
    parameters: GroupingParameters = DEFAULT_GROUPING,
    tfidf: np.ndarray | None = None,
) -> np.ndarray:
    """Symmetric (n, n) article similarity in [0, 1]; the diagonal is unused. `tfidf`: precomputed TF-IDF cosines."""
    keys = [e.keys for e in entities]
    overlap = np.array([[jaccard(a, b) for b in keys] for a in keys], dtype=np.float64)
    return (
        parameters.encoder_weight * (documents @ documents.T).astype(np.float64)
        + parameters.tfidf_weight * (tfidf_similarity(articles) if tfidf is None else tfidf)
        + parameters.entity_weight * overlap
    )


def cannot_link(
    tfidf: np.ndarray, entities: Sequence[ArticleEntities], parameters: GroupingParameters = DEFAULT_GROUPING
) -> np.ndarray:
    """(n, n) bool: pairs with neither enough shared named entities nor enough shared rare words (no event evidence)."""
    names = [frozenset(m.text.lower() for m in e.mentions if m.label in EVIDENCE_LABELS) for e in entities]
    shared = np.array([[len(a & b) for b in names] for a in names], dtype=np.int64).reshape(len(names), len(names))
    return (shared < parameters.evidence_entities) & (tfidf < parameters.evidence_tfidf)


def story_similarity(
    articles: Sequence[Article],
    documents: np.ndarray,
    entities: Sequence[ArticleEntities],
    parameters: GroupingParameters = DEFAULT_GROUPING,
) -> np.ndarray:
    """The similarity that grouping clusters: `similarity_matrix`, with -inf on cannot-link pairs."""
    tfidf = tfidf_similarity(articles)
    similarity = similarity_matrix(articles, documents, entities, parameters, tfidf)
    return np.where(cannot_link(tfidf, entities, parameters), -np.inf, similarity)


def average_linkage(similarity: np.ndarray, threshold: float) -> list[list[int]]:
    """Agglomerative clustering on a similarity matrix; groups (sorted member lists) in order of first member.

    Lance-Williams update for average linkage: sim(a+b, k) = (|a| sim(a, k) + |b| sim(b, k)) / (|a| + |b|).
    Ties are broken by the lowest indexes, so the result is deterministic.
    """
    count = len(similarity)
    groups: dict[int, list[int]] = {i: [i] for i in range(count)}
    linkage = similarity.astype(np.float64).copy()
    np.fill_diagonal(linkage, -np.inf)
    active = np.ones(count, dtype=bool)
    while active.sum() > 1:
        masked = np.where(active[:, None] & active[None, :], linkage, -np.inf)
        flat = int(np.argmax(masked))
        a, b = divmod(flat, count)
        if masked[a, b] < threshold:
            break
        a, b = min(a, b), max(a, b)
        size_a, size_b = len(groups[a]), len(groups[b])
        merged = (size_a * linkage[a] + size_b * linkage[b]) / (size_a + size_b)
        linkage[a, :] = merged
        linkage[:, a] = merged
        linkage[a, a] = -np.inf
        active[b] = False
        groups[a] = sorted(groups[a] + groups.pop(b))
    return sorted(groups.values(), key=lambda members: members[0])


def baseline_groups(
    articles: Sequence[Article],
    documents: np.ndarray,
    entities: Sequence[ArticleEntities],
    parameters: GroupingParameters = DEFAULT_GROUPING,
) -> list[list[int]]:
    """Indexes of `articles`, one list per story."""
    if not articles:
        return []
    return average_linkage(story_similarity(articles, documents, entities, parameters), parameters.threshold)
