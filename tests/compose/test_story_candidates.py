"""Story candidates: what may feed a story's summary, and what never does (page furniture, quote filler)."""

from __future__ import annotations

import numpy as np

from briefing.compose.story_summary import candidates_of, is_page_furniture, is_quote_filler
from briefing.compose.vectors import ArticleVectors
from briefing.records import Article, Summary, SummarySentence


def test_related_link_lines_bylines_and_captions_are_page_furniture():
    for line in (
        "PREVIOUS: Orofino police search for missing man.",
        "READ MORE: Why the storm hit the coast so hard.",
        "Related: Five things to know about the vote",
        "By John Smith",
        "Image copyright Reuters",
    ):
        assert is_page_furniture(line), line
    for sentence in (
        "Officials said: the spill was contained by evening.",
        "Update: police said two men were held overnight.",
        "Note: the figures are provisional and may change.",
        "The mayor resigned on Monday after the vote.",
        "By Friday the river had fallen below its banks.",
    ):
        assert not is_page_furniture(sentence), sentence


def test_quotations_and_first_person_lines_are_filler_reported_facts_are_not():
    assert is_quote_filler('"We are all along for the ride," he said.')
    assert is_quote_filler('Smith said: "We will fight this to the very end, whatever it takes."')
    assert is_quote_filler("I’m fortunate I was put into this position at a great club.")
    assert not is_quote_filler("Iran said on Monday it had seized the tanker.")
    assert not is_quote_filler('The minister called the plan "a mistake" before the vote on Tuesday.')


def test_candidates_skip_furniture_in_the_summary_and_among_the_next_best_sentences():
    body = (
        "The port authority closed the harbour on Monday after a chemical spill from a cargo ship.",
        "PREVIOUS: Harbour workers strike over pay and conditions.",
        '"We were lucky nobody was hurt in the incident today," the harbour master said.',
        "Fishing boats were told to stay in dock until water tests come back later this week.",
    )
    article = Article(id="a1", source="harbour.txt", title="Harbour closed", sentences=body)
    rows = np.eye(len(body), 8, dtype=np.float32)
    summary = Summary("a1", (SummarySentence(body[0], (0,)), SummarySentence(body[1], (1,))), "extractive", "x")
    vectors = [ArticleVectors(rows, rows[:2], rows[0])]
    texts = [c.text for c in candidates_of([0], [article], [summary], vectors)]
    assert texts == [body[0], body[3]]
