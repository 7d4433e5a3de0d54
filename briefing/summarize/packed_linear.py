"""The decode loop's linear layers on oneDNN with weights packed once, for float32 models on the CPU.

`torch.nn.functional.linear` on the CPU calls MKL's sgemm, which lays the weight matrix out again on every call: for a
few rows (a decode step of 2-16 rows) that repacking, not the arithmetic, is most of the time, and a step of 8 rows cost
about twice a step of one (SmolLM2-135M, 2026-12-02: 191 vs 85 ms CPU). oneDNN's inner product with the weight reordered
once into its blocked layout streams the weights as they are; a step of 8 rows then costs about 1.2 steps of one. Only
products of 2 to `MAX_PACKED_ROWS` rows take the packed path: one row is a matrix-vector product, which MKL does without
repacking (at batch size 1 the packed path took 9-14% more CPU time), and a prompt's prefill (a row per token) is a
large product where the repacking is small. The packed copies are made the first time a model goes through the loop and
kept while the model lives (one more copy of every linear layer's weights, so only for models up to `MAX_PACKED_BYTES`);
`packed_linears` routes the layers through them for the duration of one decode and puts the layers back afterwards, so
transformers' `generate` (the fallback, and the reference the loop is checked against) runs the model as it was loaded.

The products are the same sums in another order: logits differ from MKL's in the last bits (about 1e-4 on logits of
size 10-30), as they already do between batch sizes; greedy texts are checked equal to `generate`'s by the tests and
by `bench/throughput.py --generation-only`.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

MAX_PACKED_BYTES = 2 * 1024**3  # the packed copies double the linear weights' memory: not for big models
PACKING_ROWS = 8  # the rows oneDNN chooses the blocked layout for; any number of rows runs on it
MAX_PACKED_ROWS = 32  # measured faster than MKL from 2 up to 32 rows (SmolLM2's products, one thread)

# model -> its linear layers and their packed weights ([] when the model cannot be packed: not float32, not on the CPU,
# too big, or this torch has no oneDNN). Only what the model is decides it; the switches a caller can flip
# (`torch.backends.mkldnn.enabled`, the float32 precision) are read at every decode, so a model first decoded with
# oneDNN switched off is packed once it is switched on again. Weak: a dropped model takes its packed copies with it.
_PACKED: weakref.WeakKeyDictionary[Any, list[tuple[Any, torch.Tensor]]] = weakref.WeakKeyDictionary()


@contextlib.contextmanager
def packed_linears(model: Any) -> Iterator[bool]:
    """Within the block, `model`'s linear layers run on their packed weights; yields whether they do."""
    layers = _packed_layers(model)
    for layer, weight in layers:
        layer.forward = functools.partial(_packed_forward, layer, weight)
    try:
        yield bool(layers)
    finally:
        for layer, _ in layers:
            layer.__dict__.pop("forward", None)  # the class's forward again


def _packed_forward(layer: Any, packed: torch.Tensor, hidden: torch.Tensor) -> torch.Tensor:
    import torch

    rows = hidden.numel() // hidden.shape[-1]
    if not 2 <= rows <= MAX_PACKED_ROWS:
        return torch.nn.functional.linear(hidden, layer.weight, layer.bias)
    return _packed_product(hidden, packed, layer.bias)


def _packed_product(hidden: torch.Tensor, packed: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    import torch

    return torch.ops.mkldnn._linear_pointwise(hidden, packed, bias, "none", [], "")


def _packed_layers(model: Any) -> list[tuple[Any, torch.Tensor]]:
    if not _switched_on():
        return []  # for this decode only: the packed copies (or the decision not to pack) are kept
    if model not in _PACKED:
        _PACKED[model] = _pack(model)
    return _PACKED[model]


def can_pack(model: Any) -> bool:
    """Whether `model`'s linear layers can be packed now: oneDNN switched on with exact float32 products, and the
    model packable (float32 weights on the CPU, their size under MAX_PACKED_BYTES, oneDNN in this torch)."""
    return _switched_on() and _packable(model)


def _switched_on() -> bool:
    """oneDNN available and switched on, float32 products exact: what a caller may change between two decodes."""
    import torch

    if not torch.backends.mkldnn.is_available() or not torch.backends.mkldnn.enabled:
        return False  # no oneDNN, or switched off by the caller
    precision = getattr(torch.backends.mkldnn.matmul, "fp32_precision", "none")
    return precision in ("ieee", "none")  # float32 products allowed in bf16/tf32: not the products generate makes


def _packable(model: Any) -> bool:
    """What the model is and this torch has: float32 linear weights on the CPU, small enough to copy once."""
    import torch

    layers = [module for module in model.modules() if isinstance(module, torch.nn.Linear)]
    if not layers or not hasattr(torch.ops.mkldnn, "_reorder_linear_weight"):
        return False
    weights = [layer.weight for layer in layers]
    if any(weight.dtype != torch.float32 or weight.device.type != "cpu" for weight in weights):
        return False
    return sum(weight.numel() * weight.element_size() for weight in weights) <= MAX_PACKED_BYTES


def _pack(model: Any) -> list[tuple[Any, torch.Tensor]]:
    import torch

    if not _packable(model):
        return []
    try:
        with torch.inference_mode():
            return [
                (layer, torch.ops.mkldnn._reorder_linear_weight(layer.weight.detach(), PACKING_ROWS))
                for layer in model.modules()
                if isinstance(layer, torch.nn.Linear)
            ]
    except RuntimeError as error:  # an op this build lacks: the plain layers are as right, only slower
        log.debug("linear weights not packed: %s", error)
        return []
