"""HTML pages: trafilatura's extraction, checked and completed block by block by a learned model.

The page is parsed once. Its visible text is cut into blocks (one per block-level element, like a text dump's
lines); every block gets the text-dump features plus what the markup tells (link density, tag, enclosing
article/nav/comment containers) and whether trafilatura kept it. A second model (`html_model.json`, same two-pass
form as the dump model) then decides: it mostly follows trafilatura, drops what trafilatura kept of menus, teasers
and subscription prompts, and takes back article paragraphs trafilatura missed. The parsed tree is handed to
trafilatura last, because trafilatura prunes the tree it works on.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

import numpy as np

from briefing.cleaning.dump import Selection, select_blocks
from briefing.cleaning.features import MAX_BLOCK_CHARS, MAX_BLOCKS, Blocks, page_features
from briefing.cleaning.html_meta import HtmlMetadata, read_metadata
from briefing.cleaning.model import HTML_MODEL_PATH, BlockModel
from briefing.cleaning.shingles import block_shares

MAX_HTML_CHARS = 5_000_000  # markup past 5 MB is cut: no article page needs more, and parsing time stays bounded

_SKIPPED_TAGS = frozenset(
    "script style noscript template svg math head iframe object embed canvas select option button video audio "
    "picture source map area input textarea".split()
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

EXTRA_FEATURES: tuple[str, ...] = (
    "in_trafilatura",
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


@dataclass(frozen=True)
class PageView:
    """A parsed page: its blocks with their markup features, trafilatura's text, and the page metadata."""

    blocks: Blocks
    extra: np.ndarray
    title: str | None
    metadata: HtmlMetadata
    trafilatura_text: str


@dataclass
class _Context:
    """What the enclosing elements say about the text being read."""

    block_tag: str = "body"
    container: int = 0
    in_article: bool = False
    in_boilerplate: bool = False
    in_comments: bool = False


@lru_cache(maxsize=1)
def html_model() -> BlockModel:
    return BlockModel.load(HTML_MODEL_PATH)


def _element_context(element: object, parent: _Context, tag: str) -> _Context:
    get = element.get  # type: ignore[attr-defined]
    bare = not element.attrib  # type: ignore[attr-defined]
    if bare and tag not in _BLOCK_TAGS and tag not in _BOILERPLATE_TAGS and tag != "article":
        return parent  # a bare inline element (<b>, <span>) changes nothing
    if tag in ("html", "body"):  # page-wide classes ("has-header", "ads-enabled") say nothing about one block
        words: set[str] = set()
    else:
        words = set(_NAME_SPLIT.split(f"{get('class', '')} {get('id', '')} {get('role', '')}".lower()))
    joined = {word.replace("-", "") for word in words}
    return _Context(
        block_tag=tag if tag in _BLOCK_TAGS else parent.block_tag,
        container=id(element) if tag in _BLOCK_TAGS else parent.container,
        in_article=parent.in_article or tag == "article" or get("itemprop") == "articleBody"
        or bool(joined & _ARTICLE_WORDS),
        in_boilerplate=parent.in_boilerplate
        or ((tag in _BOILERPLATE_TAGS or bool(words & _BOILERPLATE_WORDS)) and not _is_layout_wrapper(element)),
        in_comments=parent.in_comments or any(word.startswith(("comment", "disqus")) for word in words)
        or bool(words & _COMMENT_WORDS),
    )  # fmt: skip


def _is_layout_wrapper(element: object) -> bool:
    """A 'header' or 'nav' element holding hundreds of elements wraps the page layout, not a menu."""
    return sum(1 for _ in islice(element.iter(), _WRAPPER_SIZE)) >= _WRAPPER_SIZE  # type: ignore[attr-defined]


def _is_hidden(element: object) -> bool:
    get = element.get  # type: ignore[attr-defined]
    return get("hidden") is not None or get("aria-hidden") == "true" or bool(_HIDDEN_STYLE.search(get("style", "")))


