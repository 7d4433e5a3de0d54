"""One encoder pass over everything compose compares: titles, article sentences and summary sentences.

Vectors are unit length (the encoder normalises them), so cosine similarity is a dot product.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from briefing.records import Article, Summary

# Sentences past this point are not embedded: the event is in the first part of a news article, and the encoder pass
# stays bounded on very long inputs. Later sentences can still be summary candidates (they are embedded then).
MAX_SENTENCES = 80
TITLE_WEIGHT = 0.5  # a title is short and sometimes a kicker ("POPULAR"): it steers the vector, the body leads it


class Encoder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class ArticleVectors:
    """The vectors of one article: its sentences (up to MAX_SENTENCES), its summary sentences, and the whole."""

    sentences: np.ndarray  # (min(len(sentences), MAX_SENTENCES), dim)
    summary: np.ndarray  # (len(summary.sentences), dim)
    document: np.ndarray  # (dim,): title + lead-weighted body, unit length


def normalize(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def lead_weights(count: int) -> np.ndarray:
    """News puts the event first: earlier sentences weigh more in the article's vector."""
    return 1.0 / np.sqrt(1.0 + np.arange(count, dtype=np.float32))


def embed_articles(articles: Sequence[Article], summaries: Sequence[Summary], encoder: Encoder) -> list[ArticleVectors]:
    """Embed every distinct text once (extractive summary sentences are article sentences: no second pass)."""
    rows: dict[str, int] = {}

    def row(text: str) -> int:
        return rows.setdefault(text, len(rows))

    plan: list[tuple[int | None, list[int], list[int]]] = []
    for article, summary in zip(articles, summaries, strict=True):
        title_row = row(article.title) if article.title else None
        sentence_rows = [row(s) for s in article.sentences[:MAX_SENTENCES]]
        summary_rows = [row(s.text) for s in summary.sentences]
        plan.append((title_row, sentence_rows, summary_rows))
    matrix = encoder.embed(list(rows)) if rows else np.zeros((0, 1), dtype=np.float32)
    vectors: list[ArticleVectors] = []
    for title_row, sentence_rows, summary_rows in plan:
        sentences = matrix[sentence_rows]
        body = (lead_weights(len(sentences))[:, None] * sentences).sum(axis=0) if len(sentences) else 0.0
        body = normalize(np.asarray(body, dtype=np.float32)) if len(sentences) else np.zeros(matrix.shape[1])
        document = body + (TITLE_WEIGHT * matrix[title_row] if title_row is not None else 0.0)
        vectors.append(ArticleVectors(sentences, matrix[summary_rows], normalize(document.astype(np.float32))))
    return vectors
