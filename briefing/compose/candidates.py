"""Candidate pairs for grouping: each article's nearest neighbours, never an n x n matrix.

Two neighbour lists per article, so that a pair close in either space is considered: the encoder vectors (same
meaning told in other words) and the TF-IDF vectors (same names and figures). Rows are compared in blocks of
BLOCK_ROWS, so memory stays BLOCK_ROWS x n whatever the day's size; the pair model then scores only these pairs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

BLOCK_ROWS = 512


def _top_k(block: np.ndarray, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    block[np.arange(len(rows)), rows] = -np.inf  # an article is not its own neighbour
    columns = (
        np.argpartition(-block, k - 1, axis=1)[:, :k]
        if k < block.shape[1]
        else np.tile(np.arange(block.shape[1]), (len(rows), 1))
    )
    return np.repeat(rows, columns.shape[1]), columns.ravel()


def nearest_pairs(matrix: Any, k: int) -> np.ndarray:
    """(m, 2) pairs i < j where j is among i's k most similar rows of `matrix` (dense or scipy.sparse, unit rows)
    or i among j's."""
    count = matrix.shape[0]
    k = min(k, count - 1)
    if k <= 0:
        return np.zeros((0, 2), dtype=np.int64)
    found = []
    for start in range(0, count, BLOCK_ROWS):
        rows = np.arange(start, min(count, start + BLOCK_ROWS))
        block = matrix[rows] @ matrix.T
        block = block.toarray() if hasattr(block, "toarray") else np.asarray(block)
        first, second = _top_k(block.astype(np.float32), rows, k)
        found.append(np.column_stack([first, second]))
    return unique_pairs(np.concatenate(found), count)


def unique_pairs(pairs: np.ndarray, count: int) -> np.ndarray:
    low, high = np.minimum(pairs[:, 0], pairs[:, 1]), np.maximum(pairs[:, 0], pairs[:, 1])
    keys = np.unique(low.astype(np.int64) * count + high)
    return np.column_stack([keys // count, keys % count]).astype(np.int64)


def candidate_pairs(documents: np.ndarray, tfidf: Any, k: int) -> np.ndarray:
    """Encoder neighbours and TF-IDF neighbours of every article, as unique (i, j) pairs with i < j."""
    count = documents.shape[0]
    if count < 2:
        return np.zeros((0, 2), dtype=np.int64)
    both = np.concatenate([nearest_pairs(documents, k), nearest_pairs(tfidf, k)])
    return unique_pairs(both, count)
