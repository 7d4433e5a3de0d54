"""Actors and places from the spaCy NER model, on a real scraped article, and how mentions become a story's list."""

from __future__ import annotations

from pathlib import Path

from briefing.composing.entities import ArticleEntities, Mention, clean_name, extract_entities, story_entities
from briefing.pipeline import load_articles


def test_ner_model_finds_the_actors_and_places_of_a_real_article(panjshir_dump: Path):
    articles = load_articles([str(panjshir_dump)]).articles
    actors, places = story_entities(extract_entities(articles))
    assert "Taliban" in actors
    assert "Ahmad Massoud" in actors
    assert "Kabul" in places
    assert any("Panjshir" in name for name in places)
    assert not set(actors) & set(places)


def test_names_are_normalised():
    assert clean_name("the Panjshir Valley's") == "Panjshir Valley"
    assert clean_name("“Kabul”") == "Kabul"
    assert clean_name("The  National\nResistance Front") == "National Resistance Front"


def test_story_entities_rank_by_articles_then_mentions_and_fold_surnames():
    first = ArticleEntities(
        (
            Mention("Ahmad Massoud", "PERSON"),
            Mention("Massoud", "PERSON"),
            Mention("Massoud", "GPE"),  # the model sometimes calls a lone surname a place
            Mention("Panjshir", "ORG"),
            Mention("Panjshir Valley", "GPE"),
            Mention("Kabul", "GPE"),
        )
    )
    second = ArticleEntities((Mention("Kabul", "GPE"), Mention("Taliban", "ORG"), Mention("Taliban", "ORG")))
    actors, places = story_entities([first, second])
    assert actors == ("Ahmad Massoud", "Taliban")  # "Massoud" folded in; Panjshir is part of a place name
    assert places[0] == "Kabul"  # named by both articles
    assert set(places) == {"Kabul", "Panjshir", "Panjshir Valley"}


def test_an_ambiguous_surname_is_not_folded():
    mentions = ArticleEntities(
        (Mention("Ahmad Massoud", "PERSON"), Mention("Ahmed Shah Massoud", "PERSON"), Mention("Massoud", "PERSON"))
    )
    actors, _ = story_entities([mentions])
    assert set(actors) == {"Ahmad Massoud", "Ahmed Shah Massoud", "Massoud"}
