"""A written summary read as the claims it makes (briefing/summary_text.py): markup and lead-ins go, words stay."""

from __future__ import annotations

import pytest

from briefing.summary_text import claim_sentences, summary_lines

LLM_MARKDOWN = """Here is a summary of the article:

## Summary

**Key points:**

1. The council approved **12 homes** on the site.
2. [Ada Moss](https://example.org/moss) opposed the plan.

---

*Summary:* Work starts in `March`.
"""


def test_markdown_and_lead_ins_are_no_claims() -> None:
    assert claim_sentences(LLM_MARKDOWN) == [
        "The council approved 12 homes on the site.",
        "Ada Moss opposed the plan.",
        "Work starts in March.",
    ]


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        (
            "- One claim.\n* Two claim.\n+ Three.\n• Four.\n3) Five.\n(a) Six.",
            ["One claim.", "Two claim.", "Three.", "Four.", "Five.", "Six."],
        ),
        ("> - Quoted bullet.", ["Quoted bullet."]),
        ("TL;DR: The bridge closes.\nIn summary, the vote was close.", ["The bridge closes.", "the vote was close."]),
        ("Bottom line — rates rise.", ["rates rise."]),
        ("===\n# Title\n   ### Deep heading\n* * *", []),
    ],
)
def test_list_markers_lead_ins_and_rules(text: str, lines: list[str]) -> None:
    assert summary_lines(text) == lines


def test_a_summary_wrapped_at_a_fixed_width_is_read_as_its_sentences() -> None:
    wrapped = "The council approved twelve homes on the old\nrailway site on Tuesday.\nAda Moss opposed the plan."
    assert claim_sentences(wrapped) == [
        "The council approved twelve homes on the old railway site on Tuesday.",
        "Ada Moss opposed the plan.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "- The council approved twelve homes\n- officials expect work to start in March",  # bullets: two claims
        "The council approved twelve homes\n\nofficials expect work to start in March",  # a blank line between
        "The council approved twelve homes.\nofficials expect work to start in March",  # the line above ended
    ],
)
def test_lines_that_are_not_wrapped_stay_apart(text: str) -> None:
    assert len(summary_lines(text)) == 2


@pytest.mark.parametrize(
    "line",
    [
        "Summary of the findings was published by the council.",  # "Summary" as a word, not a label
        "Key points of the plan were agreed, the mayor said.",
        "Council leader Ada Moss_ward said 2 snake_case words stay.",
        "Police said 3 * 4 = 12 was written on the wall.",
        "2016 was the warmest year on record.",
    ],
)
def test_prose_that_looks_like_markup_is_kept_word_for_word(line: str) -> None:
    assert summary_lines(line) == [line]