def html_blocks(tree: object) -> tuple[Blocks, list[dict[str, float]]]:
    """Visible text of a parsed page, one block per block-level element, with markup facts per block.

    Walks the tree iteratively (lxml's iterwalk), so deeply nested markup cannot exhaust the Python stack.
    """
    from lxml import etree

    texts: list[str] = []
    groups: list[int] = []
    facts: list[dict[str, float]] = []
    pieces: list[str] = []
    link_chars = 0
    stack: list[_Context] = [_Context()]
    links_open = 0
    skipped: list[bool] = []
    last_container: int | None = None
    group = -1

    def flush() -> None:
        nonlocal pieces, link_chars, last_container, group
        text = " ".join("".join(pieces).split())[:MAX_BLOCK_CHARS]
        if text and len(texts) < MAX_BLOCKS:
            context = stack[-1]
            if context.container != last_container:
                group += 1
                last_container = context.container
            texts.append(text)
            groups.append(group)
            tag = context.block_tag
            facts.append(
                {
                    "link_density": min(1.0, link_chars / max(1, len(text))),
                    "tag_heading": float(tag in _HEADINGS),
                    "tag_paragraph": float(tag == "p"),
                    "tag_list_item": float(tag in ("li", "dd", "dt")),
                    "tag_table_row": float(tag == "tr"),
                    "tag_caption": float(tag in ("figcaption", "caption")),
                    "tag_quote": float(tag in ("blockquote", "pre")),
                    "in_article": float(context.in_article),
                    "in_boilerplate": float(context.in_boilerplate),
                    "in_comments": float(context.in_comments),
                }
            )
        pieces, link_chars = [], 0

    walker = etree.iterwalk(tree, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.rsplit("}", 1)[-1].lower()
        if event == "start":
            if not tag or tag in _SKIPPED_TAGS or (element.attrib and _is_hidden(element)):
                # Comments, processing instructions, scripts and hidden parts: no text of theirs, but their tail
                # (read at their "end" event, which iterwalk still sends) is visible.
                walker.skip_subtree()
                skipped.append(True)
                continue
            skipped.append(False)
            if tag in _BLOCK_TAGS:
                flush()
            elif tag in _CELL_TAGS:
                pieces.append(" ")  # a table row is one block, its cells apart
            stack.append(_element_context(element, stack[-1], tag))
            if tag == "a":
                links_open += 1
            if element.text:
                pieces.append(element.text)
                if links_open:
                    link_chars += len(element.text.strip())
        else:
            if not skipped.pop():
                if tag in _BLOCK_TAGS:
                    flush()
                stack.pop()
                if tag == "a":
                    links_open -= 1
            if element.tail:
                pieces.append(element.tail)
                if links_open:
                    link_chars += len(element.tail.strip())
        if len(texts) >= MAX_BLOCKS:
            break
    flush()
    return Blocks(tuple(texts), tuple(groups)), facts


def parse(markup: str) -> object | None:
    """lxml tree of the page (comments and processing instructions dropped, as trafilatura's own parser does)."""
    from lxml import etree
    from lxml import html as lxml_html

    data = markup[:MAX_HTML_CHARS].encode("utf-8", "replace")
    parser = lxml_html.HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
    )
    try:
        tree = lxml_html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError, TypeError):
        return None
    return tree if len(tree) else None


def trafilatura_text(tree: object, url: str | None) -> str:
    """trafilatura's main-text extraction (its fallbacks off: the block model is our fallback, and it is 3x faster)."""
    from trafilatura import bare_extraction

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = bare_extraction(
                tree, url=url, fast=True, with_metadata=False, include_comments=False, include_tables=True
            )
        except (ValueError, TypeError, AttributeError, RecursionError):
            return ""
    return (getattr(result, "text", None) or "") if result is not None else ""


def page_view(markup: str, url: str | None = None) -> PageView | None:
    """Parse a page and gather everything the HTML model needs; None when the markup cannot be parsed."""
    tree = parse(markup)
    if tree is None:
        return None
    blocks, facts = html_blocks(tree)
    metadata = read_metadata(tree, url)
    reference = trafilatura_text(tree, url)  # last: trafilatura prunes the tree it is given
    extra = np.zeros((len(blocks.texts), len(EXTRA_FEATURES)))
    if blocks.texts:
        extra[:, 0] = block_shares(blocks.texts, reference)
        for column, name in enumerate(EXTRA_FEATURES[1:], start=1):
            extra[:, column] = [fact[name] for fact in facts]
    return PageView(blocks, extra, metadata.title, metadata, reference)


def select_html(view: PageView) -> Selection:
    """The model's choice of blocks."""
    if not view.blocks.texts:
        return Selection(view.title, (), None, None)
    model = html_model()
    probabilities = model.probabilities(page_features(view.blocks, view.title), view.extra)
    return select_blocks(view.blocks, model.keep(probabilities, view.extra), view.title)


def trafilatura_text_of(page: object) -> str:
    """The trafilatura baseline of a training page (`scripts/train_cleaner.py`)."""
    return getattr(page, "reference", "")
