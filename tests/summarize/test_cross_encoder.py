"""The guard's cross-encoder: loading and scoring with a tiny random BERT, the sha256 check, the combined verdict."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from briefing.errors import ModelError
from briefing.summarize.guard.cross_encoder import (
    CONCERN,
    CrossEncoder,
    encode_layer,
    layer_names,
    load_cross_encoder,
    save_weights,
    score_checks,
)
from briefing.summarize.guard.verdict import SentenceCheck

WORDS = "police arrested did not the man on monday council approved rejected homes a bridge".split()
PAIRS = [
    ("police arrested the man on monday", "the man was arrested by police on monday"),
    ("police did not arrest the man", "police arrested the man on monday"),
    ("the council approved a bridge", "the council rejected homes " * 20),  # longer than max_tokens: cut
]


def build_tiny_bert(folder: Path, layers: int = 2, size: int = 8) -> Path:
    """A random 2-layer BERT folder of the kind briefing.encoder.bert reads (config, safetensors, tokenizer.json)."""
    import torch
    from safetensors.torch import save_file
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    vocab = {token: i for i, token in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *WORDS])}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    config = {
        "model_type": "bert", "hidden_act": "gelu", "hidden_size": size, "num_attention_heads": 2,
        "num_hidden_layers": layers, "intermediate_size": 2 * size, "layer_norm_eps": 1e-12, "pad_token_id": 0,
    }  # fmt: skip
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    generator = torch.Generator().manual_seed(0)
    tensors = {
        "embeddings.word_embeddings.weight": torch.randn(len(vocab), size, generator=generator),
        "embeddings.position_embeddings.weight": torch.randn(64, size, generator=generator),
        "embeddings.token_type_embeddings.weight": torch.randn(2, size, generator=generator),
        "embeddings.LayerNorm.weight": torch.ones(size),
        "embeddings.LayerNorm.bias": torch.zeros(size),
    }
    for layer in range(layers):
        for name in layer_names(layer):
            rows = 2 * size if ".intermediate.dense." in name else size
            columns = 2 * size if ".output.dense." in name and "attention" not in name else size
            if "LayerNorm" in name:
                tensors[name] = torch.ones(size) if name.endswith("weight") else torch.zeros(size)
            elif name.endswith("weight"):
                tensors[name] = 0.3 * torch.randn(rows, columns, generator=generator)
            else:
                tensors[name] = 0.1 * torch.randn(rows, generator=generator)
    save_file(tensors, str(folder / "model.safetensors"))
    return folder


def trained(folder: Path, threshold: float = 0.5) -> CrossEncoder:
    """A cross-encoder on the tiny BERT whose top layer is its own and whose head is random (not zero)."""
    import torch

    model = CrossEncoder(folder, {}, 1, 12, threshold, untrained=True)
    generator = torch.Generator().manual_seed(1)
    model.tuned["head.weight"] = torch.randn(1, 8, generator=generator)
    model.tuned["head.bias"] = torch.tensor([0.2])
    return model


def test_the_cls_only_top_layer_equals_the_full_layer_row(tmp_path: Path) -> None:
    import torch

    model = trained(build_tiny_bert(tmp_path / "bert"))
    ids, types, mask = model.padded(model.encodings(PAIRS))
    hidden = model.lower(ids, types, mask)
    keep = mask[:, None, None, :]
    full = encode_layer(hidden, keep, model.tuned, 1, model.heads, model.epsilon)
    alone = encode_layer(hidden, keep, model.tuned, 1, model.heads, model.epsilon, cls_only=True)
    assert alone.shape == (len(PAIRS), 1, 8)
    assert torch.allclose(alone[:, 0], full[:, 0], atol=1e-5)


def test_pairs_are_cut_to_max_tokens_with_both_segments(tmp_path: Path) -> None:
    model = trained(build_tiny_bert(tmp_path / "bert"))
    encodings = model.encodings(PAIRS)
    assert max(len(ids) for ids, _ in encodings) == 12
    for ids, types in encodings:
        assert ids[0] == 2 and ids[-1] == 3 and 1 in types  # [CLS] ... [SEP] ... [SEP], the window as segment 1


def test_saved_weights_load_and_score_as_the_model_they_came_from(tmp_path: Path) -> None:
    folder = build_tiny_bert(tmp_path / "bert")
    model = trained(folder, threshold=0.37)
    path = tmp_path / "cross.safetensors"
    digest = save_weights(path, model.tuned, 1, 12, 0.37)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    loaded = load_cross_encoder(path, digest, folder)
    assert loaded is not None and loaded.threshold == pytest.approx(0.37) and loaded.frozen_layers == 1
    scores = loaded.scores(PAIRS)
    assert scores.shape == (3,) and ((scores > 0) & (scores < 1)).all()
    assert np.allclose(scores, model.scores(PAIRS), atol=1e-2)  # fp16 weights
    # Batched by length: a pair's score does not depend on the others in the call.
    assert np.allclose(loaded.scores(PAIRS[1:2]), scores[1:2], atol=1e-6)
    assert len(set(np.round(scores, 4))) > 1


def test_altered_weights_fail_the_sha256_check_with_a_clear_error(tmp_path: Path) -> None:
    folder = build_tiny_bert(tmp_path / "bert")
    path = tmp_path / "cross.safetensors"
    digest = save_weights(path, trained(folder).tuned, 1, 12, 0.5)
    path.write_bytes(path.read_bytes() + b" ")
    with pytest.raises(ModelError, match=r"sha256 .* does not match .*scripts/train_cross_encoder.py"):
        load_cross_encoder(path, digest, folder)
    assert load_cross_encoder(tmp_path / "absent.safetensors", digest, folder) is None


def test_weights_without_the_trained_layers_are_refused(tmp_path: Path) -> None:
    folder = build_tiny_bert(tmp_path / "bert")
    with pytest.raises(ModelError, match="lack"):
        CrossEncoder(folder, {"head.weight": np.zeros(1)}, 1, 12, 0.5)


def check(score: float | None, missing: bool = False) -> SentenceCheck:
    from briefing.summarize.guard.facts import Fact

    facts = (Fact("name", "Tony Blair", ("tony blair",)),) if missing else ()
    concern = CONCERN if score is not None else None
    return SentenceCheck(
        "Police did not arrest him.", (0,), 0.8, facts, score=score, score_threshold=0.3, concern=concern
    )


def test_rules_and_cross_encoder_combine_into_one_decision() -> None:
    assert check(None).supported
    assert check(0.9).supported  # the cross-encoder agrees
    low = check(0.1)
    assert not low.supported
    assert low.reason == "the sentence reads as a changed fact of its best match (score 0.90)"
    blocked = check(0.9, missing=True)  # a high score never lifts a rule's flag
    assert not blocked.supported and blocked.reason is not None and "not in article" in blocked.reason


def test_score_checks_puts_each_score_on_its_own_sentence() -> None:
    class Fixed:
        threshold = 0.4

        def scores(self, pairs: list[tuple[str, str]]) -> np.ndarray:
            return np.array([0.1 if "not" in text else 0.9 for text, _ in pairs])

    class Evidence:
        class article:  # stands in for an Article
            sentences = ("Police arrested him.", "He was charged.")

    checks = [
        SentenceCheck("Police arrested him.", (0,), 0.9, window=(0, 1)),
        SentenceCheck("Police did not arrest him.", (0,), 0.8, window=(0,)),
    ]
    [(_, scored, _)] = score_checks(Fixed(), [(Evidence(), checks, np.zeros((2, 3)))])  # type: ignore[arg-type]
    assert [c.supported for c in scored] == [True, False]
    assert [c.score for c in scored] == [0.9, 0.1] and scored[1].score_threshold == 0.4


def test_the_guard_adds_the_cross_encoder_verdict_to_its_own(tmp_path: Path, data_dir: Path, embedded_encoder) -> None:
    from briefing.records import Summary, SummarySentence
    from briefing.summarize.guard import check_summaries
    from tests.summarize.test_guard import FAITHFUL, INVENTED_NAME, load_records

    article = load_records(data_dir / "cnn_sample.jsonl")[0]
    summary = Summary(article.id, (SummarySentence(FAITHFUL, ()), SummarySentence(INVENTED_NAME, ())), "x", None)
    model = trained(build_tiny_bert(tmp_path / "bert"))
    [(_, alone, _)] = check_summaries([article], [summary], embedded_encoder, model=False)
    for cut, faithful_kept in ((0.0, True), (1.0, False)):  # a cut nothing is below, and one everything is below
        model.threshold = cut
        [(_, checks, _)] = check_summaries([article], [summary], embedded_encoder, model=model)
        assert [c.window for c in checks] == [c.window for c in alone] and checks[0].window
        assert checks[0].supported is faithful_kept
        assert not checks[1].supported  # the rules' flag stays whatever the score
        assert "not in article" in (checks[1].reason or "")
    assert "reads as a changed fact of its best match" in (checks[0].reason or "")
