"""The cleaner's shortcuts for speed give the answers of the plain code they replace; the HTML walk is deterministic."""

from __future__ import annotations

import itertools
import random
import re
from re import _parser as sre_parse  # type: ignore[attr-defined]

import pytest

from briefing.clean.features import (
    _ELLIPSIS,
    _END_PUNCT,
    _SEPARATOR,
    BASE_FEATURES,
    Blocks,
    _block_row,
    _furniture_phrase,
    _rows_and_tokens,
    _urlish,
    has_separator,
    tokens_lower,
)
from briefing.clean.html import html_blocks, parse
from briefing.clean.lexicon import DATE_LIKE, FURNITURE_FIRST_WORDS, FURNITURE_PHRASE
from briefing.clean.shingles import _four_grams, block_shares, shingle_shares


def _expansions(parsed: object) -> list[str]:
    """Every string a parsed regex of literals, alternations, groups and optional parts matches ('.' read as '-')."""
    results = [""]
    for op, value in parsed:  # type: ignore[attr-defined]
        name = str(op)
        if name == "LITERAL":
            options = [chr(value)]
        elif name == "ANY":
            options = ["-"]
        elif name == "AT":
            continue
        elif name == "BRANCH":
            options = [text for branch in value[1] for text in _expansions(branch)]
        elif name == "SUBPATTERN":
            options = _expansions(value[-1])
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, item = value
            assert high <= 1, "only optional parts are expanded"
            options = ([""] if low == 0 else []) + _expansions(item)
        else:
            raise AssertionError(f"cannot expand {name}")
        results = [head + tail for head, tail in itertools.product(results, options)]
    return results


def test_furniture_first_words_cover_every_furniture_phrase():
    phrases = _expansions(sre_parse.parse(FURNITURE_PHRASE.pattern))
    assert len(phrases) > 40
    for phrase in phrases:
        for text in (phrase, f"Please {phrase.upper()} now", f"x {phrase.title()}."):
            tokens = set(tokens_lower(text))
            assert _furniture_phrase(text, tokens) == bool(FURNITURE_PHRASE.search(text)), text
        if phrase.isascii():
            first = tokens_lower(phrase)[0]
            assert first in FURNITURE_FIRST_WORDS or first.startswith("opt"), phrase


@pytest.mark.parametrize(
    "text",
    [
        "The minister said the budget would pass.",
        "Read more about cookies",
        "Opt-out of tracking",
        "optXout",
        "ſubscribe to us",  # long s: the case-insensitive regex matches it, a set of ASCII words does not
        "Copyright © 2020 Example",
        "snake_case and kebab-case, «quoted»… 漢字",
        "Updated an hour ago",
        "Posted 5 MINUTES AGO",
        "Jan 5",
        "A day without a date",
    ],
)
def test_block_row_matches_the_plain_regex_definitions(text: str):
    row, lowered = _block_row(text, set(), set())
    assert lowered == tokens_lower(text)
    assert row[BASE_FEATURES.index("furniture_phrase")] == float(bool(FURNITURE_PHRASE.search(text)))
    short = len(tokens_lower(text)) <= 15
    assert row[BASE_FEATURES.index("date_short")] == float(short and bool(DATE_LIKE.search(text)))
    symbols = len(re.findall(r"[^\w ]|_", text))
    assert row[BASE_FEATURES.index("symbol_ratio")] == pytest.approx(symbols / len(text))


def test_end_punctuation_read_at_the_end_agrees_with_the_anchored_regexes():
    pieces = ["a", "b", " ", ".", "..", "…", "!", "?", "。", '"', "'", "”", "’", "»", ")", "]", "\n", "x."]
    rng = random.Random(11)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 10))) for _ in range(5000)]
    end_punct, ellipsis = BASE_FEATURES.index("end_punct"), BASE_FEATURES.index("end_ellipsis")
    for text in [*texts, "Done.", "He said “no.”", "And then…)]", "...", "a.\n", "a.\n\n"]:
        if not text.strip():
            continue
        row, _ = _block_row(text, set(), set())
        assert row[end_punct] == float(bool(_END_PUNCT.search(text))), repr(text)
        assert row[ellipsis] == float(bool(_ELLIPSIS.search(text))), repr(text)


def test_repeated_blocks_get_the_rows_of_blocks_read_alone():
    texts = ("Home", "The minister said the budget would pass.", "Home", "Share", "Share", "By Jane Doe")
    rows, lowered = _rows_and_tokens(Blocks(texts, (0, 1, 2, 3, 3, 4)), "The budget")
    title_tokens = {"the", "budget"}
    per_page = {
        BASE_FEATURES.index("repeats"),
        *range(BASE_FEATURES.index("position"), BASE_FEATURES.index("no_tokens")),
    }
    for index, text in enumerate(texts):
        row, tokens = _block_row(text, title_tokens, {"budget"})
        assert [value for column, value in enumerate(rows[index, : len(row)]) if column not in per_page] == [
            value for column, value in enumerate(row) if column not in per_page
        ]
        assert lowered[index] == tokens


