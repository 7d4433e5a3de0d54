"""The bottom line up front: one line per leading story, its lead fact with its citation.

The line is the story's best stand-alone sentence (ranking.best_sentence) when it has at most BULLET_MAX_WORDS
words, else that sentence compressed to its main clause (deletion only, briefing.clean.headline), so it stays
something the cited article says; with the run's spaCy parser (the parse the headlines use, stored), the cut falls
where the parse says a phrase is complete, else at a rule-based boundary. The story then leaves that sentence out
and starts with what the bottom line did not say; a story with nothing else to say keeps its one sentence, and its
bottom line is then the compressed form, so the reader never meets the same sentence twice in a row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.clean.headline import Parse, headline_from_sentence
from briefing.compose.ranking import BULLET_MAX_WORDS, DraftStory, best_sentence, bottom_line_stories
from briefing.compose.story_summary import DraftSentence

ONLY_SENTENCE_WORDS = 20  # the bottom line of a one-sentence story: that sentence's main clause, at most this long


@dataclass(frozen=True)
class BottomLineItem:
    story: DraftStory
    text: str
    sentence: DraftSentence  # the story sentence it was taken from (left out of the story's own bullets)
    story_sentences: tuple[DraftSentence, ...]  # what the story shows below its headline


def bottom_line(full: Sequence[DraftStory], parse: Parse | None = None) -> list[BottomLineItem]:
    """`parse`: the headlines' spaCy parse (compose.headlines.headline_parse), so a long sentence is cut where a
    phrase is complete; without it the rule-based cut."""
    items = []
    for story in bottom_line_stories(full):
        best = best_sentence(story)
        if best is None:
            continue
        rest = tuple(s for s in story.sentences if s is not best)
        text = best.text
        if len(text.split()) > BULLET_MAX_WORDS:
            text = _as_line(headline_from_sentence(text, BULLET_MAX_WORDS, parse)) or text
        if not rest:
            text = _as_line(headline_from_sentence(best.text, ONLY_SENTENCE_WORDS, parse)) or text
            rest = story.sentences
        items.append(BottomLineItem(story, text, best, rest))
    return items


# A quotation that opens in the cut and does not close there: "…stabbed to death, 'I want her gone".
_UNCLOSED_QUOTE = re.compile(r"[,;:—–-]?\s+(?:“[^”]*|\"[^\"]*|'(?![st]\b)[^']*|‘[^’]*)$")
MIN_LINE_WORDS = 6  # what must be left when an unclosed quotation is cut off


def _as_line(clause: str) -> str:
    """The cut clause as a line: a quotation it opens but does not close is left out, and it ends on a stop."""
    match = _UNCLOSED_QUOTE.search(clause)
    if match and len(clause[: match.start()].split()) >= MIN_LINE_WORDS:
        clause = clause[: match.start()].rstrip(" ,;:")
    return clause + "." if clause and clause[-1] not in ".!?\"'”’" else clause
