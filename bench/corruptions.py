"""FactCC-style corruptions of true sentences, for `bench/faithfulness.py` and `scripts/train_consistency.py`.

Each true sentence (a human reference sentence, or an article sentence) is changed in one of the standard ways of
the factual-consistency literature; a corruption that does not apply to a sentence (no number to change, no object
to swap) is skipped, never faked. The same seed gives the same corruptions. The appended-clause templates come in two
disjoint halves, "train" and "bench", so the benchmark never sees a template the classifier was trained on.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from briefing.text import split_sentences

CORRUPTIONS = (
    "entity_outside",  # a name of the same kind from another article
    "entity_inside",  # a name of the same kind from elsewhere in the same article
    "number",  # a number changed (to a value the article uses elsewhere when it has one)
    "date",  # a month, weekday or year changed
    "negation",  # a negation inserted or removed
    "role_swap",  # subject and object swapped
    "clause_added",  # an invented clause appended
    "clause_copied",  # a clause of another article sentence, given this sentence's subject
    "other_article",  # a sentence of another article
)
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
_MONTHS = "January February March April May June July August September October November December".split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_NUMBER_WORDS = "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty".split()
_INVENTED_CLAUSES = {
    "train": (
        "which the ministry said would be reviewed next month",
        "a move critics described as a major setback",
        "after talks that lasted late into the night",
        "although the report has since been disputed by experts",
        "according to documents seen by reporters",
        "which is expected to cost millions",
        "a figure that officials say could rise",
        "despite warnings issued earlier in the year",
        "in what police called a targeted attack",
        "which sources said had been planned for weeks",
    ),
    "bench": (
        "which officials said would be announced next week",
        "according to a statement released later that day",
        "a decision that was later reversed by the court",
        "after a two-hour meeting with local leaders",
        "although the company has since denied any wrongdoing",
        "which police said was linked to an earlier incident",
        "a claim his lawyers strongly reject",
        "months after the plan was first approved",
        "in a deal worth an estimated fortune",
        "which witnesses said had happened twice before",
    ),
}


@dataclass(frozen=True)
class Corruption:
    kind: str
    text: str
    original: str


@dataclass
class ArticleContext:
    """What the corruptions of one article's sentences may borrow from."""

    text: str  # the article, for "does the article say this" tests
    names: dict[str, list[str]]  # NER label -> names in the article
    sentence_docs: list[Any]  # parsed article sentences (for copied clauses)
    numbers: list[str]  # numbers written in digits in the article


def article_context(nlp: Any, sentences: Sequence[str], limit: int = 30) -> ArticleContext:
    docs = list(nlp.pipe(list(sentences[:limit]), batch_size=64))
    names: dict[str, list[str]] = {}
    for doc in docs:
        for entity in doc.ents:
            if entity.label_ in NAME_LABELS and entity.text not in names.setdefault(entity.label_, []):
                names[entity.label_].append(entity.text)
    text = " ".join(sentences)
    return ArticleContext(text, names, docs, re.findall(r"\b\d[\d,]*(?:\.\d+)?\b", text))


def corrupt_all(
    doc: Any,
    context: ArticleContext,
    others: Sequence[ArticleContext],
    other_sentences: Sequence[str],
    seed: int,
    split: str,
) -> list[Corruption]:
    """Every corruption of one parsed sentence that applies to it (at most one per kind)."""
    rng = random.Random(seed)
    made: list[Corruption] = []
    for kind in CORRUPTIONS:
        text = _MAKERS[kind](doc, context, others, other_sentences, rng, split)
        if text and text.strip() != doc.text.strip():
            made.append(Corruption(kind, _tidy(text), doc.text))
    return made


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s+", " ", text)).strip()
    return text[:1].upper() + text[1:]


def _replace_span(doc: Any, start: int, end: int, new: str) -> str:
    return doc[:start].text_with_ws + new + (" " if doc[end - 1].whitespace_ else "") + doc[end:].text


def _entity_swap(doc: Any, pool: dict[str, list[str]], rng: random.Random, forbid: str) -> str | None:
    entities = [e for e in doc.ents if e.label_ in NAME_LABELS]
    rng.shuffle(entities)
    lowered = forbid.lower()
    for entity in entities:
        words = set(entity.text.lower().split())
        candidates = [
            name
            for name in pool.get(entity.label_, [])
            if name.lower() not in doc.text.lower() and not words & set(name.lower().split())
        ]
        if lowered:  # outside names must not occur in the article at all
            candidates = [c for c in candidates if c.lower() not in lowered]
        if candidates:
            return _replace_span(doc, entity.start, entity.end, rng.choice(candidates))
    return None


