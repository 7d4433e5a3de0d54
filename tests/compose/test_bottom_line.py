"""The bottom line: a sentence that stands alone, cut where its parse says a phrase is complete."""

from __future__ import annotations

import numpy as np
import pytest

from briefing.compose.bottom_line import bottom_line
from briefing.compose.ranking import BULLET_MAX_WORDS, DraftStory, best_sentence, leans_as_a_line
from briefing.compose.story_summary import DraftSentence
from briefing.summarize.sentence_features import leans_on_context

LEANING = [
    "One testified that he considered her to be his girlfriend during their yearlong tryst.",
    "The two were arrested at the border on Friday.",
    "The former first lady said she had no regrets.",
    "The 46-year-old recently offered to 'tweet anything' for people who pay him.",
    "The man, 45, was jailed for six years.",
    "Both men deny the charges.",
    "Mr Smith said the plan would go ahead.",
    "Meanwhile, prices kept rising across the region.",
    '"He was the best advertisement for gun control you could wish for," Morgan told POLITICO.',
    "You can add location information to your Tweets.",
]
STANDING = [
    "Three men accused of being agents of the Syrian government have been executed, Islamic State has claimed.",
    "The 25-year-old cousin of Princes William and Harry was seen texting in Manhattan.",
    "The man who shot a police officer in Dallas was jailed for life on Friday.",
    "One person was killed when a gas pipe exploded in Leeds.",
    "One of the world's richest men has died at 91.",
    "Dr Anthony Fauci said the vaccine was safe.",
    "The Supreme Court ruled that the law was unconstitutional.",
    "In a new memo, Romney pollster Neil Newhouse argues that unemployment decides the race.",
]


@pytest.mark.parametrize("sentence", LEANING)
def test_a_sentence_that_points_back_without_a_pronoun_leans_as_a_line(sentence: str) -> None:
    assert leans_as_a_line(sentence)


@pytest.mark.parametrize("sentence", STANDING)
def test_a_sentence_that_says_who_it_is_about_stands_as_a_line(sentence: str) -> None:
    assert not leans_as_a_line(sentence)


def test_the_wider_check_is_the_bottom_lines_alone() -> None:
    # The scorer's feature and the story bullets keep the narrower check: "The two were…" is a fine second bullet.
    assert not leans_on_context(LEANING[1]) and not leans_on_context(LEANING[0])


def story(*sentences: DraftSentence) -> DraftStory:
    return DraftStory("s", (0,), "h", sentences, centroid=np.zeros(3))


def test_the_bottom_line_skips_a_higher_scored_sentence_that_leans_on_context() -> None:
    leaning = DraftSentence(LEANING[0], (0,), False, 0.9)
    alone = DraftSentence("A girl of 14 conspired with her boyfriend to have her mother killed.", (0,), False, 0.5)
    assert best_sentence(story(leaning, alone)) == alone
    assert best_sentence(story(leaning)) == leaning  # better a line that leans than none


LONG = (
    "ATHENS (Reuters) - Political leaders in Greece have agreed on most of the austerity measures demanded by its "
    "creditors and are now eyeing pension and wage cuts to find the final 1.5 billion euros of savings still needed, "
    "a source close to the talks said on Sunday."
)


@pytest.fixture(scope="module")
def parse(headline_parser):
    return headline_parser[0]


def test_a_long_bottom_line_is_cut_where_its_parse_says_a_phrase_is_complete(parse) -> None:
    draft = story(
        DraftSentence(LONG, (0,), False, 0.9), DraftSentence("They resume talks on Monday.", (0,), False, 0.1)
    )
    parsed = bottom_line([draft], parse)[0].text
    ruled = bottom_line([draft])[0].text
    assert len(parsed.split()) <= BULLET_MAX_WORDS and parsed.endswith(".")
    assert parsed.replace(".", "") in LONG  # compression only deletes: a prefix of the sentence's main clause
    # The rule-based cut stops at the first modifier ("…measures demanded"); the parse keeps the whole main clause.
    assert parsed.startswith(ruled.rstrip(".")) and len(parsed) > len(ruled)
    assert "pension and wage cuts" in parsed


QUOTED = (
    "A 14-year-old Pennsylvania girl allegedly conspired with her 20-year-old soldier boyfriend to have her mother "
    "killed, texting him hours before the woman was stabbed to death, 'I want her gone,' it emerged today."
)


def test_a_cut_line_leaves_out_a_quotation_it_opens_but_does_not_close(parse) -> None:
    lines = bottom_line(
        [story(DraftSentence(QUOTED, (0,), False, 0.9), DraftSentence("They deny it.", (0,), False, 0.1))], parse
    )
    assert lines[0].text.endswith("before the woman was stabbed to death."), lines[0].text
    assert "'" not in lines[0].text and len(lines[0].text.split()) <= BULLET_MAX_WORDS
