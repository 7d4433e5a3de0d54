"""The sentence-level rules of the guard: each compares a summary sentence with the article sentences that match it
best (its "window"), not with the whole article, and returns the reasons a reader understands.

- facts (numbers, dates, names) must be in the window: a value the article uses in another sentence is no support;
- negation parity: a predicate the window affirms must not be denied, and the reverse;
- roles: "A beat B" is not supported by "B beat A" (subject and object from the dependency parse);
- numbers bound to their unit or noun: "27 people" is not "27 years";
- proper nouns found by the tagger too: one-word names at sentence start, names in lowercased text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.summarize.guard.facts import ArticleFacts, Fact
from briefing.summarize.guard.structure import Structure

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_STOP = frozenset(
    "the a an and or but of to in on at for with by from as is are was were be been being it its this that these "
    "those he she they we you i his her their our your him them us not no have has had do does did will would can "
    "could should may might must than then there here which who whom what when where why how all any some into about "
    "after before over under more most also just so if said says say told".split()
)


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP]


def ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    tokens = _WORD.findall(text.lower())
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


@dataclass(frozen=True)
class WindowFindings:
    """What the rules found for one sentence against its window; `problems` are reasons for the reader."""

    local_missing: tuple[Fact, ...]  # in the article, but not in the sentences that match
    negation: str | None
    role: str | None
    unit: str | None
    new_names: tuple[str, ...]  # proper nouns (tagger) absent from the whole article
    local_names: tuple[str, ...]  # proper nouns in the article but not in the window

    @property
    def problems(self) -> tuple[str, ...]:
        reasons = [
            f"{fact.kind} '{fact.text}' is not in the article sentences that say this (the article has it elsewhere)"
            for fact in self.local_missing
        ]
        reasons += [f"name '{name}' not in article" for name in self.new_names]
        reasons += [r for r in (self.negation, self.role, self.unit) if r]
        return tuple(reasons)


def find_problems(
    facts: Sequence[Fact],
    article_facts: ArticleFacts,
    window_facts: ArticleFacts,
    structure: Structure,
    window: Sequence[Structure],
    article_words: frozenset[str],
    window_words: frozenset[str],
) -> WindowFindings:
    present = [fact for fact in facts if not article_facts.missing(fact)]
    local_missing = tuple(fact for fact in present if window_facts.missing(fact))
    new_names: list[str] = []
    local_names: list[str] = []
    known = {token for fact in facts if fact.kind == "name" for token in fact.keys}
    for name in structure.proper_nouns:
        tokens = [t for t in re.findall(r"[a-z0-9]+", name) if t not in _STOP]
        if not tokens or all(t in known for t in tokens):
            continue  # the capitalised-name rule already judged it
        if any(t not in article_words for t in tokens):
            new_names.append(name)
        elif any(t not in window_words for t in tokens):
            local_names.append(name)
    return WindowFindings(
        local_missing=local_missing,
        negation=negation_problem(structure, window),
        role=role_problem(structure, window),
        unit=unit_problem(structure, window),
        new_names=tuple(new_names),
        local_names=tuple(local_names),
    )


def negation_problem(sentence: Structure, window: Sequence[Structure]) -> str | None:
    """A predicate denied here but affirmed in the window (or the reverse), and never said the other way there."""
    for lemma, phrase in sentence.negated.items():
        affirmed = next((w.affirmed[lemma] for w in window if lemma in w.affirmed), None)
        if affirmed and not any(lemma in w.negated for w in window):
            return f"the article says '{affirmed}', not '{phrase}'"
    if sentence.negations and not any(w.negations for w in window):
        phrase = next(iter(sentence.negated.values()), "not")
        return f"the article sentences that match say it without '{phrase}'"
    for lemma, word in sentence.affirmed.items():
        if lemma in ("be", "have", "say", "do"):
            continue  # too common to pair up across sentences
        denied = next((w.negated[lemma] for w in window if lemma in w.negated), None)
        if denied and not any(lemma in w.affirmed for w in window):
            return f"the article says '{denied}', not '{word}'"
    return None


def role_problem(sentence: Structure, window: Sequence[Structure]) -> str | None:
    """Someone the window names as the object of a predicate is its subject here (or the reverse)."""
    flipped = {"subj": "obj", "obj": "subj"}
    said = {role for w in window for role in w.roles}
    for lemma, role, key in sentence.roles:
        if (lemma, role, key) in said:
            continue
        if (lemma, flipped[role], key) in said:
            where = "object" if role == "subj" else "subject"
            here = "subject" if role == "subj" else "object"
            return f"the article has '{key}' as the {where} of '{lemma}', not its {here}"
    return None


def unit_problem(sentence: Structure, window: Sequence[Structure]) -> str | None:
    """A number the window uses only for another noun: "27 people" against the article's "27 years"."""
    for value, unit, phrase in sentence.quantities:
        theirs = [(u, p) for w in window for v, u, p in w.quantities if v == value]
        if theirs and all(u != unit for u, _ in theirs):
            return f"the article says '{theirs[0][1]}', not '{phrase}'"
    return None
