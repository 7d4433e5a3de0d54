"""The guard's predicate rules, read from spaCy's parse (`structure.py`): negation parity and the added denial, the
roles of a predicate's subject and object, another name in a predicate's role, a number's unit
(`rules.find_problems` runs them against the sentence's window)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from briefing.summarize.guard.rule_words import WORD
from briefing.summarize.guard.structure import Structure

_COMMON_PREDICATES = frozenset({"be", "have", "do", "get", "make", "take", "go", "come"})
_SPEECH_PREDICATES = frozenset({"tell", "say", "ask", "inform"})  # "told CNN" vs "told CNN's Wolf Blitzer"
# "A married B" is "B married A": no role swap to find.
_SYMMETRIC_PREDICATES = frozenset({"marry", "wed", "meet", "face", "play", "fight", "date", "divorce", "draw", "join"})
# Units a number is measured in: a number bound to one of these elsewhere is a different quantity.
_MEASURES = frozenset(
    "percent metre kilometre foot mile inch yard kilogram pound ton tonne ounce gram litre gallon year month week day "
    "hour minute second dollar euro yen degree acre hectare".split()
)


def negation_problem(sentence: Structure, window: Sequence[Structure]) -> str | None:
    """Either negation finding (for callers that want one reason)."""
    paired, added = negation_problems(sentence, window)
    return paired or added


# Too common to pair up across sentences: "is", "has", "did" say nothing of their own.
_UNPAIRED = frozenset({"be", "have", "do", "get"})
_NEGATING_PREFIXES = ("un", "in", "im", "il", "ir", "non", "dis")
PAIR_WINDOW = 1  # the sentence that says this: the opposite polarity anywhere near it is often another event
ADDED_WINDOW = 2  # a denial the two best-matching sentences lack (tuned on CNN/DM 31-100, BBC 41-140)


def _lexical_negation(text: str, window_words: frozenset[str]) -> bool:
    """The window says with a prefix what the sentence says with "not": "an inexperienced sailor" for "isn't an
    experienced sailor" (and the reverse)."""
    ours = set(WORD.findall(text.lower()))
    for word in ours:
        for prefix in _NEGATING_PREFIXES:
            if len(word) > len(prefix) + 3 and (
                prefix + word in window_words or (word.startswith(prefix) and word[len(prefix) :] in window_words)
            ):
                return True
    return False


def negation_problems(
    sentence: Structure, window: Sequence[Structure], window_words: frozenset[str] = frozenset(), text: str = ""
) -> tuple[str | None, str | None]:
    """(a predicate denied here but affirmed in the sentences that say this, or the reverse; a plain "not" where
    the matching sentences deny nothing). The denial is bound to its predicate (`structure._negations`)."""
    if sentence.question:
        return None, None  # "aren't we too quick to judge?" asks; it denies nothing
    if text and _lexical_negation(text, window_words):
        return None, None
    paired = added = None
    best = window[:PAIR_WINDOW]
    for lemma, phrase in sentence.negated.items():
        if lemma in _UNPAIRED:
            continue
        affirmed = next(
            (w.affirmed[lemma] for w in best if lemma in w.affirmed and _same_actor(sentence, w, lemma)), None
        )
        if affirmed and not any(lemma in w.negated for w in window):
            paired = f"the article says '{affirmed}', not '{phrase}'"
            break
    if paired is None:
        for lemma, word in sentence.affirmed.items():
            if lemma in _UNPAIRED or lemma == "say":
                continue
            # Only a plain "not" or "never" there: "fail to win", "no longer see" are too often conditions or
            # changes of state the sentence paraphrases ("if they win", "now see").
            denied = next(
                (w.negated[lemma] for w in best if lemma in w.plain_negated and _same_actor(sentence, w, lemma)), None
            )
            if denied and not any(lemma in w.affirmed for w in window):
                paired = f"the article says '{denied}', not '{word}'"
                break
    # A plain "not" or "never" where neither of the two sentences that match best denies anything (not even with
    # "no", "without" or "failed to"). "No longer", "no one", "without" here are left to the pairing above: they
    # are how writers paraphrase "forgotten", "unhurt", "empty".
    # A denied ability ("couldn't match Villegas, who recorded two") sums up an outcome: left to the pairing too.
    denied_here = sentence.plain_negated - sentence.unable
    if denied_here and not any(w.negations for w in window[:ADDED_WINDOW]):
        phrase = next(phrase for lemma, phrase in sentence.negated.items() if lemma in denied_here)
        added = f"the article sentences that match say it without '{phrase}'"
    return paired, added


