"""HTML candidates: the text that agrees most with the others is kept, comment sections stay out."""

from __future__ import annotations

from briefing.clean import clean
from briefing.clean.candidates import OURS, agreement, paragraphs_of, pick_candidate
from briefing.clean.shingles import shingles
from briefing.records import RawDocument

ARTICLE = (
    "The city council approved a new budget on Tuesday after a long debate over spending on roads and schools. "
    "Members voted seven to two for the plan, which raises the transport budget by a tenth next year. "
    "The mayor said the vote showed the council could agree on hard choices when residents asked it to."
)
MENU = "Home News Sport Weather Business Politics Culture Travel Video Audio Contact us Sign in Subscribe"


def test_the_article_two_extractors_agree_on_beats_a_menu():
    texts = {OURS: MENU, "trafilatura": ARTICLE, "readability": ARTICLE + " Share this story."}
    assert pick_candidate(texts) == "trafilatura" or pick_candidate(texts) == "readability"
    assert pick_candidate({OURS: ARTICLE, "trafilatura": MENU, "readability": ARTICLE}) == OURS


def test_a_tie_keeps_the_block_model_text():
    assert pick_candidate({"trafilatura": ARTICLE, OURS: ARTICLE, "readability": ARTICLE}) == OURS
    assert pick_candidate({"trafilatura": "", OURS: "", "readability": ""}) == OURS


def test_agreement_is_symmetric_and_zero_for_an_empty_text():
    first, second = shingles(ARTICLE), shingles(ARTICLE + " " + MENU)
    assert agreement(first, second) == agreement(second, first)
    assert 0.5 < agreement(first, second) < 1.0
    assert agreement(first, shingles("")) == 0.0


def test_paragraphs_are_the_non_blank_lines():
    assert paragraphs_of("  First   line \n\n\nSecond line\n ") == ["First line", "Second line"]


def test_comment_section_stays_out_of_the_html_article():
    comment = (
        "I have lived here for thirty years and the roads have never been this bad, so this budget is overdue "
        "and I hope the council keeps its promise this time around."
    )
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in ARTICLE.split(". "))
    comments = "".join(f'<div class="comment"><p class="comment-body">{comment}</p></div>' for _ in range(3))
    page = (
        "<html><head><title>Council approves budget</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Council approves budget</h1>"
        f"{paragraphs}</article><section id='comments'><h2>Comments</h2>{comments}</section></body></html>"
    )
    article = clean(RawDocument("page.html", page, "html"))
    text = " ".join(article.sentences)
    assert "approved a new budget" in text
    assert "thirty years" not in text


def test_readability_failing_on_control_characters_is_no_candidate_and_prints_nothing(capsys):
    from briefing.clean.candidates import readability_text

    for control in ("\x01", "\x0b", "\x1b"):
        page = f"<html><body><div><p>{ARTICLE}</p>{control}tail text</div></body></html>"
        assert isinstance(readability_text(page, None), str)
        clean(RawDocument("page.html", page, "html"))  # the block model's text still makes the article
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "Traceback" not in captured.out