def _entity_outside(doc, context, others, _sentences, rng, _split) -> str | None:
    pool: dict[str, list[str]] = {}
    for other in others:
        for label, names in other.names.items():
            pool.setdefault(label, []).extend(names)
    return _entity_swap(doc, pool, rng, context.text)


def _entity_inside(doc, context, _others, _sentences, rng, _split) -> str | None:
    return _entity_swap(doc, context.names, rng, "")


def _number(doc, context, _others, _sentences, rng, _split) -> str | None:
    tokens = [t for t in doc if t.like_num and t.tag_ == "CD" and not _is_year(t.text)]
    if not tokens:
        return None
    token = rng.choice(tokens)
    if token.text.lower() in _NUMBER_WORDS:
        new = rng.choice([w for w in _NUMBER_WORDS if w != token.text.lower()])
    else:
        elsewhere = [n for n in context.numbers if n not in doc.text and not _is_year(n)]
        if elsewhere and rng.random() < 0.5:
            new = rng.choice(elsewhere)
        else:
            digits = token.text.replace(",", "")
            try:
                value = float(digits)
            except ValueError:
                return None
            changed = value
            while changed == value:
                changed = max(1, round(value * rng.choice((0.5, 0.7, 1.5, 2, 3)) + rng.randint(-3, 3)))
            new = f"{changed:g}" if "." in digits else f"{int(changed):,}" if "," in token.text else str(int(changed))
    return _replace_span(doc, token.i, token.i + 1, new)


def _is_year(text: str) -> bool:
    return bool(re.fullmatch(r"(19|20)\d\d", text))


def _date(doc, context, _others, _sentences, rng, _split) -> str | None:
    for token in doc:
        for names in (_MONTHS, _WEEKDAYS):
            if token.text in names:
                mentioned = [n for n in names if n != token.text and n in context.text]
                new = (
                    rng.choice(mentioned)
                    if mentioned and rng.random() < 0.5
                    else rng.choice([n for n in names if n != token.text])
                )
                return _replace_span(doc, token.i, token.i + 1, new)
        if _is_year(token.text):
            return _replace_span(doc, token.i, token.i + 1, str(int(token.text) + rng.choice((-3, -2, -1, 1, 2))))
    return None


def _negation(doc, _context, _others, _sentences, _rng, _split) -> str | None:
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in ("VERB", "AUX"):
        return None
    negation = next((c for c in root.children if c.dep_ == "neg"), None)
    if negation is not None:  # remove it: "did not arrest" -> "did arrest", "wasn't" -> "was"
        before = doc[negation.i - 1].text.lower() if negation.i else ""
        if negation.lower_ == "n't" and before in ("wo", "ca", "sha"):
            fixed = {"wo": "will", "ca": "can", "sha": "shall"}[before]
            return _replace_span(doc, negation.i - 1, negation.i + 1, fixed)
        return _replace_span(doc, negation.i, negation.i + 1, "")
    aux = next((c for c in root.children if c.dep_ in ("aux", "auxpass") and c.i < root.i), None)
    if aux is not None:
        return _replace_span(doc, aux.i, aux.i + 1, aux.text + " not")
    if root.pos_ == "AUX" or root.lemma_ == "be":
        return _replace_span(doc, root.i, root.i + 1, root.text + " not")
    helper = {"VBD": "did not", "VBZ": "does not", "VBP": "do not"}.get(root.tag_)
    if helper is None:
        return None
    return _replace_span(doc, root.i, root.i + 1, f"{helper} {root.lemma_}")


def _span_of(token: Any) -> tuple[int, int]:
    subtree = list(token.subtree)
    return subtree[0].i, subtree[-1].i + 1


