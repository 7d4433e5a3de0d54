"""Story grouping: articles about the same event, from any number of sources, become one story.

Pairwise similarity of two articles =
    cosine of their document vectors (title + lead-weighted body, all-MiniLM-L6-v2)
  + ENTITY_WEIGHT * Jaccard overlap of their named entities (people, organisations, places)
  + TITLE_WEIGHT  * Jaccard overlap of their title content words.
Then average-linkage agglomerative clustering: the two groups with the highest mean pairwise similarity merge while
that mean is at least THRESHOLD. Average linkage keeps a story together when its articles tell it from different
angles (no single pair has to be very close) without chaining unrelated stories through one bridging article.
THRESHOLD and the weights were calibrated with `bench/brief.py` on Multi-News clusters (see the README table).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from briefing.composing.entities import ArticleEntities
from briefing.records import Article
from briefing.text import words

_STOPWORDS = frozenset(
    "a an the and or but of to in on at for from by with as is are was were be been has have had it its this that "
    "after over into about says say said new how why what who will would could can may not no".split()
)


@dataclass(frozen=True)
class GroupingParameters:
    threshold: float = 0.50  # mean pairwise similarity at which two groups are the same story
    entity_weight: float = 0.25
    title_weight: float = 0.10


DEFAULT_GROUPING = GroupingParameters()


def title_words(title: str) -> frozenset[str]:
    return frozenset(w for w in words(title) if w not in _STOPWORDS and len(w) > 2)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity_matrix(
    articles: Sequence[Article],
    documents: np.ndarray,
    entities: Sequence[ArticleEntities],
    parameters: GroupingParameters = DEFAULT_GROUPING,
) -> np.ndarray:
    """Symmetric (n, n) article similarity; the diagonal is unused."""
    similarity = (documents @ documents.T).astype(np.float64)
    keys = [e.keys for e in entities]
    titles = [title_words(a.title) for a in articles]
    count = len(articles)
    for i in range(count):
        for j in range(i + 1, count):
            bonus = parameters.entity_weight * jaccard(keys[i], keys[j])
            bonus += parameters.title_weight * jaccard(titles[i], titles[j])
            similarity[i, j] += bonus
            similarity[j, i] += bonus
    return similarity


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


def group_articles(
    articles: Sequence[Article],
    documents: np.ndarray,
    entities: Sequence[ArticleEntities],
    parameters: GroupingParameters = DEFAULT_GROUPING,
) -> list[list[int]]:
    """Indexes of `articles`, one list per story."""
    if not articles:
        return []
    similarity = similarity_matrix(articles, documents, entities, parameters)
    return average_linkage(similarity, parameters.threshold)
