"""HTML pages: several extractors read the page, and the text that agrees most with the others is kept.

Each extractor fails on its own kind of page: trafilatura's fast path returns a menu or a teaser plus its
subscription footer on some, readability-lxml takes a comment thread or a link list on others, our block model
inherits what its trafilatura base missed. They rarely fail the same way on the same page, so the candidate whose
text shares the most with the others (the medoid: the highest mean word 4-shingle agreement, each pair's agreement the
mean of the share of either text found in the other) is the one most likely to be the article. The rule has no
weights or thresholds to fit: nothing was tuned on the development pages, and on a tie our block model's text is kept.
(One threshold saves time, not accuracy: readability is not run when the other two already agree almost wholly.)

A cascade puts the cheap readings first: our block model and trafilatura's fast text come from one pass, and where
they agree on a full-length article (`certain_without_candidates`, its two thresholds chosen by 3-fold
cross-validation by site on both development sets) our text is kept and neither trafilatura's fallback stage nor
readability-lxml runs (about two thirds of the pages). Every other page goes through `voted_paragraphs`, the full
vote, unchanged.

Candidates: our block model's selection (`briefing/clean/html.py`), trafilatura with its fallbacks on (it tries its
bundled readability and jusText when its own result looks poor) and comments off, and readability-lxml. Measured in
`bench/clean.py` against each of them alone.
"""

from __future__ import annotations

import logging
import unicodedata
import warnings
from collections import Counter
from copy import copy
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from briefing.clean.shingles import shingles

if TYPE_CHECKING:
    from briefing.clean.html import PageView

OURS = "block model"
SETTLED_AGREEMENT = 0.99
CERTAIN_AGREEMENT = 0.95
CERTAIN_MIN_CHARS = 2000


def readability_text(page: Any, url: str | None = None) -> str:
    """readability-lxml's article, one line per block element; "" when it cannot read the page.

    `page` is markup or a parsed tree (`html.parse`); a tree loses its hidden elements (readability drops them from
    its input before it copies it). No URL is passed on: readability would only make the summary's links absolute,
    a tenth of its time for hrefs no text keeps."""
    import lxml.html

    document = _text_document()
    # readability logs a traceback for every page it cannot summarise before raising; the page is then simply not a
    # candidate, and the user must see no traceback.
    logging.getLogger("readability").setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            summary = document(page).summary(html_partial=True)
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


@lru_cache(maxsize=1)
def _text_document() -> Any:
    """readability's Document, its page cleaning without the rewriting of javascript: links (hrefs, which no text
    keeps, at a third of readability's time; the text is the same, tests/clean/test_candidates.py)."""
    from readability import Document
    from readability.cleaners import html_cleaner
    from readability.readability import REGEXES

    cleaner = copy(html_cleaner)
    cleaner.javascript = False

    class TextDocument(Document):
        def _parse(self, input: Any) -> Any:
            if isinstance(input, (str, bytes)):
                return super()._parse(input)
            self.encoding = "utf-8"
            # as readability's _parse: hidden elements go from the page itself, then the page is cleaned on a copy
            for element in input.xpath("//*[@hidden]"):
                element.drop_tree()
            for element in input.xpath("//*[@style]"):
                if REGEXES["displayNoneRe"].search(element.get("style")):
                    element.drop_tree()
            page = cleaner.clean_html(input)
            page.resolve_base_href(handle_failures=self.handle_failures)
            return page

    return TextDocument


def agreement(first: Counter[tuple[str, ...]], second: Counter[tuple[str, ...]]) -> float:
    """Mean of the shares of either text's 4-shingles found in the other (0 when either text is empty)."""
    first_total, second_total = sum(first.values()), sum(second.values())
    if not first_total or not second_total:
        return 0.0
    common = sum((first & second).values())
    return (common / first_total + common / second_total) / 2


def pick_candidate(texts: dict[str, str], bags: dict[str, Counter[tuple[str, ...]]] | None = None) -> str:
    """The name of the text that agrees most with the others; OURS (or the first name) on a tie. `bags` holds the
    texts' shingles where the caller has them already."""
    names = list(texts)
    known = bags or {}
    bag = {name: known[name] if name in known else shingles(text) for name, text in texts.items()}
    support = {name: sum(agreement(bag[name], bag[other]) for other in names if other != name) for name in names}
    preferred = OURS if OURS in texts else names[0]
    return max(names, key=lambda name: (round(support[name], 9), name == preferred))