def test_url_and_separator_shortcuts_agree_with_their_single_regexes():
    urlish = re.compile(r"https?:|www\.|\.(?:com|org|net|html?)\b|@\w|\b\w+\.\w+/")
    pieces = ["a", "b", "1", " ", ".", "/", "@", "|", "»", "·", ":", "www", "http", "s", "com", "html", "org", "_"]
    rng = random.Random(7)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(5000)]
    texts += ["see example.com/page", "mail me@example.org", "Home | News", "» Next", "a / b", "3.5 / 10"]
    for text in texts:
        assert _urlish(text) == bool(urlish.search(text)), text
        assert has_separator(text) == bool(_SEPARATOR.search(text)), text


def test_four_grams_are_the_shingles_of_consecutive_tokens():
    tokens = "a b c d e".split()
    assert _four_grams(tokens) == [tuple(tokens[i : i + 4]) for i in range(2)]
    assert _four_grams(tokens[:3]) == []
    assert shingle_shares(["a b c d", "b c d e", "x y z w"], "a b c d e") == [1.0, 1.0, 0.0]
    assert block_shares(["a b c d e", "Menu"], "a b c d e Menu") == [1.0, 1.0]


_PAGE = """<html><body>
<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<article><h1>Headline here</h1><p>First paragraph of the story.</p><p>Second paragraph of the story.</p>
<p>Third one.</p><div>Line one<br>line two</div></article>
<div class="comments"><p>A reader comment.</p></div>
</body></html>"""


def test_html_blocks_number_each_block_element_as_its_own_container():
    blocks, markup = html_blocks(parse(_PAGE))
    again, markup_again = html_blocks(parse(_PAGE))
    assert blocks == again and (markup == markup_again).all()  # no dependence on object addresses
    texts = list(blocks.texts)
    group = dict(zip(texts, blocks.groups, strict=True))
    paragraphs = ["First paragraph of the story.", "Second paragraph of the story.", "Third one."]
    assert len({group[text] for text in paragraphs}) == 3  # sibling <p>s are separate containers
    assert group["Line one"] == group["line two"]  # text either side of a <br> stays in its <div>
    assert markup[texts.index("Home"), 0] == 1.0  # link_density
    assert markup.shape == (len(texts), 10)
    assert markup[texts.index("Home"), 8] == 1.0  # in_boilerplate (nav)
    assert markup[texts.index("First paragraph of the story."), 7] == 1.0  # in_article
    assert markup[texts.index("A reader comment."), 9] == 1.0  # in_comments
    assert markup[texts.index("Headline here"), 1] == 1.0  # tag_heading


_PROSE = "The council voted on Tuesday to close the old bridge to traffic until the spring."


def _top_variants() -> list[str]:
    """Texts whose top holds 0-6 short lines (title, byline, furniture labels) before prose, and dumps cut anywhere."""
    from pathlib import Path

    short = ["Bridge to close", "By Jane Doe", "Advertisement", "Share", "Image copyright Reuters", "Menu", "Home"]
    texts = []
    for count in range(7):
        for start in range(len(short)):
            top = [short[(start + i) % len(short)] for i in range(count)]
            texts.append("\n".join([*top, _PROSE, _PROSE]))
            texts.append("\n\n".join([*top, _PROSE]))
    dump = (Path(__file__).parent.parent / "data" / "panjshir-valley-scraped.txt").read_text(encoding="utf-8")
    lines = dump.split("\n")
    texts += ["\n".join(lines[start:]) for start in range(0, len(lines), 3)]
    return texts


def test_plain_precheck_never_refuses_what_the_full_check_accepts():
    from briefing.clean import _normalise
    from briefing.clean.furniture import drop_furniture_lines
    from briefing.clean.plain import may_be_plain_article, read_plain_article

    texts = [_normalise(text) for text in _top_variants()]
    accepted = [text for text in texts if read_plain_article(drop_furniture_lines(text)) is not None]
    assert accepted, "the variants must include plain articles, or the check proves nothing"
    assert all(may_be_plain_article(text) for text in accepted)
    assert not all(may_be_plain_article(text) for text in texts)  # it does refuse texts opened by a menu


def test_c1_repair_shortcut_matches_the_table():
    from briefing.text import _C1_REPAIR, repair_c1_controls

    for text in ("plain text", "a\x97b \x93quoted\x94", "caf\u00e9 \x85", ""):
        assert repair_c1_controls(text) == text.translate(_C1_REPAIR)


@pytest.mark.parametrize(
    "line",
    [
        "Kevin Mazur/Getty Images",
        "Getty Images / Kevin Mazur / Contributor",
        "(Andy Kropa - GETTY IMAGES)",
        "Reuters/Someone Here",
        "A long caption that runs on and on about the scene in the square " * 3 + "/ Getty Images",
        "He said on Tuesday, citing Reuters.",
    ],
)
def test_credit_tail_search_matches_the_whole_line_search(line: str):
    from briefing.clean import furniture

    whole = re.compile(furniture._CREDIT_END.pattern + "|" + furniture._CREDIT_START.pattern)
    assert furniture._is_credit(line) == bool(whole.search(line))
