"""trafilatura's two readings of a page from one shared pass are the texts two ordinary extractions give."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from briefing.clean.html import parse
from briefing.clean.html_trafilatura import bare_text, fast_and_fallback

PAGE = Path(__file__).resolve().parent.parent / "data" / "page.html.gz"
PARAGRAPH = (
    "The council approved the budget on Tuesday after a long debate over roads, schools and the cost of both. "
    "Members voted seven to two for the plan, which raises spending on transport by a tenth next year."
)


def _pages() -> list[str]:
    article = "".join(f"<p>{PARAGRAPH} ({number})</p>" for number in range(6))
    return [
        gzip.decompress(PAGE.read_bytes()).decode("utf-8", "replace"),
        f"<html><body><nav><a href='/'>Home</a></nav><article><h1>Budget</h1>{article}</article></body></html>",
        # short texts: trafilatura's recovery path (the one stage its two modes run differently) and its rescues
        f"<html><body><div class='teaser'><p>{PARAGRAPH}</p></div><div><span>{PARAGRAPH}</span></div></body></html>",
        "<html><body><div>Just a line of text.</div><ul><li><a href='/a'>One</a></li></ul></body></html>",
        f"<html><body><div id='comments'><p>{PARAGRAPH}</p></div><main><p>{PARAGRAPH}</p></main></body></html>",
        f"<html><body><table><tr><td>{PARAGRAPH}</td><td>{PARAGRAPH}</td></tr></table></body></html>",
    ]


@pytest.mark.parametrize("number", range(6))
def test_one_shared_pass_gives_the_texts_of_two_extractions(number):
    tree = parse(_pages()[number])
    assert tree is not None
    both = fast_and_fallback(tree, "https://example.com/news/budget")
    assert both.fast == bare_text(tree, "https://example.com/news/budget", fast=True)
    assert both.fallback == bare_text(tree, "https://example.com/news/budget", fast=False)


def test_the_page_tree_is_left_as_it_was():
    tree = parse(_pages()[1])
    before = tree.text_content()
    fast_and_fallback(tree, None)
    assert tree.text_content() == before


def test_the_article_page_has_both_texts():
    both = fast_and_fallback(parse(_pages()[1]), None)
    assert "approved the budget" in both.fast
    assert "approved the budget" in both.fallback


def test_the_fallback_reading_is_deferred_and_reads_the_page_as_it_was():
    from briefing.clean.html_trafilatura import read_page

    tree = parse(_pages()[2])
    expected = bare_text(tree, None, fast=False)
    reading = read_page(tree, None)
    assert not reading.fallback_read
    for paragraph in tree.iter("p", "span"):  # another extractor changes the tree in between
        paragraph.text = "changed"
    assert reading.fallback == expected
    assert reading.fallback_read
