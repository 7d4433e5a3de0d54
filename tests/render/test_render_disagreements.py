"""Sources differ lines and the reasons of unverified sentences, in brief.json, brief.md and brief.html."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

import pytest

from briefing.records import BriefSentence, Disagreement, Reading, Story
from briefing.render import OutputFormat, brief_schema, brief_to_dict, render
from tests.render.test_render import sample_brief

REASON = "the article says 'arrested', not 'did not arrest'"


def disputed_brief():
    brief = sample_brief()
    first = brief.stories[0]
    flagged = dataclasses.replace(first.sentences[1], reason=REASON)
    toll = Disagreement(
        "number",
        "people were killed",
        (
            Reading("12", (1,), "Officials said 12 people were killed."),
            Reading("27", (2,), "Officials said 27 people were killed."),
        ),
        "s1-1",
    )
    story = dataclasses.replace(first, sentences=(first.sentences[0], flagged), disagreements=(toll,))
    return dataclasses.replace(brief, stories=(story, *brief.stories[1:]))


def test_brief_json_holds_disagreements_and_reasons_and_validates():
    jsonschema = pytest.importorskip("jsonschema")
    document = brief_to_dict(disputed_brief())
    [differ] = document["stories"][0]["disagreements"]
    assert differ == {
        "kind": "number",
        "about": "people were killed",
        "readings": [
            {"value": "12", "sources": [1], "sentence": "Officials said 12 people were killed."},
            {"value": "27", "sources": [2], "sentence": "Officials said 27 people were killed."},
        ],
        "sentence_id": "s1-1",
    }
    assert document["stories"][0]["sentences"][1]["reason"] == REASON
    validator = jsonschema.Draft202012Validator(brief_schema(), format_checker=jsonschema.FormatChecker())
    validator.validate(document)
    document["stories"][0]["disagreements"][0]["readings"].pop()
    assert not validator.is_valid(document)  # one reading is no disagreement


def test_schema_documents_every_disagreement_field():
    schema = brief_schema()["$defs"]["disagreement"]
    assert set(schema["properties"]) == {f.name for f in dataclasses.fields(Disagreement)}
    reading = schema["properties"]["readings"]["items"]["properties"]
    assert set(reading) == {f.name for f in dataclasses.fields(Reading)}


def test_markdown_shows_the_sources_differ_line_and_the_reason():
    lines = render(disputed_brief(), OutputFormat.md).splitlines()
    assert "**Sources differ** — people were killed: 12\u00a0[[1]](#source-1) · 27\u00a0[[2]](#source-2)" in lines
    assert (
        "- Engineers cheered in mission control.\u00a0[[2]](#source-2) **(unverified: the article says 'arrested', "
        "not 'did not arrest')**" in lines
    )


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.current: str | None = None
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p" and ("class", "differ") in attrs:
            self.current = "differ"
        elif tag == "li":
            self.current = "li"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "li"):
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.current:
            self.found[self.current] = self.found.get(self.current, "") + data + ("\n" if self.current == "li" else "")


def test_html_shows_the_sources_differ_line_and_the_reason():
    page = render(disputed_brief(), OutputFormat.html)
    parsed = _Paragraphs()
    parsed.feed(page)
    assert parsed.found["differ"].replace("\u00a0", " ") == "Sources differ — people were killed: 12 [1] · 27 [2]"
    assert f"(unverified: {REASON})" in parsed.found["li"]


def test_a_reading_citing_an_unknown_source_is_dropped_with_its_line():
    brief = disputed_brief()
    story = brief.stories[0]
    [toll] = story.disagreements
    dangling = dataclasses.replace(
        toll, readings=(toll.readings[0], dataclasses.replace(toll.readings[1], sources=(9,)))
    )
    brief = dataclasses.replace(
        brief, stories=(dataclasses.replace(story, disagreements=(dangling,)), *brief.stories[1:])
    )
    assert "Sources differ" not in render(brief, OutputFormat.md)


def test_story_records_default_to_no_disagreements():
    story = Story("x", "h", (BriefSentence("t", (1,)),), (1,))
    assert story.disagreements == ()
