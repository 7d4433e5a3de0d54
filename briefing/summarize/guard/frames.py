"""The frames rule: a value changed inside a frame the article states.

A summary sentence and an article sentence share a *frame* when the same words stand on both sides of a slot: the
article's "... killed 12 people in the attack on ..." and the summary's "... killed 27 people in the attack on ...".
When the slot's fillers are of one kind (a number, a date, a name) and say different things, the article says the
other value in that very frame, and the reason says so: "the article says 'killed 12 people', not 'killed 27 people'".

Kinds come from the tokens alone (no parse): digits and number words (with their currency sign, scale word or
percent sign: "$5 million"), month and weekday names and years, runs of capitalised words (a capital that only
starts a sentence or a quote is no name when the article writes the word in lower case). A range's other end
("between 20 and 40") is no frame word, and the words hyphened to a number ("22-year-old") frame it only with a
frame word beyond them ("a two-month-old kitten", not "a 4-year-old"). Nothing is flagged when the summary's value
also stands in that frame somewhere in the article (also with a word between: "lost 63 House seats" says "lost 63
seats"), or when the two fillers are one value written differently ("12" / "twelve", "1.2m" / "1.2 million", "$5bn"
/ "5 billion dollars", a name and its surname, two parts of a name the article gives in full) or said less precisely
("1941" / "August 1941", "Tuesday" / "Tuesday night").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from briefing.summarize.guard.facts import MONTHS, NUMBER_UNITS, WEEKDAYS, ArticleFacts, Fact, sentence_facts
from briefing.summarize.guard.frame_tokens import MIN_CONTENT, Token, is_content, tokenize
from briefing.summarize.guard.negation_frames import negation_frame_problem

# A frame: this many words matched on each side of the slot, and this many in all (or one long side, for a slot
# that opens or closes the sentence), of which this many are content words (not "the", "of", "in").
MIN_SIDE = 1
MIN_BOTH = 3
MIN_ONE_SIDE = 5
MAX_SLOT = 4  # words in a filler: longer differences are rewordings, not a value swapped
SAME_FRAME = 2  # the summary's value next to this many of the frame's words in the article: said there too
NEAR = 3  # ... or the frame's content words on each side within this many words (one between: "lost 63 House seats")

_NUMBER_WORDS = (frozenset(NUMBER_UNITS) - {"zero"}) | {"hundred"}  # the counts a slot holds, as first written
_SCALES = frozenset("hundred thousand million billion trillion percent %".split())
_CURRENCY = frozenset("$£€¥")
_MONTHS = frozenset(MONTHS)
_WEEKDAYS = frozenset(WEEKDAYS)
_YEAR = re.compile(r"(?:19|20)\d\d")
# Capitalised words that name nothing on their own (a sentence's first word, a title's article).
_NOT_NAMES = frozenset(
    "a an the and or but if so as at by for from in into of on to with this that these those there here it its he "
    "she his her they their we our you your i my who what when where why how while after before since until all "
    "some any each every both no not mr mrs ms dr sir "
    # Interjections: "‘Okay, here’s CGI Federal" opens a quote with a capital that names no one.
    "ok okay yes yeah oh hey wow".split()
)
_CONNECTORS = frozenset("of de des di da del der van von bin ibn al el le la du".split())  # "Bank of England"


@dataclass(frozen=True)
class Slot:
    """A run of tokens of one kind: "$5 million", "March", "John Smith"."""

    start: int  # token indices, end excluded
    end: int
    kind: str  # "number" | "date" | "name"


def _core_kind(token: Token, lowercase_words: frozenset[str]) -> str | None:
    key = token.key
    if _YEAR.fullmatch(key) or key in _WEEKDAYS or (key in _MONTHS and token.text[:1].isupper()):
        return "date"
    if key[:1].isdigit() or key in _NUMBER_WORDS:
        return "number"
    if not token.text[:1].isupper() or key in _NOT_NAMES or key == "'s":
        return None
    if token.opens and key in lowercase_words:
        return None  # "Police said": a sentence's first word, written in lower case elsewhere
    return "name"


def slots(tokens: Sequence[Token], lowercase_words: frozenset[str]) -> list[Slot]:
    """The maximal runs of one kind; a number takes its currency sign, scale word and percent sign along."""
    found: list[Slot] = []
    i = 0
    while i < len(tokens):
        kind = _core_kind(tokens[i], lowercase_words)
        start = i
        if kind is None and tokens[i].key in _CURRENCY and i + 1 < len(tokens):
            kind = "number" if _core_kind(tokens[i + 1], lowercase_words) == "number" else None
            i += 1 if kind else 0
        if kind is None:
            i += 1
            continue
        i += 1
        while i < len(tokens):
            follower = _core_kind(tokens[i], lowercase_words)
            if follower == kind or (kind == "number" and tokens[i].key in _SCALES):
                i += 1
            elif (
                kind == "name"
                and tokens[i].key in _CONNECTORS
                and i + 1 < len(tokens)
                and _core_kind(tokens[i + 1], lowercase_words) == "name"
            ):
                i += 2
            else:
                break
        found.append(Slot(start, i, kind))
    return found


def _phrase(text: str, tokens: Sequence[Token], start: int, end: int) -> str:
    return text[tokens[start].start : tokens[end - 1].end]


@lru_cache(maxsize=65536)
def _same_value(kind: str, ours: str, theirs: str) -> bool:
    """One value written two ways: "12" / "twelve", "$5bn" / "5 billion dollars", "Smith" / "John Smith"; or a date
    said less precisely: "1941" / "August 1941", "August" / "12 August" (a subset of the other's words)."""
    if kind == "name":
        our_words = {w.removesuffix("'s") for w in ours.lower().split()}
        their_words = {w.removesuffix("'s") for w in theirs.lower().split()}
        return bool(our_words & their_words) or _alias(ours, theirs) or _alias(theirs, ours)
    if kind == "number":
        our_keys, their_keys = _number_keys(ours), _number_keys(theirs)
        return bool(our_keys & their_keys) or not our_keys or not their_keys
    our_date, their_date = _date_words(ours), _date_words(theirs)
    return our_date <= their_date or their_date <= our_date


def _date_words(phrase: str) -> frozenset[str]:
    """ "August 12th, 1941" -> {"august", "12", "1941"}."""
    return frozenset(re.sub(r"(?<=\d)(?:st|nd|rd|th)$", "", t.key.rstrip(",")) for t in tokenize(phrase))


@lru_cache(maxsize=16384)
def _number_keys(phrase: str) -> frozenset[str]:
    return frozenset(k for fact in sentence_facts(f"and {phrase}") if fact.kind == "number" for k in fact.keys)


def _alias(ours: str, theirs: str) -> bool:
    """ "RBS" for "Royal Bank of Scotland", "UK" for "Britain" (the fact check's aliases and initials)."""
    facts = _name_facts(ours)
    return bool(facts) and not any(_facts_of(theirs).missing(f) for f in facts)


@lru_cache(maxsize=16384)
def _name_facts(phrase: str) -> tuple[Fact, ...]:
    return tuple(sentence_facts(f"and {phrase}"))


@lru_cache(maxsize=16384)
def _facts_of(phrase: str) -> ArticleFacts:
    return ArticleFacts.of(f"and {phrase}")


@dataclass(frozen=True)
class Match:
    left: int  # words matched before the slot
    right: int  # ... and after it
    content: int  # content words among them
    sentence: int
    slot: Slot


def _match(ours: Sequence[Token], slot: Slot, theirs: Sequence[Token], other: Slot, sentence: int) -> Match:
    left = 0
    while slot.start - left > 0 and other.start - left > 0:
        if ours[slot.start - left - 1].key != theirs[other.start - left - 1].key:
            break
        left += 1
    right = 0
    while slot.end + right < len(ours) and other.end + right < len(theirs):
        if ours[slot.end + right].key != theirs[other.end + right].key:
            break
        right += 1
    before = [t.key for t in ours[slot.start - left : slot.start]]
    after = [t.key for t in ours[slot.end : slot.end + right]]
    # A range's other end is part of the value, not of its frame: "between 20 and 40" and "between 30 and 40" share
    # a preposition and a number, not what is counted ("20 and 40 years of age" / "30 and 40 wives").
    if slot.kind == "number" and after[:1] and after[0] in _RANGE_JOINS and after[1:2] and _is_number(after[1]):
        after = after[2:]
    if slot.kind == "number" and len(before) >= 2 and before[-1] in _RANGE_JOINS and _is_number(before[-2]):
        before = before[:-2]
    # The words hyphened to the number ("year old" of "22-year-old") are its unit: a frame of the unit alone, "a
    # 22-year-old engineer" against "a 4-year-old girl", frames any age; "a two-month-old kitten" has a word beyond.
    unit = 0
    while unit < right and ours[slot.end + unit].hyphened:
        unit += 1
    content = sum(1 for k in (*before, *after) if is_content(k))
    if unit and not any(is_content(k) for k in (*before, *after[unit:])):
        content = 0
    return Match(left, right, content, sentence, other)


_RANGE_JOINS = frozenset({"and", "to", "or"})


def _is_number(key: str) -> bool:
    return key[:1].isdigit() or key in _NUMBER_WORDS


def _loosely_in(ours: Sequence[Token], slot: Slot, frame: Match, theirs: Sequence[Token], other: Slot) -> bool:
    """Whether the article's slot `other` (of this sentence's value) stands in `frame` with a word or two between:
    on each side of the frame that has content words, the one next to the slot within `NEAR` words on that side of
    `other`, and `SAME_FRAME` of the frame's content words near it in all. "Obama's party lost 63 House seats" says
    the frame "lost _ seats in" of "lost 63 seats"; "UK finance minister Gordon Brown" says nothing of "the meeting,
    UK's finance minister, lashed out", nor "Time Warner's fourth quarter profits" of "... said fourth quarter"."""
    sides = (
        (
            [t.key for t in reversed(ours[slot.start - frame.left : slot.start])],
            theirs[max(0, other.start - NEAR) : other.start],
        ),
        ([t.key for t in ours[slot.end : slot.end + frame.right]], theirs[other.end : other.end + NEAR]),
    )
    shared = 0
    for words, near in sides:
        content = [word for word in words if is_content(word)]
        if not content:
            continue
        near_keys = {t.key for t in near}
        if content[0] not in near_keys:
            return False
        shared += len(set(content) & near_keys)
    return shared >= SAME_FRAME


def _is_frame(match: Match, slot: Slot, length: int) -> bool:
    """Enough of the same words on both sides; or on one side only, when the slot opens or closes the summary
    sentence (a highlight often starts where the article sentence's subject ends)."""
    if match.content < MIN_CONTENT:
        return False
    if match.left >= MIN_SIDE and match.right >= MIN_SIDE and match.left + match.right >= MIN_BOTH:
        return True
    return (match.right >= MIN_ONE_SIDE and slot.start == 0) or (match.left >= MIN_ONE_SIDE and slot.end == length)


@dataclass(frozen=True)
class Prepared:
    """An article's tokens, the words it writes in lower case, its slots, and the words of each name it gives in
    two words or more ("Alan Thicke"): once per article."""

    tokens: list[tuple[Token, ...]]
    lowercase: frozenset[str]
    slots: list[list[Slot]]
    full_names: frozenset[frozenset[str]]


@lru_cache(maxsize=64)
def _prepared(sentences: tuple[str, ...]) -> Prepared:
    articles = [tokenize(sentence) for sentence in sentences]
    lowercase = frozenset(t.key for tokens in articles for t in tokens if t.text.islower())
    found = [slots(tokens, lowercase) for tokens in articles]
    full_names = frozenset(
        words
        for sentence, tokens, found_slots in zip(sentences, articles, found, strict=True)
        for slot in found_slots
        if slot.kind == "name" and len(words := _name_words(_phrase(sentence, tokens, slot.start, slot.end))) >= 2
    )
    return Prepared(articles, lowercase, found, full_names)


def _name_words(phrase: str) -> frozenset[str]:
    return frozenset(w.removesuffix("'s").removesuffix("’s") for w in phrase.lower().split())


def _one_name(ours: str, theirs: str, full_names: frozenset[frozenset[str]]) -> bool:
    """ "Thicke" and "Alan" where the article says "Alan Thicke": two parts of one name, one person."""
    both = _name_words(ours) | _name_words(theirs)
    return any(both <= name for name in full_names)


def frame_problem(text: str, article_sentences: Sequence[str]) -> str | None:
    """A value changed (or a denial inserted or removed) inside a frame an article sentence states, as a reason."""
    return value_frame_problem(text, article_sentences) or negation_frame_problem(text, article_sentences)


def value_frame_problem(text: str, article_sentences: Sequence[str]) -> str | None:
    """The first value of this sentence that an article sentence's frame fills with another value of its kind (and
    no article sentence fills with this one), as a reason for the reader."""
    ours = tokenize(text)
    if not ours or not article_sentences:
        return None
    prepared = _prepared(tuple(article_sentences))
    articles = prepared.tokens
    own = slots(ours, prepared.lowercase)
    for slot in own:
        if slot.end - slot.start > MAX_SLOT:
            continue
        value = _phrase(text, ours, slot.start, slot.end)
        # "LPAC, a pro-LGBT Super PAC, launched": a filler this sentence names too is no other value.
        others = [_phrase(text, ours, o.start, o.end) for o in own if o.kind == slot.kind == "name" and o != slot]
        matches = [
            _match(ours, slot, tokens, other, index)
            for index, (tokens, found) in enumerate(zip(articles, prepared.slots, strict=True))
            for other in found
            if other.kind == slot.kind
        ]
        filler = {
            id(m): _phrase(article_sentences[m.sentence], articles[m.sentence], m.slot.start, m.slot.end)
            for m in matches
        }
        same = [m for m in matches if _same_value(slot.kind, value, filler[id(m)])]
        if any(m.left + m.right >= SAME_FRAME for m in same):
            continue  # the article says this value in this frame (too)
        mentioned = {m.sentence for m in same}  # "for Real Madrid or Barcelona": the sentence has both
        frames = [
            m
            for m in matches
            if m.sentence not in mentioned
            and m.slot.end - m.slot.start <= MAX_SLOT
            and _is_frame(m, slot, len(ours))
            and not any(_same_value(slot.kind, filler[id(m)], mine) for mine in others)
            and not (slot.kind == "name" and _one_name(value, filler[id(m)], prepared.full_names))
            and not any(_loosely_in(ours, slot, m, articles[s.sentence], s.slot) for s in same)
        ]
        if not frames:
            continue
        best = max(frames, key=lambda m: (m.left + m.right, m.content))
        tokens = articles[best.sentence]
        theirs = _quote(article_sentences[best.sentence], tokens, best.slot, best.left, best.right)
        mine = _quote(text, ours, slot, best.left, best.right)
        return f"the article says '{theirs}', not '{mine}'"
    return None


def _quote(text: str, tokens: Sequence[Token], slot: Slot, left: int, right: int) -> str:
    """The slot with a word of its frame on each side, as written (not across punctuation: "said Smith", not
    "said Smith, the")."""
    start, end = slot.start, slot.end
    while end < min(len(tokens), slot.end + right) and tokens[end].hyphened:
        end += 1  # "a 4-year-old girl", not "a 4"
    if left and not text[tokens[start - 1].end : tokens[start].start].strip():
        start -= 1
    if right and end < len(tokens) and not text[tokens[end - 1].end : tokens[end].start].strip():
        end += 1  # (the unit may end the sentence: "... a 22-year-old")
    return _phrase(text, tokens, start, end)
