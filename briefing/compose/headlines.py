"""A story's headline: the real title of its most central article, else a headline made from the best lead.

A title counts as real when the input gave one (a page's or feed item's title, a record's "title"); an untitled
article got a headline cut from its first sentence when it was cleaned. For a story with no real title, the headline
is made again from the best lead among its articles: the first of its first sentences that stands alone (does not
open with "He", "That" or "But"), compressed to its main clause (briefing.clean.headline). Furniture that pages put
before a title ("LIVE:", "Watch:", "Opinion |") is dropped either way. When spaCy's parser is installed (the run's
`RunModels.parser`), a lead too long for a headline is cut where its parse says a phrase is complete.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import logging
import re
from collections.abc import Sequence

import numpy as np

from briefing.clean.headline import Parse, ParsedWord, headline_from_sentence, is_made_up_title
from briefing.compose.vectors import ArticleVectors
from briefing.models import RunModels
from briefing.records import Article
from briefing.store import code_fingerprint, entry_key
from briefing.summarize.guard.structure import PARSER_PACKAGE
from briefing.summarize.sentence_features import leans_on_context

log = logging.getLogger(__name__)

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
    members: Sequence[int],
    articles: Sequence[Article],
    vectors: Sequence[ArticleVectors],
    centroid: np.ndarray,
    parse: Parse | None = None,
) -> str:
    def closeness(member: int) -> tuple[int, int]:
        # Closeness to the centre, quantized: a two-article story's centre is equally close to both, and the choice
        # must not fall to float rounding noise (it changes with how the encoder batched the texts, e.g. on Ray
        # workers), so near-ties go to the earlier article.
        return (-round(float(vectors[member].document @ centroid) / HEADLINE_TIE), member)

    titled = [m for m in members if not has_made_up_title(articles[m])]
    if titled:
        return without_furniture(articles[min(titled, key=closeness)].title)
    for member in sorted(members, key=closeness):
        lead = lead_sentence(articles[member])
        if lead is not None:
            return headline_from_sentence(lead, parse=parse) or articles[member].title
    return articles[min(members, key=closeness)].title


def lead_sentence(article: Article) -> str | None:
    """The first of the article's opening sentences that reads alone and is long enough to be about something."""
    for sentence in article.sentences[:LEAD_SENTENCES]:
        if not leans_on_context(sentence) and len(sentence.split()) >= 6:
            return sentence
    return None


def has_made_up_title(article: Article) -> bool:
    """Whether the article's title was cut from its first sentence when it was cleaned (the input gave none)."""
    return not article.sentences or is_made_up_title(article.title, article.sentences[0])


PARSE_KIND = "headline-parse"  # the stage store's kind: one lead's parse, as JSON [[end, head, pos, tag, dep, space]]


def headline_parse(models: RunModels) -> Parse:
    """A `Parse` over the run's spaCy parser, loaded on the first lead that needs cutting and is not in the stage
    store (none: no parse, the rule-based cut is used). Parses are stored, so a re-run of a day loads no spaCy."""
    store = models.store

    def parse(text: str) -> list[ParsedWord]:
        key = entry_key(_parse_fingerprint(), text) if store is not None else ""
        if store is not None:
            stored = store.get_many(PARSE_KIND, [key]).get(key)
            if stored is not None:
                return [ParsedWord(*word) for word in json.loads(stored)]
        nlp = models.parser
        if nlp is None:
            return []
        words = [
            ParsedWord(t.idx + len(t.text), t.head.i, t.pos_, t.tag_, t.dep_, bool(t.whitespace_)) for t in nlp(text)
        ]
        if store is not None:
            rows = [[w.end, w.head, w.pos, w.tag, w.dep, w.space_after] for w in words]
            store.put_many(PARSE_KIND, {key: json.dumps(rows).encode()})
        return words

    return parse


@functools.cache
def _parse_fingerprint() -> str:
    """The parser package's version and the code that reads its parse (found without importing spaCy)."""
    try:
        version = importlib.metadata.version(PARSER_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        version = "absent"
    return f"{PARSER_PACKAGE}-{version}-{code_fingerprint('compose/headlines.py')}"
