"""The own decode loop's linear layers on packed oneDNN weights (briefing/summarize/packed_linear.py): the same products
within float noise, one row and many rows (prefill) left to the plain product, the layers put back after the loop
(also when it fails), models it does not pack left alone, the weights packed once per model, and the loop's texts the
same with and without packing on a tiny random Llama."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from briefing.config import Device, DType
from briefing.summarize import packed_linear
from briefing.summarize.generative import GenerationOptions, GenerativeModel, load_generative
from briefing.summarize.packed_linear import can_pack, packed_linears
from briefing.summarize.prompts import load_template
from tests.tiny_models import SENTENCES, build_causal

pytestmark = pytest.mark.skipif(not torch.backends.mkldnn.is_available(), reason="this torch has no oneDNN")


def _layers(dtype: torch.dtype = torch.float32) -> torch.nn.Sequential:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(48, 96), torch.nn.Linear(96, 32, bias=False)).to(dtype).eval()


def _count_packed_products(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The rows of every product that goes to oneDNN's packed weights."""
    rows: list[int] = []
    real = packed_linear._packed_product

    def counted(hidden: torch.Tensor, packed: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        rows.append(hidden.numel() // hidden.shape[-1])
        return real(hidden, packed, bias)

    monkeypatch.setattr(packed_linear, "_packed_product", counted)
    return rows


@pytest.mark.parametrize(("shape", "packed_rows"), [((1, 48), []), ((8, 48), [8, 8]), ((3, 5, 48), [15, 15])])
def test_packed_layers_give_the_same_products(
    shape: tuple[int, ...], packed_rows: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _count_packed_products(monkeypatch)
    layers = _layers()
    hidden = torch.randn(*shape)
    with torch.inference_mode():
        plain = layers(hidden)
        with packed_linears(layers) as packed:
            inside = layers(hidden)
            assert packed
            assert all("forward" in layer.__dict__ for layer in layers)
        after = layers(hidden)
    assert rows == packed_rows  # both layers, or none for one row
    assert inside.shape == plain.shape
    assert torch.allclose(inside, plain, atol=1e-5, rtol=1e-5)
    assert torch.equal(after, plain)  # the class's forward again
    assert not any("forward" in layer.__dict__ for layer in layers)


def test_one_row_and_a_prefill_take_the_plain_product(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _count_packed_products(monkeypatch)
    layers = _layers()
    with torch.inference_mode():
        one, prefill = torch.randn(1, 1, 48), torch.randn(1, packed_linear.MAX_PACKED_ROWS + 1, 48)
        expected = [layers(one), layers(prefill)]
        with packed_linears(layers):
            got = [layers(one), layers(prefill)]
    assert rows == []
    assert all(torch.equal(a, b) for a, b in zip(got, expected, strict=True))


def test_layers_are_put_back_when_the_block_fails() -> None:
    layers = _layers()
    with pytest.raises(RuntimeError, match="step failed"), packed_linears(layers):
        raise RuntimeError("step failed")
    assert not any("forward" in layer.__dict__ for layer in layers)


@pytest.mark.parametrize("dtype", [torch.float64, torch.bfloat16])
def test_other_dtypes_are_not_packed(dtype: torch.dtype) -> None:
    layers = _layers(dtype)
    assert not can_pack(layers)
    with packed_linears(layers) as packed:
        assert not packed
        assert not any("forward" in layer.__dict__ for layer in layers)


def test_nothing_is_packed_with_onednn_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    layers = _layers()
    assert can_pack(layers)
    monkeypatch.setattr(torch.backends.mkldnn, "enabled", False)
    assert not can_pack(layers)


def test_a_model_over_the_size_limit_is_not_packed(monkeypatch: pytest.MonkeyPatch) -> None:
    layers = _layers()
    assert can_pack(layers)
    weights = sum(layer.weight.numel() * 4 for layer in layers)
    monkeypatch.setattr(packed_linear, "MAX_PACKED_BYTES", weights - 1)
    assert not can_pack(layers)


def test_weights_are_packed_once_per_model(monkeypatch: pytest.MonkeyPatch) -> None:
    packs: list[object] = []
    real = packed_linear._pack

    def record(model: object) -> object:
        packs.append(model)
        return real(model)

    monkeypatch.setattr(packed_linear, "_pack", record)
    layers, other = _layers(), _layers()
    for model in (layers, layers, other, layers):
        with packed_linears(model):
            pass
    assert packs == [layers, other]


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> GenerativeModel:
    folder: Path = build_causal(tmp_path_factory.mktemp("tiny-llama-packed"))
    return load_generative(str(folder), Device.cpu, DType.auto, False)


def test_the_decode_loop_writes_the_same_texts_packed_or_not(
    model: GenerativeModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = load_template("map")
    prompts = [model.render(template, text=" ".join(SENTENCES[i : i + 2]), title="T", sentences=2) for i in range(5)]
    rows = _count_packed_products(monkeypatch)
    monkeypatch.setattr(packed_linear, "MAX_PACKED_ROWS", 3)  # the tiny prompts' prefills (a row per token) plain
    unpacked = model.generate(prompts, GenerationOptions(max_new_tokens=10, batch_size=3, pack_weights=False))
    assert rows == []
    assert model.generate(prompts, GenerationOptions(max_new_tokens=10, batch_size=1)) == unpacked
    assert rows == []  # at batch size 1 every decode step is one row: the plain product
    assert model.model not in packed_linear._PACKED  # so nothing was packed for it
    packed = model.generate(prompts, GenerationOptions(max_new_tokens=10, batch_size=3))
    assert rows and set(rows) <= {2, 3}  # the decode steps of 2-3 rows ran on the packed weights
    assert packed == unpacked
    assert packed == model.generate(prompts, GenerationOptions(max_new_tokens=10, batch_size=3, own_loop=False))
    assert not any("forward" in layer.__dict__ for layer in model.model.modules())


def test_a_model_decoded_with_onednn_off_is_packed_once_it_is_on(monkeypatch: pytest.MonkeyPatch) -> None:
    # The switch is the caller's, for one decode: it must not be remembered as "this model cannot be packed".
    layers = _layers()
    with monkeypatch.context() as switched:
        switched.setattr(torch.backends.mkldnn, "enabled", False)
        with packed_linears(layers) as packed:
            assert not packed
        assert layers not in packed_linear._PACKED
    with packed_linears(layers) as packed:
        assert packed
    with monkeypatch.context() as switched:  # and switched off again after packing: plain products, copies kept
        switched.setattr(torch.backends.mkldnn, "enabled", False)
        with packed_linears(layers) as packed:
            assert not packed
            assert not any("forward" in layer.__dict__ for layer in layers)
    assert packed_linear._PACKED[layers]
