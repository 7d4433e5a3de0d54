"""trafilatura's two readings of a page, fast (no fallbacks) and with its fallbacks, from one shared pass.

The HTML path needs both: the fast text is the block model's reference (`html.py`), the text with fallbacks is a
candidate (`candidates.py`). trafilatura's own cascade (`trafilatura.core.trafilatura_sequence`) runs the same first
stages in both modes (prune the raw tree, clean and convert it, the main extractor); only the comparison with its
bundled readability and jusText, and the rescue stages after, differ. Run twice, the shared stages are a third of the
HTML path's time, so `fast_and_fallback` runs them once and branches after, stage by stage as trafilatura does.

The cascade's helpers are internal to trafilatura (no stable API): where this trafilatura lacks one of them, the two
readings come from two ordinary `bare_extraction` calls instead. tests/test_clean_html_trafilatura.py checks that
both ways give the same texts.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_TRAFILATURA_ERRORS = (ValueError, TypeError, AttributeError, RecursionError)


@dataclass(frozen=True)
class TrafilaturaTexts:
    """trafilatura's main text without its fallbacks (`fast`) and with them (`fallback`); "" where it finds none."""

    fast: str
    fallback: str


class TrafilaturaReading:
    """trafilatura's fast text of a page, read now, and its text with fallbacks, read only when first asked for:
    the fallback stage (its bundled readability, jusText, the rescues) is most of trafilatura's time, and the HTML
    path asks for it only on pages its cheap candidates leave uncertain (`candidates.py`)."""

    def __init__(self, fast: str, fallback: Callable[[], str]) -> None:
        self.fast = fast
        self._make_fallback: Callable[[], str] | None = fallback
        self._fallback = ""

    @property
    def fallback_read(self) -> bool:
        """Whether the fallback text has been read (the cascade's record of what it ran)."""
        return self._make_fallback is None

    @property
    def fallback(self) -> str:
        make = self._make_fallback
        if make is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    self._fallback = make()
                except _TRAFILATURA_ERRORS:
                    self._fallback = ""
            self._make_fallback = None  # the closure holds the page's pruned copy: let it go once read
        return self._fallback


@lru_cache(maxsize=2)
def trafilatura_options(fast: bool) -> Any:
    """trafilatura's settings for every page (reading its config file each call costs as much as parsing a page):
    comments off, tables in, no metadata, with or without its fallbacks."""
    from trafilatura.settings import Extractor

    return Extractor(output_format="python", fast=fast, comments=False, tables=True, with_metadata=False)


def _page_options(fast: bool, url: str | None) -> Any:
    options = copy(trafilatura_options(fast))  # the page's URL goes into the options: each page gets its own copy
    options.url = options.source = url
    return options


def bare_text(tree: Any, url: str | None, fast: bool) -> str:
    """One ordinary trafilatura extraction of a parsed page (it copies the tree it is given)."""
    from trafilatura import bare_extraction

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = bare_extraction(tree, url=url, options=_page_options(fast, url))
        except _TRAFILATURA_ERRORS:
            return ""
    return (getattr(result, "text", None) or "") if result is not None else ""


def fast_and_fallback(tree: Any, url: str | None) -> TrafilaturaTexts:
    """Both readings of a parsed page (left as it is); one shared pass where this trafilatura allows it."""
    reading = read_page(tree, url)
    return TrafilaturaTexts(reading.fast, reading.fallback)


def read_page(tree: Any, url: str | None) -> TrafilaturaReading:
    """The fast reading of a parsed page (left as it is) now, the fallback reading deferred; both from one shared
    pass where this trafilatura allows it. The deferred stage works on the pass's own copy of the page, so the tree
    may be read (or changed) by another extractor in between."""
    cascade = _cascade()
    if cascade is None:
        fallback_tree = copy(tree)  # bare_extraction copies its input too; this copy only keeps it from later changes
        return TrafilaturaReading(bare_text(tree, url, fast=True), lambda: bare_text(fallback_tree, url, fast=False))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return cascade(copy(tree), url)
        except _TRAFILATURA_ERRORS:
            return TrafilaturaReading("", lambda: "")


class _FastReadWatch:
    """trafilatura options that note whether `fast` was read (the one setting that tells the two modes apart)."""

    def __init__(self, options: Any) -> None:
        self._options = options
        self.fast_read = False

    def __getattr__(self, name: str) -> Any:
        if name == "fast":
            self.fast_read = True
        return getattr(self._options, name)


