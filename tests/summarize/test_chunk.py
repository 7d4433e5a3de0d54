"""Chunking: every chunk fits the token budget exactly, every sentence lands in a chunk, order and overlap hold.

Counters here are plain functions so the properties are checked on thousands of cases in milliseconds; the
tokenizer-backed version is exercised with real tiny models in test_generative.py.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.summarize.chunk import chunk, split_to_fit
from tests.conftest import make_article


def count_words(text: str) -> int:
    return len(text.split())


def count_with_joins(text: str) -> int:
    """Not additive: a sentence boundary inside a text costs an extra token, as merged BPE pieces can."""
    return len(text.split()) + text.count(". ")


def count_chars(text: str) -> int:
    return (len(text) + 3) // 4  # roughly what BPE tokenizers give on English


COUNTERS = [count_words, count_with_joins, count_chars]

word = st.text(alphabet="abcdefghij", min_size=1, max_size=12)
sentence = st.lists(word, min_size=1, max_size=30).map(lambda ws: " ".join(ws) + ".")


@settings(max_examples=300, deadline=None)
@given(
    sentences=st.lists(sentence, min_size=1, max_size=25),
    max_tokens=st.integers(min_value=4, max_value=60),
    overlap=st.integers(min_value=0, max_value=3),
    counter=st.sampled_from(COUNTERS),
)
def test_chunks_fit_cover_and_keep_order(sentences: list[str], max_tokens: int, overlap: int, counter) -> None:
    article = make_article(sentences)
    chunks = chunk(article, counter, max_tokens, overlap)
    covered: set[int] = set()
    for index, piece in enumerate(chunks):
        assert piece.index == index
        assert counter(piece.text) <= max_tokens
        assert piece.token_count == counter(piece.text)
        assert 0 <= piece.start < piece.end <= len(sentences)
        covered.update(range(piece.start, piece.end))
    assert covered == set(range(len(sentences)))
    starts = [piece.start for piece in chunks]
    assert starts == sorted(starts)
    # Nothing is lost: a sentence is inside a chunk whole, or its pieces put back together give every character.
    for position, text in enumerate(sentences):
        whole = any(p.start <= position < p.end and text in p.text for p in chunks)
        pieces = [p.text for p in chunks if (p.start, p.end) == (position, position + 1) and text not in p.text]
        assert whole or "".join(pieces).replace(" ", "") == text.replace(" ", "")


def test_overlap_repeats_the_sentence_before_the_cut() -> None:
    sentences = [f"sentence number {i} has five." for i in range(10)]  # 5 words each
    chunks = chunk(make_article(sentences), count_words, max_tokens=15, overlap=1)
    assert [(c.start, c.end) for c in chunks] == [(0, 3), (2, 5), (4, 7), (6, 9), (8, 10)]
    no_overlap = chunk(make_article(sentences), count_words, max_tokens=15, overlap=0)
    assert [(c.start, c.end) for c in no_overlap] == [(0, 3), (3, 6), (6, 9), (9, 10)]


def test_joined_text_is_measured_not_just_the_sum_of_sentences() -> None:
    sentences = ["a b c.", "d e f.", "g h i."]  # 3 tokens each alone, but each join costs one more
    chunks = chunk(make_article(sentences), count_with_joins, max_tokens=7, overlap=0)
    assert [(c.start, c.end) for c in chunks] == [(0, 2), (2, 3)]
    assert all(count_with_joins(c.text) <= 7 for c in chunks)


def test_over_long_sentence_is_cut_into_word_runs_that_fit() -> None:
    long_sentence = " ".join(f"w{i}" for i in range(23)) + "."
    chunks = chunk(make_article(["Short one.", long_sentence, "Another short one."]), count_words, 5, overlap=1)
    middle = [c for c in chunks if c.start == 1 and c.end == 2]
    assert len(middle) == 5
    assert all(c.token_count <= 5 for c in middle)
    assert " ".join(c.text for c in middle) == long_sentence


def test_over_long_word_is_cut_into_characters() -> None:
    url = "https://example.com/" + "x" * 80
    pieces = split_to_fit(f"see {url} now", count_chars, max_tokens=6)
    assert all(count_chars(text) <= 6 and used <= 6 for text, used in pieces)
    assert "".join(text.replace(" ", "") for text, _ in pieces) == f"see{url}now"


def test_budget_below_one_character_is_an_error() -> None:
    with pytest.raises(ValueError, match="cannot hold even one character"):
        chunk(make_article(["abc."]), lambda text: 2 * len(text), max_tokens=1)
    with pytest.raises(ValueError, match="positive"):
        chunk(make_article(["abc."]), count_words, max_tokens=0)


def test_empty_article_has_no_chunks() -> None:
    assert chunk(make_article([]), count_words, 10) == []
