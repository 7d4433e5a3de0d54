"""The plain-torch BERT (briefing.encoder.bert) and the ONNX Runtime one (briefing.encoder.onnx_bert) against
transformers' BertModel + AutoTokenizer on the embedded model's folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import briefing.encoder.sentence_encoder as sentence_encoder
from briefing.encoder.bert import BertEncoder, supported
from briefing.encoder.onnx_bert import OnnxBertEncoder
from briefing.encoder.resolve import verified_embedded_folder
from briefing.encoder.sentence_encoder import MAX_TOKENS, SentenceEncoder

TEXTS = [
    "The Taliban said on Monday they had taken the Panjshir Valley, the last province holding out against them.",
    "Shares fell 3.2% in early trading.",
    "Ünïcødé façade: “quotes”, 中文 and an emoji 😀 in one sentence.",
    "",
    "word " * 400,  # longer than MAX_TOKENS: truncated the same way
    "Mr. O'Neill's well-known e-mail (sent 12/03/2021) read: \"We're done.\"",
]


@pytest.fixture(scope="module")
def encoders() -> tuple[SentenceEncoder, SentenceEncoder]:
    folder = verified_embedded_folder()
    plain = SentenceEncoder(folder, cache_size=0, backend="torch")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sentence_encoder, "bert_supported", lambda _folder: False)
        through_transformers = SentenceEncoder(folder, cache_size=0)
    return plain, through_transformers


@pytest.fixture(scope="module")
def onnx_encoder(tmp_path_factory: pytest.TempPathFactory) -> SentenceEncoder:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    graphs = tmp_path_factory.mktemp("graphs")
    return SentenceEncoder(verified_embedded_folder(), cache_size=0, backend="onnx", graph_dir=graphs)


def test_the_embedded_encoder_loads_without_transformers(encoders: tuple[SentenceEncoder, SentenceEncoder]) -> None:
    plain, through_transformers = encoders
    assert isinstance(plain.model, BertEncoder)
    assert not isinstance(through_transformers.model, BertEncoder)
    assert plain.dimension == through_transformers.dimension == 384


def test_token_ids_equal_the_transformers_tokenizer(encoders: tuple[SentenceEncoder, SentenceEncoder]) -> None:
    plain, through_transformers = encoders
    expected = through_transformers.tokenizer(TEXTS, truncation=True, max_length=MAX_TOKENS)["input_ids"]
    assert plain.model.token_ids(TEXTS) == expected
    assert max(len(ids) for ids in expected) == MAX_TOKENS


def test_vectors_equal_transformers_within_1e_5(encoders: tuple[SentenceEncoder, SentenceEncoder]) -> None:
    plain, through_transformers = encoders
    ours, theirs = plain.embed(TEXTS), through_transformers.embed(TEXTS)
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    assert float(np.abs(ours - theirs).max()) <= 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_onnx_vectors_equal_transformers_within_1e_5(
    encoders: tuple[SentenceEncoder, SentenceEncoder], onnx_encoder: SentenceEncoder
) -> None:
    _, through_transformers = encoders
    assert isinstance(onnx_encoder.model, OnnxBertEncoder) and onnx_encoder.backend == "onnx"
    expected = through_transformers.tokenizer(TEXTS, truncation=True, max_length=MAX_TOKENS)["input_ids"]
    assert onnx_encoder.model.token_ids(TEXTS) == expected
    ours, theirs = onnx_encoder.embed(TEXTS), through_transformers.embed(TEXTS)
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    assert float(np.abs(ours - theirs).max()) <= 1e-5


def test_a_folder_of_another_kind_is_not_taken(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"model_type": "roberta", "hidden_act": "gelu"}', encoding="utf-8")
    (tmp_path / "model.safetensors").write_bytes(b"")
    (tmp_path / "tokenizer.json").write_text("{}", encoding="utf-8")
    assert not supported(tmp_path)
    assert supported(verified_embedded_folder())
    (tmp_path / "config.json").write_text('{"model_type": "bert", "hidden_act": "gelu"}', encoding="utf-8")
    assert supported(tmp_path)
    (tmp_path / "tokenizer.json").unlink()
    assert not supported(tmp_path)
