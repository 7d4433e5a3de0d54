"""The frames rule: a value changed inside a frame the article states.

A summary sentence and an article sentence share a *frame* when the same words stand on both sides of a slot: the
article's "... killed 12 people in the attack on ..." and the summary's "... killed 27 people in the attack on ...".
When the slot's fillers are of one kind (a number, a date, a name) and say different things, the article says the
other value in that very frame, and the reason says so: "the article says 'killed 12 people', not 'killed 27 people'".

Kinds come from the tokens alone (no parse): digits and number words (with their currency sign, scale word or
percent sign: "$5 million"), month and weekday names and years, runs of capitalised words (a capital that only
starts a sentence or a quote is no name when the article writes the word in lower case). Nothing is flagged when
the summary's value also stands in that frame somewhere in the article, or when the two fillers are one value
written differently ("12" / "twelve", "1.2m" / "1.2 million", "$5bn" / "5 billion dollars", a name and its surname).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from briefing.summarize.guard.facts import MONTHS, NUMBER_UNITS, WEEKDAYS, ArticleFacts, Fact, sentence_facts

# A frame: this many words matched on each side of the slot, and this many in all (or one long side, for a slot
# that opens or closes the sentence), of which this many are content words (not "the", "of", "in").
MIN_SIDE = 1
MIN_BOTH = 3
MIN_ONE_SIDE = 5
MIN_CONTENT = 2
MAX_SLOT = 4  # words in a filler: longer differences are rewordings, not a value swapped
SAME_FRAME = 2  # the summary's value next to this many of the frame's words in the article: said there too

_TOKEN = re.compile(r"[$£€¥%]|\d[\d,]*(?:\.\d+)?[^\W_]*|['’]s\b|[^\W\d_]+(?:['’](?!s\b)[^\W\d_]+)*")
_OPENERS = frozenset(".!?\"“”‘'(:;—–-")
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
    "some any each every both no not mr mrs ms dr sir".split()
)
_CONNECTORS = frozenset("of de des di da del der van von bin ibn al el le la du".split())  # "Bank of England"
_STOP = frozenset(
    "a an the and or but of to in on at for with by from as is are was were be been it its this that he she they "
    "his her their has have had 's".split()
)


@dataclass(frozen=True)
class Token:
    text: str  # as written
    key: str  # lowercased, for matching
    start: int  # character offsets in the sentence, for quoting it
    end: int
    opens: bool  # first word of the sentence or of a quote: its capital says nothing


@dataclass(frozen=True)
class Slot:
    """A run of tokens of one kind: "$5 million", "March", "John Smith"."""

    start: int  # token indices, end excluded
    end: int
    kind: str  # "number" | "date" | "name"


@lru_cache(maxsize=8192)
def tokenize(text: str) -> tuple[Token, ...]:
    tokens: list[Token] = []
    previous = 0
    for match in _TOKEN.finditer(text):
        gap = text[previous : match.start()]
        opens = not tokens or any(c in _OPENERS for c in gap)
        tokens.append(Token(match.group(0), match.group(0).lower(), match.start(), match.end(), opens))
        previous = match.end()
    return tuple(tokens)


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
    """One value written two ways: "12" / "twelve", "$5bn" / "5 billion dollars", "Smith" / "John Smith"."""
    if kind == "name":
        our_words = {w.removesuffix("'s") for w in ours.lower().split()}
        their_words = {w.removesuffix("'s") for w in theirs.lower().split()}
        return bool(our_words & their_words) or _alias(ours, theirs) or _alias(theirs, ours)
    if kind == "number":
        our_keys, their_keys = _number_keys(ours), _number_keys(theirs)
        return bool(our_keys & their_keys) or not our_keys or not their_keys
    return ours.lower() == theirs.lower()


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
    context = [t.key for t in (*ours[slot.start - left : slot.start], *ours[slot.end : slot.end + right])]
    return Match(left, right, sum(1 for k in context if k not in _STOP), sentence, other)


def _is_frame(match: Match, slot: Slot, length: int) -> bool:
    """Enough of the same words on both sides; or on one side only, when the slot opens or closes the summary
    sentence (a highlight often starts where the article sentence's subject ends)."""
    if match.content < MIN_CONTENT:
        return False
    if match.left >= MIN_SIDE and match.right >= MIN_SIDE and match.left + match.right >= MIN_BOTH:
        return True
    return (match.right >= MIN_ONE_SIDE and slot.start == 0) or (match.left >= MIN_ONE_SIDE and slot.end == length)


@lru_cache(maxsize=64)
def _prepared(
    sentences: tuple[str, ...],
) -> tuple[list[tuple[Token, ...]], frozenset[str], list[list[Slot]]]:
    """An article's tokens, the words it writes in lower case, and its slots: once per article."""
    articles = [tokenize(sentence) for sentence in sentences]
    lowercase = frozenset(t.key for tokens in articles for t in tokens if t.text.islower())
    return articles, lowercase, [slots(tokens, lowercase) for tokens in articles]


def frame_problem(text: str, article_sentences: Sequence[str]) -> str | None:
    """A value changed (or a denial inserted or removed) inside a frame an article sentence states, as a reason."""
    return value_frame_problem(text, article_sentences) or negation_frame_problem(text, article_sentences)


def value_frame_problem(text: str, article_sentences: Sequence[str]) -> str | None:
    """The first value of this sentence that an article sentence's frame fills with another value of its kind (and
    no article sentence fills with this one), as a reason for the reader."""
    ours = tokenize(text)
    if not ours or not article_sentences:
        return None
    articles, lowercase, theirs_slots = _prepared(tuple(article_sentences))
    own = slots(ours, lowercase)
    for slot in own:
        if slot.end - slot.start > MAX_SLOT:
            continue
        value = _phrase(text, ours, slot.start, slot.end)
        # "LPAC, a pro-LGBT Super PAC, launched": a filler this sentence names too is no other value.
        others = [_phrase(text, ours, o.start, o.end) for o in own if o.kind == slot.kind == "name" and o != slot]
        matches = [
            _match(ours, slot, tokens, other, index)
            for index, (tokens, found) in enumerate(zip(articles, theirs_slots, strict=True))
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
    if left and not text[tokens[start - 1].end : tokens[start].start].strip():
        start -= 1
    if right and not text[tokens[end - 1].end : tokens[end].start].strip():
        end += 1
    return _phrase(text, tokens, start, end)


# Negation in a copied span: "he was not apparently well enough to sign" where the article says "he was apparently
# well enough to sign" (or the reverse). Contractions are spelt out first, so "wasn't" meets "was not".
NEGATION_SIDE = 2  # words of the frame on each side of the denial
_NEGATORS = frozenset({"not", "never"})
_HELPERS = frozenset({"do", "does", "did"})  # "did not escape" for the article's "escaped"
_CONTRACTED = {"won't": ("will", "not"), "can't": ("can", "not"), "cannot": ("can", "not"), "shan't": ("shall", "not")}


@lru_cache(maxsize=8192)
def polarity_keys(text: str) -> tuple[str, ...]:
    """The sentence's words, lowercased, contractions spelt out: "didn't" -> "did", "not"."""
    keys: list[str] = []
    for token in tokenize(text):
        key = token.key.replace("’", "'")
        if key in _CONTRACTED:
            keys.extend(_CONTRACTED[key])
        elif key.endswith("n't") and len(key) > 3:
            keys.extend((key[:-3], "not"))
        else:
            keys.append(key)
    return tuple(keys)


@lru_cache(maxsize=64)
def _said(sentences: tuple[str, ...]) -> str:
    """Every article sentence's polarity keys, one sentence between bars: " a b c | d e f "."""
    return " " + " | ".join(" ".join(polarity_keys(sentence)) for sentence in sentences) + " "


def _content(words: Sequence[str]) -> int:
    return sum(1 for word in words if word not in _STOP)


def negation_frame_problem(text: str, article_sentences: Sequence[str]) -> str | None:
    """A denial inserted into (or taken out of) words an article sentence says, with no article sentence saying
    them this sentence's way."""
    if not article_sentences or text.rstrip(" '\"’”").endswith("?"):
        return None  # a question denies nothing
    ours = polarity_keys(text)
    said = _said(tuple(article_sentences))
    side = NEGATION_SIDE
    for at, key in enumerate(ours):
        if key not in _NEGATORS:
            continue
        start = at - 1 if at and ours[at - 1] in _HELPERS else at
        left, right = ours[max(0, start - side) : start], ours[at + 1 : at + 1 + side]
        if len(left) < side or len(right) < side or _content([*left, *right]) < MIN_CONTENT:
            continue
        if f" {' '.join(ours[start - side : at + 1 + side])} " in said:
            continue  # the article says it with the denial too
        if start == at:
            theirs = f"{' '.join(left)} {' '.join(right)}"
            found = f" {theirs} " in said
        else:  # "did not escape prosecution": the article's verb is "escaped", "escapes"
            stem = right[0][:-1] if right[0].endswith("e") else right[0]
            pattern = rf" {re.escape(' '.join(left))} ([^\s|]+) {re.escape(' '.join(right[1:]))} "
            match = re.search(pattern, said)
            found = match is not None and len(stem) >= 3 and match.group(1).startswith(stem)
            theirs = f"{' '.join(left)} {match.group(1)} {' '.join(right[1:])}" if match else ""
        if found:
            return f"the article says '{theirs}', not '{' '.join(ours[start - side : at + 1 + side])}'"
    mine = f" {' '.join(ours)} "
    for sentence in article_sentences:
        theirs_keys = polarity_keys(sentence)
        for at, key in enumerate(theirs_keys):
            if key not in _NEGATORS or at < side:
                continue
            left, right = theirs_keys[at - side : at], theirs_keys[at + 1 : at + 1 + side]
            plain = f"{' '.join(left)} {' '.join(right)}"
            if len(right) < side or _content([*left, *right]) < MIN_CONTENT or f" {plain} " not in mine:
                continue
            if f" {plain} " in said:
                continue  # the article says it without the denial too
            return f"the article says '{' '.join(theirs_keys[at - side : at + 1 + side])}', not '{plain}'"
    return None
