"""HTML pages: trafilatura's extraction, checked and completed block by block by a learned model.

The page's visible text is cut into blocks (one per block-level element, like a text dump's
lines); every block gets the text-dump features plus what the markup tells (link density, tag, enclosing
article/nav/comment containers) and whether trafilatura kept it. A second model (`html_model.json`, same two-pass
form as the dump model) then decides: it mostly follows trafilatura, drops what trafilatura kept of menus, teasers
and subscription prompts, and takes back article paragraphs trafilatura missed.

The page is parsed once for every extractor of the HTML path: trafilatura (fast and with its fallbacks, from one shared
pass: `html_trafilatura.py`) reads a copy, readability-lxml (`candidates.py`) the tree itself, last.

Speed (one core, `bench/clean.py`): our walk of the tree, the block features and the anchor shares are written for it
(tuples, memos within the page, cheap tests before slow regexes), each shortcut checked against the plain definition
in tests/test_clean_fast_paths.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Any

import numpy as np

from briefing.clean.dump import Selection, select_blocks
from briefing.clean.features import MAX_BLOCK_CHARS, MAX_BLOCKS, Blocks, PageFeatures, page_features
from briefing.clean.html_meta import HtmlMetadata, read_metadata
from briefing.clean.html_trafilatura import TrafilaturaReading, read_page
from briefing.clean.model import HTML_MODEL_PATH, BlockModel
from briefing.clean.shingles import block_shares
from briefing.text import repair_c1_controls

MAX_HTML_CHARS = 5_000_000  # markup past 5 MB is cut: no article page needs more, and parsing time stays bounded

_SKIPPED_TAGS = frozenset(
    "script style noscript template svg math head iframe object embed canvas select option button video audio "
    "picture source map area input textarea".split()
)
# SVG and MathML have no readable text and are skipped, but an unclosed <svg> early in <body> makes the HTML parser
# put the whole rest of the page inside it. Such an element (one holding HTML paragraphs or headings) is unwrapped.
_FOREIGN_TAGS = ("svg", "math")
_PAGE_CONTENT_TAGS = ("p", "article", "main", "h1", "h2", "h3", "li", "blockquote", "table")
_DRAWING_TAGS = frozenset(
    "svg math g path circle rect line polyline polygon ellipse use defs symbol text tspan clippath mask "
    "lineargradient radialgradient stop pattern image mrow mi mo mn msup msub mfrac semantics".split()
)


_BLOCK_TAGS = frozenset(
    "p div section article main header footer nav aside h1 h2 h3 h4 h5 h6 li ul ol dl dt dd table thead tbody tfoot "
    "tr blockquote pre figure figcaption form fieldset address hr br caption details summary center body "
    "html legend".split()
)
_CELL_TAGS = frozenset(("td", "th"))
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_BOILERPLATE_TAGS = frozenset("nav header footer aside form".split())
# Class/id/role words of page furniture, comment threads and article containers (matched as whole words of the
# attribute, split on "-", "_" and spaces, so "navigation" counts and "canvas" does not).
_BOILERPLATE_WORDS = frozenset(
    "nav navbar navigation menu footer header masthead sidebar share sharing social related recommended "
    "recommendations promo promotion newsletter subscribe subscription paywall advert advertisement ad ads "
    "cookie cookies consent banner popup modal breadcrumb breadcrumbs widget widgets trending popular outbrain "
    "taboola teaser teasers rail".split()
)
_COMMENT_WORDS = frozenset("comment comments disqus discussion respond replies".split())
_ARTICLE_WORDS = frozenset("article story articlebody storybody postbody entrycontent".split())
_WRAPPER_SIZE = 300
_NAME_SPLIT = re.compile(r"[\s_-]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

# The columns html_blocks reads from the markup, in this order; the model's extra columns are these after one.
MARKUP_FEATURES: tuple[str, ...] = (
    "link_density",
    "tag_heading",
    "tag_paragraph",
    "tag_list_item",
    "tag_table_row",
    "tag_caption",
    "tag_quote",
    "in_article",
    "in_boilerplate",
    "in_comments",
)
EXTRA_FEATURES: tuple[str, ...] = ("in_trafilatura", *MARKUP_FEATURES)
_TAG_FEATURE_TAGS: tuple[frozenset[str], ...] = (
    _HEADINGS,
    frozenset(("p",)),
    frozenset(("li", "dd", "dt")),
    frozenset(("tr",)),
    frozenset(("figcaption", "caption")),
    frozenset(("blockquote", "pre")),
)
# tag_heading ... tag_quote of a block, by the tag of its block-level element.
_NO_TAG_FACTS: tuple[float, ...] = (0.0,) * len(_TAG_FEATURE_TAGS)
_TAG_FACTS: dict[str, tuple[float, ...]] = {
    tag: tuple(float(tag in tags) for tags in _TAG_FEATURE_TAGS) for tag in _BLOCK_TAGS
}


@dataclass(frozen=True)
class PageView:
    """A parsed page: its blocks with their markup features, trafilatura's two texts, the page metadata, and the
    parsed tree itself, so no other extractor parses the page again."""

    blocks: Blocks
    extra: np.ndarray
    title: str | None
    metadata: HtmlMetadata
    trafilatura_text: str  # without its fallbacks: the model's reference
    trafilatura: TrafilaturaReading  # its text with fallbacks, read when the cascade asks (`candidates.py`)
    tree: Any  # the parsed page, whole (readability, the last to read it, may change it)

    @property
    def fallback_text(self) -> str:
        """trafilatura's text with its fallbacks (a candidate): its fallback stage runs on the first call."""
        return self.trafilatura.fallback


