"""Work a cold compose does not repeat or wait for: spaCy tags on its own thread while the caller goes on (the
encoder embeds), with the same entities as tagging in line, and the event profiles are computed once per brief."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from briefing.compose import compose, entities, events
from briefing.compose.entities import ArticleEntities, EntityModel, Mention, extract_entities, start_entities
from briefing.config import Settings
from briefing.models import RunModels
from briefing.pipeline import load_articles
from briefing.records import Article, Summary, SummarySentence
from briefing.store import Store

CLUSTERS = Path(__file__).parents[1] / "data" / "multinews_clusters.jsonl"


def _article(name: str, sentence: str, language: str | None = None) -> Article:
    return Article(name, f"{name}.txt", "", (sentence,), language=language)


def _fake_tag(texts: Sequence[str], nlp: object, batch_size: int) -> list[ArticleEntities]:
    """One PERSON per text, named after its first word: which text got which answer is visible."""
    return [ArticleEntities((Mention(text.split()[0], "PERSON"),)) for text in texts]


def test_tagging_runs_on_another_thread_while_the_caller_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    caller_done = threading.Event()
    tagged_on: list[str] = []

    def waiting_tag(texts: Sequence[str], nlp: object, batch_size: int) -> list[ArticleEntities]:
        tagged_on.append(threading.current_thread().name)
        # Tagging in line would wait here for the caller's work, which only comes after start_entities returns.
        assert caller_done.wait(timeout=20), "start_entities waited for the tagging"
        return _fake_tag(texts, nlp, batch_size)

    monkeypatch.setattr(entities, "_tag", waiting_tag)
    articles = [_article("a", "Merkel spoke."), _article("b", "Dupont a parlé.", "fr"), _article("c", "Macron too.")]
    pending = start_entities(articles, object())  # any loaded pipeline
    caller_done.set()
    found = pending.result()
    assert tagged_on and tagged_on[0] != threading.current_thread().name
    assert found == [
        ArticleEntities((Mention("Merkel", "PERSON"),)),
        ArticleEntities(()),  # French: the English model does not tag it
        ArticleEntities((Mention("Macron", "PERSON"),)),
    ]
    assert pending.result() is found  # asked again: the same answer, nothing tagged again
    assert len(tagged_on) == 1


def test_an_error_while_tagging_comes_out_of_result(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_tag(texts: Sequence[str], nlp: object, batch_size: int) -> list[ArticleEntities]:
        raise RuntimeError("spaCy broke")

    monkeypatch.setattr(entities, "_tag", broken_tag)
    pending = start_entities([_article("a", "Merkel spoke.")], object())
    with pytest.raises(RuntimeError, match="spaCy broke"):
        pending.result()


def test_background_tagging_stores_the_misses_and_answers_hits_from_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tagged: list[list[str]] = []

    def counting_tag(texts: Sequence[str], nlp: object, batch_size: int) -> list[ArticleEntities]:
        tagged.append(list(texts))
        return _fake_tag(texts, nlp, batch_size)

    monkeypatch.setattr(entities, "_tag", counting_tag)
    monkeypatch.setattr(entities, "load_entity_model", object)  # spaCy "loads" (to a stand-in) on the first miss
    first, second = _article("a", "Merkel spoke."), _article("b", "Macron too.")
    store = Store.open(tmp_path)
    assert store is not None
    with store:
        once = start_entities([first], EntityModel(store, tmp_path)).result()
        model = EntityModel(store, tmp_path)
        both = start_entities([first, second], model).result()
        again = extract_entities([first, second], EntityModel(store, tmp_path))
    assert tagged == [["Merkel spoke."], ["Macron too."]]  # each text tagged once; the second run only tagged "b"
    assert both == again == [once[0], ArticleEntities((Mention("Macron", "PERSON"),))]


def test_no_model_gives_empty_entities_and_starts_no_thread() -> None:
    before = threading.active_count()
    pending = start_entities([_article("a", "Merkel spoke.")], None)
    assert threading.active_count() == before
    assert pending.result() == [ArticleEntities(())]


def test_real_spacy_on_its_thread_finds_what_it_finds_in_line() -> None:
    articles = load_articles([str(CLUSTERS)], Settings()).articles
    nlp = entities.load_entity_model()
    assert nlp is not None
    in_line = extract_entities(articles, nlp)
    assert start_entities(articles, nlp).result() == in_line
    assert sum(len(e.mentions) for e in in_line) > 20


def test_a_brief_computes_each_articles_event_profile_once(
    embedded_encoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = load_articles([str(CLUSTERS)], Settings()).articles
    summaries = [
        Summary(a.id, tuple(SummarySentence(s, (i,), support=1.0) for i, s in enumerate(a.sentences[:3])), "fake", "f")
        for a in articles
    ]
    profiled: list[str] = []
    real_profile = events.event_profile

    def counting_profile(article: Article, mentions: ArticleEntities) -> events.EventProfile:
        profiled.append(article.id)
        return real_profile(article, mentions)

    monkeypatch.setattr(events, "event_profile", counting_profile)
    settings = Settings(date=dt.date(2026, 11, 25), top=3, cache_dir=tmp_path / "cache")
    with RunModels(settings, encoder=embedded_encoder) as models:
        brief = compose(articles, summaries, settings, models)
    assert brief.stories
    assert sorted(profiled) == sorted(a.id for a in articles)  # grouping and the story events share one pass
