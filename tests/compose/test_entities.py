"""Actors and places from the spaCy NER model, on a real scraped article, and how mentions become a story's list."""

from __future__ import annotations

from pathlib import Path

from briefing.compose.entities import (
    ArticleEntities,
    Mention,
    clean_name,
    extract_entities,
    load_entity_model,
    story_entities,
)
from briefing.config import Settings
from briefing.pipeline import load_articles
from briefing.records import Article


def test_ner_model_finds_the_actors_and_places_of_a_real_article(panjshir_dump: Path):
    articles = load_articles([str(panjshir_dump)], Settings()).articles
    actors, places = story_entities(extract_entities(articles, load_entity_model()))
    assert "Taliban" in actors
    assert "Ahmad Massoud" in actors
    assert "Kabul" in places
    assert any("Panjshir" in name for name in places)
    assert not set(actors) & set(places)
    assert "DARA" not in actors  # the dateline ("DARA, Afghanistan — ...") names a place, not an actor


def test_a_dateline_place_is_a_place_and_a_generic_word_is_no_actor():
    article = Article(
        id="a",
        source="s",
        title="",
        sentences=(
            "MOSCOW, Russia — Menatep Group said it will ask Rosneft to repay a loan.",
            "The Group's director Tim Osborne said Rosneft would have to pay.",
        ),
    )
    (entities,) = extract_entities([article], load_entity_model())
    labels = {mention.text: mention.label for mention in entities.mentions}
    assert labels.get("Moscow") == "GPE"
    assert "MOSCOW" not in labels and "Group" not in labels
    actors, _ = story_entities([entities])
    assert "Rosneft" in actors


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
    # Not folded into either; and a one-word name mentioned once is not a confident actor.
    assert set(actors) == {"Ahmad Massoud", "Ahmed Shah Massoud"}
    twice = ArticleEntities((*mentions.mentions, Mention("Massoud", "PERSON")))
    assert set(story_entities([twice])[0]) == {"Ahmad Massoud", "Ahmed Shah Massoud", "Massoud"}


def test_a_courtesy_title_makes_a_person_that_folds_into_the_full_name():
    article = Article(
        id="h",
        source="hussen.txt",
        title="Father admits taking daughter to rally",
        sentences=(  # from examples/articles: the model tags these "Mr Hussen" as FAC, ORG and GPE
            "Soon after, in an extraordinary exchange at the home affairs select committee, Mr Hussen blamed the "
            "authorities for failing to stop his daughter running off to Syria.",
            "Giving evidence to the MPs’ committee, Mr Hussen accused police of not doing enough to warn him.",
            "The rally was held against the treatment of Ethiopians in Saudi Arabia after human rights violations, "
            "and Mr Hussen, 47, who is from Ethiopia, said he had lost many people back home.",
        ),
    )
    titled = [m for m in extract_entities([article], load_entity_model())[0].mentions if m.text == "Mr Hussen"]
    assert len(titled) == 3 and all(m.label == "PERSON" for m in titled)  # a courtesy title means a person
    mentions = ArticleEntities(
        (Mention("Abase Hussen", "PERSON"), Mention("Mr Hussen", "PERSON"), Mention("Hussen", "GPE"))
    )
    assert story_entities([mentions]) == (("Abase Hussen",), ())
    alone = ArticleEntities((Mention("Mr Yeaman", "PERSON"), Mention("Yeaman", "PERSON")))
    assert story_entities([alone]) == (("Mr Yeaman",), ())


def test_actors_are_a_few_confident_people_and_organisations():
    people = [Mention(f"Person Number{i}", "PERSON") for i in range(5)]
    mentions = ArticleEntities((Mention("British", "NORP"), Mention("British", "NORP"), *people, Mention("EU", "ORG")))
    actors, _ = story_entities([mentions])
    assert len(actors) == 4 and "British" not in actors  # a nationality names a side, not an actor
    few = ArticleEntities((Mention("British", "NORP"), Mention("British", "NORP"), Mention("EU", "ORG")))
    assert story_entities([few])[0] == ("EU",)  # an acronym is a confident one-word name
    noise = ArticleEntities(
        (Mention("Copy", "ORG"), Mention("n't", "ORG"), Mention("Crisis", "ORG"), Mention("Bidens", "GPE"))
    )
    assert story_entities([noise]) == ((), ())  # one-off one-word slips of the model are left out
