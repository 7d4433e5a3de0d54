"""Plain-text dump cleaner: keep the blocks (lines) of a scraped page that belong to its article.

Every line is scored by the learned block classifier (`model.py`, weights in `dump_model.json`); the lines whose
keep-probability reaches the trained threshold form the body. The headline is found separately (it becomes the title,
never a body sentence), and lines repeating the headline are dropped from the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from briefing.clean.features import (
    Blocks,
    blocks_from_dump,
    page_features,
    strip_site_suffix,
    title_similarity,
    tokens_lower,
)
from briefing.clean.lexicon import DATE_LIKE, FURNITURE_PHRASE
from briefing.clean.model import DUMP_MODEL_PATH, BlockModel
from briefing.clean.span import refine_keep

MAX_DUMP_CHARS = 2_000_000  # a text dump past 2 MB is cut there: articles are far shorter, time stays bounded
NEARBY_LINES = 12  # how far above the body a byline or date line is looked for
_ELLIPSIS_END = re.compile(r"\w\s*(?:…|\.\.\.)$")
_TITLE_END = re.compile(r"[.,;:]$")


@dataclass(frozen=True)
class Selection:
    """What the cleaner keeps of a page: the headline (if found), the body blocks, where the body starts and ends,
    and the lines just above the body plus its first lines (where bylines and dates sit)."""

    title: str | None
    body: tuple[str, ...]
    first_index: int | None
    last_index: int | None
    nearby: tuple[str, ...] = ()
    cut_off: bool = False  # the block right after the body is a stub ending in "…" ("All..."): a paywalled excerpt


@lru_cache(maxsize=1)
def dump_model() -> BlockModel:
    return BlockModel.load(DUMP_MODEL_PATH)


def clean_dump(text: str, title: str | None = None) -> Selection:
    """Score every line of a text dump and keep the article's; `title` is the headline if the caller knows it."""
    blocks = blocks_from_dump(text[:MAX_DUMP_CHARS])
    if not blocks.texts:
        return Selection(title, (), None, None)
    model = dump_model()
    page = page_features(blocks, title)
    keep = refine_keep(blocks, page, model.keep(model.probabilities(page)), title)
    return select_blocks(blocks, keep, title)


def _looks_like_headline(text: str) -> bool:
    tokens = tokens_lower(text)
    return (
        3 <= len(tokens) <= 30
        and not _TITLE_END.search(text)
        and not FURNITURE_PHRASE.search(text)
        and not (len(tokens) <= 8 and DATE_LIKE.search(text))
    )


def find_headline(blocks: Blocks, body_start: int | None) -> str | None:
    """The page's first block is usually its <title> ('Headline | Site'); else the nearest headline-like block
    above the body."""
    texts = blocks.texts
    if not texts:
        return None
    first = strip_site_suffix(texts[0])
    if _looks_like_headline(first) and (body_start is None or body_start > 0):
        return first
    for index in range(min(len(texts), body_start if body_start is not None else 50) - 1, -1, -1):
        if _looks_like_headline(texts[index]):
            return strip_site_suffix(texts[index])
    return None


def select_blocks(blocks: Blocks, keep: np.ndarray, title: str | None) -> Selection:
    """The blocks marked in `keep`, minus repeats of the headline; the headline found if `title` is None."""
    kept = [int(index) for index in np.flatnonzero(keep)]
    first_index = kept[0] if kept else None
    headline = title or find_headline(blocks, first_index)
    headline_tokens = set(tokens_lower(headline)) if headline else set()
    body = []
    kept_indexes = []
    for index in kept:
        text = blocks.texts[index]
        if headline_tokens and title_similarity(set(tokens_lower(text)), headline_tokens) >= 0.9:
            continue
        body.append(text)
        kept_indexes.append(index)
    if not kept_indexes:
        return Selection(headline, (), None, None, blocks.texts[:NEARBY_LINES])
    start, end = kept_indexes[0], kept_indexes[-1]
    nearby = blocks.texts[max(0, start - NEARBY_LINES) : start + 3]
    following = blocks.texts[end + 1] if end + 1 < len(blocks.texts) else ""
    cut_off = len(following.split()) <= 4 and bool(_ELLIPSIS_END.search(following))
    return Selection(headline, tuple(body), start, end, nearby, cut_off)
