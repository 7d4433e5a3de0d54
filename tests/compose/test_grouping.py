"""Story grouping: average linkage on a similarity matrix, and same-event articles grouped for real."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from briefing.compose.entities import ArticleEntities, Mention
from briefing.compose.grouping import (
    DEFAULT_GROUPING,
    average_linkage,
    similarity_matrix,
    tfidf_similarity,
)
from tests.conftest import make_article

CLUSTERS = Path(__file__).parents[1] / "data" / "multinews_clusters.jsonl"


def test_average_linkage_finds_the_blocks():
    similarity = np.array(
        [
            [1.0, 0.8, 0.1, 0.0],
            [0.8, 1.0, 0.0, 0.1],
            [0.1, 0.0, 1.0, 0.7],
            [0.0, 0.1, 0.7, 1.0],
        ]
    )
    assert average_linkage(similarity, 0.5) == [[0, 1], [2, 3]]
    assert average_linkage(similarity, 0.9) == [[0], [1], [2], [3]]
    assert average_linkage(similarity, 0.0) == [[0, 1, 2, 3]]


def test_average_linkage_does_not_chain_through_one_bridging_article():
    # 0~1 and 1~2 are close, 0 and 2 are unrelated: single linkage would chain all three; average linkage must not.
    similarity = np.array([[1.0, 0.9, 0.0], [0.9, 1.0, 0.6], [0.0, 0.6, 1.0]])
    assert average_linkage(similarity, 0.5) == [[0, 1], [2]]


def test_tfidf_similarity_works_for_a_two_article_day():
    a = make_article(["Flooding closed the Danube bridges in Budapest on Tuesday."], source="a")
    b = make_article(["Budapest shut its Danube bridges as flooding rose on Tuesday."], source="b")
    similarity = tfidf_similarity([a, b])
    assert similarity[0, 1] > 0.3  # shared words still count when every word is in every document
    assert np.allclose(np.diag(similarity), 1.0)


def test_shared_entities_raise_similarity_by_their_weight():
    a = make_article(["The council met on Monday."], title="Council meets", source="a")
    b = make_article(["A committee gathered this week."], title="Committee gathers", source="b")
    documents = np.eye(2, dtype=np.float32)  # orthogonal vectors: only entities can make the two similar
    people = ArticleEntities((Mention("Ada Lovelace", "PERSON"), Mention("London", "GPE")))
    nobody = ArticleEntities(())
    with_names = similarity_matrix([a, b], documents, [people, people])[0, 1]
    without = similarity_matrix([a, b], documents, [people, nobody])[0, 1]
    assert with_names - without == pytest.approx(DEFAULT_GROUPING.entity_weight)


def test_cannot_link_keeps_topically_close_articles_without_shared_names_or_words_apart():
    from briefing.compose.grouping import cannot_link, group_articles

    a = make_article(["Rovers appointed a permanent manager on Friday after a caretaker spell."], source="a")
    b = make_article(["United sold record season tickets despite relegation fears this spring."], source="b")
    documents = np.tile(np.eye(1, 8, dtype=np.float32), (2, 1))  # identical vectors: the encoder alone would merge
    nobody = ArticleEntities(())
    assert group_articles([a, b], documents, [nobody, nobody]) == [[0], [1]]
    manager = ArticleEntities((Mention("Gary Locke", "PERSON"),))
    assert group_articles([a, b], documents, [manager, manager]) == [[0, 1]]
    nationality = ArticleEntities((Mention("Scottish", "NORP"),))  # a side, not an actor: no evidence
    assert cannot_link(tfidf_similarity([a, b]), [nationality, nationality])[0, 1]
