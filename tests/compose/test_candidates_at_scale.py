"""Candidate pairs on big days: the approximate searches find the exact neighbours, and small days stay exact."""

from __future__ import annotations

import numpy as np
import pytest

from briefing.compose import candidates
from briefing.compose.candidates import exact_pairs, nearest_pairs, rare_term_pairs, unique_pairs
from briefing.compose.grouping import tfidf_matrix

K = 5


def clustered_points(count: int = 600, events: int = 60, dimension: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((events, dimension))
    points = centres[np.arange(count) % events] + 0.6 * rng.standard_normal((count, dimension))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def event_texts(count: int = 600, events: int = 60, seed: int = 0) -> list[str]:
    """Each event has its own rare words (names, places, figures); every text also has common words."""
    rng = np.random.default_rng(seed)
    common = [f"common{w}" for w in range(40)]
    texts = []
    for index in range(count):
        event = index % events
        own = [f"event{event}word{w}" for w in rng.choice(12, size=6, replace=False)]
        shared = list(rng.choice(common, size=15))
        other = [f"event{rng.integers(events)}word{rng.integers(12)}" for _ in range(2)]
        texts.append(" ".join([*own, *shared, *other]))
    return texts


def recall(exact: np.ndarray, approximate: np.ndarray) -> float:
    wanted = {tuple(p) for p in exact.tolist()}
    return len(wanted & {tuple(p) for p in approximate.tolist()}) / len(wanted)


def test_blocking_on_rare_terms_finds_the_exact_tfidf_neighbours():
    matrix = tfidf_matrix(event_texts())
    found = rare_term_pairs(matrix, K)
    assert recall(exact_pairs(matrix, K), found) >= 0.9
    assert not np.any(found[:, 0] == found[:, 1])  # no article is its own neighbour
    assert np.bincount(found[:, 0]).max() <= K


def test_a_term_too_common_to_block_on_still_counts_in_the_ranking(monkeypatch: pytest.MonkeyPatch):
    matrix = tfidf_matrix(event_texts())
    monkeypatch.setattr(candidates, "RARE_MAX_FREQUENCY", 15)  # the event words (10 texts each) still block
    assert recall(exact_pairs(matrix, K), rare_term_pairs(matrix, K)) >= 0.9


def test_the_hnsw_graph_finds_the_exact_encoder_neighbours_and_is_the_same_every_run():
    pytest.importorskip("faiss")
    points = clustered_points()
    found = candidates.hnsw_pairs(points, K)
    assert recall(exact_pairs(points, K), found) >= 0.95
    assert np.array_equal(found, candidates.hnsw_pairs(points, K))
    assert not np.any(found[:, 0] == found[:, 1])


def test_a_day_up_to_exact_max_is_searched_exactly(monkeypatch: pytest.MonkeyPatch):
    points = clustered_points(count=200)

    def refuse(*_args: object) -> np.ndarray:
        raise AssertionError("a small day must not use the approximate search")

    monkeypatch.setattr(candidates, "hnsw_pairs", refuse)
    monkeypatch.setattr(candidates, "rare_term_pairs", refuse)
    monkeypatch.setattr(candidates, "EXACT_MAX", 200)
    assert np.array_equal(nearest_pairs(points, K), unique_pairs(exact_pairs(points, K), 200))
    nearest_pairs(tfidf_matrix(event_texts(count=200)), K)


def test_a_big_day_takes_the_approximate_search_of_each_space(monkeypatch: pytest.MonkeyPatch):
    used: list[str] = []
    monkeypatch.setattr(candidates, "EXACT_MAX", 100)
    monkeypatch.setattr(candidates, "_faiss_installed", lambda: True)
    monkeypatch.setattr(candidates, "hnsw_pairs", lambda m, k: used.append("hnsw") or exact_pairs(m, k))
    monkeypatch.setattr(candidates, "rare_term_pairs", lambda m, k: used.append("rare") or exact_pairs(m, k))
    candidates.candidate_pairs(clustered_points(count=200), tfidf_matrix(event_texts(count=200)), K)
    assert used == ["hnsw", "rare"]


def test_without_faiss_a_big_day_is_searched_exactly(monkeypatch: pytest.MonkeyPatch):
    points = clustered_points(count=200)
    monkeypatch.setattr(candidates, "EXACT_MAX", 100)
    monkeypatch.setattr(candidates, "_faiss_installed", lambda: False)
    assert np.array_equal(nearest_pairs(points, K), unique_pairs(exact_pairs(points, K), 200))