# What the enclosing elements say about the text being read: (block tag, container number, in an article,
# in page furniture, in a comment thread). A plain tuple: one is made for every element of the page.
_Context = tuple[str, int, bool, bool, bool]
_PAGE_CONTEXT: _Context = ("body", 0, False, False, False)


@lru_cache(maxsize=1)
def html_model() -> BlockModel:
    return BlockModel.load(HTML_MODEL_PATH)


def _name_words(names: str) -> tuple[bool, bool, bool]:
    """Whether class/id/role words name an article container, page furniture, or a comment thread."""
    words = set(_NAME_SPLIT.split(names.lower()))
    return (
        bool(words & _ARTICLE_WORDS),
        bool(words & _BOILERPLATE_WORDS),
        bool(words & _COMMENT_WORDS) or any(word.startswith(("comment", "disqus")) for word in words),
    )


def _is_layout_wrapper(element: Any) -> bool:
    """A 'header' or 'nav' element holding hundreds of elements wraps the page layout, not a menu."""
    return sum(1 for _ in islice(element.iter(), _WRAPPER_SIZE)) >= _WRAPPER_SIZE


def _is_hidden(get: Callable[..., Any]) -> bool:
    return get("hidden") is not None or get("aria-hidden") == "true" or bool(_HIDDEN_STYLE.search(get("style", "")))


def _element_context(
    element: Any,
    tag: str,
    is_block: bool,
    parent: _Context,
    containers: int,
    names_memo: dict[str, tuple[bool, bool, bool]],
) -> _Context:
    """The context an element opens: its block tag and container number, and whether it sits in the article, in
    page furniture or in a comment section (inherited from `parent`, or said by its tag and class/id/role words)."""
    get = element.get
    attributed = bool(element.attrib)
    if attributed and tag not in ("html", "body"):
        # page-wide classes ("has-header", "ads-enabled") say nothing about one block
        names = f"{get('class', '')} {get('id', '')} {get('role', '')}"
        flags = names_memo.get(names)
        if flags is None:
            flags = names_memo[names] = _name_words(names)
        article_word, boilerplate_word, comment_word = flags
    else:
        article_word = boilerplate_word = comment_word = False
    in_article = parent[2] or tag == "article" or article_word
    in_article = in_article or (attributed and get("itemprop") == "articleBody")
    furniture = parent[3] or ((tag in _BOILERPLATE_TAGS or boilerplate_word) and not _is_layout_wrapper(element))
    return (
        tag if is_block else parent[0],
        containers if is_block else parent[1],
        in_article,
        furniture,
        parent[4] or comment_word,
    )


