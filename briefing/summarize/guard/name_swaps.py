"""The name-swap rule: a name put where the article names someone else.

A frame (`frames.py`) needs the same words right next to the name; a highlight rewords its article, so the swapped-in
name Y stands among the article's words a little moved ("NASA chief scientist Ceres believes" against the article's
"NASA chief scientist Ellen Stofan said"). Here the *context* of a name is the content words within `REACH` words on
each side, compared as crude stems ("dressed" / "dresses"). A name is a run of capitalised words (`frames.slots`), or
one word of such a run ("Durham Coal said" where the article says "UK Coal said"). The sentence is flagged when:

- an article sentence has a name X in the same context (`MIN_SHARED` context words shared, some on each side unless
  the name opens or closes the sentence or `MIN_SHARED` are on one side), and X is no word of this sentence, nor one
  name with Y ("Alan" / "Thicke" where the article says "Alan Thicke");
- that article sentence does not name Y near X ("for Real Madrid or Barcelona"), and the article never puts Y in
  the context: no article sentence has Y with `SAID_SHARED` of those context words around it, nor shares
  `SENTENCE_SHARED` of the sentence's lower-case content words in a sentence that names Y.

The tagger's proper nouns of the sentence (`Structure.proper_nouns`), when given, say which capitals are names ("Many
now see themselves" opens with a capital that names no one). The reason names what the article says: "the article
says 'NASA chief scientist Ellen Stofan', not 'NASA chief scientist Ceres'". Reads only the words (no parse).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from briefing.summarize.guard.frame_tokens import Token, tokenize
from briefing.summarize.guard.frames import MAX_SLOT, Slot, _one_name, _phrase, _prepared, _same_value, slots

REACH = 3  # content words on each side of a name that make its context
SPAN = 8  # ... found among this many words on each side
MIN_SHARED = 3  # context words an article sentence's name shares with this sentence's name: the same place
MIN_SIDE_SHARED = 1  # ... on each side, unless the name opens or closes the sentence or all are on one side
SAID_SHARED = 2  # the sentence's own name with this many of the context words around it: said there too
SENTENCE_SHARED = 3  # ... or in an article sentence sharing this many of the sentence's lower-case content words
NEAR_Y = 6  # words: an article sentence naming Y this near X names both ("for Real Madrid or Barcelona")

# Words that say nothing of a name's place: function words, and reporting verbs every quote has.
_WEAK = frozenset(
    "a an the and or but of to in on at for with by from as is are was were be been being it its this that these "
    "those he she they we you i his her their our your him them us not no have has had do does did will would can "
    "could should may might must than then there here which who whom what when where why how all any some into about "
    "after before over under more most also just so if said says say told tells 's ’s mr mrs ms".split()
)
_SUFFIXES = ("ings", "ing", "ies", "ied", "es", "ed", "s", "d", "ly")


def stem(key: str) -> str:
    """A crude stem, for "dressed" / "dresses" / "dress", "escaped" / "escape" (not a lemma: no parse here)."""
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 4 and not key.endswith("ss"):  # "dress", "press"
            key = key[: -len(suffix)]
            break
    return key.removesuffix("e") if len(key) > 4 else key


@dataclass(frozen=True)
class Unit:
    """A name of a sentence: a run of capitalised words, or one word of such a run."""

    slot: Slot
    run: Slot  # the run of capitalised words it is (a word of)
    text: str  # as written
    words: frozenset[str]  # stems of its words, lowercased, without "'s" and dots ("D.C." is "dc")
    whole: frozenset[str]  # ... of the whole run it is a word of
    opens: bool  # a one-word name opening its sentence or after "the": "Scans revealed", "the Masters"
    before: frozenset[str]  # the context's stems
    after: frozenset[str]


def _name_words(phrase: str) -> frozenset[str]:
    return frozenset(stem(w.removesuffix("'s").removesuffix("’s").replace(".", "")) for w in phrase.lower().split())


def _context(tokens: Sequence[Token], slot: Slot) -> tuple[frozenset[str], frozenset[str]]:
    """The content words before and after a slot, within `REACH` words."""

    def keep(token: Token) -> bool:
        return token.key not in _WEAK

    before = [t for t in tokens[max(0, slot.start - SPAN) : slot.start] if keep(t)][-REACH:]
    after = [t for t in tokens[slot.end : slot.end + SPAN] if keep(t)][:REACH]
    return frozenset(stem(t.key) for t in before), frozenset(stem(t.key) for t in after)


def _units(text: str, tokens: Sequence[Token], found: Sequence[Slot]) -> list[Unit]:
    units: list[Unit] = []
    for slot in found:
        if slot.kind != "name" or slot.end - slot.start > MAX_SLOT:
            continue
        parts = [slot]
        if slot.end - slot.start > 1:
            parts += [Slot(i, i + 1, "name") for i in range(slot.start, slot.end) if tokens[i].text[:1].isupper()]
        whole = _name_words(_phrase(text, tokens, slot.start, slot.end))
        for part in parts:
            phrase = _phrase(text, tokens, part.start, part.end)
            # A one-word name opening its sentence ("Scans revealed"), or after "the" ("the Masters", "the
            # Englishman"): a title, an event or a plain word, not a name someone else can hold.
            alone = slot.end - slot.start == 1
            opens = alone and (tokens[part.start].opens or (part.start > 0 and tokens[part.start - 1].key == "the"))
            units.append(Unit(part, slot, phrase, _name_words(phrase), whole, opens, *_context(tokens, part)))
    return units


def _content(tokens: Sequence[Token]) -> frozenset[str]:
    return frozenset(stem(t.key) for t in tokens if t.key not in _WEAK and not t.text[:1].isupper())


def _same(ours: Unit, theirs: Unit) -> bool:
    return _same_names(ours.words, ours.text, theirs.words, theirs.text)


@lru_cache(maxsize=65536)
def _same_names(our_words: frozenset[str], ours: str, their_words: frozenset[str], theirs: str) -> bool:
    """One name written two ways: a shared word, one word the start of the other ("Matt" / "Matthew"), or an
    alias or initials of the fact check ("RBS" / "Royal Bank of Scotland", "US" / "United States")."""
    if our_words & their_words or any(
        min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)) for a in our_words for b in their_words
    ):
        return True
    return _initials(ours, theirs) or _initials(theirs, ours) or _same_value("name", ours, theirs)


def _initials(short: str, name: str) -> bool:
    """ "LA" for "Los Angeles", "NHS" for "the National Health Service" (articles and connectors skipped)."""
    letters = re.sub(r"[^\w]", "", short).lower()
    words = [w for w in re.findall(r"[^\W_]+", name.lower()) if w not in _INITIAL_SKIPS]
    return len(letters) >= 2 and len(words) >= 2 and letters == "".join(w[0] for w in words)


_INITIAL_SKIPS = frozenset({"the", "of", "and", "for", "de", "la"})


@lru_cache(maxsize=64)
def _article_units(sentences: tuple[str, ...]) -> tuple[list[list[Unit]], list[frozenset[str]]]:
    """Every article sentence's names with their contexts, and its lower-case content words: once per article."""
    prepared = _prepared(sentences)
    units = [
        _units(sentence, tokens, found)
        for sentence, tokens, found in zip(sentences, prepared.tokens, prepared.slots, strict=True)
    ]
    return units, [_content(tokens) for tokens in prepared.tokens]


