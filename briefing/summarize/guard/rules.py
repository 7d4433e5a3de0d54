"""The sentence-level rules of the guard: each compares a summary sentence with the article sentences that match it
best (its "window"), not with the whole article, and returns a reason a reader understands. This module holds the
table of rules, which are adopted, and `find_problems`, which runs them; the rules live with what they read: the
parse's predicates (`predicate_rules.py`), its clauses (`clause_rules.py`), the words alone (`frames.py`,
`copied_predicates.py`, `added_phrases.py`, `name_swaps.py`), shared word helpers in `rule_words.py`.

Every rule is computed for every sentence (`WindowFindings.reasons`), but only the rules in `ADOPTED_RULES` flag a
sentence: a rule is adopted only when, on held-out CNN/DailyMail and BBC articles, it catches more corruptions than
today's rules without flagging one more true sentence (`python -m bench.faithfulness` prints the table).

- window_facts: a number, date or name the article has, but not in the sentences that match (nor the title);
- names: a proper noun (found by the tagger: also one-word names at sentence start, and lowercased text) the article
  never uses;
- negation: a predicate the window affirms is denied here, or the reverse;
- negation_added: a negation here when the matching sentences have none;
- roles: "A beat B" where the window says "B beat A" (subject and object from the dependency parse);
- arguments: another name fills this predicate's subject or object in the window (for common nouns this was tried
  and left out: paraphrases swap "boy" for "child", "worker" for "employee");
- units: a number bound to another unit or noun ("27 people" where the window has "27 hours");
- clauses: a clause of the sentence no article sentence says (its best similarity below `CLAUSE_THRESHOLD`);
- clause_words: a clause most of whose content words the article never uses;
- copied_clause: a clause the article says nearly word for word, but of someone else (its subject differs);
- frames: a number, date or name an article sentence's frame fills with another value (`frames.py`);
- copied_predicate: a clause after ", and" that is an article sentence's predicate word for word, of a subject that
  sentence does not name (`copied_predicates.py`);
- added_phrase: the phrase after the last comma in words the article mostly lacks (`added_phrases.py`);
- denied_event: a predicate denied here whose event the best match tells without a denial (`denied_events.py`).
- name_swaps: a name standing where an article sentence names someone else, in reworded words (`name_swaps.py`);
- object_roles: an object here that the sentences that say this have only as the predicate's subject
  (`role_swaps.py`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.summarize.guard.added_phrases import added_phrase_problem
from briefing.summarize.guard.clause_rules import clause_problem, clause_words_problem, copied_clause_problem
from briefing.summarize.guard.copied_predicates import copied_predicate_problem
from briefing.summarize.guard.denied_events import denied_event_problem
from briefing.summarize.guard.facts import ArticleFacts, Fact
from briefing.summarize.guard.frames import frame_problem
from briefing.summarize.guard.name_swaps import name_swap_problem
from briefing.summarize.guard.predicate_rules import argument_problem, negation_problems, role_problem, unit_problem
from briefing.summarize.guard.role_swaps import object_role_problem
from briefing.summarize.guard.rule_words import STOP, said_verbatim
from briefing.summarize.guard.structure import Structure

RULES = (
    "window_facts",
    "names",
    "negation",
    "negation_added",
    "roles",
    "arguments",
    "units",
    "clauses",
    "clause_words",
    "copied_clause",
    "frames",
    "copied_predicate",
    "added_phrase",
    "denied_event",
    "name_swaps",
    "object_roles",
)
# Chosen by the held-out table of `python -m bench.faithfulness` (see the README's guard section): a rule that
# flagged one more true sentence than today's rules on a held-out set of the bench's construction (CNN/DM 1-30,
# BBC 1-40, and the fresh BBC 141-250) is left out. Negation parity, once scoped to the predicate's own actor and to
# verb negation (guard 6), flags no extra true sentence on any of the three and catches +36 / +225 / +708
# corruptions: adopted, although it flags 3 of 927 Multi-News summary sentences checked against their cluster (a
# set where the adopted arguments and clause-words rules flag 6 and 20 more too). The added negation (+32 there) is not.
# Frames (guard 7): +0 true / +21, +336, +968 caught, +0 Multi-News. Guard 8: copied predicates +0 / +44, +142,
# +417, Multi-News +1; denied events +0 / +22, +126, +385, Multi-News +0; the added phrase (+62 there) is not.
# Name swaps and object roles (guard 8): +0 true / +19 and +6 caught on CNN/DM 1-30, +0 / +73 and +44 on BBC 1-40,
# +0 / +301 and +96 on BBC 141-250; 3 and 1 of the 927 Multi-News true sentences beyond today's rules. (Each rule
# measured alone on its branch; the four together in the README's guard 8 table.)
ADOPTED_RULES: frozenset[str] = frozenset(
    {
        "roles",
        "arguments",
        "units",
        "clauses",
        "clause_words",
        "negation",
        "frames",
        "copied_predicate",
        "denied_event",
        "name_swaps",
        "object_roles",
    }
)
# The rules that read spaCy's parse (the others read only the words).
PARSE_RULES = frozenset(RULES) - {"window_facts", "frames", "copied_predicate", "added_phrase"}


@dataclass(frozen=True)
class WindowFindings:
    """What the rules found for one sentence against its window. `reasons`: rule name -> reason for the reader."""

    local_missing: tuple[Fact, ...]  # in the article, but not in the sentences that match
    negation: str | None
    role: str | None
    unit: str | None
    new_names: tuple[str, ...]  # proper nouns (tagger) absent from the whole article
    local_names: tuple[str, ...]  # proper nouns in the article but not in the window
    reasons: tuple[tuple[str, str], ...] = ()

    @property
    def problems(self) -> tuple[str, ...]:
        """The reasons of the adopted rules (the ones that flag)."""
        return tuple(reason for rule, reason in self.reasons if rule in ADOPTED_RULES)

    def fired(self, rules: frozenset[str] | set[str]) -> bool:
        return any(rule in rules for rule, _ in self.reasons)


def find_problems(
    facts: Sequence[Fact],
    article_facts: ArticleFacts,
    window_facts: ArticleFacts,
    structure: Structure,
    window: Sequence[Structure],
    article_words: frozenset[str],
    window_words: frozenset[str],
    clause_supports: Sequence[float] = (),
    clause_sources: Sequence[Structure] = (),
    text: str = "",
    article_text: str = "",
    article_sentences: Sequence[str] = (),
) -> WindowFindings:
    """Every rule's finding; `article_text` is the article's words joined by single spaces (lowercased): a sentence
    or clause found in it word for word is said there, whatever the rules make of its parse. `article_sentences`
    as written (the frames rule reads their capitals)."""
    if text and said_verbatim(text, article_text):
        return WindowFindings((), None, None, None, (), ())
    present = [fact for fact in facts if not article_facts.missing(fact) and not _day_of_month(fact, text)]
    # Numbers and full names; a lone name word ("Tory", "EU", "Scots") is too often the story's background.
    local_missing = tuple(fact for fact in present if _located(fact) and window_facts.missing(fact))
    new_names: list[str] = []
    local_names: list[str] = []
    known = {token for fact in facts if fact.kind == "name" for token in fact.keys}
    for name in structure.proper_nouns:
        tokens = [t for t in re.findall(r"[^\W_]+", name) if t not in STOP]
        if not tokens or all(t in known for t in tokens):
            continue  # the capitalised-name rule already judged it
        if any(not article_facts.has_word(t) for t in tokens):
            new_names.append(name)
        elif any(t not in window_words for t in tokens):
            local_names.append(name)
    negation, negation_added = negation_problems(structure, window, window_words, text)
    role = role_problem(structure, window)
    unit = unit_problem(structure, window)
    reasons: list[tuple[str, str]] = [
        ("window_facts", f"{f.kind} '{f.text}' is not in the article sentences that say this (it is elsewhere)")
        for f in local_missing
    ]
    reasons += [("names", f"name '{name}' not in article") for name in new_names]
    candidates = (
        ("negation", negation),
        ("negation_added", negation_added),
        ("roles", role),
        ("arguments", argument_problem(structure, window)),
        ("units", unit),
        ("clauses", clause_problem(structure, clause_supports, article_text)),
        ("clause_words", clause_words_problem(structure, article_words, article_text)),
        ("copied_clause", copied_clause_problem(structure, clause_supports, clause_sources)),
        ("frames", frame_problem(text, article_sentences)),
        ("copied_predicate", copied_predicate_problem(text, article_sentences)),
        ("added_phrase", added_phrase_problem(text, article_text)),
        ("denied_event", denied_event_problem(structure, window)),
        ("name_swaps", name_swap_problem(text, article_sentences, structure.proper_nouns)),
        ("object_roles", object_role_problem(structure, window)),
    )
    reasons += [(rule, reason) for rule, reason in candidates if reason]
    return WindowFindings(
        local_missing=local_missing,
        negation=negation or negation_added,
        role=role,
        unit=unit,
        new_names=tuple(new_names),
        local_names=tuple(local_names),
        reasons=tuple(reasons),
    )


def _located(fact: Fact) -> bool:
    """Facts precise enough to pin to a sentence: numbers in digits (not years), full names."""
    if fact.kind == "number":
        return fact.text[:1].isdigit() and not re.fullmatch(r"(19|20)\d\ds?", fact.text)
    return fact.kind == "name" and len(fact.keys) >= 2


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"


def _day_of_month(fact: Fact, text: str) -> bool:
    """ "April 6", "6 April": the day goes with its month (a date the writer may have looked up elsewhere)."""
    match = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", fact.text)
    if fact.kind != "number" or match is None or int(match.group(1)) > 31:
        return False
    day = match.group(1)
    pattern = rf"\b{_MONTH}\s+{day}(?:st|nd|rd|th)?\b|\b{day}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b"
    return re.search(pattern, text, re.IGNORECASE) is not None