def html_blocks(tree: Any) -> tuple[Blocks, np.ndarray]:
    """Visible text of a parsed page, one block per block-level element, with its MARKUP_FEATURES row per block.

    Walks the tree iteratively (lxml's iterwalk), so deeply nested markup cannot exhaust the Python stack. This walk
    is a good part of the HTML path's time, hence the tuples and the per-page memo of class/id/role words. A block's
    group is the run of blocks read inside one block-level element, elements numbered as they open (not by `id()`:
    lxml makes and frees element proxies as the walk goes, so a freed proxy's address can come back for another).
    """
    from lxml import etree

    texts: list[str] = []
    groups: list[int] = []
    facts: list[tuple[float, ...]] = []
    pieces: list[str] = []
    link_chars = 0
    stack: list[_Context] = [_PAGE_CONTEXT]
    links_open = 0
    skipping = False
    last_container = -1
    containers = 0  # block-level elements opened so far: each one's number names it as a container
    group = -1
    tags: dict[object, str] = {}
    names_memo: dict[str, tuple[bool, bool, bool]] = {}

    def flush() -> None:
        nonlocal pieces, link_chars, last_container, group
        if not pieces:  # most block-level elements open and close with no text of their own in between
            return
        text = " ".join("".join(pieces).split())[:MAX_BLOCK_CHARS]
        if text and len(texts) < MAX_BLOCKS:
            tag, container, in_article, in_boilerplate, in_comments = stack[-1]
            if container != last_container:
                group += 1
                last_container = container
            texts.append(text)
            groups.append(group)
            link_density = min(1.0, link_chars / len(text))
            facts.append((link_density, *_TAG_FACTS.get(tag, _NO_TAG_FACTS), in_article, in_boilerplate, in_comments))
        pieces, link_chars = [], 0

    walker = etree.iterwalk(tree, events=("start", "end"))
    for event, element in walker:
        raw_tag = element.tag  # a comment's or an entity's "tag" is a function: it maps to "" and is skipped
        tag = tags.get(raw_tag)
        if tag is None:
            tag = tags[raw_tag] = raw_tag.rsplit("}", 1)[-1].lower() if isinstance(raw_tag, str) else ""
        if event == "start":
            get = element.get
            attributed = bool(element.attrib)
            if not tag or tag in _SKIPPED_TAGS or (attributed and _is_hidden(get)):
                # Comments, processing instructions, scripts and hidden parts: no text of theirs, but their tail
                # (read at their "end" event, which iterwalk still sends) is visible.
                walker.skip_subtree()
                skipping = True  # the next event is this element's "end"
                continue
            is_block = tag in _BLOCK_TAGS
            if is_block:
                flush()
            elif tag in _CELL_TAGS:
                pieces.append(" ")  # a table row is one block, its cells apart
            parent = stack[-1]
            if attributed or is_block or tag in _BOILERPLATE_TAGS or tag == "article":
                if is_block:
                    containers += 1
                stack.append(_element_context(element, tag, is_block, parent, containers, names_memo))
            else:
                stack.append(parent)  # a bare inline element (<b>, <span>) changes nothing
            if tag == "a":
                links_open += 1
            text = element.text
            if text:
                pieces.append(text)
                if links_open:
                    link_chars += len(text.strip())
        else:
            if skipping:
                skipping = False
            else:
                if tag in _BLOCK_TAGS:
                    flush()
                stack.pop()
                if tag == "a":
                    links_open -= 1
            tail = element.tail
            if tail:
                pieces.append(tail)
                if links_open:
                    link_chars += len(tail.strip())
        if len(texts) >= MAX_BLOCKS:
            break
    flush()
    markup = np.asarray(facts, dtype=float).reshape(len(facts), len(MARKUP_FEATURES))
    return Blocks(tuple(texts), tuple(groups)), markup


