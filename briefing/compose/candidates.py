"""Candidate pairs for grouping: each article's nearest neighbours, never an n x n matrix.

Two neighbour lists per article, so that a pair close in either space is considered: the encoder vectors (same
meaning told in other words) and the TF-IDF vectors (same names and figures). The pair model then scores only these
pairs.

Up to EXACT_MAX articles the neighbours are exact: rows are compared in blocks of BLOCK_ROWS (memory BLOCK_ROWS x n),
which costs n^2 and is cheap at that size; small days (and every benchmark pool) are grouped exactly as before.
Above it the search is approximate and near-linear:
  encoder   a faiss HNSW graph (inner product on unit rows); built on one thread, so the same day gives the same
            graph and the same stories (a parallel build inserts in a racing order);
  TF-IDF    blocking on shared rare terms: each article's RARE_TERMS heaviest terms that at most RARE_MAX_FREQUENCY
            articles use find its candidates through the inverted index (a partial cosine over those terms), and the
            RESCORED_PER_NEIGHBOUR x k best candidates are ranked by their exact cosine.
Without faiss-cpu installed the encoder neighbours stay exact at any size (n^2, but right).
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

BLOCK_ROWS = 512
EXACT_MAX = 2000
HNSW_LINKS = 32  # faiss HNSW M: graph links per vector
HNSW_BUILD_SEARCH = 80  # efConstruction
HNSW_SEARCH = 64  # efSearch (at least k + 1)
RARE_TERMS = 48
RARE_MAX_FREQUENCY = 400  # a term in more articles than this finds no candidates (it still counts in the rescoring)
RESCORED_PER_NEIGHBOUR = 4
SPARSE_BLOCK_ROWS = 2048
RESCORE_PAIRS = 16384  # pairs whose TF-IDF cosine is computed at once


def _top_k(block: np.ndarray, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    block[np.arange(len(rows)), rows] = -np.inf  # an article is not its own neighbour
    columns = (
        np.argpartition(-block, k - 1, axis=1)[:, :k]
        if k < block.shape[1]
        else np.tile(np.arange(block.shape[1]), (len(rows), 1))
    )
    return np.repeat(rows, columns.shape[1]), columns.ravel()


def exact_pairs(matrix: Any, k: int) -> np.ndarray:
    """(m, 2) pairs (i, j): j among i's k most similar rows of `matrix` (dense or scipy.sparse, unit rows)."""
    count = matrix.shape[0]
    found = []
    for start in range(0, count, BLOCK_ROWS):
        rows = np.arange(start, min(count, start + BLOCK_ROWS))
        block = matrix[rows] @ matrix.T
        block = block.toarray() if hasattr(block, "toarray") else np.asarray(block)
        first, second = _top_k(block.astype(np.float32), rows, k)
        found.append(np.column_stack([first, second]))
    return np.concatenate(found)


def hnsw_pairs(matrix: np.ndarray, k: int) -> np.ndarray:
    """(m, 2) pairs (i, j): j among i's k nearest rows of the dense unit rows `matrix`, by a faiss HNSW graph."""
    import faiss

    vectors = np.ascontiguousarray(matrix, dtype=np.float32)
    index = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_LINKS, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_BUILD_SEARCH
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        index.add(vectors)
    finally:
        faiss.omp_set_num_threads(threads)
    index.hnsw.efSearch = max(HNSW_SEARCH, k + 1)
    _, found = index.search(vectors, k + 1)  # each query is searched on its own: any thread count, same answer
    rows = np.repeat(np.arange(len(vectors)), k + 1)
    columns = found.ravel()
    keep = (columns >= 0) & (columns != rows)
    return _first_per_row(rows[keep], columns[keep], k)


def _first_per_row(rows: np.ndarray, columns: np.ndarray, k: int) -> np.ndarray:
    """The first k (row, column) pairs of each row, `rows` being sorted."""
    starts = np.searchsorted(rows, rows, side="left")
    keep = np.arange(len(rows)) - starts < k
    return np.column_stack([rows[keep], columns[keep]]).astype(np.int64)


