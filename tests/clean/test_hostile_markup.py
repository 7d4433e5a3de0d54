"""Markup that hides a whole article from the parser (issue 12): an unclosed <svg> or <math> early in <body>."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from briefing.clean import clean
from briefing.records import RawDocument


def page(data_dir: Path, opening: str) -> tuple[str, str]:
    record = json.loads((data_dir / "cnn_sample.jsonl").read_text(encoding="utf-8").splitlines()[1])
    paragraphs = "".join(f"<p>{html.escape(sentence)}.</p>" for sentence in record["article"].split(". "))
    head = "<!DOCTYPE html><html><head><title>A headline</title></head>"
    return head + opening + f"<article><h1>A headline</h1>{paragraphs}</article></body></html>", record["article"]


@pytest.mark.parametrize(
    "opening",
    [
        '<body><svg viewBox="0 0 24 24"><path d="M0 0h24v24H0z">',  # the <path> left open too
        '<body><header><a href="/"><svg class="logo"><g><circle r="4"></a></header>',
        "<body><math><mi>x",
    ],
    ids=["svg-and-path", "svg-in-header", "math"],
)
def test_an_unclosed_drawing_early_in_body_does_not_hide_the_article(data_dir: Path, opening: str):
    markup, text = page(data_dir, opening)
    reference, _ = page(data_dir, "<body>")
    article = clean(RawDocument("page.html", markup, "html"))
    whole = clean(RawDocument("page.html", reference, "html"))
    assert article.sentences == whole.sentences, "the same text as the page without the broken drawing"
    assert article.sentences[0] in text


def test_a_closed_icon_stays_out_of_the_text(data_dir: Path):
    markup, _ = page(data_dir, '<body><svg><title>Search icon</title><path d="M0 0"/></svg>')
    assert "Search icon" not in " ".join(clean(RawDocument("page.html", markup, "html")).sentences)
