"""Story grouping: event profiles, candidate pairs, the pair model and the Leiden clustering of its graph."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from briefing.compose import candidates
from briefing.compose.candidates import candidate_pairs, nearest_pairs
from briefing.compose.entities import ArticleEntities, Mention
from briefing.compose.events import event_profile, figures, mentioned_dates, published_day
from briefing.compose.grouping import cluster_graph, day_vectors, group_articles, tfidf_matrix
from briefing.compose.pair_model import FEATURES, PairModel, pair_features, shipped_pair_model
from briefing.compose.vectors import ArticleVectors
from tests.conftest import make_article


def model_with(resolution: float = 0.5) -> PairModel:
    """A pair model whose weights do not matter (cluster_graph reads only its resolution and floor)."""
    size = len(FEATURES)
    return PairModel(np.zeros(size), np.ones(size), np.zeros(size), 0.0, resolution, 10, 0.05)


def test_clustering_keeps_likely_pairs_together():
    pairs = np.array([[0, 1], [2, 3], [1, 2]])
    assert cluster_graph(4, pairs, np.array([0.9, 0.8, 0.1]), model_with()) == [[0, 1], [2, 3]]
    assert cluster_graph(4, pairs, np.array([0.3, 0.2, 0.1]), model_with()) == [[0], [1], [2], [3]]


def test_clustering_does_not_chain_two_events_through_one_bridging_article():
    # 0~1 and 1~2 are likely the same event, 0 and 2 not (no candidate pair: probability 0). Putting all three in one
    # story would pay for the 0-2 pair; single linkage would chain them.
    pairs = np.array([[0, 1], [1, 2]])
    assert cluster_graph(3, pairs, np.array([0.9, 0.6]), model_with()) == [[0, 1], [2]]


def test_nearest_pairs_are_the_same_whatever_the_block_size(monkeypatch: pytest.MonkeyPatch):
    rng = np.random.default_rng(0)
    points = rng.normal(size=(40, 8)).astype(np.float32)
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    whole = nearest_pairs(points, 3)
    monkeypatch.setattr(candidates, "BLOCK_ROWS", 7)
    assert np.array_equal(nearest_pairs(points, 3), whole)
    assert len(whole) <= 40 * 3  # k per article, not all 780 pairs
    assert (whole[:, 0] < whole[:, 1]).all()
    similarity = points @ points.T
    np.fill_diagonal(similarity, -np.inf)
    best = similarity.argmax(axis=1)
    found = {tuple(p) for p in whole.tolist()}
    assert all((min(i, j), max(i, j)) in found for i, j in enumerate(best.tolist()))


def test_candidate_pairs_include_word_neighbours_the_encoder_misses():
    documents = np.eye(4, dtype=np.float32)  # orthogonal vectors: no encoder neighbour is close
    texts = ["Danube flood Budapest bridges", "Budapest Danube flood closes bridges", "tax budget vote", "stock rally"]
    pairs = candidate_pairs(documents, tfidf_matrix(texts), 1)
    assert [0, 1] in pairs.tolist()


def test_tfidf_matrix_is_scikit_learns_without_importing_it() -> None:
    text = pytest.importorskip("sklearn.feature_extraction.text")
    from briefing.compose.grouping import _STOPWORDS

    texts = [
        "Floods close the Danube bridges in Budapest; Budapest braces for more floods.",
        "The Danube flood closes bridges",
        "",
        "a the of",
        "Über-café naïve façade: 2024 año, año, año",
        "Tax budget vote passes after the vote on the budget",
    ]
    reference = text.TfidfVectorizer(
        sublinear_tf=True, token_pattern=r"(?u)\b\w\w\w+\b", stop_words=sorted(_STOPWORDS), dtype=np.float32
    )
    expected = reference.fit_transform(texts).toarray()
    ours = tfidf_matrix(texts)
    assert ours.dtype == np.float32 and ours.shape == expected.shape
    np.testing.assert_allclose(ours.toarray(), expected, atol=1e-6)
    assert tfidf_matrix(["", "a the"]).shape == (2, 1)  # no word at all: one empty column


def test_mentioned_dates_and_figures():
    assert mentioned_dates("Talks on Oct. 16 and on 3 November, not in May.") == {(10, 16), (11, 3)}
    assert figures("It killed 1,200 people, up 76% to $1.13bn in 2019 on 5 roads.") == {"1200", "76%", "$1.13bn"}


def test_published_day_reads_dates_and_timestamps_and_ignores_the_rest():
    assert published_day(make_article(["x"], published="2026-10-16T08:00:00Z")) == dt.date(2026, 10, 16)
    assert published_day(make_article(["x"], published="16 Oct")) is None
    assert published_day(make_article(["x"])) is None


def test_event_profile_splits_names_by_role_and_finds_lead_names():
    article = make_article(
        ["Ada Lovelace addressed the Royal Society in London on Oct. 16.", "Later, Charles Babbage spoke."],
        title="Lovelace speaks",
    )
    entities = ArticleEntities(
        (Mention("Ada Lovelace", "PERSON"), Mention("Royal Society", "ORG"), Mention("London", "GPE"))
    )
    profile = event_profile(article, entities)
    assert profile.people == {"ada lovelace"} and profile.organisations == {"royal society"}
    assert profile.places == {"london"} and profile.lead_names == {"ada lovelace", "royal society", "london"}
    assert profile.mentioned_dates == {(10, 16)}


def _vectors(document: np.ndarray) -> ArticleVectors:
    return ArticleVectors(document[None, :], np.zeros((0, len(document))), document)


def test_shared_names_and_figures_are_features_of_the_pair():
    a = make_article(["Rovers named Gary Locke manager on Friday for 1,200 days."], source="a")
    b = make_article(["Gary Locke will lead Rovers, the club said, on a 1,200 day deal."], source="b")
    locke = ArticleEntities((Mention("Gary Locke", "PERSON"), Mention("Rovers", "ORG")))
    vectors = [_vectors(np.eye(1, 4, 0, dtype=np.float32)[0]), _vectors(np.eye(1, 4, 1, dtype=np.float32)[0])]
    with_names = pair_features(day_vectors([a, b], vectors, [locke, locke]), np.array([0]), np.array([1]))[0]
    without = pair_features(day_vectors([a, b], vectors, [locke, ArticleEntities(())]), np.array([0]), np.array([1]))[0]
    named = dict(zip(FEATURES, with_names, strict=True))
    unnamed = dict(zip(FEATURES, without, strict=True))
    assert named["shared_people"] > 0 and named["shared_organisations"] > 0 and named["name_jaccard"] == 1.0
    # A nameless article's pair: `unnamed` is not read (NaN: the training mean), see pair_model.NAMELESS_NOT_EVIDENCE.
    assert unnamed["shared_people"] == 0 and np.isnan(unnamed["unnamed"]) and named["unnamed"] == 0.0
    assert named["shared_figures"] > 0
    assert named["encoder_document"] == pytest.approx(0.0)


def test_the_shipped_model_rises_with_the_evidence_of_one_event():
    model = shipped_pair_model()
    base = model.mean.copy()
    index = {name: i for i, name in enumerate(FEATURES)}
    closer = base.copy()
    closer[index["encoder_document"]] += 0.2
    closer[index["encoder_x_tfidf"]] += 0.2 * base[index["tfidf_body"]]
    named = base.copy()
    named[index["shared_organisations"]] += np.log(3)
    probabilities = model.probability(np.stack([base, closer, named]))
    assert probabilities[1] > probabilities[0] and probabilities[2] > probabilities[0]
    assert 0.0 < model.resolution < 1.0
    # More evidence never lowers the probability: every weight but `unnamed` was held >= 0 in training.
    assert all(w >= 0 for name, w in zip(FEATURES, model.coefficients, strict=True) if name != "unnamed")


def test_group_articles_handles_tiny_days():
    article = make_article(["Only one report today."])
    assert group_articles([], [], []) == []
    assert group_articles([article], [_vectors(np.ones(4, dtype=np.float32) / 2)], [ArticleEntities(())]) == [[0]]


def test_the_shipped_pair_model_is_checked_against_its_sha256(tmp_path, monkeypatch: pytest.MonkeyPatch):
    from briefing.compose import pair_model
    from briefing.errors import ModelError

    assert shipped_pair_model().neighbours > 0  # the shipped file matches MODEL_SHA256
    edited = tmp_path / "grouping_model.json"
    edited.write_text(pair_model.MODEL_PATH.read_text(encoding="utf-8").replace('"resolution": ', '"resolution": 9'))
    monkeypatch.setattr(pair_model, "MODEL_PATH", edited)
    shipped_pair_model.cache_clear()
    try:
        with pytest.raises(ModelError, match="sha256"):
            shipped_pair_model()
    finally:
        shipped_pair_model.cache_clear()
