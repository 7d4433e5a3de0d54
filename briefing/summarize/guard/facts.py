"""Checkable facts in a sentence: numbers, dates and names, and whether an article contains them.

Rule-based and cheap on purpose: the guard runs on every generated sentence, and an analyst must be able to read the
reason ("name 'John Smith' not in article"). Normalisation covers the forms news writers and small models swap
freely: case, punctuation, possessives, "5" vs "five", "$5m" vs "5 million", "5%" vs "5 per cent", "U.S." vs
"United States", "Russian" vs "Russia".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

FactKind = Literal["number", "date", "name"]

NUMBER_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
_SCALE_WORDS = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# Suffixes glued to digits: "$5m", "3.2bn", "10k". Others ("21st", "1990s", "10am") leave the value alone.
_SCALE_SUFFIXES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12, "trn": 1e12}
# Words that are numbers but rarely claims ("one of the", "no one"): still support, never need support.
_NOT_A_CLAIM = frozenset({"one"})

MONTHS = "january february march april may june july august september october november december".split()
_MONTH_ABBREVIATIONS = {m[:3]: m for m in MONTHS} | {"sept": "september"}
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_WEEKDAY_ABBREVIATIONS = {d[:3]: d for d in WEEKDAYS} | {"tues": "tuesday", "thur": "thursday", "thurs": "thursday"}

# Capitalised words that never make a name on their own.
_FUNCTION_WORDS = frozenset(
    (
        "a an the and or but nor so yet if then than that this these those there here it its he she his her him they "
        "them their we us our you your i me my mine who whom whose which what when where why how while as at by for "
        "from in into of on onto to with without within after before during since until about above below over "
        "under between among against through across also not no yes all any some each every both either neither "
        "most many much more less few several such other another one is are was were be been being has have had "
        "do does did will would shall should can could may might must said says say according meanwhile however "
        "although though because despite once now today yesterday tomorrow last next first second third former "
        "new old just still even only"
    ).split()
)
_HONORIFICS = frozenset("mr mrs ms miss dr prof sir dame lord lady st rev fr".split())
_NAME_CONNECTORS = frozenset("of de des di da del der van von bin ibn al el le la du".split())
# Common aliases that token matching cannot see; each side counts as present when the other is.
_ALIASES = {
    "us": ("united states", "america", "american"),
    "usa": ("united states", "america", "us"),
    "uk": ("united kingdom", "britain", "british"),
    "un": ("united nations",),
    "eu": ("european union",),
    "british": ("britain", "uk"),
    "french": ("france",),
    "english": ("england",),
    "welsh": ("wales",),
    "scottish": ("scotland",),
    "irish": ("ireland",),
    "dutch": ("netherlands", "holland"),
    "swiss": ("switzerland",),
    "greek": ("greece",),
    "spanish": ("spain",),
    "turkish": ("turkey",),
}

# One token stream for everything: currency signs, digits with their glued suffix, words (with apostrophes), "%".
_TOKEN = re.compile(r"[$£€¥]|\d[\d,]*(?:\.\d+)?[A-Za-z]*|[A-Za-z][A-Za-z'’.]*[A-Za-z]|[A-Za-z]|%")
_OPENERS = "\"'‘“([:"  # a capital right after one of these starts a (quoted) sentence
_POSSESSIVE = re.compile(r"['’]s?$")
_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")  # a word may hold apostrophes, hyphens and dots: O'Neill, Jean-Luc, U.S.


@dataclass(frozen=True)
class Fact:
    """One checkable claim in a sentence. `keys` are its normalised forms; any one present in the article suffices."""

    kind: FactKind
    text: str  # as written, for the reason shown to the user
    keys: tuple[str, ...]


def _value_key(value: float) -> str:
    return f"{value:.6g}"


def _strip_possessive(word: str) -> str:
    return _POSSESSIVE.sub("", word) if word[-1:] in "s'’" and ("'" in word or "’" in word) else word


def _digit_value(token: str) -> tuple[float, float | None] | None:
    """`3.2bn` -> (3.2, 1e9); `1,500` -> (1500, None); `21st` -> (21, None). None for non-numbers."""
    match = re.fullmatch(r"(\d[\d,]*(?:\.\d+)?)([A-Za-z]*)", token)
    if match is None:
        return None
    digits, suffix = match.groups()
    try:
        value = float(digits.replace(",", ""))
    except ValueError:
        return None
    return value, _SCALE_SUFFIXES.get(suffix.lower())


def number_facts(text: str, with_scale_free: bool = False) -> list[Fact]:
    """Numbers with their scale: `5`, `five`, `$5m`, `5 million`, `twenty-five`, `5%`, `1,500`, `2015`.

    `with_scale_free` (for the article side) also yields the value without its scale, and "one"."""
    tokens = [t.lower() for t in _TOKEN.findall(text.replace("-", " "))]
    facts: list[Fact] = []
    i = 0
    while i < len(tokens):
        start = i
        digit = _digit_value(tokens[i])
        ambiguous = False
        if digit is not None:
            base, scale = digit
            ambiguous = tokens[i].endswith("m") and scale == 1e6  # "198m": 198 million, or 198 metres
            i += 1
            if scale is None and i < len(tokens) and tokens[i] in _SCALE_WORDS:
                scale = _SCALE_WORDS[tokens[i]]
                i += 1
        elif tokens[i] in NUMBER_UNITS or (tokens[i] in _SCALE_WORDS and start > 0 and tokens[start - 1] == "a"):
            base, scale, i = _read_number_words(tokens, i)
        else:
            i += 1
            continue
        value = base * scale if scale else base
        surface = " ".join(tokens[start:i]).rstrip(",")
        if surface not in _NOT_A_CLAIM or with_scale_free:
            # The claim is the full value: "6 billion" needs 6e9. An article's "5 million" also supports a bare "5".
            keys = (
                (_value_key(value), _value_key(base))
                if (with_scale_free or ambiguous) and scale
                else (_value_key(value),)
            )
            facts.append(Fact("number", surface, keys))
    return facts


def _read_number_words(tokens: list[str], i: int) -> tuple[float, float | None, int]:
    """`two hundred thousand` -> (200, 1000); `twenty five` -> (25, None); `a million` -> (1, 1e6)."""
    current = 0.0
    scale: float | None = None
    if tokens[i] in _SCALE_WORDS:  # "a million": the "a" is the one
        current = 1.0
    while i < len(tokens):
        word = tokens[i]
        if word in NUMBER_UNITS and scale is None:
            current += NUMBER_UNITS[word]
        elif word == "hundred" and scale is None:
            current = max(current, 1.0) * 100
        elif word in _SCALE_WORDS and word != "hundred" and scale is None:
            scale = _SCALE_WORDS[word]
        else:
            break
        i += 1
    return current, scale, i


def date_facts(text: str) -> list[Fact]:
    """Month and weekday names (years are numbers). Abbreviations count only with their full stop: `Jan.`."""
    facts: list[Fact] = []
    for match in re.finditer(r"\b([A-Z][a-z]+)(\.?)", text):
        word, dot = match.group(1).lower(), match.group(2)
        if word in MONTHS or word in WEEKDAYS:
            if word == "may" and _starts_sentence(text, match.start()):
                continue  # "May I..." / "May be": the modal, not the month
            facts.append(Fact("date", match.group(1), (word,)))
        elif dot and (full := _MONTH_ABBREVIATIONS.get(word) or _WEEKDAY_ABBREVIATIONS.get(word)):
            facts.append(Fact("date", match.group(0), (full,)))
    return facts


def _starts_sentence(text: str, position: int) -> bool:
    before = text[:position].rstrip()
    return not before or before[-1] in _OPENERS or before[-1] in ".!?"


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


def name_facts(text: str) -> list[Fact]:
    """Runs of capitalised words (`Gary Locke`, `Bank of England`), lone proper nouns not at sentence start,
    and acronyms (`FBI`, `U.S.`). A lone capitalised word at sentence start is skipped: it is usually not a name."""
    facts: list[Fact] = []
    run: list[str] = []
    run_at_start = False
    previous_end = 0
    for match in _WORD.finditer(text):
        bare = _bare_word(match.group(0))
        if not bare:
            continue
        if text[previous_end : match.start()].strip():  # punctuation between words ends a name: "Farah, 19; Omar"
            _close_run(run, run_at_start, facts)
            run = []
        previous_end = match.end()
        lower = bare.lower()
        if match.group(0).endswith(".") and (lower in _MONTH_ABBREVIATIONS or lower in _WEEKDAY_ABBREVIATIONS):
            lower = _MONTH_ABBREVIATIONS.get(lower) or _WEEKDAY_ABBREVIATIONS[lower]  # "Jan." is a date
        at_start = _starts_sentence(text, match.start())
        if at_start:
            _close_run(run, run_at_start, facts)
            run = []
        is_name_word = (
            _is_capitalised(bare)
            and lower not in MONTHS
            and lower not in WEEKDAYS
            and lower not in _HONORIFICS
            and (lower not in _FUNCTION_WORDS or _is_acronym(bare))  # "The", "He", "I" end a name; "US" is one
        )
        if is_name_word:
            if not run:
                run_at_start = at_start
            run.append(bare)
        elif run and lower in _NAME_CONNECTORS:
            run.append(lower)  # kept only if a capitalised word follows; see _close_run
        else:
            _close_run(run, run_at_start, facts)
            run = []
    _close_run(run, run_at_start, facts)
    return facts


def _bare_word(raw: str) -> str:
    """Trailing full stops and hyphens off, then the possessive: `Locke's` -> `Locke`, `Jones'` -> `Jones`."""
    word = _strip_possessive(raw.rstrip(".-"))
    return word.rstrip("'’.")


def _close_run(run: list[str], at_start: bool, facts: list[Fact]) -> None:
    while run and not _is_capitalised(run[-1]):
        run.pop()  # trailing connector: "Bank of" + lowercase word
    if not run:
        return
    if at_start and len(run) == 1 and not _is_acronym(run[0]):
        return
    words = [w for w in run if w.lower() not in _NAME_CONNECTORS]
    if not words:
        return
    tokens = " ".join(_name_tokens(w) for w in words).split()
    if tokens:
        facts.append(Fact("name", " ".join(run), tuple(tokens)))


def _name_tokens(word: str) -> str:
    """`O'Neill` -> `oneill`, `U.S.` -> `us`, `Jean-Luc` -> `jean luc`."""
    word = word.replace(".", "").replace("'", "").replace("’", "")
    return " ".join(part for part in word.lower().split("-") if part)


def sentence_facts(text: str) -> list[Fact]:
    return number_facts(text) + date_facts(text) + name_facts(text)


@dataclass(frozen=True)
class ArticleFacts:
    """What an article contains, normalised for the presence checks."""

    words: frozenset[str]  # lowercased word tokens, possessives and dots stripped, hyphens split
    numbers: frozenset[str]  # value keys of every number, with and without its scale
    dates: frozenset[str]
    acronyms: frozenset[str]  # acronyms as written (lowercased, no dots): "FBI", "U.S."
    initials: frozenset[str]  # initials of the multi-word names: "Federal Bureau of Investigation" gives "fboi"

    @classmethod
    def of(cls, text: str) -> ArticleFacts:
        words = frozenset(_article_words(text))
        numbers = frozenset(key for fact in number_facts(text, with_scale_free=True) for key in fact.keys)
        dates = frozenset(key for fact in date_facts(text) for key in fact.keys) | (
            words & frozenset(MONTHS + WEEKDAYS)
        )
        names = name_facts(text)
        # "Federal Bureau of Investigation" also stands for "FBI", and an article's "FBI" for the spelled-out name.
        initials = frozenset("".join(token[0] for token in f.keys) for f in names if len(f.keys) >= 2)
        acronyms = frozenset(f.keys[0] for f in names if len(f.keys) == 1 and _is_acronym(f.text))
        return cls(words, numbers, dates, acronyms, initials)

    @classmethod
    def union(cls, parts: Sequence[ArticleFacts]) -> ArticleFacts:
        """What several texts contain together (their facts computed once each: the guard's windows share
        sentences). The words are exactly those of the joined text; a name split across two texts is not joined."""
        return cls(
            frozenset().union(*(p.words for p in parts)),
            frozenset().union(*(p.numbers for p in parts)),
            frozenset().union(*(p.dates for p in parts)),
            frozenset().union(*(p.acronyms for p in parts)),
            frozenset().union(*(p.initials for p in parts)),
        )

    def missing(self, fact: Fact) -> bool:
        """True when the article does not contain the fact in any of its normalised forms."""
        if fact.kind == "number":
            return not any(key in self.numbers for key in fact.keys)
        if fact.kind == "date":
            return not any(key in self.dates for key in fact.keys)
        return not self._has_name(fact.keys, written_as_acronym=_is_acronym(fact.text))

    def _has_name(self, tokens: tuple[str, ...], written_as_acronym: bool) -> bool:
        if all(self._has_word(token) for token in tokens):
            return True
        if len(tokens) >= 2:
            # A spelled-out name stands for an acronym the article writes, never for another name with the same
            # initials: "Gina Lord" is not the article's "Gary Locke".
            return "".join(token[0] for token in tokens) in self.acronyms
        return tokens[0] in self.acronyms or (written_as_acronym and tokens[0] in self.initials)

    def has_word(self, token: str) -> bool:
        """A lowercased word, or its plural, demonym or alias, is in the article."""
        return self._has_word(token)

    def _has_word(self, token: str) -> bool:
        if any(variant in self.words for variant in _word_variants(token)):
            return True
        return any(all(part in self.words for part in alias.split()) for alias in _ALIASES.get(token, ()))


@lru_cache(maxsize=4096)
def _word_variants(token: str) -> tuple[str, ...]:
    """Cheap folding of plural and demonym forms: `Americans` ~ `America`, `Chinese` ~ `China`, `Italian` ~ `Italy`."""
    variants = {token}
    if token.endswith("s") and len(token) > 3:
        variants.add(token[:-1])
    for form in list(variants):
        if form.endswith("ian") and len(form) > 5:
            variants.update({form[:-1], form[:-3] + "y", form[:-3] + "ia"})
        elif form.endswith("an") and len(form) > 4:
            variants.update({form[:-1], form[:-2] + "a", form[:-2] + "y"})
        elif form.endswith("ese") and len(form) > 5:
            variants.update({form[:-3], form[:-3] + "a"})
        variants.update({form + "s", form + "n", form + "ns", form + "an"})
    return tuple(variants)


def _article_words(text: str) -> list[str]:
    found: list[str] = []
    for raw in re.findall(r"[^\W_][\w'’.\-]*", text):
        word = _bare_word(raw)
        found.extend(_name_tokens(word).split())
        if "." in word:  # "U.S." also counts as "us", "a.m." as "am"; keep the parts too
            found.extend(part.lower() for part in word.split(".") if part)
    return found
