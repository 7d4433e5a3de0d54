"""Do two sources' sentences state the same fact? And when they do not, what exactly do they disagree on?

Story merging used to treat two sentences as one fact when the encoder found them close, so three wire copies that
differ only in the death toll ("12", "27", "4 people were killed") were merged and cited to all three. The encoder
barely moves when one number changes, so closeness says two sentences are *about* the same thing; whether they *say*
the same thing is decided here, by rules an analyst can read:

  numbers   every number of the sentence is in the other, bound to the same unit or noun ("27 people", "198 metre"),
  dates     every month and weekday of the sentence is in the other,
  negation  both say "not/never/no/without/denied…" the same number of times ("did not arrest" vs "arrested"),
  names     every name of the sentence is in the other, and the names both hold come in the same order (a cheap
            stand-in for roles: "Smith beat Jones" vs "Jones beat Smith"; a passive rewrite is not merged, which only
            costs a citation, never misattributes one).

`compare` returns None when the other sentence says it, else a `Difference` naming what differs, in words shown on
the brief's **Sources differ** line: `people were killed: 12 [1] · 27 [2] · 4 [3]`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from briefing.summarize.guard import sentence_facts

DifferenceKind = Literal["number", "date", "negation", "name", "role"]

# Words that turn a claim into its opposite. "no" and "none" count: "no one was hurt" vs "one was hurt".
NEGATIONS = frozenset(
    "not no never none nobody nothing neither nor without cannot denied denies deny refused refuses "
    "n't isn't wasn't weren't aren't didn't doesn't don't hasn't haven't hadn't won't wouldn't couldn't "
    "shouldn't can't".split()
)
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?|\d[\d,]*(?:\.\d+)?[A-Za-z]*|[$£€%]")
_FILLER = frozenset("a an the of were was is are had has have been be to and or".split())
# Words that never start or end the "about" label: "people were killed", not "people were killed in".
_EDGE_WORDS = _FILLER | frozenset(
    "in on at by for from with as that this but said when where while after who which".split()
)
ABOUT_WORDS = 4  # words of shared context that name what a differing value is about


@dataclass(frozen=True)
class Difference:
    """What two close sentences disagree on: `about` names the thing, `ours`/`theirs` the two readings of it."""

    kind: DifferenceKind
    about: str
    ours: str
    theirs: str
    # False when the other sentence only leaves the value out ("Smith was arrested" against "Smith, 45, was
    # arrested"): it is then not cited for the sentence, but it does not dispute it either.
    disputed: bool = True


@dataclass(frozen=True)
class Claim:
    """The checkable content of one sentence."""

    tokens: tuple[str, ...]  # lowercased word tokens, apostrophes normalised
    numbers: frozenset[tuple[str, str]]  # (value key, the unit or noun that follows it)
    dates: frozenset[str]
    negations: int
    names: tuple[str, ...]  # name keys ("gary locke") in reading order
    shown: tuple[str, ...] = ()  # the same tokens as written, for the Sources differ line
    opener: str = ""  # the first word, lowercased, when capitalised (see `_names_of`)


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(t.lower().replace("’", "'") for t in _TOKEN.findall(text))


def _negation_count(tokens: tuple[str, ...]) -> int:
    return sum(1 for t in tokens if t in NEGATIONS or t.endswith("n't"))


def _unit_after(tokens: tuple[str, ...], surface: str, start: int) -> tuple[str, int]:
    """The unit or noun the number `surface` (as the guard wrote it) is bound to, and where to search on from."""
    parts = _tokens(surface)
    for i in range(start, len(tokens) - len(parts) + 1):
        if tuple(tokens[i : i + len(parts)]) == parts:
            after = [t for t in tokens[i + len(parts) : i + len(parts) + 3] if t not in _FILLER]
            return (after[0] if after else ""), i + len(parts)
    return "", start


@lru_cache(maxsize=8192)
def claim_of(text: str) -> Claim:
    tokens = _tokens(text)
    numbers: set[tuple[str, str]] = set()
    dates: set[str] = set()
    names: list[str] = []
    position = 0
    opener = _opening_word(text)
    for fact in sentence_facts(text):
        if fact.kind == "number":
            unit, position = _unit_after(tokens, fact.text, position)
            numbers.add((fact.keys[0], _singular(unit)))
        elif fact.kind == "date":
            dates.update(fact.keys)
        else:
            names.append(" ".join(fact.keys))
    shown = tuple(t.replace("’", "'") for t in _TOKEN.findall(text))
    return Claim(tokens, frozenset(numbers), frozenset(dates), _negation_count(tokens), tuple(names), shown, opener)


def _opening_word(text: str) -> str:
    """The sentence's first word when capitalised: a name or not, which only the other sentence can tell."""
    match = re.match(r"\W*([A-Z][a-z]+)\b", text)
    return match.group(1).lower() if match else ""