def name_swap_problem(
    text: str, article_sentences: Sequence[str], proper_nouns: Sequence[str] | None = None
) -> str | None:
    """The first name of this sentence that stands where an article sentence names someone else (and where the
    article never names this one), as a reason for the reader."""
    ours = tokenize(text)
    if not ours or not article_sentences:
        return None
    prepared = _prepared(tuple(article_sentences))
    article_units, contents = _article_units(tuple(article_sentences))
    own = _units(text, ours, slots(ours, prepared.lowercase))
    our_keys = _name_words(" ".join(t.key for t in ours))
    our_content = _content(ours)
    tagged = _name_words(" ".join(proper_nouns)) if proper_nouns is not None else None
    for unit in own:
        if unit.opens or (tagged is not None and not unit.words <= tagged):
            continue  # "Many now see", "the British": a capital the tagger (or its place) says names no one
        context = unit.before | unit.after
        if len(context) < MIN_SHARED:
            continue
        opens, closes = unit.slot.start == 0, unit.slot.end == len(ours)
        others = [u for u in own if not u.words & unit.words]
        best: tuple[int, int, Unit] | None = None
        said = False
        for index, units in enumerate(article_units):
            # Y said here: in its context, or in a sentence that shares the sentence's words (cheap tests first).
            shares_words = len(our_content & contents[index]) >= SENTENCE_SHARED
            if any(
                (shares_words or len(context & (u.before | u.after)) >= SAID_SHARED) and _same(unit, u) for u in units
            ):
                said = True
                break
            near = [u for u in units if u.words & unit.whole]  # Y, or a word of the name Y is part of
            for other in units:
                left, right = len(unit.before & other.before), len(unit.after & other.after)
                one_side = max(left, right) >= MIN_SHARED
                both = (left >= MIN_SIDE_SHARED or opens) and (right >= MIN_SIDE_SHARED or closes)
                if left + right < MIN_SHARED or not (one_side or both):
                    continue  # not the same place
                if best is not None and left + right <= best[0]:
                    continue  # a better one is found already
                if other.opens or other.words & our_keys or any(_same(mine, other) for mine in others):
                    continue  # a name this sentence gives too (or a part of one) is no other name
                if any(abs(u.slot.start - other.slot.start) <= NEAR_Y for u in near if u.run != other.run):
                    continue  # the article names Y next to X: "for Real Madrid or Barcelona"
                if _one_name(unit.text, other.text, prepared.full_names):
                    continue
                best = (left + right, index, other)
        if said or best is None:
            continue
        _, index, other = best
        theirs = _quote(article_sentences[index], prepared.tokens[index], other.slot, unit.before, unit.after)
        mine = _quote(text, ours, unit.slot, other.before, other.after)
        return f"the article says '{theirs}', not '{mine}'"
    return None


def _quote(text: str, tokens: Sequence[Token], slot: Slot, before: frozenset[str], after: frozenset[str]) -> str:
    """The name with its context words that the other sentence shares, as written: "NASA chief scientist Ellen
    Stofan said" (from the farthest shared word before it to the nearest after it, within `SPAN` words)."""
    start, end = slot.start, slot.end
    for i in range(slot.start - 1, max(-1, slot.start - SPAN - 1), -1):
        if stem(tokens[i].key) in before:
            start = i
    for i in range(slot.end, min(len(tokens), slot.end + SPAN)):
        if stem(tokens[i].key) in after:
            end = i + 1
            break
    return _phrase(text, tokens, start, end)
