"""Plain articles pass whole; record text loses its furniture lines and nothing else."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from briefing.clean import clean
from briefing.clean.furniture import drop_furniture_lines, is_furniture_line
from briefing.clean.plain import find_dateline, read_plain_article
from briefing.errors import SourceError
from briefing.records import RawDocument
from briefing.text import split_sentences

DATA = Path(__file__).parent.parent / "data"
WIRE_BRIEF = (
    "LONDON (Reuters) - Britain's main share index rose 0.4 percent on Tuesday, lifted by miners as metal prices "
    "climbed after stronger than expected Chinese factory data. Housebuilders fell for a second day after a survey "
    "showed house prices slipped in May. The pound was little changed against the dollar."
)


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def _cnn_articles() -> list[str]:
    with (DATA / "cnn_sample.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line)["article"] for line in handle if line.strip()]


def _layouts(article: str) -> dict[str, tuple[str, str | None]]:
    sentences = split_sentences(article)
    paragraphs = "\n\n".join(" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2))
    title = "Locke to be confirmed as manager"
    return {
        "one line": (" ".join(sentences), None),
        "paragraphs": (paragraphs, None),
        "title + paragraphs": (f"{title}\n\n{paragraphs}", title),
    }


@pytest.mark.parametrize("layout", ["one line", "paragraphs", "title + paragraphs"])
def test_plain_article_keeps_lead_and_every_word(layout: str):
    for article in _cnn_articles():
        text, title = _layouts(article)[layout]
        cleaned = clean(RawDocument("story.txt", text, "text"))
        lead = split_sentences(article)[0]
        assert cleaned.sentences[0] == lead
        assert _words(" ".join(cleaned.sentences)) == _words(article)
        if title:
            assert cleaned.title == title


def test_short_wire_brief_is_an_article_with_its_dateline():
    article = clean(RawDocument("brief.txt", WIRE_BRIEF + "\n", "text"))
    assert article.text == WIRE_BRIEF
    assert article.dateline == "LONDON"


def test_dateline_is_metadata_and_stays_in_the_text():
    text = (
        "Taliban fighters battle resistance in the Panjshir\n\n"
        "DARA, Afghanistan — Taliban forces have been locked for months in a shadowy battle with opposition fighters "
        "based in the Panjshir Valley, a few hours’ drive north of Kabul.\n\n"
        "The province has long been an anti-Taliban stronghold."
    )
    article = clean(RawDocument("dara.txt", text, "text"))
    assert article.dateline == "DARA, Afghanistan"
    assert article.sentences[0].startswith("DARA, Afghanistan — Taliban forces")
    assert article.title == "Taliban fighters battle resistance in the Panjshir"
    assert find_dateline("He said — and he meant it — that the vote was over.") is None


def test_soft_hyphens_and_zero_width_characters_are_removed():
    text = (
        "The commit\u00adtee met on Tues\u200bday and voted to ap\u2060prove the budget for the coming year after a "
        "long debate about school build\u00adings, roads and the cost of heating the town hall in winter."
    )
    article = clean(RawDocument("note.txt", text, "text"))
    assert article.text == (
        "The committee met on Tuesday and voted to approve the budget for the coming year after a long debate about "
        "school buildings, roads and the cost of heating the town hall in winter."
    )


def test_too_short_text_is_still_refused():
    with pytest.raises(SourceError, match="no article text found"):
        clean(RawDocument("tiny.txt", "Meeting moved to Tuesday.", "text"))


def test_page_dumps_are_not_taken_for_plain_articles(panjshir_dump: Path):
    assert read_plain_article((DATA / "page-dump.txt").read_text(encoding="utf-8")) is None
    assert read_plain_article(panjshir_dump.read_text(encoding="utf-8")) is None


def _records() -> list[dict[str, str]]:
    with (DATA / "exported_records.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def test_exported_records_lose_captions_credits_and_widgets_only():
    furniture = (
        "Media playback is unsupported on your device",
        "Image copyright",
        "Image caption",
        "Copy this code",
        "Getty Images / DANIEL",
        "Kevin Mazur/Getty Images",
        "Play Facebook",
    )
    records = _records()
    for record in records[:-1]:
        article = clean(RawDocument(record["id"], record["text"], "record"))
        for phrase in furniture:
            assert phrase not in article.text, (record["id"], phrase)
        prose = [line for line in record["text"].split("\n") if len(line.split()) > 8 and not is_furniture_line(line)]
        assert prose, record["id"]
        for line in prose:
            assert " ".join(line.split()) in " ".join(article.sentences), (record["id"], line)


def test_clean_record_text_is_untouched():
    record = _records()[-1]
    assert drop_furniture_lines(record["text"]) is record["text"]
    article = clean(RawDocument(record["id"], record["text"], "record", title=record["title"]))
    assert article.sentences == tuple(split_sentences(record["text"]))


@pytest.mark.parametrize(
    "line",
    [
        "Reuters reported on Tuesday that the talks had stalled, citing two officials.",
        "The photo was taken by a Getty Images photographer at the scene.",
        "Share prices fell sharply.",
        "Trump talks trade with Reuters",
    ],
)
def test_sentences_that_mention_photos_or_agencies_stay(line: str):
    assert not is_furniture_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Click image above to view graphic",  # Multi-News dev records: lines that became headlines and bullets
        "Click here to see the 50 least powerful people in the world.",
        "Please enable Javascript to watch this video",
        "Click on the photos above to learn how a grave digger has changed in the wake of Ebola.",
        "Click for more from the article",
    ],
)
def test_link_instructions_and_player_notices_are_furniture(line: str):
    assert is_furniture_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Users who click on the link are taken to a fake login page, the researchers said.",
        "The Click Frenzy sale crashed the retailer's website within minutes of opening.",
        "Investigators said the site's JavaScript had been altered to steal card numbers.",
    ],
)
def test_sentences_about_clicks_and_javascript_stay(line: str):
    assert not is_furniture_line(line)
