"""The denied-event rule: a predicate denied here whose event the best-matching article sentence tells, undenied.

"Gomis did not suffer a grade two hamstring tear" where the article's closest sentence says "Scans revealed a grade
two hamstring tear": the verb is reworded ("suffer" / "revealed"), so negation parity
(`predicate_rules.negation_problems`), which pairs one lemma, finds nothing to pair; but the denied predicate's own
words ("grade", "two", "hamstring", "tear") are in that sentence, and neither of the two closest sentences denies
anything. The reason: "the article tells of 'grade two hamstring tear' without 'did not suffer'".

The event's words are the predicate's dependents but its subject, its auxiliaries and the clauses it governs ("It is
not clear whether …" denies no event of the "whether" clause), and only content words. Only a plain "not", "n't"
or "never" counts, not a denied ability ("couldn't match"), not "no" (writers paraphrase "unhurt" as "no one was
hurt"). Tuned on the training articles (CNN/DailyMail 31-100, BBC 41-140; their true sentences flagged none).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from briefing.summarize.guard.rule_words import content_words

if TYPE_CHECKING:
    from briefing.summarize.guard.structure import Structure

MIN_EVENT_WORDS = 3  # the denied event's words the article sentence has
EVENT_SHARE = 0.5  # ... and at least this share of them
QUIET_WINDOW = 2  # the closest sentences that must deny nothing
_SKIPPED_DEPS = frozenset(
    {"nsubj", "nsubjpass", "csubj", "aux", "auxpass", "neg", "punct", "ccomp", "advcl", "cc", "conj"}
)
_ABILITY = frozenset({"can", "ca", "could"})
_NOT_DENIALS = frozenset({"only", "just", "merely", "simply", "least", "until", "till"})


def denied_events(doc: Any) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """(the denied predicate's lemma, its event words as (word, lemma) pairs) per plain denial in a parsed doc."""
    found: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    for token in doc:
        if token.dep_ != "neg" or token.lower_ == "no":
            continue
        following = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
        head = token.head
        if following in _NOT_DENIALS or any(c.dep_ == "aux" and c.lower_ in _ABILITY for c in head.children):
            continue
        if any(c.lower_ in _NOT_DENIALS for c in head.children if c.i > token.i):
            continue  # "did not take it up until his mid-thirties" says when, not that he never did
        skipped = {t.i for c in head.children if c.dep_ in _SKIPPED_DEPS for t in c.subtree}
        words = tuple(
            dict.fromkeys(
                (t.lower_, t.lemma_.lower())
                for t in head.subtree
                if t.i != head.i and t.i not in skipped and (t.is_alpha or t.like_num) and content_words(t.lower_)
            )
        )
        found.append((head.lemma_.lower(), words))
    return tuple(found)


def denied_event_problem(sentence: Structure, window: Sequence[Structure]) -> str | None:
    """The reason when a predicate denied here tells an event the best-matching article sentence tells undenied."""
    if sentence.question or not window or any(w.negations for w in window[:QUIET_WINDOW]):
        return None
    best = window[0]
    for lemma, words in sentence.denied_events:
        told = [word for word, word_lemma in words if word in best.mentions or word_lemma in best.mentions]
        if len(told) >= MIN_EVENT_WORDS and len(told) / len(words) >= EVENT_SHARE:
            phrase = sentence.negated.get(lemma, f"not {lemma}")
            return f"the article tells of '{' '.join(told)}' without '{phrase}'"
    return None