@lru_cache(maxsize=1)
def _cascade() -> Callable[[Any, str | None], TrafilaturaReading] | None:
    """The shared cascade, or None where this trafilatura does not have the internal helpers it is built from."""
    try:
        from trafilatura import core
        from trafilatura.baseline import baseline, html2txt
        from trafilatura.external import compare_extraction, justext_rescue
        from trafilatura.htmlprocessing import prune_unwanted_nodes
        from trafilatura.main_extractor import extract_content
        from trafilatura.xml import xmltotxt
        from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH

        forum_thread_page = core._forum_thread_page
        prepare_tree = core._prepare_tree
        limits = (
            core.ESCALATION_MAX_LENGTH,
            core.ESCALATION_PAGE_SHARE,
            core.ESCALATION_ACCEPT_RATIO,
            core.ESCALATION_JUSTEXT_RATIO,
        )
    except (ImportError, AttributeError):
        return None
    max_length, page_share, accept_ratio, justext_ratio = limits

    def run(tree: Any, url: str | None) -> TrafilaturaReading:
        fast, slow = _page_options(True, url), _page_options(False, url)
        # Stage 0, shared: the raw-tree prunes (comments are off and the focus is balanced in both modes).
        is_forum = forum_thread_page(tree)
        tree = prune_unwanted_nodes(tree, RAW_TREE_PRUNE_XPATH)
        if not is_forum:
            tree = prune_unwanted_nodes(tree, REMOVE_COMMENTS_AND_LISTS_XPATH)
        # Stage 1: the main extractor. It reads `fast` only on its recovery path for short texts (teaser blocks
        # kept or not): where it did, the fallback mode's stage 1 is run on its own.
        cleaned, backup = prepare_tree(tree, fast, url)
        watched = _FastReadWatch(fast)
        body, text = extract_content(cleaned, watched)
        memo: dict[str, Any] = {}

        def once(key: str, make: Callable[[], Any]) -> Any:
            if key not in memo:
                memo[key] = make()
            return memo[key]

        def recall_tree() -> tuple[Any, Any]:
            recall = copy(slow)
            recall.focus = "recall"
            return once("recall-tree", lambda: prepare_tree(tree, recall, url))

        def rescue(body: Any, text: str, options: Any) -> tuple[Any, str]:
            """Stages 3-4, per mode; they read the raw tree without changing it, and what both modes need (the
            baseline, the page's text, the recall-mode main extraction, which `fast` does not change) is made once."""
            if len(text) < options.min_extracted_size:  # 3. baseline rescue, accepted only if it adds text
                b_body, b_text, b_len = once("baseline", lambda: baseline(tree))
                if b_len > len(text):
                    body, text = b_body, b_text
            if not 0 < len(text) < max_length or len(text) >= page_share * len(once("page", lambda: html2txt(tree))):
                return body, text
            # 4. recall escalation: stages 1-2 again in recall mode, kept if clearly longer
            recall = copy(options)
            recall.focus = "recall"
            r_text = j_text = ""
            try:
                r_body, r_text = once("recall", lambda: extract_content(recall_tree()[0], recall))
                if not options.fast:
                    r_body, r_text = compare_extraction(recall_tree()[1], copy(tree), r_body, r_text, recall)
            except Exception:  # trafilatura's own cascade gives up the retry on any error too
                r_text = ""
            if not options.fast:
                try:
                    j_body, j_text = justext_rescue(copy(tree), options)
                except Exception:  # as in trafilatura's cascade
                    j_text = ""
            if len(j_text) > len(r_text) and len(j_text) > justext_ratio * len(text):
                return j_body, j_text
            if len(r_text) >= options.min_extracted_size and len(r_text) > accept_ratio * len(text):
                return r_body, r_text
            return body, text

        def output(body: Any, text: str, options: Any) -> str:
            if len(text) < options.min_output_size and options.min_output_comm_size > 0:
                return ""
            return xmltotxt(body, options.formatting) or ""

        fast_text = output(*rescue(body, text, fast), fast)  # made into text before stage 2 reads the same body

        def fallback_text() -> str:
            """Stage 2 and the rescues in the fallback mode, run when (and if) the text is asked for."""
            main_body, main_text = body, text
            if watched.fast_read:
                main_body, main_text = extract_content(prepare_tree(tree, slow, url)[0], slow)  # reads no `fast`
            slow_body, slow_text = compare_extraction(backup, copy(tree), main_body, main_text, slow)
            return output(*rescue(slow_body, slow_text, slow), slow)

        return TrafilaturaReading(fast_text, fallback_text)

    return run
