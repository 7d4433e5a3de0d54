"""HTML pages: several extractors read the page, and the text that agrees most with the others is kept.

Each extractor fails on its own kind of page: trafilatura's fast path returns a menu or a teaser plus its
subscription footer on some, readability-lxml takes a comment thread or a link list on others, our block model
inherits what its trafilatura base missed. They rarely fail the same way on the same page, so the candidate whose
text shares the most with the others (the medoid: the highest mean word 4-shingle agreement, each pair's agreement the
mean of the share of either text found in the other) is the one most likely to be the article. The rule has no
weights or thresholds to fit: nothing was tuned on the development pages, and on a tie our block model's text is kept.
(One threshold saves time, not accuracy: readability is not run when the other two already agree almost wholly.)

Candidates: our block model's selection (`briefing/clean/html.py`), trafilatura with its fallbacks on (it tries its
bundled readability and jusText when its own result looks poor) and comments off, and readability-lxml. Measured in
`bench/clean.py` against each of them alone.
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter

from briefing.clean.shingles import shingles

OURS = "block model"
SETTLED_AGREEMENT = 0.99


def readability_text(markup: str, url: str | None) -> str:
    """readability-lxml's article, one line per block element; "" when it cannot read the page."""
    import lxml.html
    from readability import Document

    # readability logs a traceback for every page it cannot summarise before raising; the page is then simply not a
    # candidate, and the user must see no traceback.
    logging.getLogger("readability").setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            summary = Document(markup, url=url).summary(html_partial=True)
        tree = lxml.html.fromstring(summary)
    except Exception:  # readability raises on empty or unparseable markup (several exception types, none exported)
        return ""
    try:
        for block in tree.iter("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "blockquote", "pre"):
            # A line break on both sides: text just before a block ("<a>World</a><p>0 …") must not glue to it.
            block.text = "\n" + (block.text or "")
            block.tail = "\n" + (block.tail or "")
    except ValueError:  # a text holding a control character cannot be set back: every text node on its own line
        return "\n".join(tree.itertext())
    return tree.text_content()


def trafilatura_fallback_text(markup: str, url: str | None) -> str:
    """trafilatura's main text with its fallbacks on and comment sections left out; "" when it finds none."""
    import trafilatura

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return trafilatura.extract(markup, url=url, include_comments=False) or ""
        except (ValueError, TypeError, AttributeError, RecursionError):
            return ""


def agreement(first: Counter[tuple[str, ...]], second: Counter[tuple[str, ...]]) -> float:
    """Mean of the shares of either text's 4-shingles found in the other (0 when either text is empty)."""
    first_total, second_total = sum(first.values()), sum(second.values())
    if not first_total or not second_total:
        return 0.0
    common = sum((first & second).values())
    return (common / first_total + common / second_total) / 2


def pick_candidate(texts: dict[str, str]) -> str:
    """The name of the text that agrees most with the others; OURS (or the first name) on a tie."""
    names = list(texts)
    bags = {name: shingles(text) for name, text in texts.items()}
    support = {name: sum(agreement(bags[name], bags[other]) for other in names if other != name) for name in names}
    preferred = OURS if OURS in texts else names[0]
    return max(names, key=lambda name: (round(support[name], 9), name == preferred))


def settled_without_readability(ours: str, trafilatura: str) -> bool:
    """Our text and trafilatura's agree on SETTLED_AGREEMENT of their shingles: a third candidate could only be
    picked by agreeing with trafilatura even more closely, so it would change the kept text by a percent at most, and
    readability (a third of the HTML path's time) need not run. Measured on both page sets: the same F1 as always
    running it (bench/clean.py), on about half of the pages."""
    return agreement(shingles(ours), shingles(trafilatura)) >= SETTLED_AGREEMENT


def has_prose(text: str) -> bool:
    """A line of prose (a sentence of six words or more, or a line of sixteen): without one, an extractor's text is
    a list of labels or letters, no article, and no candidate however well it agrees with another such list."""
    from briefing.clean.plain import is_prose

    return any(is_prose(" ".join(line.split())) for line in text.splitlines())


def paragraphs_of(text: str) -> list[str]:
    """An extractor's text as paragraphs: its non-blank lines, whitespace collapsed."""
    return [line for line in (" ".join(raw.split()) for raw in text.splitlines()) if line]