def row_cosines(matrix: Any, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Dot products of rows first[m] and second[m] of the sparse `matrix`, RESCORE_PAIRS pairs at a time: the rows
    of all pairs at once would hold ~2 x pairs x row length values (1.5 GB for a day of 20,000 articles)."""
    out = np.empty(len(first), dtype=np.float32)
    for start in range(0, len(first), RESCORE_PAIRS):
        a, b = first[start : start + RESCORE_PAIRS], second[start : start + RESCORE_PAIRS]
        out[start : start + len(a)] = np.asarray(matrix[a].multiply(matrix[b]).sum(axis=1)).ravel()
    return out


def rare_term_pairs(matrix: Any, k: int) -> np.ndarray:
    """(m, 2) pairs (i, j): j among i's k most similar rows of the sparse unit rows `matrix`, found by blocking on
    shared rare terms and ranked by exact cosine (see the module docstring)."""
    from scipy.sparse import csr_matrix

    rows_matrix = csr_matrix(matrix, dtype=np.float32)
    count, width = rows_matrix.shape
    frequency = np.bincount(rows_matrix.indices, minlength=width)
    rare = frequency[rows_matrix.indices] <= RARE_MAX_FREQUENCY
    # The query side: each row's RARE_TERMS heaviest rare terms.
    query_rows, query_columns, query_values = [], [], []
    for row in range(count):
        start, end = rows_matrix.indptr[row], rows_matrix.indptr[row + 1]
        chosen = np.flatnonzero(rare[start:end]) + start
        if len(chosen) > RARE_TERMS:
            chosen = chosen[np.argpartition(-rows_matrix.data[chosen], RARE_TERMS - 1)[:RARE_TERMS]]
        query_rows.append(np.full(len(chosen), row))
        query_columns.append(rows_matrix.indices[chosen])
        query_values.append(rows_matrix.data[chosen])
    query = csr_matrix(
        (np.concatenate(query_values), (np.concatenate(query_rows), np.concatenate(query_columns))),
        shape=(count, width),
        dtype=np.float32,
    )
    rare_columns = np.flatnonzero(frequency <= RARE_MAX_FREQUENCY)
    index = rows_matrix[:, rare_columns].T.tocsr()
    query = query[:, rare_columns]
    wanted = RESCORED_PER_NEIGHBOUR * k
    first_found, second_found = [], []
    for start in range(0, count, SPARSE_BLOCK_ROWS):
        scores = (query[start : start + SPARSE_BLOCK_ROWS] @ index).tocsr()
        for offset in range(scores.shape[0]):
            row = start + offset
            low, high = scores.indptr[offset], scores.indptr[offset + 1]
            columns, values = scores.indices[low:high], scores.data[low:high]
            other = columns != row
            columns, values = columns[other], values[other]
            if len(columns) > wanted:
                columns = columns[np.argpartition(-values, wanted - 1)[:wanted]]
            first_found.append(np.full(len(columns), row))
            second_found.append(columns)
    if not first_found:
        return np.zeros((0, 2), dtype=np.int64)
    first, second = np.concatenate(first_found).astype(np.int64), np.concatenate(second_found).astype(np.int64)
    cosines = row_cosines(rows_matrix, first, second)
    order = np.lexsort((second, -cosines, first))  # by row, best first, ties by column
    return _first_per_row(first[order], second[order], k)


def nearest_pairs(matrix: Any, k: int) -> np.ndarray:
    """(m, 2) pairs i < j where j is among i's k most similar rows of `matrix` (dense or scipy.sparse, unit rows)
    or i among j's: exact up to EXACT_MAX rows, approximate above."""
    count = matrix.shape[0]
    k = min(k, count - 1)
    if k <= 0:
        return np.zeros((0, 2), dtype=np.int64)
    if count <= EXACT_MAX:
        found = exact_pairs(matrix, k)
    elif hasattr(matrix, "tocsr"):
        found = rare_term_pairs(matrix, k)
    elif _faiss_installed():
        found = hnsw_pairs(np.asarray(matrix), k)
    else:
        found = exact_pairs(matrix, k)
    return unique_pairs(found, count)


@cache
def _faiss_installed() -> bool:
    try:
        import faiss  # noqa: F401
    except ImportError:
        log.warning("faiss-cpu is not installed: nearest neighbours of the encoder vectors are searched exactly")
        return False
    return True


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
