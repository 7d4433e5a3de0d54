"""The corrupted-sentence sets shared by `bench/faithfulness.py` and `scripts/train_consistency.py`: dev articles
cleaned as a user's run cleans them, their reference sentences, the corruptions of each, and the guard's checks.

Held out: the benchmark uses CNN/DailyMail articles 1-30 and BBC articles 1-40; the classifier trains on the rest.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corruptions import Example, build_examples
from devsets import BBC_NEWS, CNN_DAILYMAIL, DevItem, load_dev_set

from briefing.records import Summary, SummarySentence
from briefing.summarize.guard import SentenceCheck, check_summaries
from briefing.text import split_sentences

HELD_OUT = {CNN_DAILYMAIL: 30, BBC_NEWS: 40}  # the first N articles of each set: benchmark only


@dataclass(frozen=True)
class CorruptionSet:
    name: str
    items: list[DevItem]
    examples: list[Example]


def reference_sentences(item: DevItem) -> list[str]:
    return [s for line in item.reference.split("\n") for s in split_sentences(line) if len(s.split()) >= 4]


def load_corruption_set(
    data: Path, dev_set: str, part: str, nlp: Any, seed: int, limit: int | None = None
) -> CorruptionSet:
    """`part` "bench" (the held-out first articles, bench clause templates) or "train" (the rest)."""
    items, _ = load_dev_set(data / dev_set)
    held = HELD_OUT[dev_set]
    items = items[:held] if part == "bench" else items[held:]
    if limit is not None:
        items = items[:limit]
    references = [reference_sentences(item) for item in items]
    examples = build_examples(nlp, [item.article.sentences for item in items], references, seed, part)
    return CorruptionSet(f"{dev_set.split('/')[-1].split('_dev')[0]} {part}", items, examples)


def check_examples(
    corruption_set: CorruptionSet, encoder: Any, parser: Any | None, model: Any
) -> tuple[list[SentenceCheck], float]:
    """The guard's check of every example against its article, and the seconds it took (one batched call)."""
    by_article: dict[int, list[int]] = {}
    for index, example in enumerate(corruption_set.examples):
        by_article.setdefault(example.article, []).append(index)
    articles, summaries, order = [], [], []
    for article_index, indices in by_article.items():
        item = corruption_set.items[article_index]
        articles.append(item.article)
        sentences = tuple(SummarySentence(corruption_set.examples[i].text, ()) for i in indices)
        summaries.append(Summary(item.article.id, sentences, "bench", "reference"))
        order.extend(indices)
    started = time.perf_counter()
    results = check_summaries(articles, summaries, encoder, parser=parser, model=model)
    seconds = time.perf_counter() - started
    checks: list[SentenceCheck | None] = [None] * len(corruption_set.examples)
    flat = [check for _, article_checks, _ in results for check in article_checks]
    if len(flat) != len(order):  # a corruption the sentence splitter cut in two would misalign everything
        raise RuntimeError(f"{len(flat)} checks for {len(order)} examples")
    for index, check in zip(order, flat, strict=True):
        checks[index] = check
    return [c for c in checks if c is not None], seconds


def no_repeat(check: SentenceCheck) -> bool:
    """Examples of one article are checked as one summary; a corruption repeating its original is no repeat."""
    return check.repeat_of is None


def old_rules_flag(check: SentenceCheck, threshold: float) -> bool:
    """Today's rules (guard 3): a fact absent from the whole article, or encoder support below the threshold."""
    return bool(check.missing) or check.support < threshold


def new_check_flag(check: SentenceCheck) -> bool:
    return bool(check.missing) or not check.consistent


def encoder_only_flag(check: SentenceCheck, threshold: float) -> bool:
    return check.support < threshold


def flags(checks: Sequence[SentenceCheck], rule: str, threshold: float) -> list[bool]:
    if rule == "old":
        return [old_rules_flag(c, threshold) for c in checks]
    if rule == "encoder":
        return [encoder_only_flag(c, threshold) for c in checks]
    return [new_check_flag(c) for c in checks]