def _role_swap(doc, _context, _others, _sentences, _rng, _split) -> str | None:
    for root in doc:
        if root.pos_ not in ("VERB", "AUX"):
            continue
        subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None:
            continue
        if subject.dep_ == "nsubj":
            other = next((c for c in root.children if c.dep_ == "dobj"), None)
        else:
            agent = next((c for c in root.children if c.dep_ == "agent"), None)
            other = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        if other is None or subject.pos_ == "PRON" or other.pos_ == "PRON":
            continue
        (s0, s1), (o0, o1) = _span_of(subject), _span_of(other)
        if s1 > o0 or s1 - s0 > 6 or o1 - o0 > 6:
            continue
        subject_text, other_text = doc[s0:s1].text, doc[o0:o1].text
        if subject_text.lower() == other_text.lower():
            continue
        if s0 == 0 and doc[0].pos_ != "PROPN":
            subject_text = subject_text[:1].lower() + subject_text[1:]
        return doc[:s0].text_with_ws + other_text + " " + doc[s1:o0].text_with_ws + subject_text + " " + doc[o1:].text
    return None


def _clause_added(doc, _context, others, _sentences, rng, split) -> str | None:
    base = doc.text.rstrip().rstrip(".!?")
    if rng.random() < 0.5 or not others:
        return f"{base}, {rng.choice(_INVENTED_CLAUSES[split])}."
    other = rng.choice(list(others))
    candidates = [d for d in other.sentence_docs if 6 <= len(d) <= 18 and d[0].pos_ != "PROPN"]
    if not candidates:
        return f"{base}, {rng.choice(_INVENTED_CLAUSES[split])}."
    borrowed = rng.choice(candidates).text.rstrip(".!? ")
    return f"{base}, while {borrowed[:1].lower() + borrowed[1:]}."


def _clause_copied(doc, context, _others, _sentences, rng, _split) -> str | None:
    subject = next((c for t in doc if t.dep_ == "ROOT" for c in t.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.pos_ == "PRON":
        return None
    s0, s1 = _span_of(subject)
    subject_text = doc[s0:s1].text
    donors = []
    for other in context.sentence_docs:
        if other.text.strip() == doc.text.strip():
            continue
        root = next((t for t in other if t.dep_ == "ROOT"), None)
        their = next((c for c in root.children if c.dep_ == "nsubj"), None) if root is not None else None
        if their is None or their.pos_ == "PRON":
            continue
        t0, t1 = _span_of(their)
        predicate = other[t1:].text.rstrip(".!? ")
        if t0 == 0 and 4 <= len(predicate.split()) <= 16 and other[t0:t1].text.lower() != subject_text.lower():
            donors.append(predicate)
    if not donors:
        return None
    if s0 == 0 and doc[0].pos_ != "PROPN":
        subject_text = subject_text[:1].lower() + subject_text[1:]
    return f"{doc.text.rstrip().rstrip('.!?')}, and {subject_text} {rng.choice(donors)}."


def _other_article(_doc, _context, _others, other_sentences, rng, _split) -> str | None:
    return rng.choice(list(other_sentences)) if other_sentences else None


_MAKERS = {
    "entity_outside": _entity_outside,
    "entity_inside": _entity_inside,
    "number": _number,
    "date": _date,
    "negation": _negation,
    "role_swap": _role_swap,
    "clause_added": _clause_added,
    "clause_copied": _clause_copied,
    "other_article": _other_article,
}


@dataclass(frozen=True)
class Example:
    """A sentence to check against article `article`: true (`kind == "true"`) or corrupted."""

    article: int
    kind: str
    text: str


def build_examples(
    nlp: Any,
    article_sentences: Sequence[Sequence[str]],
    references: Sequence[Sequence[str]],
    seed: int,
    split: str,
) -> list[Example]:
    """The true reference sentences of every article and every corruption of each (same seed, same examples).

    `nlp` is a full spaCy pipeline (NER for the name swaps, the parse for negation, roles and clauses)."""
    contexts = [article_context(nlp, sentences) for sentences in article_sentences]
    examples: list[Example] = []
    count = len(article_sentences)
    for index, sentences in enumerate(references):
        others = [contexts[(index + step) % count] for step in (1, 2, 3) if (index + step) % count != index]
        other_sentences = [s for step in (1, 2) for s in references[(index + step) % count] if step % count]
        for number, doc in enumerate(nlp.pipe(list(sentences))):
            if len(split_sentences(doc.text)) != 1:
                continue  # the guard would check it as two sentences
            examples.append(Example(index, "true", doc.text))
            sentence_seed = seed * 100003 + index * 101 + number
            for corruption in corrupt_all(doc, contexts[index], others, other_sentences, sentence_seed, split):
                if len(split_sentences(corruption.text)) == 1:
                    examples.append(Example(index, corruption.kind, corruption.text))
    return examples
