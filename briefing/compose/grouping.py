"""Story grouping: articles about the same event, from any number of sources, become one story.

Pairwise similarity of two articles, a weighted mean of three signals in [0, 1]:
  0.4 x cosine of their encoder vectors (all-MiniLM-L6-v2: title + lead-weighted mean of the body's sentences),
  0.4 x cosine of their TF-IDF vectors over the day's articles (names, numbers and rare words that the encoder blurs),
  0.2 x Jaccard overlap of their named entities (people, organisations, places from the NER model).
Then average-linkage agglomerative clustering: the two groups with the highest mean pairwise similarity merge while
that mean is at least THRESHOLD (0.30). Average linkage keeps a story together when its articles tell it from
different angles (no single pair has to be very close) without chaining unrelated stories through one bridging article.
Cannot-link (evidence rule): two articles that share no named PERSON/ORG/GPE/LOC/FAC/EVENT entity AND whose TF-IDF
cosine is below EVIDENCE_TFIDF (0.25) are never put in one story, and neither are the groups containing them (their
linkage is -inf, which average linkage carries into every merged group). Encoder similarity alone is topical (two
Premier League stories, two Islamic State stories look alike to it); the same event shows up as shared names or shared
rare words. Analysts are worse served by two events merged than by one event left in two stories.
Weights, THRESHOLD and the evidence rule were calibrated with `bench/brief.py --grouping-only` on Multi-News clusters
0-49 pooled with CNN/DailyMail articles 0-49 (hard negatives: each its own event) and checked on 50-99 of both.
On the held-out half the rule is roughly neutral (Multi-News ARI 0.92 -> 0.91, CNN false merges unchanged): the
remaining false merges share several names and many words (same club, same party, same war) and need event-level
evidence (dates, actions) that this similarity does not have.
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


def group_articles(
    articles: Sequence[Article],
    documents: np.ndarray,
    entities: Sequence[ArticleEntities],
    parameters: GroupingParameters = DEFAULT_GROUPING,
) -> list[list[int]]:
    """Indexes of `articles`, one list per story."""
    if not articles:
        return []
    return average_linkage(story_similarity(articles, documents, entities, parameters), parameters.threshold)