def settled_without_readability(ours: Counter[tuple[str, ...]], trafilatura: Counter[tuple[str, ...]]) -> bool:
    """Our text and trafilatura's (their shingles) agree on SETTLED_AGREEMENT of their shingles: a third candidate
    could only be picked by agreeing with trafilatura even more closely, so it would change the kept text by a percent
    at most, and readability (a third of the HTML path's time) need not run. Measured on both page sets: the same F1
    as always running it (bench/clean.py), on about half of the pages."""
    return agreement(ours, trafilatura) >= SETTLED_AGREEMENT


def certain_without_candidates(ours: Counter[tuple[str, ...]], fast: Counter[tuple[str, ...]], fast_text: str) -> bool:
    """The cascade's gate: our text and trafilatura's fast text (their shingles) agree on CERTAIN_AGREEMENT, and the
    fast text is a full article's length (CERTAIN_MIN_CHARS). The other candidates change the kept text where
    trafilatura's base fails: a short teaser or a part of the article (its fallback stage then takes its bundled
    readability's longer text), or a menu both our model and trafilatura read (readability then disagrees with
    both). Neither is likely when two readers agree on a long text, so our text is kept without running them.
    The thresholds were chosen by 3-fold cross-validation by site on both page sets (README, "Cleaning")."""
    return len(fast_text) >= CERTAIN_MIN_CHARS and agreement(ours, fast) >= CERTAIN_AGREEMENT


def agreed_paragraphs(view: PageView, ours: list[str], titles: list[str]) -> list[str]:
    """The kept body: our block model's text where the cheap readings already agree on a full article
    (`certain_without_candidates`), else the candidates' vote (`voted_paragraphs`)."""
    fast = unicodedata.normalize("NFC", view.trafilatura_text)
    if len(fast) < CERTAIN_MIN_CHARS:  # the gate's cheap half first: no shingles for a short text
        return voted_paragraphs(view, ours, titles)
    ours_bag = shingles("\n".join(ours))
    if certain_without_candidates(ours_bag, shingles(fast), fast):
        return ours
    return voted_paragraphs(view, ours, titles, ours_bag)


def voted_paragraphs(
    view: PageView, ours: list[str], titles: list[str], ours_bag: Counter[tuple[str, ...]] | None = None
) -> list[str]:
    """The body of the extractor that agrees most with the others, as paragraphs (every candidate run: the path
    before the cascade). Another extractor's text may open with the headline, which is the article's title, not its
    lead: it goes. `ours_bag`: the shingles of our text, where the caller has them."""
    # NFC, as trafilatura's extract() gives its text
    texts = {OURS: "\n".join(ours), "trafilatura": unicodedata.normalize("NFC", view.fallback_text)}
    bags = {
        OURS: shingles(texts[OURS]) if ours_bag is None else ours_bag,
        "trafilatura": shingles(texts["trafilatura"]),
    }
    if not settled_without_readability(bags[OURS], bags["trafilatura"]):
        texts["readability"] = readability_text(view.tree)
    chosen = pick_candidate({name: text for name, text in texts.items() if name == OURS or has_prose(text)}, bags)
    if chosen == OURS:
        return ours
    paragraphs = paragraphs_of(texts[chosen])
    headlines = {" ".join(title.split()).casefold() for title in titles}
    while paragraphs and paragraphs[0].casefold() in headlines:
        paragraphs.pop(0)
    return paragraphs


def has_prose(text: str) -> bool:
    """A line of prose (a sentence of six words or more, or a line of sixteen): without one, an extractor's text is
    a list of labels or letters, no article, and no candidate however well it agrees with another such list."""
    from briefing.clean.prose import is_prose

    return any(is_prose(" ".join(line.split())) for line in text.splitlines())


def paragraphs_of(text: str) -> list[str]:
    """An extractor's text as paragraphs: its non-blank lines, whitespace collapsed."""
    return [line for line in (" ".join(raw.split()) for raw in text.splitlines()) if line]
