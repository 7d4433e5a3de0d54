"""The copied-predicate and added-phrase rules (`guard/copied_predicates.py`, `guard/added_phrases.py`): clauses
copied from the article with another subject, and closing phrases the article never says."""

from __future__ import annotations

from typing import Any

import pytest

from briefing.summarize.guard.added_phrases import added_phrase_problem, closing_phrase
from briefing.summarize.guard.copied_predicates import copied_predicate_problem
from briefing.summarize.guard.denied_events import denied_event_problem
from briefing.summarize.guard.frames import frame_problem
from briefing.summarize.guard.rule_words import WORD
from briefing.summarize.guard.rules import PARSE_RULES, RULES
from briefing.summarize.guard.structure import load_parser_model, parse_structures

ARTICLE = (
    "Police arrested two men after the robbery in the city centre on Friday.",
    "The driver was questioned by detectives for six hours on Saturday.",
    "Mark Boase, who has two previous convictions for drink driving, said he would never drink again.",
    "Pub landlord Mark Boase was banned from driving for three years.",
    "He was taken to a local hospital with serious head injuries.",
    "John Smith scored twice in the second half to win the match for the club.",
)


def said(sentences: tuple[str, ...]) -> str:
    """The article's words as `ArticleEvidence.said` joins them."""
    return " ".join(" ".join(WORD.findall(sentence.lower())) for sentence in sentences)


def test_a_predicate_copied_word_for_word_of_another_subject_is_flagged() -> None:
    summary = "Police arrested two men, and the mayor was questioned by detectives for six hours on Saturday."
    assert copied_predicate_problem(summary, ARTICLE) == (
        "the article says 'was questioned by detectives for six hours on Saturday' of 'The driver', not of 'the mayor'"
    )


@pytest.mark.parametrize(
    "summary",
    [
        # The article's own subject, or a part of its name.
        "Police arrested two men, and the driver was questioned by detectives for six hours on Saturday.",
        "The club won, and Smith scored twice in the second half to win the match for the club.",
        # Whom "he" stands for is not in the article's sentence: unknown, not someone else.
        "Police arrested two men, and the driver was taken to a local hospital with serious head injuries.",
        # Another name the article gives the same man ("Pub landlord Mark Boase").
        "Boase was banned from driving, and the pub landlord said he would never drink again.",
        # Too short a predicate to be taken from one sentence; no ", and" clause at all.
        "Police arrested two men, and the mayor said he would.",
        "The mayor was questioned by detectives for six hours on Saturday.",
        # A subject without a word of its own.
        "Police arrested two men, and it was questioned by detectives for six hours on Saturday.",
    ],
)
def test_a_clause_said_of_its_own_subject_or_of_no_one_named_is_no_problem(summary: str) -> None:
    assert copied_predicate_problem(summary, ARTICLE) is None


def test_a_phrase_the_article_never_speaks_of_is_flagged() -> None:
    summary = "Police arrested two men on Friday, despite warnings issued earlier in the year."
    assert closing_phrase(summary) == "despite warnings issued earlier in the year"
    assert added_phrase_problem(summary, said(ARTICLE)) == (
        "the article does not say 'despite warnings issued earlier in the year' (its words despite, warnings, "
        "issued are not in it)"
    )


@pytest.mark.parametrize(
    "summary",
    [
        "Police arrested two men, the driver was questioned by detectives.",  # the article's words
        "Police arrested two men on Friday, police said.",  # too short to claim on its own
        "Police arrested two men on Friday, but were the warnings issued too late?",  # a question
        "Police arrested two men after the robbery in the city centre on Friday.",  # no closing phrase
        "On Friday, police arrested two men after the robbery.",  # an opening phrase: the head is too short
    ],
)
def test_a_phrase_in_the_articles_words_is_no_problem(summary: str) -> None:
    assert added_phrase_problem(summary, said(ARTICLE)) is None


def test_half_the_words_new_flags_and_fewer_do_not() -> None:
    # Of "despite warnings issued earlier year", 3 of 5 new: flagged; once the article speaks of warnings, 2 of 5.
    article = (*ARTICLE, "Earlier this year the city had its worst year for crime.")
    assert added_phrase_problem("Police arrested two men, despite warnings issued earlier in the year.", said(article))
    article = (*article, "The warnings were ignored.")
    assert not added_phrase_problem(
        "Police arrested two men, despite warnings issued earlier in the year.", said(article)
    )


def test_the_word_rules_read_no_parse() -> None:
    assert {"copied_predicate", "added_phrase", "denied_event"} <= set(RULES)
    assert not {"copied_predicate", "added_phrase"} & PARSE_RULES
    assert "denied_event" in PARSE_RULES


@pytest.fixture(scope="module")
def parser() -> Any:
    nlp = load_parser_model()
    assert nlp is not None, "spaCy's en_core_web_sm is a core dependency"
    return nlp


def denied(parser: Any, sentence: str, window: list[str]) -> str | None:
    structure, *window_structures = parse_structures(parser, [sentence, *window])
    return denied_event_problem(structure, window_structures)


def test_a_denied_event_the_best_match_tells_undenied_is_flagged(parser: Any) -> None:
    window = ["Scans revealed a grade two hamstring tear that will keep the striker out for a month."]
    reason = denied(parser, "Gomis did not suffer a grade two hamstring tear.", window)
    assert reason == "the article tells of 'grade two hamstring tear' without 'did not suffer'"


@pytest.mark.parametrize(
    ("sentence", "window"),
    [
        # The best match denies something too: left to negation parity.
        ("Gomis did not suffer a grade two hamstring tear.", ["Scans did not reveal a grade two hamstring tear."]),
        # ... or the second best does.
        (
            "Gomis did not suffer a grade two hamstring tear.",
            ["Scans revealed a grade two hamstring tear.", "He has never been injured before."],
        ),
        # "not until": when, not whether.
        (
            "He did not take up writing professionally until his mid thirties.",
            ["He took up writing professionally in his mid thirties."],
        ),
        # A denied ability sums up an outcome.
        ("Gomis could not shake off a grade two hamstring tear.", ["Scans revealed a grade two hamstring tear."]),
        # Too few of the event's words in the article sentence.
        ("Gomis did not suffer a tear.", ["Scans revealed a grade two hamstring tear."]),
        # A question denies nothing.
        ("Did Gomis not suffer a grade two hamstring tear?", ["Scans revealed a grade two hamstring tear."]),
    ],
)
def test_a_denial_the_article_shares_or_that_tells_no_event_is_no_problem(
    parser: Any, sentence: str, window: list[str]
) -> None:
    assert denied(parser, sentence, window) is None


def test_a_frame_that_ends_the_sentence_in_a_hyphened_value_is_quoted() -> None:
    # The quote ran past the last token ("22-year-old" closing the sentence) and raised IndexError.
    article = ("The police said the victim was a quiet and well liked 22-year-old.",)
    summary = "Police said the victim was a quiet and well liked 23-year-old."
    assert frame_problem(summary, article) == "the article says 'liked 22-year-old', not 'liked 23-year-old'"
