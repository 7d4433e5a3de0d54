"""Word-shingle precision / recall / F1: how the cleaner is scored against a human-marked article body.

The metric follows the ScrapingHub (Zyte) article-extraction benchmark, whose pages are our development data:

- tokens: every run of word characters (`\\w+`, Unicode), case kept, punctuation and whitespace dropped;
- shingles: every 4 consecutive tokens; a text shorter than 4 tokens is one shingle of all its tokens;
- per page, shingles are compared as multisets: TP = shared shingles (min of the two counts),
  FP = extracted but not in the gold body, FN = in the gold body but not extracted;
- precision and recall are computed per page and averaged over the pages (a page with no extracted text does not
  enter the precision mean; a page with no gold text does not enter the recall mean), so a long page weighs as much
  as a short one; F1 is the harmonic mean of the two averages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SHINGLE_SIZE = 4
_TOKEN = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    if len(tokens) < size:
        return Counter([tuple(tokens)] if tokens else [])
    # zip builds the tuples in C (slices would build each one in Python)
    return Counter(zip(*(tokens[start:] for start in range(size)), strict=False))


def shingle_shares(texts: Iterable[str], reference: str) -> list[float]:
    """For each text in order, the share of its 4-shingles found in `reference`, each reference shingle used up
    once found (a caption repeated ten times matches the one copy in the reference once). A text under 4 tokens
    scores 1 when its tokens occur in `reference` in that order, else 0."""
    return _shares_and_lengths(texts, reference)[0]


def _four_grams(tokens: list[str]) -> list[tuple[str, ...]]:
    """The 4-shingles of a token list (zip builds the tuples in C: this runs over every block of every page)."""
    return list(zip(tokens, tokens[1:], tokens[2:], tokens[3:], strict=False))


def _shares_and_lengths(texts: Iterable[str], reference: str) -> tuple[list[float], list[int]]:
    """`shingle_shares`, and the token count of every text."""
    reference_tokens = _TOKEN.findall(reference or "")
    available = dict(Counter(_four_grams(reference_tokens)))  # a dict: a Counter's lookup of a missing key is slow
    remaining = available.get
    joined = f" {' '.join(reference_tokens)} "
    shares = []
    lengths = []
    for text in texts:
        tokens = _TOKEN.findall(text)
        lengths.append(len(tokens))
        if len(tokens) < SHINGLE_SIZE:
            shares.append(float(bool(tokens) and f" {' '.join(tokens)} " in joined))
            continue
        found = 0
        own = _four_grams(tokens)
        for shingle in own:
            left = remaining(shingle, 0)
            if left > 0:
                available[shingle] = left - 1
                found += 1
        shares.append(found / len(own))
    return shares, lengths


def block_shares(texts: Sequence[str], reference: str) -> list[float]:
    """`shingle_shares` for the blocks of one page, where a block under 4 tokens found in `reference` counts only
    next to a block of 4+ tokens that is mostly found there too: a lone 'Facebook' or 'More' that the reference
    happens to contain somewhere is not part of it."""
    shares, lengths = _shares_and_lengths(texts, reference)
    result = list(shares)
    for index, share in enumerate(shares):
        if lengths[index] < SHINGLE_SIZE and share > 0:
            neighbours = [
                shares[j] for j in (index - 1, index + 1) if 0 <= j < len(texts) and lengths[j] >= SHINGLE_SIZE
            ]
            result[index] = float(any(value >= 0.5 for value in neighbours))
    return result


@dataclass(frozen=True)
class PageScore:
    """Shingle counts for one page."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float | None:
        extracted = self.true_positives + self.false_positives
        return self.true_positives / extracted if extracted else None

    @property
    def recall(self) -> float | None:
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else None

    @property
    def f1(self) -> float:
        precision, recall = self.precision or 0.0, self.recall or 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score_page(gold: str, extracted: str) -> PageScore:
    gold_shingles, extracted_shingles = shingles(gold), shingles(extracted)
    shared = sum((gold_shingles & extracted_shingles).values())
    return PageScore(
        true_positives=shared,
        false_positives=sum(extracted_shingles.values()) - shared,
        false_negatives=sum(gold_shingles.values()) - shared,
    )


@dataclass(frozen=True)
class CorpusScore:
    precision: float
    recall: float
    f1: float
    pages: int


def score_corpus(pages: Iterable[PageScore]) -> CorpusScore:
    """Average per-page precision and recall (as the benchmark does), then their harmonic mean."""
    scores = list(pages)
    precisions = [s.precision for s in scores if s.precision is not None]
    recalls = [s.recall for s in scores if s.recall is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return CorpusScore(precision, recall, f1, len(scores))