def _same_actor(sentence: Structure, other: Structure, lemma: str) -> bool:
    """Whether the two sentences may tell of one event: "Villegas recorded two" and "Nicklaus did not record two"
    deny nothing of each other. Unknown (a pronoun, no subject) counts as the same."""
    ours = [key for lem, role, key in sentence.roles if lem == lemma and role == "subj"]
    theirs = [key for lem, role, key in other.roles if lem == lemma and role == "subj"]
    return not ours or not theirs or any(overlaps(a, b) for a in ours for b in theirs)


def role_problem(sentence: Structure, window: Sequence[Structure]) -> str | None:
    """Subject and object swapped: the sentence has both, and the window has one of them in the other role (and
    never in this one)."""
    flipped = {"subj": "obj", "obj": "subj"}
    said = {role for w in window for role in w.roles}
    filled = {(lemma, role) for lemma, role, _ in sentence.roles}
    for lemma, role, key in sorted(sentence.roles):  # sorted: the same reason first whatever the set's hash order
        if lemma in _SYMMETRIC_PREDICATES:
            continue
        if (lemma, flipped[role]) not in filled or (lemma, role, key) in said:
            continue
        if (lemma, flipped[role], key) in said:
            where = "object" if role == "subj" else "subject"
            here = "subject" if role == "subj" else "object"
            return f"the article has '{key}' as the {where} of '{lemma}', not its {here}"
    return None


def overlaps(a: str, b: str) -> bool:
    """Two fillers name the same one: a shared word, or one is the other's initials ("isis", "islamic state")."""
    ours, theirs = a.split(), b.split()
    if set(ours) & set(theirs):
        return True
    return any(
        len(x) == 1 and len(y) >= 2 and x[0].startswith("".join(w[0] for w in y))
        for x, y in ((ours, theirs), (theirs, ours))
    )


def argument_problem(sentence: Structure, window: Sequence[Structure]) -> str | None:
    """The window fills this predicate's subject (object) with someone else, and never with this sentence's filler:
    "Rugby Park confirmed Locke" where the matching sentence says "Kilmarnock confirmed Locke". Both must tell of one
    event: when this sentence fills the predicate's other role ("Locke"), the article sentence fills it alike
    ("Ferguson had beaten him to it" is another event than "Newcastle were beaten by Sunderland")."""
    said = sorted(r for w in window[:1] for r in w.named_roles)  # the sentence that says this: others tell other events
    best_roles = window[0].roles if window else frozenset()
    flipped = {"subj": "obj", "obj": "subj"}
    for lemma, role, key in sorted(sentence.named_roles):
        if lemma in _COMMON_PREDICATES or (lemma in _SPEECH_PREDICATES and role == "obj"):
            continue
        theirs = [k for lem, r, k in said if lem == lemma and r == role]
        # Every filler of the role here, common nouns too: "Millwall and Wigan"; "Scott says ... a superintendent
        # has said" is not contradicted by "Superintendent Ledbetter said".
        ours = [k for lem, r, k in sentence.roles if lem == lemma and r == role]
        if not theirs or any(overlaps(k, mine) for k in theirs for mine in ours):
            continue
        our_other = [k for lem, r, k in sentence.roles if lem == lemma and r == flipped[role]]
        their_other = [k for lem, r, k in best_roles if lem == lemma and r == flipped[role]]
        if our_other and not any(overlaps(a, b) for a in our_other for b in their_other):
            continue
        where = "subject" if role == "subj" else "object"
        return f"the article has '{theirs[0]}' as the {where} of '{lemma}', not '{key}'"
    return None


def unit_problem(sentence: Structure, window: Sequence[Structure]) -> str | None:
    """A number the window uses only for another noun: "27 people" against the article's "27 years"."""
    for value, unit, phrase in sentence.quantities:
        if "-" in phrase or re.fullmatch(r"(19|20)\d\d", value):
            continue  # "three-match", "2010 nuptials": a compound or a year, not a measure
        theirs = [(u, p) for w in window for v, u, p in w.quantities if v == value]
        if theirs and all(u != unit for u, _ in theirs) and (unit in _MEASURES or theirs[0][0] in _MEASURES):
            return f"the article says '{theirs[0][1]}', not '{phrase}'"
    return None
