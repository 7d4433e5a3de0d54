"""The guard's clause rules: a clause of the sentence checked on its own against the article (`rules.find_problems`
runs them; the clause supports come from the encoder, the clauses from spaCy's parse, `structure.py`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from briefing.summarize.guard.predicate_rules import overlaps
from briefing.summarize.guard.rule_words import content_words, said_verbatim
from briefing.summarize.guard.structure import Structure

CLAUSE_THRESHOLD = 0.22  # a clause this far from every article sentence is not said there
MIN_RULE_CLAUSE_WORDS = 5  # ... when it is long enough to make a claim of its own
CLAUSE_NOVEL_SHARE = 0.75  # ... or a clause most of whose content words the article never uses
MIN_NOVEL_WORDS = 4
COPIED_CLAUSE_SUPPORT = 0.65  # a clause this close to one article sentence is taken from it


def clause_problem(sentence: Structure, clause_supports: Sequence[float], article_text: str = "") -> str | None:
    """A clause no article sentence comes close to (the sentence as a whole may still match well)."""
    for clause, support in zip(sentence.clauses, clause_supports, strict=False):
        if said_verbatim(clause, article_text):
            continue  # a fragment ("who is said to have cried") matches nothing as a sentence, but is written there
        if support < CLAUSE_THRESHOLD and len(re.findall(r"[A-Za-z]+", clause)) >= MIN_RULE_CLAUSE_WORDS:
            return f"no article sentence says '{clause}' (best similarity {support:.2f})"
    return None


def clause_words_problem(sentence: Structure, article_words: frozenset[str], article_text: str = "") -> str | None:
    if sentence.question:
        return None  # a question's pieces are no claims
    for clause in sentence.clauses:
        if said_verbatim(clause, article_text):
            continue
        words = content_words(clause)
        absent = [w for w in words if w not in article_words]
        if len(absent) >= MIN_NOVEL_WORDS and len(absent) / len(words) >= CLAUSE_NOVEL_SHARE:
            return f"the article does not say '{clause}' (its words {', '.join(absent[:3])} are not in it)"
    return None


def copied_clause_problem(
    sentence: Structure, clause_supports: Sequence[float], sources: Sequence[Structure]
) -> str | None:
    """A clause taken nearly word for word from one article sentence, whose predicate has another subject there and
    whose subject here that sentence never mentions: "..., and the club are eighth" from "Hibs are eighth". A
    subject the sentence names in any role ("a memo by the Congressional Research Service warns") is no one else."""
    ours = sorted((lemma, key) for lemma, role, key in sentence.roles if role == "subj")
    for support, source in zip(clause_supports, sources, strict=False):
        if support < COPIED_CLAUSE_SUPPORT:
            continue
        theirs = {(lemma, key) for lemma, role, key in source.roles if role == "subj"}
        fillers = {key for _, _, key in source.roles}
        for lemma, key in ours:
            others = sorted(k for lem, k in theirs if lem == lemma)
            if all(word in source.mentions for word in key.split()):
                continue
            if others and not any(overlaps(k, key) for k in [*others, *fillers]):
                return f"the article says '{others[0]}' did this ('{lemma}'), not '{key}'"
    return None
