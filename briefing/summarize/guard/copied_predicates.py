"""The copied-predicate rule: a coordinated clause that repeats an article sentence's predicate word for word, said of
someone the article does not say it of.

"Police arrested two men, and the mayor was questioned by detectives for six hours." where the article says "The
driver was questioned by detectives for six hours": the clause after ", and" is the article's predicate ("was
questioned by detectives for six hours") word for word, and its subject ("the mayor") is neither that sentence's
subject nor anyone that sentence mentions. The reason names both: "the article says 'was questioned by detectives
for six hours' of 'the driver', not of 'the mayor'".

Reads only the words (no parse): the clause is what follows a comma (or semicolon) and "and"; its subject is its
first words, its predicate the rest of the sentence, the longest rest found in an article sentence (at least
`MIN_PREDICATE` words, `MIN_PREDICATE_CONTENT` of them content words). Nothing is flagged when any article sentence
that says the predicate also mentions one of the subject's content words ("Smith" for "John Smith", "United" for
"Manchester United"), when the article's subject there is a pronoun or missing (whom "he" stands for is not in the
sentence), or when the clause's subject has no content word ("the", "it").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from briefing.summarize.guard.frame_tokens import Token, is_content, tokenize

MIN_PREDICATE = 4  # words of a predicate copied from the article: shorter ones ("was arrested") are too common
MIN_PREDICATE_CONTENT = 2  # ... of which content words (not "the", "of", "was")
MAX_SUBJECT = 20  # words of a clause's subject ("the former Manchester United striker")
# Words that stand for someone the sentence does not name: the article's subject is then unknown here.
_STAND_INS = frozenset("he she it they we i you who which that this these those one him her them his its their".split())
_CLAUSE_OPENERS = frozenset(",;")
# Words that make no predicate of their own: "said it would" is in too many sentences to be copied from one.
_GENERIC = frozenset("said says say told would will could can may might also not no just so then there".split())
# Titles and words every name may stand next to: "Mr Fox" and "Mrs Howard" are not one person.
_TITLES = frozenset("mr mrs ms miss dr sir lord lady prof professor the of and 's".split())
QUOTED = 10  # words of the article's subject quoted in the reason
HEAD_WORDS = 2  # the first words of the article's subject that may be its head ("mark boase")
NEAR = 2  # a word of our subject this close to a word of theirs in an article sentence: one person, two names


@dataclass(frozen=True)
class _Sentence:
    keys: tuple[str, ...]
    joined: str  # " w1 w2 ... " for word-for-word lookups
    text: str


@lru_cache(maxsize=4096)
def _prepared(text: str) -> _Sentence:
    keys = tuple(t.key for t in tokenize(text))
    return _Sentence(keys, f" {' '.join(keys)} ", text)


def _clause_starts(text: str, tokens: Sequence[Token]) -> list[int]:
    """Token indices of the words after ", and" (or "; and")."""
    starts = []
    for index in range(1, len(tokens) - 1):
        # The comma may be in the gap or glued to a number before it ("won 6-1, and": the token is "1,").
        gap = text[tokens[index - 1].end - 1 : tokens[index].start]
        if tokens[index].key == "and" and any(c in _CLAUSE_OPENERS for c in gap):
            starts.append(index + 1)
    return starts


def copied_predicate_problem(text: str, article_sentences: Sequence[str]) -> str | None:
    """The reason when a clause of `text` copies an article sentence's predicate of another subject, else None."""
    tokens = tokenize(text)
    sentences = [_prepared(s) for s in article_sentences]
    for start in _clause_starts(text, tokens):
        reason = _clause_problem(text, tokens, start, sentences)
        if reason:
            return reason
    return None


def _clause_problem(text: str, tokens: Sequence[Token], start: int, sentences: Sequence[_Sentence]) -> str | None:
    """The clause from `start` to the end: its subject is its first words, the longest rest the article says."""
    rest = [t.key for t in tokens[start:]]
    # Every predicate tried ends in the clause's last words: only the sentences that have them can hold one.
    tail = f" {' '.join(rest[-MIN_PREDICATE:])} "
    candidates = [s for s in sentences if tail in s.joined]
    if not candidates:
        return None
    for size in range(1, min(MAX_SUBJECT, len(rest) - MIN_PREDICATE) + 1):
        subject, predicate = rest[:size], rest[size:]
        if sum(is_content(w) and w not in _GENERIC for w in predicate) < MIN_PREDICATE_CONTENT:
            return None  # shorter predicates hold fewer content words still
        key = f" {' '.join(predicate)} "
        holders = [s for s in candidates if key in s.joined]
        if not holders:
            continue
        ours = [w for w in subject if is_content(w) and w not in _STAND_INS]
        if not ours:
            return None
        subjects = []
        for holder in holders:
            before = _words_before(holder, key)
            if not before or before[-1] in _STAND_INS or any(w in before for w in ours):
                return None  # said of this subject, or of someone the sentence does not name
            if _named_together(ours, before, sentences):
                return None  # "pub landlord Mark Boase": the article gives both names to one person
            subjects.append(before)
        said = _as_written(text, tokens[start + size :])
        mine = _as_written(text, tokens[start : start + size])
        return f"the article says '{said}' of '{_subject_quote(holders[0].text, len(subjects[0]))}', not of '{mine}'"
    return None


def _as_written(text: str, tokens: Sequence[Token]) -> str:
    return text[tokens[0].start : tokens[-1].end]


def _subject_quote(text: str, count: int) -> str:
    """The article sentence's first `count` words as written (at most `QUOTED` of them)."""
    tokens = tokenize(text)[: min(count, QUOTED)]
    return _as_written(text, tokens) + ("…" if count > QUOTED else "")


def _named_together(ours: Sequence[str], before: Sequence[str], sentences: Sequence[_Sentence]) -> bool:
    """Whether some article sentence puts our subject's head word (its last word but a title) within `NEAR` words
    of the head of the article's subject (the first words of the sentence before the predicate): "pub landlord
    Mark Boase" where we say "the pub landlord" and the article's sentence "Boase, who has two previous
    convictions, said"."""
    heads = [w for w in ours if w not in _TITLES]
    theirs = {w for w in before if is_content(w) and w not in _TITLES and w not in _STAND_INS}
    theirs = set(list(dict.fromkeys(w for w in before if w in theirs))[:HEAD_WORDS]) - set(ours)
    if not heads or not theirs:
        return False
    head = heads[-1]
    for sentence in sentences:
        at_mine = [i for i, w in enumerate(sentence.keys) if w == head]
        if at_mine and any(abs(i - j) <= NEAR for j, w in enumerate(sentence.keys) if w in theirs for i in at_mine):
            return True
    return False


def _words_before(sentence: _Sentence, key: str) -> list[str]:
    """The article sentence's words before the predicate's first occurrence."""
    at = sentence.joined.index(key)
    return sentence.joined[:at].split()
