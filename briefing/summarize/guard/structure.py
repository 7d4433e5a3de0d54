"""Sentence structure for the guard, from spaCy's dependency parse: what is negated, who does what to whom, the
clauses, the unit or noun each number counts, and the proper nouns (also in lowercased text and at sentence start).

The parser is `en_core_web_sm` (the NER model's package) with its tagger, parser and lemmatizer and without the NER
component, loaded once per run through `RunModels.parser` (`parse_pipeline.py`: the attribute ruler and lemmatizer
served from an exact cache). Each distinct text is parsed once per parser: a `Structure` is a function of its text
(the parse of a sentence does not depend on the batch it is in), so it is kept for the run. Every rule that reads a
`Structure` is skipped when spaCy is missing, so the guard degrades to its word-level checks rather than failing.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from briefing.summarize.guard.denied_events import denied_events
from briefing.summarize.guard.facts import number_facts
from briefing.summarize.guard.parse_pipeline import PARSER_PACKAGE, clear_attribute_cache, load_parser_model

__all__ = ["PARSER_PACKAGE", "Structure", "forget_parses", "load_parser_model", "parse_structures", "structure_of"]
# Negation words that deny their head: "not", "n't", "never" (spaCy's `neg`), and the pronouns that do the same.
_NEGATING_WORDS = frozenset({"nobody", "nothing", "none", "neither", "nor", "no"})
# "not only ... but", "not just", "not least", "not until now" (= "only now"): no denial.
_NOT_DENIALS = frozenset({"only", "just", "merely", "simply", "least", "until", "till"})
# "I don't think X" means "I think not X": the denial is of X, so these verbs' own polarity says nothing.
_NEG_RAISING = frozenset({"think", "believe", "expect", "suppose", "imagine", "reckon", "seem", "appear"})
# Verbs that deny their complement: "failed to stop" says what "did not stop" says.
_DENYING_VERBS = frozenset({"fail", "refuse", "decline", "neglect", "unable"})
# "couldn't match Villegas, who recorded two": an inability is how writers sum up an outcome the article tells.
_ABILITY = frozenset({"can", "ca", "could"})
_PREDICATE_POS = frozenset({"VERB", "AUX", "ADJ"})
_SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
_OBJECT_DEPS = frozenset({"dobj", "nsubjpass", "dative"})
_CLAUSE_DEPS = frozenset({"conj", "relcl", "advcl"})  # not ccomp: "X said (that) Y" is one claim
MIN_CLAUSE_WORDS = 4  # shorter pieces ("he said") carry no claim of their own


@dataclass(frozen=True)
class Structure:
    """What the parse says about one sentence. Lemmas are lowercased; phrases are as written (for reasons)."""

    negated: dict[str, str]  # lemma of a negated predicate -> the phrase ("did not arrest")
    affirmed: dict[str, str]  # lemma of a predicate said without negation -> its word ("arrested")
    roles: frozenset[tuple[str, str, str]]  # (predicate lemma, "subj" | "obj", argument key)
    named_roles: frozenset[tuple[str, str, str]]  # the roles filled by a proper noun
    clauses: tuple[str, ...]  # the sentence's clauses when it has more than one, else ()
    quantities: tuple[tuple[str, str, str], ...]  # (value key, unit lemma, phrase as written: "27 people")
    proper_nouns: tuple[str, ...]  # runs of proper nouns, lowercased: "gary locke"
    negations: int  # negation words in the sentence (for the classifier)
    plain_negated: frozenset[str] = frozenset()  # the predicates denied by a plain "not", "n't" or "never"
    unable: frozenset[str] = frozenset()  # ... of those, the ones denied with "can" or "could": "couldn't match"
    question: bool = False  # a question asserts nothing to deny
    mentions: frozenset[str] = frozenset()  # every word and lemma, lowercased: whom the sentence mentions at all
    # Per plain denial: the predicate's lemma and its event's words as (word, lemma) (`denied_events.py`).
    denied_events: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    @classmethod
    def empty(cls) -> Structure:
        return cls({}, {}, frozenset(), frozenset(), (), (), (), 0)


PARSE_BATCH = 64  # texts per `nlp.pipe` batch (larger ones measured no faster)
KEPT_STRUCTURES = 20_000  # texts whose `Structure` a parser keeps (a few KB each at most); then it starts afresh
_kept: weakref.WeakKeyDictionary[Any, dict[str, Structure]] = weakref.WeakKeyDictionary()


def parse_structures(parser: Any | None, texts: Sequence[str]) -> list[Structure]:
    """One `Structure` per text (all empty when there is no parser); each distinct text parsed once per parser."""
    if parser is None:
        return [Structure.empty() for _ in texts]
    kept = _kept.setdefault(parser, {})
    if len(kept) + len(texts) > KEPT_STRUCTURES:
        kept.clear()
    todo = [text for text in dict.fromkeys(texts) if text not in kept]
    kept.update(zip(todo, (structure_of(doc) for doc in parser.pipe(todo, batch_size=PARSE_BATCH)), strict=True))
    return [kept[text] for text in texts]


def forget_parses(parser: Any | None) -> None:
    """Drop what a parser keeps between calls (its structures, its attribute cache), as a fresh run starts: the
    benchmarks time a parse from here, as they time the encoder from an empty cache."""
    if parser is not None:
        _kept.pop(parser, None)
        clear_attribute_cache(parser)


def structure_of(doc: Any) -> Structure:
    negated, plain, unable, negations = _negations(doc)
    affirmed: dict[str, str] = {}
    for token in doc:
        if _says(token):
            for lemma in (token.lemma_.lower(), _complement(token)):
                if lemma and lemma not in negated and lemma not in _NEG_RAISING:
                    affirmed.setdefault(lemma, token.text)
    roles = _roles(doc)
    return Structure(
        negated=negated,
        affirmed=affirmed,
        roles=frozenset((lemma, role, key) for lemma, role, key, _ in roles),
        named_roles=frozenset((lemma, role, key) for lemma, role, key, named in roles if named),
        clauses=_clauses(doc),
        quantities=tuple(_quantities(doc)),
        proper_nouns=tuple(_proper_noun_runs(doc)),
        negations=negations,
        plain_negated=frozenset(plain),
        unable=frozenset(unable),
        question=doc.text.rstrip(" '\"’”").endswith("?"),
        mentions=frozenset(w for t in doc if t.is_alpha or t.like_num for w in (t.lower_, t.lemma_.lower())),
        denied_events=denied_events(doc),
    )


def _says(token: Any) -> bool:
    """A predicate the sentence asserts: a verb (not an auxiliary), or an adjective said of something."""
    if token.pos_ == "VERB":
        return token.dep_ not in ("aux", "auxpass", "amod")  # "the injured man" asserts no injury
    return token.pos_ in ("AUX", "ADJ") and token.dep_ in _ASSERTING_DEPS


_ASSERTING_DEPS = frozenset({"ROOT", "conj", "relcl", "advcl", "ccomp", "xcomp", "acomp"})


def _predicate(token: Any) -> Any | None:
    """The predicate a negation word denies: up from "no" in "no one was hurt" or "no longer used" to the verb.

    None when the negation sits inside a noun or prepositional phrase and denies no predicate of the sentence:
    "those not near a branch", "a not insignificant sum", "the man, not his wife", "in no time". Only a negative
    determiner or pronoun ("no one", "nothing") may deny through a noun, and only through the predicate's subject
    or object ("no one was hurt", "found no evidence")."""
    determiner = token.lower_ in _NEGATING_WORDS and token.dep_ != "neg"
    current = token
    head = token.head
    while head.head.i != head.i and (head.pos_ not in _PREDICATE_POS or head.dep_ in ("advmod", "amod")):
        if not _passes_negation(current, head, determiner and current is token):
            return None
        current, head = head, head.head
    if not _passes_negation(current, head, determiner and current is token):
        return None
    return head


_NOMINAL_POS = frozenset({"NOUN", "PROPN", "PRON", "NUM"})
_CORE_ARGUMENTS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "dative", "expl"})
_PHRASE_DEPS = frozenset({"prep", "pobj", "pcomp", "appos", "acl", "agent", "npadvmod", "poss"})


def _passes_negation(current: Any, head: Any, own_determiner: bool) -> bool:
    """Whether a denial climbs from `current` to `head` on its way to its predicate."""
    if current.dep_ in _PHRASE_DEPS:
        return False  # "not near a branch", "in no time": the phrase is negated, not the verb
    if head.pos_ in _NOMINAL_POS and head.pos_ not in _PREDICATE_POS:
        # A noun in between: only "no"/"none" on a subject or object denies the verb through it.
        return own_determiner and head.dep_ in _CORE_ARGUMENTS
    return True


def _complement(token: Any) -> str | None:
    """A copula's complement ("is not [alone]"): "be" alone is in too many sentences to pair up."""
    if token.lemma_ != "be":
        return None
    complement = next((c for c in token.children if c.dep_ in ("acomp", "attr")), None)
    return complement.lemma_.lower() if complement is not None and complement.pos_ != "PRON" else None


