"""Sentence splitting across scripts, entities only in languages the NER model knows, and --lang."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.compose.entities import extract_entities, load_entity_model
from briefing.config import Settings, parse_languages
from briefing.errors import ConfigError
from briefing.pipeline import load_articles
from briefing.records import Article
from briefing.text import split_sentences

GERMAN = (
    "Die Bundesregierung hat am Montag in Berlin ein neues Klimapaket vorgestellt. Bundeskanzler Olaf Scholz sagte, "
    "z. B. die Förderung von Wärmepumpen werde verdoppelt. Die Opposition kritisierte den Plan als zu teuer und zu "
    "spät, und die Grünen forderten weitere Schritte für die Industrie in Nordrhein-Westfalen."
)
ENGLISH = (
    "The European Central Bank raised interest rates on Thursday in Frankfurt, its tenth increase in a row. "
    "Christine Lagarde said inflation in France and Germany was still too high and the bank would act again."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "北京时间周一，政府宣布了新政策。市场反应积极！专家表示谨慎？",
            ["北京时间周一，政府宣布了新政策。", "市场反应积极！", "专家表示谨慎？"],
        ),
        (
            "東京で地震がありました。被害は報告されていません。",
            ["東京で地震がありました。", "被害は報告されていません。"],
        ),
        (
            "قال الرئيس إن المحادثات ستستمر. وأضاف أن الوضع مستقر؟ نعم.",
            ["قال الرئيس إن المحادثات ستستمر.", "وأضاف أن الوضع مستقر؟", "نعم."],
        ),
        (
            "В понедельник президент заявил об этом. Это важно.",
            ["В понедельник президент заявил об этом.", "Это важно."],
        ),
        (
            "Der Präsident sagte, dass z. B. Nr. 5 wichtig sei. Die Opposition widersprach.",
            ["Der Präsident sagte, dass z. B. Nr. 5 wichtig sei.", "Die Opposition widersprach."],
        ),
        (
            "Le président a parlé. « Non », dit Mme. Dupont. Élise a ri.",
            ["Le président a parlé.", "« Non », dit Mme. Dupont.", "Élise a ri."],
        ),
        (
            "El presidente habló. ¿Qué dijo? La Sra. López no respondió.",
            ["El presidente habló.", "¿Qué dijo?", "La Sra. López no respondió."],
        ),
        (
            "Mr. Smith met U.S. officials. They agreed. it was 5 p.m. on Monday.",
            ["Mr. Smith met U.S. officials.", "They agreed. it was 5 p.m. on Monday."],
        ),
    ],
)
def test_sentences_split_in_many_scripts(text: str, expected: list[str]):
    assert split_sentences(text) == expected


def test_no_entities_for_a_language_the_model_does_not_know():
    nlp = load_entity_model()
    if nlp is None:
        pytest.skip("the spaCy NER model is not installed")
    german = Article("de", "de.txt", "Klimapaket", tuple(split_sentences(GERMAN)), language="de")
    english = Article("en", "en.txt", "ECB", tuple(split_sentences(ENGLISH)), language="en")
    german_entities, english_entities = extract_entities([german, english], nlp)
    assert german_entities.mentions == ()
    assert {"Christine Lagarde", "Frankfurt"} <= {mention.text for mention in english_entities.mentions}


def test_lang_keeps_the_languages_asked_for_and_reports_the_others(tmp_path: Path):
    (tmp_path / "de.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "en.txt").write_text(ENGLISH + " " + ENGLISH, encoding="utf-8")
    loaded = load_articles([str(tmp_path)], Settings(lang=parse_languages("EN")))
    assert [article.source.endswith("en.txt") for article in loaded.articles] == [True]
    assert len(loaded.skipped) == 1
    assert loaded.skipped[0].source.endswith("de.txt")
    assert loaded.skipped[0].reason == "in de, not in --lang en"
    both = load_articles([str(tmp_path)], Settings(lang=parse_languages("en, de")))
    assert len(both.articles) == 2 and not both.skipped


def test_lang_codes_are_checked():
    assert parse_languages(None) == ()
    with pytest.raises(ConfigError, match="--lang"):
        Settings(lang=("english",))
