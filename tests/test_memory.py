"""Memory in a long-lived process: the encoder's bounded vector cache and batching, one encoder precision shared by
every stage, spaCy's vocabulary kept from growing, and freed heap pages handed back after each daily run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from briefing.encoder.sentence_encoder import MAX_TOKENS, VectorCache, _batches
from briefing.text import split_sentences


def _sentences(data_dir: Path, count: int) -> list[str]:
    sentences: list[str] = []
    for line in (data_dir / "cnn_sample.jsonl").read_text(encoding="utf-8").splitlines():
        sentences.extend(split_sentences(json.loads(line)["article"]))
    assert len(sentences) >= count
    return sentences[:count]


def test_vector_cache_evicts_the_least_recently_used_and_stays_bounded():
    cache = VectorCache(capacity=2, dimension=3)
    cache.put("a", np.array([1, 0, 0], dtype=np.float32))
    cache.put("b", np.array([0, 1, 0], dtype=np.float32))
    assert cache.get("a") is not None  # "a" is now the most recently used: "b" goes first
    cache.put("c", np.array([0, 0, 1], dtype=np.float32))
    assert len(cache) == 2
    assert cache.get("b") is None
    np.testing.assert_array_equal(cache.get("a"), [1, 0, 0])
    np.testing.assert_array_equal(cache.get("c"), [0, 0, 1])


def test_a_disabled_cache_remembers_nothing():
    cache = VectorCache(capacity=0, dimension=3)
    cache.put("a", np.ones(3, dtype=np.float32))
    assert len(cache) == 0 and cache.get("a") is None


def test_batches_keep_rows_times_longest_length_within_the_token_budget():
    lengths = [5] * 100 + [100] * 30 + [MAX_TOKENS] * 7
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches = _batches(order, lengths, max_rows=64, token_budget=1024)
    assert [i for batch in batches for i in batch] == order  # every text once, in length order
    for batch in batches:
        assert len(batch) <= 64
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= 1024
    assert max(len(b) for b in batches) == 64  # short texts still go in full batches


def test_a_run_loads_one_float32_encoder_for_every_stage_and_releases_it(tmp_path: Path):
    from briefing.config import Settings
    from briefing.models import RunModels

    with RunModels(Settings(cache_dir=tmp_path)) as models:
        assert models.loaded == ()  # nothing is loaded before a stage asks
        encoder = models.encoder
        assert models.encoder is encoder  # summarizer, guard and compose share one
        assert not encoder.quantized
        assert models.loaded == ("encoder",)
    assert models.loaded == ()  # released with the run: the next run starts from fresh models


def test_cached_vectors_equal_fresh_ones_and_reuse_needs_no_model_call(embedded_encoder, data_dir: Path, monkeypatch):
    sentences = _sentences(data_dir, 40)
    embedded_encoder.cache.clear()
    first = embedded_encoder.embed(sentences[:20])  # what the summarizer embeds
    calls: list[int] = []
    encode = embedded_encoder._encode
    monkeypatch.setattr(embedded_encoder, "_encode", lambda texts: calls.append(len(texts)) or encode(texts))
    both = embedded_encoder.embed(sentences)  # what compose embeds: the first 20 again, and 20 more
    assert calls == [20]  # only the new sentences went through the model
    np.testing.assert_array_equal(both[:20], first)
    embedded_encoder.cache.clear()
    fresh = embedded_encoder.embed(sentences)
    np.testing.assert_allclose(both, fresh, atol=1e-5)  # float32: a vector does not depend on its batch mates
    np.testing.assert_allclose(np.linalg.norm(fresh, axis=1), 1.0, atol=1e-5)


def test_repeated_texts_get_one_row_each_in_input_order(embedded_encoder):
    vectors = embedded_encoder.embed(["Rain is expected.", "Markets fell.", "Rain is expected."])
    assert vectors.shape == (3, embedded_encoder.dimension)
    np.testing.assert_array_equal(vectors[0], vectors[2])
    assert float(vectors[0] @ vectors[1]) < 0.99


def test_entity_extraction_does_not_grow_the_spacy_vocabulary(data_dir: Path):
    from briefing.compose.entities import extract_entities, load_entity_model
    from briefing.records import Article

    nlp = load_entity_model()
    if nlp is None or not hasattr(nlp, "memory_zone"):
        pytest.skip("spaCy 3.8+ with the NER model is not installed")
    sentences = tuple(_sentences(data_dir, 30))
    article = Article(id="a", source="s", title="", sentences=sentences)
    before = len(nlp.vocab.strings)
    entities = extract_entities([article], nlp)
    assert entities[0].mentions  # the zone does not lose what was found
    assert len(nlp.vocab.strings) == before


def test_release_free_memory_runs_where_glibc_has_malloc_trim_and_is_a_no_op_elsewhere():
    import platform
    import sys

    from briefing.memory import release_free_memory

    has_trim = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert release_free_memory() is has_trim
