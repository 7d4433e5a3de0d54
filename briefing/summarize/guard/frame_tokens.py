"""The words of a sentence as the frames rules read them (`frames.py`, `negation_frames.py`): each with its
offsets (to quote it as written) and whether its capital says anything (a sentence's or a quote's first word)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MIN_CONTENT = 2  # content words (not in STOP_WORDS) a frame needs around its slot or denial

_TOKEN = re.compile(r"[$£€¥%]|\d[\d,]*(?:\.\d+)?[^\W_]*|['’]s\b|[^\W\d_]+(?:['’](?!s\b)[^\W\d_]+)*")
_OPENERS = frozenset(".!?\"“”‘'(:;—–-")
STOP_WORDS = frozenset(
    "a an the and or but of to in on at for with by from as is are was were be been it its this that he she they "
    "his her their has have had 's".split()
)


def is_content(key: str) -> bool:
    """A word that says what a value or a denial is about (not a function word)."""
    return key not in STOP_WORDS


@dataclass(frozen=True)
class Token:
    text: str  # as written
    key: str  # lowercased, for matching
    start: int  # character offsets in the sentence, for quoting it
    end: int
    opens: bool  # first word of the sentence or of a quote: its capital says nothing
    hyphened: bool = False  # joined to the previous token by a hyphen: "year" in "22-year-old"


@lru_cache(maxsize=8192)
def tokenize(text: str) -> tuple[Token, ...]:
    tokens: list[Token] = []
    previous = 0
    for match in _TOKEN.finditer(text):
        gap = text[previous : match.start()]
        opens = not tokens or any(c in _OPENERS for c in gap)
        hyphened = bool(tokens) and gap == "-"
        tokens.append(Token(match.group(0), match.group(0).lower(), match.start(), match.end(), opens, hyphened))
        previous = match.end()
    return tuple(tokens)