def _names_of(claim: Claim, other: Claim) -> tuple[str, ...]:
    """The claim's names, its opening word included when the other sentence writes it as a name (the guard skips a
    lone capitalised word at sentence start: "Arsenal beat Chelsea" has only "chelsea")."""
    if claim.opener and claim.opener not in claim.names and claim.opener in other.names:
        return (claim.opener, *claim.names)
    return claim.names


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@lru_cache(maxsize=8192)
def _name_words(text: str) -> frozenset[str]:
    """Words as the guard writes name keys: possessive, dots and apostrophes off, hyphens split ("U.S." -> "us",
    "Sinfield's" -> "sinfield", "O'Neill" -> "oneill", "Jean-Luc" -> "jean", "luc")."""
    found: set[str] = set()
    for raw in re.findall(r"[^\W_][\w'’.\-]*", text):
        word = re.sub(r"['’]s?$", "", raw.rstrip(".-")).lower()
        found.update(part for part in word.replace(".", "").replace("'", "").replace("’", "").split("-") if part)
    return frozenset(found)


def _holds_name(name: str, tokens: frozenset[str]) -> bool:
    return all(part in tokens or _singular(part) in tokens for part in name.split())


def compare(ours: str, theirs: str) -> Difference | None:
    """None when `theirs` states every fact `ours` states (it may say more); else the first difference found."""
    a, b = claim_of(ours), claim_of(theirs)
    missing_numbers = a.numbers - b.numbers
    if missing_numbers:
        return _describe("number", a, b)
    if a.dates - b.dates:
        return _describe("date", a, b)
    if a.negations != b.negations:
        return _describe("negation", a, b)
    their_tokens = _name_words(theirs)
    our_names, their_names = _names_of(a, b), _names_of(b, a)
    if any(not _holds_name(name, their_tokens) for name in our_names):
        return _describe("name", a, b)
    shared = [n for n in our_names if n in their_names]
    if len(set(shared)) > 1 and _first_order(shared) != _first_order([n for n in their_names if n in shared]):
        return _describe("role", a, b)
    return None


def agree(ours: str, theirs: str) -> bool:
    return compare(ours, theirs) is None


