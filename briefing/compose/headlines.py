"""A story's headline: the real title of its most central article, else a headline made from the best lead.

A title counts as real when the input gave one (a page's or feed item's title, a record's "title"); an untitled
article got a headline cut from its first sentence when it was cleaned. For a story with no real title, the headline
is made again from the best lead among its articles: the first of its first sentences that stands alone (does not
open with "He", "That" or "But"), compressed to its main clause (briefing.clean.headline). Furniture that pages put
before a title ("LIVE:", "Watch:", "Opinion |") is dropped either way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from briefing.clean.headline import headline_from_sentence, is_made_up_title
from briefing.compose.vectors import ArticleVectors
from briefing.records import Article
from briefing.summarize.sentence_features import leans_on_context

LEAD_SENTENCES = 3  # where a headline may be found in an untitled article
_FURNITURE = re.compile(
    r"^(?:(?:live|watch|video|photos?|pictures|gallery|breaking|update[sd]?|exclusive|opinion|analysis|explainer"
    r"|listen|podcast|in pictures|live updates?)\s*[:|–—-]\s+)+",
    re.IGNORECASE,
)


HEADLINE_TIE = 1e-4  # closeness to the story centre below float32 noise counts as equal


def without_furniture(title: str) -> str:
    stripped = _FURNITURE.sub("", title).strip()
    return stripped if len(stripped.split()) >= 3 else title


def story_headline(
    members: Sequence[int], articles: Sequence[Article], vectors: Sequence[ArticleVectors], centroid: np.ndarray
) -> str:
    def closeness(member: int) -> tuple[int, int]:
        # Closeness to the centre, quantized: a two-article story's centre is equally close to both, and the choice
        # must not fall to float rounding noise (it changes with how the encoder batched the texts, e.g. on Ray
        # workers), so near-ties go to the earlier article.
        return (-round(float(vectors[member].document @ centroid) / HEADLINE_TIE), member)

    titled = [m for m in members if not _made_up(articles[m])]
    if titled:
        return without_furniture(articles[min(titled, key=closeness)].title)
    for member in sorted(members, key=closeness):
        lead = lead_sentence(articles[member])
        if lead is not None:
            return headline_from_sentence(lead) or articles[member].title
    return articles[min(members, key=closeness)].title


def lead_sentence(article: Article) -> str | None:
    """The first of the article's opening sentences that reads alone and is long enough to be about something."""
    for sentence in article.sentences[:LEAD_SENTENCES]:
        if not leans_on_context(sentence) and len(sentence.split()) >= 6:
            return sentence
    return None


def _made_up(article: Article) -> bool:
    return not article.sentences or is_made_up_title(article.title, article.sentences[0])
