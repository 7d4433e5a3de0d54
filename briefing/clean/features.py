"""Block features: what a text block itself shows, where it sits, and what surrounds it.

A page arrives as blocks (one line of a text dump, or one block-level element of HTML). Each block becomes a row of
numbers the block classifier (`dump.py`) weighs. Runtime and the training script (`scripts/train_cleaner.py`) share
this code, so the shipped weights always see the features they were trained on.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from briefing.clean.lexicon import (
    ALL_STOPWORDS,
    BYLINE,
    COMMENTS_HEADER,
    DATE_LIKE,
    FURNITURE_FIRST_WORDS,
    FURNITURE_PHRASE,
    FURNITURE_WORDS,
)

MAX_BLOCKS = 20_000  # pages longer than this are cut: no article needs more, and time stays bounded
MAX_BLOCK_CHARS = 20_000  # one absurdly long line (minified script, base64) is cut to this

_TOKEN = re.compile(r"\w+")
# Scripts written without spaces: one `\w+` token can be a whole sentence, so their characters are counted instead.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
_DIGIT = re.compile(r"\d")
_END_PUNCT = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
_ELLIPSIS = re.compile(r"(?:…|\.\.\.)[\"'”’»)\]]*$")
_CLOSERS = "\"'”’»)]"  # the closing characters _END_PUNCT and _ELLIPSIS allow after the mark
_END_MARKS = frozenset(".!?…。！？")
_SENTENCE_MARK = re.compile(r"[.!?…。！？][\"'”’)\]]*\s")
_SEPARATOR = re.compile(r"\s[|»›•·/]\s|\s[|»›•·]$|^[|»›•·]")
_SEPARATOR_CHAR = re.compile(r"[|»›•·/]")
# A URL-like piece: `https?:|www\.|\.(?:com|org|net|html?)\b|@\w|\b\w+\.\w+/`, tested one alternative at a time
# behind the plain substring each needs (`_urlish`): the single regex tries every alternative at every position.
_URL_DOMAIN_END = re.compile(r"\.(?:com|org|net|html?)\b")
_URL_AT = re.compile(r"@\w")
_URL_PATH = re.compile(r"\b\w+\.\w+/")
_SITE_SUFFIX = re.compile(r"\s+(?:[|–—:»-]|::)\s+[^|–—»]{1,60}$")


@dataclass(frozen=True)
class Blocks:
    """A page cut into blocks; `groups[i]` numbers the blank-line-separated group block i belongs to."""

    texts: tuple[str, ...]
    groups: tuple[int, ...]


def blocks_from_dump(text: str) -> Blocks:
    """One block per non-empty line; blank lines separate groups (a menu is one group of many short lines)."""
    texts: list[str] = []
    groups: list[int] = []
    group = 0
    for raw_line in text.splitlines():
        line = " ".join(raw_line.split())
        if not line:
            group += 1
            continue
        texts.append(line[:MAX_BLOCK_CHARS])
        groups.append(group)
        if len(texts) >= MAX_BLOCKS:
            break
    return Blocks(tuple(texts), tuple(groups))


def strip_site_suffix(title: str) -> str:
    """'Headline - WSJ' -> 'Headline': drop a trailing ' | Site' part when what is left still reads as a headline."""
    stripped = title
    for _ in range(2):
        match = _SITE_SUFFIX.search(stripped)
        if not match or len(_TOKEN.findall(stripped[: match.start()])) < 3:
            break
        stripped = stripped[: match.start()]
    return stripped.strip()


def tokens_lower(text: str) -> list[str]:
    return [token.lower() for token in _TOKEN.findall(text)]


def title_similarity(block_tokens: set[str], title_tokens: set[str]) -> float:
    if not block_tokens or not title_tokens:
        return 0.0
    return len(block_tokens & title_tokens) / max(len(block_tokens), len(title_tokens))


BASE_FEATURES: tuple[str, ...] = (
    "log_tokens",
    "log_chars",
    "mean_token_len",
    "tokens_le3",
    "tokens_4_9",
    "tokens_10_24",
    "end_punct",
    "end_ellipsis",
    "end_colon",
    "start_upper",
    "stop_ratio",
    "comma_rate",
    "sentence_marks",
    "title_case",
    "title_case_prefix",
    "caps_ratio",
    "digit_ratio",
    "symbol_ratio",
    "separator",
    "urlish",
    "furniture_ratio",
    "furniture_phrase",
    "date_short",
    "byline",
    "comments_header",
    "repeats",
    "title_sim",
    "title_near",
    "topic_overlap",
    "position",
    "chars_before",
    "group_size",
    "group_alone",
    "group_prose",
    "since_headline",
    "headline_above",
    "no_tokens",
    "prose",
    "prev_tokens",
    "next_tokens",
    "prev_prose",
    "next_prose",
    "window3_prose",
    "window10_prose",
    "window3_date",
    "window3_furniture",
    "window3_short",
    "window3_title_case",
    "window3_topic",
    "mass_rel",
    "core_distance",
    "before_core",
)


def has_separator(text: str) -> bool:
    """_SEPARATOR.search(text), run only where one of its separator characters occurs."""
    return bool(_SEPARATOR_CHAR.search(text)) and bool(_SEPARATOR.search(text))


def _urlish(text: str) -> bool:
    if "http:" in text or "https:" in text or "www." in text:
        return True
    if "@" in text and _URL_AT.search(text):
        return True
    if "." not in text:
        return False
    return bool(_URL_DOMAIN_END.search(text)) or ("/" in text and bool(_URL_PATH.search(text)))


def _furniture_phrase(text: str, token_set: set[str]) -> bool:
    """FURNITURE_PHRASE.search(text), skipping the slow regex where no match can start (ASCII text without any of the
    phrases' first words)."""
    if text.isascii() and token_set.isdisjoint(FURNITURE_FIRST_WORDS) and "opt" not in text.lower():
        return False
    return bool(FURNITURE_PHRASE.search(text))


def _block_row(text: str, title_tokens: set[str], topic_tokens: set[str]) -> tuple[list[float], list[str]]:
    """The block's own features, and its lowercased tokens (the bag of words reuses them)."""
    tokens = _TOKEN.findall(text)
    unspaced = 0 if text.isascii() else len(_UNSPACED.findall(text))
    n_tokens = len(tokens) + (unspaced + 1) // 2 if unspaced else len(tokens)
    n_chars = len(text)
    lowered = list(map(str.lower, tokens))
    words = [t for t in tokens if t[0].isalpha()]
    # Characters matching `[^\w ]|_` (neither a letter, a digit nor a plain space): all those outside the `\w+` tokens
    # but spaces, plus the underscores inside them. Counted without a regex pass: this runs on every block.
    symbols = n_chars - sum(map(len, tokens)) - text.count(" ") + text.count("_")
    digits = len(_DIGIT.findall(text))
    # _END_PUNCT and _ELLIPSIS, read at the end only (a `$`-anchored search tries every position of the text):
    # closing quotes and brackets stripped, the character before them
    unclosed = (text[:-1] if text.endswith("\n") else text).rstrip(_CLOSERS)  # `$` matches before a final newline
    end_punct = unclosed[-1:] in _END_MARKS
    token_set = set(lowered)
    similarity = title_similarity(token_set, title_tokens)
    first = text[0]
    upper_initials = [word[0].isupper() for word in words]
    per_token = max(1, n_tokens)
    per_word = max(1, len(words))
    per_char = max(1, n_chars)
    row = [
        math.log1p(n_tokens),
        math.log1p(n_chars),
        min(20.0, (n_chars - text.count(" ")) / per_token) / 10,
        float(n_tokens <= 3),
        float(4 <= n_tokens <= 9),
        float(10 <= n_tokens <= 24),
        float(end_punct),
        float(unclosed.endswith(("…", "..."))),
        float(text.endswith(":")),
        float(first.isupper() or first.isdigit() or first in "\"'“‘«("),
        sum(map(ALL_STOPWORDS.__contains__, lowered)) / per_token,
        min(1.0, text.count(",") / per_token * 5),
        math.log1p(len(_SENTENCE_MARK.findall(text)) + float(end_punct)),
        sum(upper_initials) / per_word,
        sum(upper_initials[:6]) / max(1, len(upper_initials[:6])),
        sum(1 for w in words if w.isupper() and len(w) > 1) / per_word,
        digits / per_char,
        symbols / per_char,
        float(has_separator(text)),
        float(_urlish(text)),
        sum(map(FURNITURE_WORDS.__contains__, lowered)) / per_token,
        float(_furniture_phrase(text, token_set)),
        # Every DATE_LIKE alternative holds a digit, but '(a|an) (minutes|hours|days) ago'.
        float(n_tokens <= 15 and bool(digits or "ago" in text.lower()) and bool(DATE_LIKE.search(text))),
        float(n_tokens <= 12 and bool(BYLINE.match(text))),
        float(n_tokens <= 6 and bool(COMMENTS_HEADER.search(text))),
        0.0,  # repeats: filled in per page
        similarity,
        float(similarity >= 0.7),
        len(token_set & topic_tokens) / max(1, len(topic_tokens)),
        *([0.0] * 7),  # position, chars_before, group_size, group_alone, group_prose, since_headline...: per page
        float(n_tokens == 0),
        float(n_tokens >= 10 and end_punct),
    ]
    return row, lowered


def window_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """Mean of values[i-radius : i+radius+1] (clipped at the page ends), for every i."""
    padded = np.concatenate(([0.0], np.cumsum(values)))
    index = np.arange(len(values))
    low = np.maximum(0, index - radius)
    high = np.minimum(len(values), index + radius + 1)
    return (padded[high] - padded[low]) / (high - low)


@dataclass(frozen=True)
class PageFeatures:
    """BASE_FEATURES rows of a page's blocks, plus what the context pass needs: the blank-line groups and a bag of
    content words per block (flat arrays: block index, word id, tf-idf weight; each block's weights unit length)."""

    rows: np.ndarray
    groups: np.ndarray
    word_block: np.ndarray
    word_id: np.ndarray
    word_weight: np.ndarray


def _bags_of_words(lowered_blocks: list[list[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    vocabulary: dict[str, int] = {}
    block_ids: list[int] = []
    word_ids: list[int] = []
    for index, lowered in enumerate(lowered_blocks):
        for word in {t for t in lowered if len(t) > 2 and t not in ALL_STOPWORDS and not t.isdigit()}:
            block_ids.append(index)
            word_ids.append(vocabulary.setdefault(word, len(vocabulary)))
    word_block = np.asarray(block_ids, dtype=np.int64)
    word_id = np.asarray(word_ids, dtype=np.int64)
    if not len(word_id):
        return word_block, word_id, np.zeros(0)
    # Words on many blocks (menu labels, the site name) say little about a block's topic.
    idf = np.log((len(lowered_blocks) + 1) / (np.bincount(word_id) + 1)) + 1.0
    weight = idf[word_id]
    norms = np.sqrt(np.bincount(word_block, weights=weight**2, minlength=len(lowered_blocks)))
    return word_block, word_id, weight / norms[word_block]


def page_features(blocks: Blocks, title: str | None = None) -> PageFeatures:
    """Features of every block of a page. `title` is the headline if known; else the page's first block stands in."""
    rows, lowered_blocks = _rows_and_tokens(blocks, title)
    return PageFeatures(rows, np.asarray(blocks.groups, dtype=np.int64), *_bags_of_words(lowered_blocks))


def _rows_and_tokens(blocks: Blocks, title: str | None) -> tuple[np.ndarray, list[list[str]]]:
    """BASE_FEATURES rows, and every block's lowercased tokens."""
    texts = blocks.texts
    count = len(texts)
    if count == 0:
        return np.zeros((0, len(BASE_FEATURES))), []
    headline = strip_site_suffix(title if title else texts[0])
    title_tokens = set(tokens_lower(headline))
    topic_tokens = {t for t in title_tokens if t not in ALL_STOPWORDS and not t.isdigit()}
    rows = np.zeros((count, len(BASE_FEATURES)))
    # A page repeats a fifth of its blocks (menu labels, "Share", bylines): each distinct text's row is made once.
    memo: dict[str, tuple[list[float], list[str]]] = {}
    own = [memo.get(text) or memo.setdefault(text, _block_row(text, title_tokens, topic_tokens)) for text in texts]
    intrinsic = np.array([row for row, _ in own], dtype=float)
    rows[:, : intrinsic.shape[1]] = intrinsic
    column = {name: i for i, name in enumerate(BASE_FEATURES)}

    repeats = Counter(text.lower() for text in texts)
    rows[:, column["repeats"]] = [math.log(repeats[text.lower()]) for text in texts]
    chars = np.array([len(text) for text in texts], dtype=float)
    rows[:, column["position"]] = np.arange(count) / max(1, count - 1)
    rows[:, column["chars_before"]] = (np.cumsum(chars) - chars) / max(1.0, chars.sum())
    group_sizes = Counter(blocks.groups)
    sizes = np.array([group_sizes[g] for g in blocks.groups], dtype=float)
    rows[:, column["group_size"]] = np.log(sizes)
    rows[:, column["group_alone"]] = sizes == 1

    log_tokens = rows[:, column["log_tokens"]]
    prose = rows[:, column["prose"]]
    group_ids = np.asarray(blocks.groups)
    _, group_index = np.unique(group_ids, return_inverse=True)
    group_prose = np.bincount(group_index, weights=prose) / np.bincount(group_index)
    rows[:, column["group_prose"]] = group_prose[group_index]
    # The headline repeated above the article (an h1 under the menus) marks where the article starts.
    near = rows[:, column["title_near"]] > 0
    near[0] = False
    last_seen = np.maximum.accumulate(np.where(near, np.arange(count), -1))
    above = np.concatenate(([-1], last_seen[:-1]))
    rows[:, column["headline_above"]] = above >= 0
    rows[:, column["since_headline"]] = np.where(above >= 0, np.log1p(np.arange(count) - above), np.log1p(count))
    rows[:, column["prev_tokens"]] = np.concatenate(([0.0], log_tokens[:-1]))
    rows[:, column["next_tokens"]] = np.concatenate((log_tokens[1:], [0.0]))
    rows[:, column["prev_prose"]] = np.concatenate(([0.0], prose[:-1]))
    rows[:, column["next_prose"]] = np.concatenate((prose[1:], [0.0]))
    rows[:, column["window3_prose"]] = window_mean(prose, 3)
    rows[:, column["window10_prose"]] = window_mean(prose, 10)
    for window, source in (
        ("window3_date", "date_short"),
        ("window3_furniture", "furniture_phrase"),
        ("window3_short", "tokens_le3"),
        ("window3_title_case", "title_case_prefix"),
        ("window3_topic", "topic_overlap"),
    ):
        rows[:, column[window]] = window_mean(rows[:, column[source]], 3)
    # Where the page's prose is densest: the article core. Mass = prose tokens, smoothed over about ten blocks.
    mass = window_mean(prose * np.expm1(log_tokens), 8)
    core = int(np.argmax(mass))
    rows[:, column["mass_rel"]] = mass / mass[core] if mass[core] > 0 else 0.0
    distance = np.arange(count) - core
    rows[:, column["core_distance"]] = np.log1p(np.abs(distance))
    rows[:, column["before_core"]] = distance < 0
    return rows, [lowered for _, lowered in own]