def parse(markup: str) -> object | None:
    """lxml tree of the page (comments and processing instructions dropped, as trafilatura's own parser does)."""
    from lxml import etree
    from lxml import html as lxml_html

    data = markup[:MAX_HTML_CHARS].encode("utf-8", "replace")
    parser = lxml_html.HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
    )
    # lxml.html picks each element's Python class in a Python method, called whenever an element is touched (by our
    # walk and trafilatura's, thousands of times a page); a C-level default lookup gives every element the plain
    # HtmlElement class (forms and inputs lose their form helpers, which nothing here uses) at no per-element cost.
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml_html.HtmlElement,
            comment=lxml_html.HtmlComment,
            pi=lxml_html.HtmlProcessingInstruction,
            entity=lxml_html.HtmlEntity,
        )
    )
    try:
        tree = lxml_html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError, TypeError):
        return None
    if not len(tree):
        return None
    _unwrap_unclosed_foreign(tree)
    return tree


def _unwrap_unclosed_foreign(tree: Any) -> None:
    """An <svg> or <math> that holds page content was left open: drop it and the drawing elements the content got
    nested in (an unclosed <path> too), keeping their content, so both our walk and trafilatura read the page."""
    wrappers: dict[Any, None] = {}  # ordered, outermost first
    for foreign in tree.iter(*_FOREIGN_TAGS):
        for content in foreign.iterdescendants(*_PAGE_CONTENT_TAGS):
            chain = []
            parent = content.getparent()
            while parent is not None and parent not in wrappers:
                tag = parent.tag.lower() if isinstance(parent.tag, str) else ""
                if tag in _DRAWING_TAGS:
                    chain.append(parent)
                if parent is foreign:
                    break
                parent = parent.getparent()
            wrappers.update(dict.fromkeys(reversed(chain)))
    for element in wrappers:
        try:
            element.drop_tag()
        except ValueError:  # lxml refuses to merge text holding control characters: leave that wrapper be
            continue


def page_view(markup: str, url: str | None = None) -> PageView | None:
    """Parse a page and gather everything the HTML model needs; None when the markup cannot be parsed.

    C1 controls are cp1252 punctuation (see `repair_c1_controls`): repaired before the page is parsed, so no
    extractor reading the tree silently loses a character."""
    tree = parse(repair_c1_controls(markup))
    if tree is None:
        return None
    blocks, markup_features = html_blocks(tree)
    metadata = read_metadata(tree, url)
    trafilatura = read_page(tree, url)  # on a copy: the tree stays whole for readability
    reference = trafilatura.fast
    extra = np.zeros((len(blocks.texts), len(EXTRA_FEATURES)))
    if blocks.texts:
        extra[:, 0] = block_shares(blocks.texts, reference)
        extra[:, 1:] = markup_features
    return PageView(blocks, extra, metadata.title, metadata, reference, trafilatura, tree)


def select_html(view: PageView, features: PageFeatures | None = None) -> Selection:
    """The model's choice of blocks; `features` are the page's `page_features`, when the caller has them already."""
    if not view.blocks.texts:
        return Selection(view.title, (), None, None)
    model = html_model()
    if features is None:
        features = page_features(view.blocks, view.title)
    probabilities = model.probabilities(features, view.extra)
    return select_blocks(view.blocks, model.keep(probabilities, view.extra), view.title)


def trafilatura_text_of(page: object) -> str:
    """The trafilatura baseline of a training page (`scripts/train_cleaner.py`)."""
    return getattr(page, "reference", "")