def _negations(doc: Any) -> tuple[dict[str, str], set[str], set[str], int]:
    """(denied predicate lemma -> phrase, the lemmas denied by a plain "not"/"never", those of them denied with
    "can"/"could", negation words).

    A denial is bound to its predicate: "did not arrest" denies "arrest"; "failed to stop", "refused to stop" and
    "left without paying" deny "stop" and "pay"; "no one was hurt" denies "hurt". "Not only", "not until now" and the
    negation of a neg-raising verb ("I don't think") deny nothing of their own predicate."""
    negated: dict[str, str] = {}
    plain: set[str] = set()
    unable: set[str] = set()
    negations = 0
    for token in doc:
        lower = token.lower_
        if token.dep_ == "neg" or (
            lower in _NEGATING_WORDS and token.dep_ in ("det", "nsubj", "nsubjpass", "dobj", "neg")
        ):
            following = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
            if following in _NOT_DENIALS:
                continue
            head = _predicate(token)
            if head is None:
                negations += 1  # still a denial in the sentence (for the added-negation rule and the classifier)
                continue  # ... but of a phrase inside a noun phrase ("those not near a branch"), not of a predicate
            if any(c.lower_ in _NOT_DENIALS for c in head.children if c.i > token.i):
                continue  # "were not charged until now"
            negations += 1
            lemma = head.lemma_.lower()
            if lemma in _NEG_RAISING:
                # "does not believe we're close" denies "close"; "I don't think she shouldn't" denies nothing.
                head = next((c for c in head.children if c.dep_ == "ccomp"), head)
                lemma = head.lemma_.lower()
                if lemma in _NEG_RAISING or any(c.dep_ == "neg" for c in head.children):
                    continue
            start = min(t.i for t in (token, head, *[c for c in head.children if c.dep_ in ("aux", "auxpass")]))
            complement = (
                next((c for c in head.children if c.dep_ in ("acomp", "attr")), None) if lemma == "be" else None
            )
            end = max(token.i, head.i, complement.i if complement is not None else 0)
            phrase = doc[start : end + 1].text
            for key in (lemma, _complement(head)):
                if key:
                    negated[key] = phrase
                    if token.dep_ == "neg" and lower != "no":
                        plain.add(key)
                        if any(c.dep_ == "aux" and c.lower_ in _ABILITY for c in head.children):
                            unable.add(key)
        elif lower == "without" and token.dep_ == "prep":
            pcomp = next((c for c in token.children if c.dep_ == "pcomp" and c.pos_ == "VERB"), None)
            if pcomp is not None:
                negations += 1
                negated[pcomp.lemma_.lower()] = doc[token.i : pcomp.i + 1].text
        elif token.lemma_.lower() in _DENYING_VERBS:
            complement = next((c for c in token.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
            if complement is not None:
                negations += 1
                negated.setdefault(complement.lemma_.lower(), doc[token.i : complement.i + 1].text)
    return negated, plain, unable, negations


def argument_key(token: Any) -> str | None:
    """A role's filler as a comparable key: the proper-noun phrase ("gary locke"), else the noun's lemma."""
    if token.pos_ == "PROPN":
        parts = [c for c in token.children if c.dep_ in ("compound", "flat") and c.pos_ == "PROPN" and c.i < token.i]
        key = " ".join(re.findall(r"[^\W_]+", " ".join([*(p.lower_ for p in parts), token.lower_])))
        return key or None
    if token.pos_ == "NOUN":
        return token.lemma_.lower()
    return None  # pronouns and the rest: whom they stand for is not in the sentence


def _roles(doc: Any) -> list[tuple[str, str, str, bool]]:
    found: list[tuple[str, str, str, bool]] = []
    for token in doc:
        if token.pos_ not in ("VERB", "AUX"):
            continue
        lemma = token.lemma_.lower()
        # A headline's passive drops the auxiliary ("McHenry suspended for a week"): its subject is the object.
        headline_passive = token.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass") for c in token.children)
        for child in token.children:
            if child.dep_ in _SUBJECT_DEPS:
                role, filler = ("obj" if headline_passive else "subj"), child
            elif child.dep_ in _OBJECT_DEPS:
                role, filler = "obj", child
            elif child.dep_ == "agent":  # "was beaten by Federer": Federer is the subject
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is None:
                    continue
                role, filler = "subj", pobj
            else:
                continue
            # "Sherwood and Ramsey will meet": both fill the role.
            for each in (filler, *(c for c in filler.children if c.dep_ == "conj")):
                key = argument_key(each)
                if key:
                    found.append((lemma, role, key, each.pos_ == "PROPN"))
    return found


def _clauses(doc: Any) -> tuple[str, ...]:
    """Split at coordinated, relative and adverbial clauses: each head's subtree minus the nested clauses."""
    heads = [t for t in doc if t.dep_ == "ROOT"] + [
        t for t in doc if t.dep_ in _CLAUSE_DEPS and t.pos_ in ("VERB", "AUX")
    ]
    if len(heads) < 2:
        return ()
    head_set = {t.i for t in heads}
    clauses: list[str] = []
    for head in heads:
        tokens = []
        stack = [head]
        while stack:
            token = stack.pop()
            tokens.append(token)
            stack.extend(c for c in token.children if c.i not in head_set)
        tokens.sort(key=lambda t: t.i)
        words = [t for t in tokens if t.is_alpha]
        if len(words) >= MIN_CLAUSE_WORDS:
            clauses.append("".join(t.text_with_ws for t in tokens).strip(" ,;.:-"))
    return tuple(clauses) if len(clauses) >= 2 else ()


# Units written several ways: "12%", "12 per cent", "12 percent"; "198 metres", "198 meters". A glued "m", "k" or
# "bn" is left to the number rule ("198m": metres or million).
_UNIT_FORMS = {
    "%": "percent", "cent": "percent", "pc": "percent", "percentage": "percent",
    "meter": "metre", "metre": "metre", "km": "kilometre", "kilometer": "kilometre", "kilometre": "kilometre",
    "foot": "foot", "feet": "foot", "ft": "foot", "mile": "mile", "kg": "kilogram", "kilo": "kilogram",
    "yr": "year", "hr": "hour", "min": "minute",
}  # fmt: skip
_AMBIGUOUS_UNITS = frozenset({"m", "k", "bn", "b", "mn", "tn", "million", "billion", "thousand", "hundred"})


def unit_key(lemma: str) -> str:
    return _UNIT_FORMS.get(lemma, lemma)


def _quantities(doc: Any) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    for token in doc:
        if not token.like_num:
            continue
        per = next((c for c in token.children if c.lower_ == "per"), None)
        cent = next((c for c in per.children if c.lower_ in ("cent", "centum")), None) if per is not None else None
        if cent is not None:  # "12 per cent": the parse hangs "per cent" under the number
            unit = cent
        elif token.dep_ in ("nummod", "quantmod", "compound"):
            unit = token.head
            while unit.dep_ in ("nummod", "quantmod") and unit.head is not unit and unit.like_num:
                unit = unit.head  # "two hundred people": up to the noun
        else:
            continue
        if (unit.pos_ not in ("NOUN", "PROPN") and unit.lower_ != "%") or unit is token:
            continue
        if unit.lower_ in _AMBIGUOUS_UNITS:
            continue
        facts = number_facts(doc[token.i : unit.i].text if unit.i > token.i and cent is None else token.text)
        if facts:
            phrase = doc[min(token.i, unit.i) : max(token.i, unit.i) + 1].text
            found.append((facts[0].keys[0], unit_key(unit.lemma_.lower()), phrase))
    return found


def _proper_noun_runs(doc: Any) -> list[str]:
    """Runs of proper nouns: capitalised ones (at sentence start too), or any the tagger finds in lowercased text."""
    lowercased = not any(t.text[:1].isupper() for t in doc)
    runs: list[str] = []
    current: list[str] = []
    for token in doc:
        written_as_name = token.text[:1].isupper() or lowercased
        if token.pos_ == "PROPN" and token.is_alpha and len(token.text) > 1 and written_as_name:
            current.append(token.lower_)
            continue
        if current:
            runs.append(" ".join(current))
            current = []
    if current:
        runs.append(" ".join(current))
    return runs