def _first_order(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _describe(kind: DifferenceKind, a: Claim, b: Claim) -> Difference:
    """The differing stretch of each sentence, and the shared words around it that say what it is about."""
    matcher = difflib.SequenceMatcher(a=a.tokens, b=b.tokens, autojunk=False)
    changes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    if not changes:  # same words, different reading (should not happen): show the whole sentences
        return Difference(kind, "", " ".join(a.shown), " ".join(b.shown))
    chosen = next((op for op in changes if _matches_kind(kind, a.tokens[op[1] : op[2]], b.tokens[op[3] : op[4]])), None)
    if chosen is None:
        chosen = changes[0]
    _, a0, a1, b0, b1 = chosen
    disputed = _states_other_value(kind, a.shown[a0:a1], b.shown[b0:b1])
    if kind == "number" and not any(t[:1].isdigit() for t in a.tokens[a0:a1] + b.tokens[b0:b1]) and a0 and b0:
        a0, b0 = a0 - 1, b0 - 1  # a changed unit: show it with its number, "198 metres" vs "198 feet"
    if kind == "role":  # the whole swapped stretch: "Arsenal beat Chelsea" vs "Chelsea beat Arsenal"
        a0, a1, b0, b1 = changes[0][1], changes[-1][2], changes[0][3], changes[-1][4]
    if a0 == a1 or b0 == b1:  # a word only one side has ("not"): show it with its neighbours, "was not" vs "was"
        a0, b0 = max(0, a0 - 1), max(0, b0 - 1)
        a1, b1 = min(len(a.tokens), a1 + 1), min(len(b.tokens), b1 + 1)
    ours, theirs = " ".join(a.shown[a0:a1]), " ".join(b.shown[b0:b1])
    about = " ".join(_about(a.tokens, a0, a1, kind, a.shown))
    return Difference(kind, about, ours or "(nothing)", theirs or "(nothing)", disputed)


def _states_other_value(kind: DifferenceKind, ours: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    """Whether the other sentence's differing stretch holds a value of its own (a number, a date, a name) rather
    than only leaving ours out ("Smith was arrested" against "John Smith, 45, was arrested"). Negations and swapped
    roles always dispute."""
    if kind in ("negation", "role"):
        return True
    if not theirs:
        return False
    text = " ".join(theirs)
    if kind == "number":  # another figure, or another unit for the same figure ("198 feet" against "198 metres")
        return bool(claim_of(text).numbers) or not any(t[:1].isdigit() for t in ours)
    if kind == "date":
        return bool(claim_of(text).dates)
    own_words = {w.lower() for w in ours}
    return any(word[:1].isupper() and word.lower() not in own_words for word in theirs)


def _matches_kind(kind: DifferenceKind, ours: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    both = ours + theirs
    if kind == "number":
        return any(t[:1].isdigit() or claim_of(t).numbers for t in both)
    if kind == "negation":
        return _negation_count(ours) != _negation_count(theirs)
    return bool(both)


def _about(tokens: tuple[str, ...], start: int, end: int, kind: DifferenceKind, shown: tuple[str, ...]) -> list[str]:
    """What the value is about: for a number the words after it ("people were killed"), else the words before it
    (the verb a negation belongs to, the event a date is of), else after it (a name that opens the sentence)."""
    after = _trimmed(tokens, shown, end, min(len(tokens), end + ABOUT_WORDS))
    before = _trimmed(tokens, shown, max(0, start - ABOUT_WORDS), start)
    first, second = (after, before) if kind == "number" else (before, after)
    return first or second


def _trimmed(tokens: tuple[str, ...], shown: tuple[str, ...], start: int, end: int) -> list[str]:
    kept = [i for i in range(start, end) if tokens[i].isalpha() or "'" in tokens[i]]
    while kept and tokens[kept[-1]] in _EDGE_WORDS:
        kept.pop()
    while kept and tokens[kept[0]] in _EDGE_WORDS:
        kept.pop(0)
    return [shown[i] for i in kept]


@dataclass(frozen=True)
class DraftReading:
    """One reading of a disputed value: what the sources at `articles` (indexes into the day's articles) say."""

    value: str
    articles: tuple[int, ...]
    sentence: str  # the sentence of the first of them that says it


@dataclass(frozen=True)
class DraftDisagreement:
    """Sources of one story that state the same thing with different values: the story's own reading first."""

    kind: DifferenceKind
    about: str
    readings: tuple[DraftReading, ...]


def disagreements_of(
    own: int, text: str, found: list[tuple[int, str, Difference]], agreeing: Sequence[int] = ()
) -> tuple[DraftDisagreement, ...]:
    """Group what the other sources (`found`: article, its close sentence, how it differs) say against `text` of
    article `own`: one disagreement per thing disputed, one reading per distinct value; `text`'s own reading is held
    by `own` and the `agreeing` articles (those cited for it)."""
    grouped: dict[tuple[str, str, str], dict[str, list[tuple[int, str]]]] = {}
    for article, sentence, difference in found:
        key = (difference.kind, difference.about, difference.ours)
        grouped.setdefault(key, {}).setdefault(difference.theirs, []).append((article, sentence))
    disagreements = []
    for (kind, about, ours), readings in grouped.items():
        listed = [DraftReading(ours, (own, *agreeing), text)]
        listed.extend(
            DraftReading(value, tuple(a for a, _ in holders), holders[0][1]) for value, holders in readings.items()
        )
        disagreements.append(DraftDisagreement(kind, about, tuple(listed)))  # type: ignore[arg-type]
    return tuple(disagreements)
