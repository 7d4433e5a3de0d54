"""The HTML cascade: the expensive candidates run only where the cheap readings leave a page uncertain, and a page
that goes through the whole vote gets the text the vote gives."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from briefing.clean import candidates, page_features
from briefing.clean.candidates import (
    CERTAIN_MIN_CHARS,
    agreed_paragraphs,
    certain_without_candidates,
    voted_paragraphs,
)
from briefing.clean.html import PageView, page_view, select_html
from briefing.clean.shingles import shingles

PAGE = Path(__file__).resolve().parent.parent / "data" / "page.html.gz"
SENTENCES = (
    "The council approved the budget on Tuesday after a long debate over roads, schools and the cost of both.",
    "Members voted seven to two for the plan, which raises spending on transport by a tenth next year.",
    "The mayor said the vote showed that the council could still agree on hard choices when residents asked.",
    "Opposition members said the plan left too little for schools and promised to raise it again in spring.",
)


def _article(paragraphs: int) -> str:
    body = "".join(f"<p>{SENTENCES[number % 4]} Paragraph {number} of the story.</p>" for number in range(paragraphs))
    return (
        "<html><head><title>Council approves budget</title></head><body><nav><a href='/'>Home</a> "
        f"<a href='/news'>News</a></nav><article><h1>Council approves budget</h1>{body}</article>"
        "<footer><a href='/about'>About us</a></footer></body></html>"
    )


def _view_and_ours(markup: str) -> tuple[PageView, list[str], list[str]]:
    view = page_view(markup)
    assert view is not None
    selection = select_html(view, page_features(view.blocks, view.title))
    titles = [title for title in (selection.title, view.metadata.title, view.title) if title]
    return view, list(selection.body), titles


class _Runs:
    """Counts readability-lxml runs (the cascade's other expensive candidate)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        original = candidates.readability_text

        def counted(page: object, url: str | None = None) -> str:
            self.count += 1
            return original(page, url)

        monkeypatch.setattr(candidates, "readability_text", counted)


def test_two_readers_agreeing_on_a_long_article_run_no_other_candidate(monkeypatch):
    runs = _Runs(monkeypatch)
    view, ours, titles = _view_and_ours(_article(24))
    assert len(view.trafilatura_text) >= CERTAIN_MIN_CHARS
    assert agreed_paragraphs(view, ours, titles) == ours
    assert not view.trafilatura.fallback_read
    assert runs.count == 0


def test_a_short_text_runs_the_full_vote():
    view, ours, titles = _view_and_ours(_article(4))
    assert 0 < len(view.trafilatura_text) < CERTAIN_MIN_CHARS
    paragraphs = agreed_paragraphs(view, ours, titles)
    assert view.trafilatura.fallback_read
    assert any("approved the budget" in paragraph for paragraph in paragraphs)


def test_the_gate_needs_both_agreement_and_length():
    long_text = " ".join(SENTENCES * 6)
    other = " ".join(reversed(SENTENCES * 6)).replace("the", "a")
    assert certain_without_candidates(shingles(long_text), shingles(long_text), long_text)
    assert not certain_without_candidates(shingles(long_text), shingles(other), other)  # they disagree
    short = " ".join(SENTENCES)
    assert len(short) < CERTAIN_MIN_CHARS
    assert not certain_without_candidates(shingles(short), shingles(short), short)  # agreed, but a short text
    assert not certain_without_candidates(shingles(""), shingles(""), "")


def _uncertain_pages() -> list[str]:
    shipped = gzip.decompress(PAGE.read_bytes()).decode("utf-8", "replace")
    teaser = _article(3).replace("<article>", "<article><div class='teaser'>").replace("</article>", "</div></article>")
    return [shipped, _article(4), teaser]


@pytest.mark.parametrize("number", range(3))
def test_a_page_the_gate_sends_on_gets_the_full_votes_text(number):
    markup = _uncertain_pages()[number]
    view, ours, titles = _view_and_ours(markup)
    fast = view.trafilatura_text
    gated = not certain_without_candidates(shingles("\n".join(ours)), shingles(fast), fast)
    assert gated  # the pages are built (or chosen) to be uncertain
    cascade = agreed_paragraphs(view, ours, titles)
    # a fresh view: readability may change the tree it reads
    fresh, fresh_ours, fresh_titles = _view_and_ours(markup)
    assert cascade == voted_paragraphs(fresh, fresh_ours, fresh_titles)
