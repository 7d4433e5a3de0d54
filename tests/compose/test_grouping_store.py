"""The day's story groups in the stage store: a re-run reuses them, any changed input or parameter groups again."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from briefing.compose import grouping_store
from briefing.compose.entities import ArticleEntities, Mention
from briefing.compose.grouping import group_articles
from briefing.compose.grouping_store import GROUPS_KIND, stored_groups
from briefing.compose.pair_model import shipped_pair_model
from briefing.compose.vectors import ArticleVectors
from briefing.records import Article
from briefing.store import Store
from tests.conftest import make_article

Day = tuple[list[Article], list[ArticleVectors], list[ArticleEntities]]


def a_day() -> Day:
    """Two reports of one flood, two of one vote, one unrelated article."""
    rng = np.random.default_rng(3)
    flood, vote = rng.normal(size=16), rng.normal(size=16)
    texts = [
        (["Floods closed the Danube bridges in Budapest on Monday, killing 12 people."], flood),
        (["Budapest shut its Danube bridges as the flood killed 12 people on Monday."], flood),
        (["The senate passed the budget by 61 votes to 39 after a long night."], vote),
        (["Senators approved the budget 61 to 39 in an overnight vote."], vote),
        (["A rare orchid flowered at Kew Gardens for the first time in 40 years."], rng.normal(size=16)),
    ]
    articles, vectors = [], []
    for n, (sentences, centre) in enumerate(texts):
        articles.append(make_article(sentences, title=sentences[0][:40], source=f"site{n}"))
        document = (centre + 0.05 * rng.normal(size=16)).astype(np.float32)
        document /= np.linalg.norm(document)
        vectors.append(ArticleVectors(document[None, :], np.zeros((0, 16), dtype=np.float32), document))
    entities = [ArticleEntities((Mention("Budapest", "GPE"),))] * 2 + [ArticleEntities(())] * 3
    return articles, vectors, entities


@pytest.fixture
def store(tmp_path: Path):
    opened = Store.open(tmp_path)
    assert opened is not None
    yield opened
    opened.close()


def counting_grouper(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the calls that really group (a store hit makes none)."""
    calls: list[int] = []

    def counted(*arguments: object) -> list[list[int]]:
        calls.append(1)
        return group_articles(*arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(grouping_store, "group_articles", counted)
    return calls


def test_a_rerun_takes_the_groups_from_the_store(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    articles, vectors, entities = a_day()
    expected = group_articles(articles, vectors, entities)
    calls = counting_grouper(monkeypatch)
    assert stored_groups(articles, vectors, entities, store) == expected
    assert (len(calls), store.count(GROUPS_KIND)) == (1, 1)
    assert stored_groups(articles, vectors, entities, store) == expected
    assert len(calls) == 1  # the hit grouped nothing


def test_a_changed_vector_article_entity_or_parameter_groups_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles, vectors, entities = a_day()
    stored_groups(articles, vectors, entities, store)
    calls = counting_grouper(monkeypatch)
    moved = vectors[4].document.copy()
    moved[0] += 1e-6  # the smallest change to one vector's bytes
    other_vectors = [*vectors[:4], dataclasses.replace(vectors[4], document=moved)]
    stored_groups(articles, other_vectors, entities, store)
    retitled = [*articles[:4], dataclasses.replace(articles[4], title="Another title")]
    stored_groups(retitled, vectors, entities, store)
    renamed = [*entities[:4], ArticleEntities((Mention("Kew", "GPE"),))]
    stored_groups(articles, vectors, renamed, store)
    looser = dataclasses.replace(shipped_pair_model(), resolution=0.05)
    assert stored_groups(articles, vectors, entities, store, looser) == group_articles(
        articles, vectors, entities, looser
    )
    assert len(calls) == 4
    assert store.count(GROUPS_KIND) == 5


def test_a_damaged_entry_is_grouped_again(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    articles, vectors, entities = a_day()
    expected = stored_groups(articles, vectors, entities, store)
    (key,) = _keys(store)
    for damaged in (b"not json", b"[[0, 1], [1, 2, 3, 4]]", b"[[0, 1, 2, 3]]", b'{"a": 1}'):
        store.put_many(GROUPS_KIND, {key: damaged})
        assert stored_groups(articles, vectors, entities, store) == expected
    calls = counting_grouper(monkeypatch)
    assert stored_groups(articles, vectors, entities, store) == expected  # the repaired entry is a hit again
    assert calls == []


def test_without_a_store_or_with_one_article_nothing_is_stored(store: Store) -> None:
    articles, vectors, entities = a_day()
    assert stored_groups(articles, vectors, entities, None) == group_articles(articles, vectors, entities)
    assert stored_groups(articles[:1], vectors[:1], entities[:1], store) == [[0]]
    assert store.count(GROUPS_KIND) == 0


def _keys(store: Store) -> list[str]:
    connection = store._connection  # the one entry's key, read straight from the table
    return [key for (key,) in connection.execute("SELECT key FROM entries WHERE kind = ?", (GROUPS_KIND,))]
