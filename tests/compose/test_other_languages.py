"""Grouping articles in a language the encoder and NER do not read (briefing/compose/pair_model.py): such a pair is
judged on its words, figures and dates; English pairs are scored as before."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from briefing.compose.entities import ArticleEntities, Mention
from briefing.compose.grouping import day_vectors, group_articles
from briefing.compose.pair_model import FEATURES, LEXICAL_FEATURES, pair_features, shipped_pair_model
from briefing.compose.vectors import ArticleVectors
from tests.conftest import make_article

CLOWN = [
    "Die Polizei warnt vor einem Horrorclown, der in Graz Kinder erschreckt.",
    "Der Mann trägt eine Maske und droht, den Kindern die Süßigkeiten wegzunehmen.",
    "Die Beamten bitten Zeugen, sich bei der Polizeiinspektion Graz zu melden.",
]
COLOUR = [
    "Pantone hat Viva Magenta zur Farbe des Jahres 2023 gekürt.",
    "Der kräftige Rotton soll Mut und Optimismus ausdrücken, heißt es beim Institut.",
    "Designer erwarten, dass die Farbe bald in Mode und Möbeln auftaucht.",
]


def _vectors(direction: np.ndarray) -> ArticleVectors:
    unit = (direction / np.linalg.norm(direction)).astype(np.float32)
    return ArticleVectors(np.stack([unit, unit, unit]), np.zeros((0, len(unit)), dtype=np.float32), unit)


# What the English encoder gives two unrelated German articles: cosine 0.7, as it gives two reports of one event.
CLOSE = [_vectors(np.array([1.0, 0.0, 0.0, 0.0])), _vectors(np.array([0.7, np.sqrt(1 - 0.49), 0.0, 0.0]))]
NO_NAMES = [ArticleEntities(()), ArticleEntities(())]  # NER is not run on German: no names


def test_unrelated_articles_in_another_language_stay_apart() -> None:
    articles = [make_article(CLOWN, source="a", language="de"), make_article(COLOUR, source="b", language="de")]
    assert group_articles(articles, CLOSE, NO_NAMES) == [[0], [1]]


def test_the_same_report_in_another_language_is_one_story() -> None:
    original = make_article(CLOWN, title="Horrorclown in Graz", source="a", language="de")
    copy = make_article(CLOWN[:2], title="Graz: Polizei warnt vor Horrorclown", source="b", language="de")
    assert group_articles([original, copy], CLOSE, NO_NAMES) == [[0, 1]]


GRAZ = ArticleEntities((Mention("Graz", "GPE"),))


def test_only_the_lexical_features_are_read_for_such_a_pair() -> None:
    german = make_article(CLOWN, source="a", language="de")
    english = make_article(["Police in Graz warned of a clown scaring children."], source="b", language="en")
    day = day_vectors([german, english, english], [*CLOSE, CLOSE[1]], [NO_NAMES[0], GRAZ, GRAZ])
    features = pair_features(day, np.array([0, 1]), np.array([1, 2]))
    read = {name: not np.isnan(value) for name, value in zip(FEATURES, features[0], strict=True)}
    assert {name for name, is_read in read.items() if is_read} == LEXICAL_FEATURES
    assert not np.isnan(features[1]).any()  # two English articles: every feature, as before


@pytest.mark.parametrize("language", ["en", None])
def test_english_and_undetected_articles_are_scored_as_before(language: str | None) -> None:
    articles = [make_article(CLOWN, source="a", language=language), make_article(COLOUR, source="b", language=language)]
    day = day_vectors(articles, CLOSE, [GRAZ, GRAZ])
    features = pair_features(day, np.array([0]), np.array([1]))
    unmasked = pair_features(dataclasses.replace(day, other_language=None), np.array([0]), np.array([1]))
    assert not np.isnan(features).any()
    assert np.array_equal(features, unmasked)


def test_a_nameless_article_is_no_evidence_of_one_event() -> None:
    # `unnamed` learned +4.3 logits from the one nameless dev article: two unrelated English articles in which NER
    # finds no name, at the encoder cosine of one event, were one story.
    articles = [make_article(CLOWN, source="a", language="en"), make_article(COLOUR, source="b", language="en")]
    assert group_articles(articles, CLOSE, NO_NAMES) == [[0], [1]]
    model = shipped_pair_model()
    features = pair_features(day_vectors(articles, CLOSE, NO_NAMES), np.array([0]), np.array([1]))
    read_as_before = np.nan_to_num(features, nan=1.0)  # `unnamed` = 1 read as the shipped weights read it
    assert model.probability(features)[0] < model.resolution < model.probability(read_as_before)[0]


def test_an_earlier_story_in_another_language_is_matched_on_its_words() -> None:
    # `--new-only`: a German story of today was marked an update of an unrelated German story of yesterday.
    from briefing.compose.events import event_profiles
    from briefing.compose.story_event import StoryEvent, same_event_probabilities, story_event

    articles = [make_article(CLOWN, source="a", language="de"), make_article(COLOUR, source="b", language="de")]
    profiles = event_profiles(articles, NO_NAMES)
    today, yesterday = (story_event([i], articles, profiles, CLOSE) for i in (0, 1))
    assert today.other_language and yesterday.other_language
    reread = StoryEvent.from_json(yesterday.to_json())
    assert reread is not None and reread.other_language
    model = shipped_pair_model()
    assert same_event_probabilities(today, [reread], model)[0] < model.resolution
    older = json.loads(yesterday.to_json())
    del older["other_language"]  # a record written before the key: read as English, as it was
    reread_older = StoryEvent.from_json(json.dumps(older))
    assert reread_older is not None and not reread_older.other_language
