"""Position and surface features of article sentences, for the extractive scorer.

Shared by the summarizer and by `scripts/train_scorer.py`, so the shipped weights always meet the features they were
trained on. Every feature is cheap (no model): the encoder is only needed later, to skip near-duplicate sentences.

What the features stand for (the weights in `extractive_scorer.json` say how much each counts):
- `log_position`: news puts the event first, so a later sentence needs a reason to beat an earlier one.
- `short_12/16/20`: hinges that grow as a sentence gets shorter than 12/16/20 words; short lead sentences are hooks
  ("As attempts to break a world record go, it was pretty impressive."), bylines or captions, rarely facts.
- `quote_start`: a sentence that opens with a quotation is a reaction, not the news.
- `pronoun_start`, `conjunction_start`: "He said…", "But…" lean on a sentence the summary may not contain.
- `question`: a rhetorical question states no fact.
- `unterminated`: no closing punctuation, as in image captions glued to the text or a cut-off excerpt.

These are the candidates; training keeps a weight only where it pays for itself across both dev sets, so several are
0 in the shipped scorer (the JSON file says which). Ties keep article order, so a weight of 0 on `log_position` still
means "earlier first".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

FEATURES: tuple[str, ...] = (
    "log_position",
    "short_12",
    "short_16",
    "short_20",
    "quote_start",
    "pronoun_start",
    "conjunction_start",
    "question",
    "unterminated",
)

_QUOTE_START = re.compile(r"^[\"'‘“«]")
_PRONOUN_START = re.compile(r"^(?:he|she|it|they|this|these|that|those|his|her|their|its)\b", re.IGNORECASE)
_CONJUNCTION_START = re.compile(r"^(?:but|and|so|or|yet|however|also)\b", re.IGNORECASE)
_CLOSING = "\"'’”»)]"
_TERMINATED = re.compile(r"[.!?…][\"'’”»)\]]*$")


def leans_on_context(sentence: str) -> bool:
    """True when the sentence opens by pointing back ("He said…", "That landing…", "But…"): read alone, as a bullet
    or a headline, it does not say who or what it is about."""
    text = sentence.strip()
    return bool(_PRONOUN_START.match(text) or _CONJUNCTION_START.match(text))


def _short(word_count: int, limit: int) -> float:
    return max(0.0, limit - word_count) / limit


def sentence_features(sentences: Sequence[str]) -> np.ndarray:
    """One row per sentence, one column per name in FEATURES (float64, as in training, so ties break alike)."""
    rows = np.zeros((len(sentences), len(FEATURES)), dtype=np.float64)
    for index, sentence in enumerate(sentences):
        text = sentence.strip()
        word_count = len(text.split())
        rows[index] = (
            np.log1p(index),
            _short(word_count, 12),
            _short(word_count, 16),
            _short(word_count, 20),
            float(bool(_QUOTE_START.match(text))),
            float(bool(_PRONOUN_START.match(text))),
            float(bool(_CONJUNCTION_START.match(text))),
            float(text.rstrip(_CLOSING).endswith("?")),
            float(not _TERMINATED.search(text)),
        )
    return rows
