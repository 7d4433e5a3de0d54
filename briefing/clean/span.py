"""The article's span in a page, after the block model has voted line by line.

Two failure modes of a per-block vote are fixed here from what the page shows:
- short list lines inside the article (recipe quantities, schedules, product lists) dropped because each alone looks
  like a menu item: a short gap of dropped lines between two kept blocks, none of them furniture, repeated outside
  the article or a link, is part of the article; so is a longer gap of such lines when most of them repeat lines
  elsewhere in the article (a meal plan or a schedule that lists the same items day after day: the article's own
  structure, where a list of other stories' headlines repeats nothing);
- teasers for other stories (a headline glued to its summary reads like prose) kept far from the article, with
  many dropped lines between: a run of kept blocks cut off from the others that shares no word with the headline,
  while another run does, is another story (a run sharing under half the headline words the best run shares).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

import numpy as np

from briefing.clean.features import BASE_FEATURES, Blocks, PageFeatures, strip_site_suffix, tokens_lower
from briefing.clean.furniture import is_furniture_line
from briefing.clean.lexicon import ALL_STOPWORDS, FURNITURE_PHRASE

SEGMENT_GAP = 6  # this many dropped blocks in a row separate two runs of kept blocks
MAX_LIST_GAP = 12  # at most this many dropped lines between two kept blocks are filled in as a list
MAX_ECHO_GAP = 80  # a longer gap is filled only when most of its lines repeat lines of the article outside it
MIN_ECHO_SHARE = 0.5
_DIGITS = re.compile(r"\d+")
_NUMBER = re.compile(r"(?<![\w.])0(?![\w.])")  # a number of its own (digits are masked to 0 first), not "0pm", "0.0"
MIN_ROW_NUMBERS = 3
MIN_TOPIC_WORDS = 2  # a run must share this many headline words before runs are told apart by them
_COLUMN = {name: index for index, name in enumerate(BASE_FEATURES)}


def refine_keep(blocks: Blocks, page: PageFeatures, keep: np.ndarray, title: str | None) -> np.ndarray:
    """The model's per-block `keep`, with list gaps inside the article filled, then off-topic runs dropped (filling
    first joins a list-heavy article into one run, so its list part is never judged alone)."""
    keep = _fill_list_gaps(blocks, page, keep)
    return _drop_off_topic_runs(blocks, keep, title)


def _runs(keep: np.ndarray) -> list[list[int]]:
    kept = [int(index) for index in np.flatnonzero(keep)]
    runs: list[list[int]] = []
    for index in kept:
        if runs and index - runs[-1][-1] - 1 < SEGMENT_GAP:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _drop_off_topic_runs(blocks: Blocks, keep: np.ndarray, title: str | None) -> np.ndarray:
    runs = _runs(keep)
    if len(runs) < 2:
        return keep
    headline = strip_site_suffix(title if title else blocks.texts[0])
    topic = {token for token in tokens_lower(headline) if token not in ALL_STOPWORDS and not token.isdigit()}
    if not topic:
        return keep
    coverage = [len(topic & {token for index in run for token in tokens_lower(blocks.texts[index])}) for run in runs]
    best = max(coverage)
    if best < MIN_TOPIC_WORDS:
        return keep  # the headline says little (a site name, a nav line): no run can be told apart by it
    refined = keep.copy()
    for run, covered in zip(runs, coverage, strict=True):
        if covered * 2 < best:
            refined[run] = False
    return refined


def _is_list_line(text: str, row: np.ndarray, repeated_outside: bool) -> bool:
    return (
        not repeated_outside
        and row[_COLUMN["urlish"]] == 0
        and row[_COLUMN["no_tokens"]] == 0
        and not FURNITURE_PHRASE.search(text)
        and not is_furniture_line(text)
    )


def _fill_list_gaps(blocks: Blocks, page: PageFeatures, keep: np.ndarray) -> np.ndarray:
    kept = np.flatnonzero(keep)
    if not len(kept):
        return keep
    # A line repeated inside the article (each day of a meal plan lists the same items) is content; one repeated
    # above or below it (a menu, a share bar) is not.
    outside = Counter(text.lower() for index, text in enumerate(blocks.texts) if index < kept[0] or index > kept[-1])
    span = [_DIGITS.sub("0", text.lower()) for text in blocks.texts[kept[0] : kept[-1] + 1]]
    refined = keep.copy()
    for left, right in itertools.pairwise(kept):
        gap = range(int(left) + 1, int(right))
        if not 0 < len(gap) <= MAX_ECHO_GAP:
            continue
        if len(gap) > MAX_LIST_GAP and not _echoes_article(span, gap.start - int(kept[0]), gap.stop - int(kept[0])):
            continue
        if all(
            _is_list_line(blocks.texts[index], page.rows[index], blocks.texts[index].lower() in outside)
            for index in gap
        ):
            refined[list(gap)] = True
    return refined


def _echoes_article(span: list[str], start: int, stop: int) -> bool:
    """Most lines of span[start:stop] (a gap of dropped lines) repeat a line of the span outside the gap (numbers
    aside) or are table rows (MIN_ROW_NUMBERS numbers or more): the article's own repeated structure, a results
    table, a schedule."""
    elsewhere = set(span[:start]) | set(span[stop:])
    echoed = sum(1 for line in span[start:stop] if line in elsewhere or len(_NUMBER.findall(line)) >= MIN_ROW_NUMBERS)
    return echoed >= MIN_ECHO_SHARE * (stop - start)
