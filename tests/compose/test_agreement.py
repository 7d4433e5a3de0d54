"""Fact-safe merging: a sentence cites only the sources that say it, and the story says where its sources differ."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from briefing.compose import compose
from briefing.compose.agreement import agree, compare
from briefing.config import Settings
from briefing.models import RunModels
from briefing.records import Article, Brief, Summary, SummarySentence
from briefing.text import words
from tests.conftest import make_article

WIRE = [
    "Officials said {n} people were killed when a bus plunged into a ravine near the town of Chitral on Tuesday.",
    "The bus was carrying pilgrims back from a shrine in the mountains of northern Pakistan.",
    "Rescue teams worked through the night to pull survivors from the wreckage, a police spokesman said.",
    "Local hospitals appealed for blood donors as the injured arrived from the crash site.",
    "The provincial government ordered an inquiry into the condition of the road.",
]


def lead_summary(article: Article, count: int = 3) -> Summary:
    sentences = tuple(SummarySentence(s, (i,), support=1.0) for i, s in enumerate(article.sentences[:count]))
    return Summary(article.id, sentences, method="fake", model="fake-model")


def brief_of(articles: Sequence[Article], encoder, tmp_path) -> Brief:
    settings = Settings(date=dt.date(2026, 11, 25), cache_dir=tmp_path / "cache")
    return compose(articles, [lead_summary(a) for a in articles], settings, RunModels(settings, encoder=encoder))


def cited_sentences(brief: Brief):
    yield from brief.bottom_line
    for story in brief.stories:
        yield from story.sentences
    yield from brief.also_noted


def test_numbers_dates_negation_names_and_roles_decide_agreement():
    lead = "Officials said 27 people were killed in the attack on Tuesday."
    assert agree(lead, "Officials said that 27 people were killed in the attack on Tuesday, police added.")
    number = compare(lead, lead.replace("27", "12"))
    assert number is not None and (number.kind, number.ours, number.theirs) == ("number", "27", "12")
    assert number.about == "people were killed"
    assert compare(lead, lead.replace("Tuesday", "Monday")).kind == "date"
    assert compare("The tower is 198 metres tall.", "The tower is 198 feet tall.").theirs == "198 feet"
    negation = compare("Police questioned but did not arrest John Smith.", "Police questioned and arrested John Smith.")
    assert negation is not None and negation.kind == "negation" and "not" in negation.ours
    assert compare("John Smith was arrested in London.", "Peter Jones was arrested in London.").kind == "name"
    role = compare("Arsenal beat Chelsea 2-1 at the Emirates.", "Chelsea beat Arsenal 2-1 at the Emirates.")
    assert role is not None and role.kind == "role"
    assert all(d is not None and d.disputed for d in (number, negation, role))


def test_a_sentence_that_only_leaves_a_value_out_is_not_cited_for_it_but_disputes_nothing():
    full = "John Smith, 45, was arrested in Leeds on Friday."
    for shorter in (
        "John Smith was arrested in Leeds on Friday.",
        "Smith, 45, was arrested in Leeds on Friday.",
        "John Smith, 45, was arrested in Leeds.",
    ):
        difference = compare(full, shorter)
        assert difference is not None and not difference.disputed, shorter
    assert agree(shorter, full)  # the longer sentence says everything the shorter one does
    assert compare(full, full.replace("Friday", "Monday")).disputed
    assert compare(full, full.replace("John Smith", "Peter Jones")).disputed


def test_three_wire_copies_with_different_tolls_cite_only_their_own_number(embedded_encoder, tmp_path):
    tolls = {"a": 12, "b": 27, "c": 4}
    articles = [
        make_article([WIRE[0].format(n=n), *WIRE[1:]], title="Bus plunges into ravine in Pakistan", source=name)
        for name, n in tolls.items()
    ]
    brief = brief_of(articles, embedded_encoder, tmp_path)
    assert len(brief.stories) == 1
    toll_of = {s.number: tolls[s.source] for s in brief.sources}
    cited_tolls = 0
    for sentence in cited_sentences(brief):
        if "people were killed" in sentence.text:
            cited_tolls += 1
            said = int(next(w for w in words(sentence.text) if w.isdigit()))
            assert {toll_of[n] for n in sentence.sources} == {said}, (sentence.text, sentence.sources)
    assert cited_tolls >= 1  # the bottom line leads with the toll (the story then says what it did not)

    story = brief.stories[0]
    [differ] = story.disagreements
    assert differ.kind == "number" and differ.about == "people were killed"
    readings = {r.value: r.sources for r in differ.readings}
    assert readings == {str(toll_of[n]): (n,) for n in story.sources}
    assert [r.sources[0] for r in differ.readings] == sorted(r.sources[0] for r in differ.readings)
    assert differ.sentence_id in {s.id for s in story.sentences} | {s.id for s in brief.bottom_line}
    # Each source lists as its quote only the sentences that state its own toll.
    for source in brief.sources:
        quoted = [s for s in cited_sentences(brief) if s.id in source.quoted_in and "killed" in s.text]
        assert all(str(toll_of[source.number]) in s.text for s in quoted)


def test_copies_that_agree_are_still_cited_together(embedded_encoder, tmp_path):
    articles = [make_article([WIRE[0].format(n=27), *WIRE[1:]], source=name, title="Bus crash") for name in "ab"]
    articles[1] = make_article(
        [
            "Officials said that 27 people were killed when a bus plunged into a ravine near Chitral on Tuesday.",
            *WIRE[1:],
        ],
        source="b",
        title="Bus crash",
    )
    brief = brief_of(articles, embedded_encoder, tmp_path)
    lead = next(s for s in cited_sentences(brief) if "killed" in s.text)
    assert sorted(lead.sources) == [1, 2]
    assert brief.stories[0].disagreements == ()


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (
            "Police questioned but did not arrest Ahmed Khan over the fire at the warehouse in Leeds on Friday.",
            "Police questioned and arrested Ahmed Khan over the fire at the warehouse in Leeds on Friday.",
        ),
    ],
)
def test_a_negated_report_is_not_cited_to_the_paper_that_says_the_opposite(embedded_encoder, tmp_path, ours, theirs):
    rest = [
        "The blaze destroyed the building and forced the evacuation of nearby homes overnight.",
        "Firefighters from three stations spent six hours bringing the flames under control.",
        "Nobody was injured, the fire service said in a statement.",
    ]
    articles = [
        make_article([ours, *rest], source="first", title="Warehouse fire in Leeds"),
        make_article([theirs, *rest], source="second", title="Warehouse fire in Leeds"),
    ]
    brief = brief_of(articles, embedded_encoder, tmp_path)
    number_of = {s.source: s.number for s in brief.sources}
    for sentence in cited_sentences(brief):
        if "Ahmed Khan" in sentence.text:
            expected = number_of["first"] if "did not arrest" in sentence.text else number_of["second"]
            assert sentence.sources == (expected,)
    [differ] = brief.stories[0].disagreements
    assert differ.kind == "negation"
    assert {r.value for r in differ.readings} == {"but did not arrest", "and arrested"}


def test_every_sentence_of_real_articles_agrees_with_itself():
    """Agreement must never be lost to tokenising: possessives, "U.S.", curly quotes, hyphenated names."""
    import json
    from pathlib import Path

    from briefing.text import split_sentences

    data = Path(__file__).parents[1] / "data"
    texts = [json.loads(line)["article"] for line in (data / "cnn_sample.jsonl").read_text().splitlines()]
    texts.append((data / "panjshir-valley-scraped.txt").read_text(encoding="utf-8"))
    sentences = [s for text in texts for s in split_sentences(text)]
    assert len(sentences) > 100
    assert [s for s in sentences if compare(s, s) is not None] == []


def test_a_flagged_sentence_keeps_its_reason_into_the_brief(embedded_encoder, tmp_path):
    article = make_article([WIRE[0].format(n=27), *WIRE[1:]], source="a", title="Bus crash")
    invented = "Officials said 40 people were killed when a bus plunged into a ravine on Tuesday."
    reason = "number '40' not in article"
    summary = Summary(
        article.id,
        (
            SummarySentence(article.sentences[1], (1,), support=1.0),
            SummarySentence(invented, (0,), support=0.9, flagged=True, reason=reason),
        ),
        "fake",
        "fake-model",
    )
    settings = Settings(date=dt.date(2026, 11, 25), cache_dir=tmp_path / "cache")
    brief = compose([article], [summary], settings, RunModels(settings, encoder=embedded_encoder))
    [flagged] = [s for s in cited_sentences(brief) if s.flagged]
    assert flagged.reason == reason
    assert all(s.reason is None for s in cited_sentences(brief) if not s.flagged)
