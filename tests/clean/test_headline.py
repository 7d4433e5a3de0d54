"""Headlines of untitled articles (the lead's main clause, compressed) and outlets named from URLs."""

from __future__ import annotations

import json
import re

import pytest

from briefing.clean import clean
from briefing.clean.headline import HEADLINE_MAX_WORDS, headline_from_sentence, is_made_up_title
from briefing.clean.metadata import without_site_name
from briefing.clean.outlets import outlet_from_url, registered_domain
from briefing.records import RawDocument
from briefing.text import split_sentences


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "DARA, Afghanistan — Taliban forces have been locked for months in a shadowy on-again, off-again battle "
            "with opposition fighters based in the Panjshir Valley.",
            "Taliban forces have been locked for months",
        ),
        (
            "(CNN) -- The U.S. Supreme Court on Monday struck down a Texas law, which critics said was unfair, "
            "officials said.",
            "The U.S. Supreme Court on Monday struck down a Texas law",
        ),
        (
            "Gary Locke will be confirmed as Kilmarnock’s permanent manager on Friday - exactly eight weeks after he "
            "was asked to take charge until the end of the season.",
            "Gary Locke will be confirmed as Kilmarnock’s permanent manager on Friday",
        ),
        (
            "Wanted: Police in Maryland have issued a warrant for the arrest of a karate instructor.",
            "Police in Maryland have issued a warrant",  # 14 words: cut back at a modifier
        ),
    ],
)
def test_headline_is_the_main_clause(sentence: str, expected: str) -> None:
    assert headline_from_sentence(sentence) == expected


def test_headlines_of_real_leads_are_short_and_never_cut_off(data_dir) -> None:
    records = [json.loads(line) for line in (data_dir / "cnn_sample.jsonl").read_text().splitlines() if line]
    for record in records:
        lead = split_sentences(record["article"])[0]
        headline = headline_from_sentence(lead)
        assert 4 <= len(headline.split()) <= HEADLINE_MAX_WORDS, headline
        assert not headline.endswith(("…", "...", ",", " and", " the", " of"))
        words = re.compile(r"[\w'’-]+")
        assert set(words.findall(headline)) <= set(words.findall(lead)), headline  # compression only deletes


def test_untitled_record_gets_a_headline_not_a_cut_sentence() -> None:
    body = (
        "LONDON (Reuters) - The Bank of England raised interest rates by a quarter point on Thursday, the first "
        "rise in a decade, as inflation ran well above its target. " + "Markets had expected the move. " * 5
    )
    article = clean(RawDocument("wire.jsonl:1", body, "record"))
    assert not article.title.endswith("…")
    assert article.title == "The Bank of England raised interest rates by a quarter point"
    assert is_made_up_title(article.title, article.sentences[0])
    assert not is_made_up_title("Rates rise for the first time in a decade", article.sentences[0])


def test_outlet_is_the_registered_domain_or_its_usual_name() -> None:
    assert registered_domain("https://edition.cnn.com/2026/x") == "cnn.com"
    assert registered_domain("https://www.bbc.co.uk/news/x") == "bbc.co.uk"
    assert registered_domain("http://127.0.0.1:8000/a") == "127.0.0.1"
    assert registered_domain(None) is None
    assert outlet_from_url("https://www.reuters.com/world/x") == "Reuters"
    assert outlet_from_url("https://news.example.org/a") == "example.org"


@pytest.mark.parametrize(
    ("title", "url", "expected"),
    [
        (
            "Floods hit the north of England - BBC News",
            "https://www.bbc.co.uk/news/1",
            "Floods hit the north of England",
        ),
        (
            "Karnataka polls: what we know | Deccan Herald",
            "https://www.deccanherald.com/x",
            "Karnataka polls: what we know",
        ),
        (
            "Milan Design Week | Anastassiades light",
            "https://www.dezeen.com/x",
            "Milan Design Week | Anastassiades light",
        ),
    ],
)
def test_feed_titles_lose_the_site_suffix(title: str, url: str, expected: str) -> None:
    assert without_site_name(title, None, url) == expected
