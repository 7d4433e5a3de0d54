"""Context features: a block's neighbours' first-pass keep-probabilities, and where it sits relative to the article.

A block between two kept paragraphs is likely kept too; a sentence-like promo between menus is not; comments under
the article and teasers for other stories drift off the article's topic. These features feed the model's second
pass (`model.py`).
"""

from __future__ import annotations

import numpy as np

from briefing.clean.features import BASE_FEATURES, PageFeatures, window_mean

CONTEXT_FEATURES: tuple[str, ...] = (
    "p",
    "p_prev",
    "p_next",
    "p_window2",
    "p_window5",
    "p_max_before3",
    "p_max_after3",
    "mass_before",
    "mass_after",
    "inside",
    "group_p_mean",
    "group_p_max",
    "p_core_distance",
    "gap_to_core",
    "furniture_to_core",
    "topic_similarity",
    "after_comments",
)


def _topic_similarity(p: np.ndarray, page: PageFeatures) -> np.ndarray:
    """Cosine between each block's words and the probability-weighted words of all the other blocks: article
    paragraphs share a topic, teasers for other stories and comments drift off it."""
    if not len(page.word_id):
        return np.zeros(len(p))
    centroid = np.bincount(page.word_id, weights=page.word_weight * p[page.word_block])
    norm = float(np.sqrt(centroid @ centroid))
    if norm == 0.0:
        return np.zeros(len(p))
    dots = np.bincount(page.word_block, weights=page.word_weight * centroid[page.word_id], minlength=len(p))
    has_words = np.bincount(page.word_block, minlength=len(p)) > 0
    return np.where(has_words, np.maximum(0.0, dots - p) / norm, 0.0)


def _after_comments(headers: np.ndarray, mass_before: np.ndarray) -> np.ndarray:
    """1 below a comments heading that follows a good part of the article (a comment count next to the
    headline does not count)."""
    opening = headers & (mass_before >= 0.25)
    return np.asarray((np.cumsum(opening) - opening) > 0)


def context_features(probabilities: np.ndarray, page: PageFeatures) -> np.ndarray:
    """Neighbours' first-pass probabilities: a block between two kept paragraphs is likely kept too."""
    p = probabilities
    count = len(p)
    if count == 0:
        return np.zeros((0, len(CONTEXT_FEATURES)))
    base, groups = page.rows, page.groups
    log_tokens = base[:, BASE_FEATURES.index("log_tokens")]
    prev = np.concatenate(([0.0], p[:-1]))
    nxt = np.concatenate((p[1:], [0.0]))
    padded = np.concatenate((np.zeros(3), p, np.zeros(3)))
    before = np.max(np.stack([padded[i : i + count] for i in range(3)]), axis=0)
    after = np.max(np.stack([padded[i + 4 : i + 4 + count] for i in range(3)]), axis=0)
    weighted = p * np.expm1(log_tokens)
    total = max(1.0, float(weighted.sum()))
    mass_before = (np.cumsum(weighted) - weighted) / total
    mass_after = 1.0 - mass_before - weighted / total
    inside = np.minimum(mass_before, mass_after) * 2
    _, group_index = np.unique(groups, return_inverse=True)
    group_mean = np.bincount(group_index, weights=p) / np.bincount(group_index)
    group_max = np.zeros(group_index.max() + 1)
    np.maximum.at(group_max, group_index, p)
    # The article core: where kept-looking prose is densest. Crossing many dropped or furniture blocks on the way
    # from the core to a block (comments under the article, teasers above it) says the block is elsewhere.
    core = int(np.argmax(window_mean(weighted, 5)))
    index = np.arange(count)
    dropped = np.cumsum(p < 0.5)
    furniture = np.cumsum(base[:, BASE_FEATURES.index("furniture_phrase")] > 0)
    low, high = np.minimum(index, core), np.maximum(index, core)
    between = lambda cumulative: np.maximum(0, cumulative[np.maximum(high - 1, 0)] - cumulative[low])  # noqa: E731
    return np.column_stack(
        (
            p,
            prev,
            nxt,
            window_mean(p, 2),
            window_mean(p, 5),
            before,
            after,
            mass_before,
            mass_after,
            inside,
            group_mean[group_index],
            group_max[group_index],
            np.log1p(np.abs(index - core)),
            np.log1p(between(dropped)),
            np.log1p(between(furniture)),
            _topic_similarity(p, page),
            _after_comments(base[:, BASE_FEATURES.index("comments_header")] > 0, mass_before),
        )
    )
