"""The ONNX Runtime encoder (briefing.encoder.onnx_bert) against the plain-torch one (briefing.encoder.bert) and
transformers' BertModel, on a tiny random BERT written to tmp_path: the same token ids, the same vectors within 1e-5
(long texts truncated, batches padded), the graph built once and then loaded, torch as the fallback."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import numpy as np
import pytest

import briefing.encoder.onnx_bert as onnx_bert
from briefing.encoder.bert import BertEncoder
from briefing.encoder.onnx_bert import OnnxBertEncoder
from briefing.encoder.sentence_encoder import BACKEND_VARIABLE, MAX_TOKENS, SentenceEncoder
from briefing.errors import ModelError

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

WORDS = "the council approved new homes on monday after a long debate in port ellen shares fell sharply".split()
TEXTS = [
    "the council approved new homes on monday",
    "shares fell",
    "",
    "port ellen " * 200,  # longer than MAX_TOKENS: truncated the same way
    "a long debate in port ellen after the council approved new homes, zebra!",  # unknown words and punctuation
    "monday",
    "the council approved new homes on monday",  # a duplicate: embedded once, returned twice
]


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer random BERT (hidden 32) with a WordPiece tokenizer.json, saved as the embedded model is."""
    torch = pytest.importorskip("torch")
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel

    folder = tmp_path_factory.mktemp("tiny-bert")
    vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted(set(WORDS)), ",", "!", "##s", "##ly"]
    tokenizer = Tokenizer(models.WordPiece({word: i for i, word in enumerate(vocabulary)}, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.BertProcessing(("[SEP]", 3), ("[CLS]", 2))
    tokenizer.save(str(folder / "tokenizer.json"))
    config = BertConfig(
        vocab_size=len(vocabulary),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=MAX_TOKENS + 2,
        pad_token_id=0,
    )
    torch.manual_seed(13)
    model = BertModel(config, add_pooling_layer=False)
    with torch.no_grad():  # random layer norms too, so that a scale or bias wired wrongly shows
        for name, parameter in model.named_parameters():
            if "LayerNorm" in name:
                parameter.copy_(1.0 + 0.3 * torch.randn_like(parameter) if name.endswith("weight") else parameter)
    model.save_pretrained(folder, safe_serialization=True)
    assert json.loads((folder / "config.json").read_text())["model_type"] == "bert"
    return folder


def _encoder(folder: Path, backend: str, graph_dir: Path | None = None) -> SentenceEncoder:
    return SentenceEncoder(folder, cache_size=0, backend=backend, graph_dir=graph_dir)


def test_onnx_vectors_equal_torch_and_transformers_within_1e_5(tiny_bert: Path, tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from transformers import BertModel

    onnx, plain = _encoder(tiny_bert, "onnx", tmp_path), _encoder(tiny_bert, "torch")
    assert (onnx.backend, plain.backend) == ("onnx", "torch")
    assert isinstance(onnx.model, OnnxBertEncoder) and isinstance(plain.model, BertEncoder)
    assert onnx.model.token_ids(TEXTS) == plain.model.token_ids(TEXTS)
    assert max(len(ids) for ids in onnx.model.token_ids(TEXTS)) == MAX_TOKENS
    ours, theirs = onnx.embed(TEXTS), plain.embed(TEXTS)
    assert ours.shape == theirs.shape == (len(TEXTS), 32)
    assert float(np.abs(ours - theirs).max()) <= 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    # And against transformers' own model, one text at a time (no padding at all).
    reference = BertModel.from_pretrained(str(tiny_bert)).eval()
    for text, vector in zip(TEXTS, ours, strict=True):
        ids = torch.tensor([onnx.model.token_ids([text])[0]])
        with torch.no_grad():
            pooled = reference(input_ids=ids).last_hidden_state.mean(dim=1)[0]
        assert float(np.abs(vector - torch.nn.functional.normalize(pooled, dim=0).numpy()).max()) <= 1e-5


def test_padding_and_batch_mates_do_not_change_a_vector(tiny_bert: Path, tmp_path: Path) -> None:
    together = _encoder(tiny_bert, "onnx", tmp_path).embed(TEXTS)
    alone = np.stack([_encoder(tiny_bert, "onnx", tmp_path).embed([text])[0] for text in TEXTS])
    assert float(np.abs(together - alone).max()) <= 1e-5
    small_batches = SentenceEncoder(tiny_bert, batch_size=2, cache_size=0, backend="onnx", graph_dir=tmp_path)
    assert float(np.abs(small_batches.embed(TEXTS) - together).max()) <= 1e-5
    # Deterministic: the same texts in a fresh session give the same bits.
    np.testing.assert_array_equal(_encoder(tiny_bert, "onnx", tmp_path).embed(TEXTS), together)


def test_the_graph_is_built_once_then_loaded(tiny_bert: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _encoder(tiny_bert, "onnx", tmp_path).embed(TEXTS)
    (graph,) = (tmp_path / onnx_bert.GRAPH_FOLDER).glob("bert-*.onnx")
    assert list(graph.parent.iterdir()) == [graph]  # no temporary file left beside it

    def no_build(folder: Path) -> bytes:
        raise AssertionError("the stored graph was built again")

    monkeypatch.setattr(onnx_bert, "build_graph", no_build)
    again = _encoder(tiny_bert, "onnx", tmp_path)
    np.testing.assert_array_equal(again.embed(TEXTS), first)
    assert again.backend == "onnx"


def test_a_run_on_the_onnx_path_imports_no_torch(tiny_bert: Path, tmp_path: Path) -> None:
    import subprocess

    script = (
        "import sys; from pathlib import Path; from briefing.encoder.sentence_encoder import SentenceEncoder; "
        f"e = SentenceEncoder(Path({str(tiny_bert)!r}), graph_dir=Path({str(tmp_path)!r})); e.embed(['shares fell']); "
        "print(e.backend, 'torch' in sys.modules)"
    )
    env_free = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[2])}
    for _ in range(2):  # the first builds the graph (onnx, no torch), the second loads it
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env_free)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["onnx", "False"]


def test_torch_is_the_fallback_without_onnxruntime(
    tiny_bert: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(onnx_bert, "available", lambda: False)
    with caplog.at_level(logging.WARNING):
        encoder = _encoder(tiny_bert, "onnx", tmp_path)
    assert encoder.backend == "torch" and isinstance(encoder.model, BertEncoder)
    assert any("onnxruntime is not installed" in record.getMessage() for record in caplog.records)
    assert not (tmp_path / onnx_bert.GRAPH_FOLDER).exists()


def test_the_environment_chooses_the_backend(tiny_bert: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKEND_VARIABLE, "torch")
    assert SentenceEncoder(tiny_bert).backend == "torch"
    monkeypatch.setenv(BACKEND_VARIABLE, "tensorflow")
    with pytest.raises(ModelError, match=BACKEND_VARIABLE):
        SentenceEncoder(tiny_bert)


def test_a_damaged_stored_graph_is_moved_aside_and_built_again(
    tiny_bert: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = _encoder(tiny_bert, "onnx", tmp_path).embed(TEXTS)
    (graph,) = (tmp_path / onnx_bert.GRAPH_FOLDER).glob("bert-*.onnx")
    graph.write_bytes(graph.read_bytes()[:1000])  # cut short, as by a full disk
    with caplog.at_level(logging.WARNING):
        again = _encoder(tiny_bert, "onnx", tmp_path)
    assert again.backend == "onnx"
    np.testing.assert_array_equal(again.embed(TEXTS), first)
    assert (graph.parent / (graph.name + ".corrupt")).is_file() and graph.stat().st_size > 1000
    assert any("moved aside" in record.getMessage() for record in caplog.records)
