"""The guard's cross-encoder: the embedded MiniLM reading "[CLS] summary sentence [SEP] its window [SEP]" (the window:
the article sentences that match it best, as the rules read them), with a logistic head on the top layer's [CLS].

The lower `frozen_layers` layers are the embedded encoder's own (verified by its sha256, loaded from its folder); only
the layers above them and the head are trained (`scripts/train_cross_encoder.py`) and shipped, in fp16, in
`cross_encoder.safetensors` (sha256 `WEIGHTS_SHA256`, checked before loading). The last layer computes only its
[CLS] row (keys and values still read every token): the head reads nothing else, so the other rows would be wasted.
Pairs are cut to `max_tokens` (the window first). `scores` is P(the sentence is consistent with its window).

It can only add flags to the guard's other checks; whether it flags at all is `CROSS_ENCODER_ADOPTED`, decided on
the benchmark's held-out articles (README, "Faithfulness guard on corruptions"). torch is imported when it is used.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from briefing.encoder.resolve import file_sha256
from briefing.errors import ModelError
from briefing.shipped import verified_bytes

if TYPE_CHECKING:
    import torch

    from briefing.summarize.guard.verdict import SentenceCheck

WEIGHTS_PATH = Path(__file__).with_name("cross_encoder.safetensors")
# sha256 of cross_encoder.safetensors as written by scripts/train_cross_encoder.py (which updates this line).
WEIGHTS_SHA256 = "fe80baca931160b73e96eeb7425df89ad673e23b0972a06c2b2c9eaedee8685a"
# Whether the cross-encoder flags in the product: only when it qualified on the held-out articles.
CROSS_ENCODER_ADOPTED = False
CONCERN = "cross_encoder"  # SentenceCheck.concern of a score from this model (the reason a reader sees: verdict.py)
BATCH_ROWS = 32
LAYER_PARTS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "attention.output.LayerNorm",
    "intermediate.dense",
    "output.dense",
    "output.LayerNorm",
)


def layer_names(layer: int) -> list[str]:
    """The tensor names of one encoder layer, as the BERT checkpoints spell them."""
    return [f"encoder.layer.{layer}.{part}.{kind}" for part in LAYER_PARTS for kind in ("weight", "bias")]


def encode_layer(
    hidden: torch.Tensor,
    keep: torch.Tensor,
    weights: dict[str, torch.Tensor],
    layer: int,
    heads: int,
    epsilon: float,
    cls_only: bool = False,
) -> torch.Tensor:
    """One BERT layer (as briefing.encoder.bert); `cls_only` computes the first row alone (its keys and values are
    every token's)."""
    from torch.nn import functional

    prefix = f"encoder.layer.{layer}."
    rows, _, size = hidden.shape

    def linear(x: torch.Tensor, name: str) -> torch.Tensor:
        return functional.linear(x, weights[prefix + name + ".weight"], weights[prefix + name + ".bias"])

    def norm(x: torch.Tensor, name: str) -> torch.Tensor:
        w, b = weights[prefix + name + ".weight"], weights[prefix + name + ".bias"]
        return functional.layer_norm(x, (size,), w, b, epsilon)

    def split(x: torch.Tensor) -> torch.Tensor:
        return x.view(rows, x.shape[1], heads, size // heads).transpose(1, 2)

    queries = hidden[:, :1] if cls_only else hidden
    query = split(linear(queries, "attention.self.query"))
    key = split(linear(hidden, "attention.self.key"))
    value = split(linear(hidden, "attention.self.value"))
    context = functional.scaled_dot_product_attention(query, key, value, attn_mask=keep)
    context = context.transpose(1, 2).reshape(rows, queries.shape[1], size)
    attended = norm(linear(context, "attention.output.dense") + queries, "attention.output.LayerNorm")
    inner = functional.gelu(linear(attended, "intermediate.dense"))
    return norm(linear(inner, "output.dense") + attended, "output.LayerNorm")


class CrossEncoder:
    """Scores (summary sentence, window) pairs; the lower layers are the base encoder's, the rest `tuned`."""

    def __init__(
        self,
        base_folder: Path,
        tuned: dict[str, torch.Tensor],
        frozen_layers: int,
        max_tokens: int,
        threshold: float,
        untrained: bool = False,
    ) -> None:
        """`untrained`: start from the base encoder's own upper layers and a zero head (the training script)."""
        import torch

        from briefing.encoder.bert import BertEncoder

        base = BertEncoder(base_folder, max_tokens)
        self.tokenizer = base.tokenizer
        self.tokenizer.enable_truncation(max_length=max_tokens, strategy="longest_first")
        self.base = base.weights
        self.heads, self.layers, self.epsilon = base.heads, base.layers, base.epsilon
        self.pad_token_id = base.pad_token_id
        self.frozen_layers, self.max_tokens, self.threshold = frozen_layers, max_tokens, threshold
        if not 0 < frozen_layers < self.layers:
            raise ModelError(f"cross-encoder: {frozen_layers} frozen layers of a {self.layers}-layer encoder")
        needed = [n for layer in range(frozen_layers, self.layers) for n in layer_names(layer)]
        if untrained:
            size = base.hidden_size
            tuned = {name: self.base[name].clone() for name in needed}
            tuned |= {"head.weight": torch.zeros(1, size), "head.bias": torch.zeros(1)}
        missing = [name for name in [*needed, "head.weight", "head.bias"] if name not in tuned]
        if missing:
            raise ModelError(f"cross-encoder weights lack {missing[0]} ({len(missing)} tensors missing)")
        self.tuned = {name: tensor.float() for name, tensor in tuned.items()}

    def encodings(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[list[int], list[int]]]:
        """Token ids and token types of each pair, cut to max_tokens."""
        return [(e.ids, e.type_ids) for e in self.tokenizer.encode_batch([(a, b) for a, b in pairs])]

    def padded(self, encodings: Sequence[tuple[list[int], list[int]]]) -> tuple[torch.Tensor, ...]:
        import torch

        width = max(len(ids) for ids, _ in encodings)
        ids = torch.full((len(encodings), width), self.pad_token_id, dtype=torch.long)
        types = torch.zeros((len(encodings), width), dtype=torch.long)
        mask = torch.zeros((len(encodings), width), dtype=torch.bool)
        for row, (token_ids, type_ids) in enumerate(encodings):
            ids[row, : len(token_ids)] = torch.tensor(token_ids)
            types[row, : len(type_ids)] = torch.tensor(type_ids)
            mask[row, : len(token_ids)] = True
        return ids, types, mask

    def lower(self, ids: torch.Tensor, types: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The hidden states after the frozen layers (what the training script caches once)."""
        from torch.nn import functional

        w = self.base
        positions = w["embeddings.position_embeddings.weight"][: ids.shape[1]][None]
        hidden = (
            w["embeddings.word_embeddings.weight"][ids]
            + positions
            + w["embeddings.token_type_embeddings.weight"][types]
        )
        size = hidden.shape[-1]
        hidden = functional.layer_norm(
            hidden, (size,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.epsilon
        )
        keep = mask[:, None, None, :]
        for layer in range(self.frozen_layers):
            hidden = encode_layer(hidden, keep, w, layer, self.heads, self.epsilon)
        return hidden

    def upper(self, hidden: torch.Tensor, mask: torch.Tensor, tuned: dict[str, Any] | None = None) -> torch.Tensor:
        """The logit of "consistent" from the frozen layers' output; `tuned` overrides the weights (training)."""
        from torch.nn import functional

        weights = tuned if tuned is not None else self.tuned
        keep = mask[:, None, None, :]
        for layer in range(self.frozen_layers, self.layers):
            last = layer == self.layers - 1
            hidden = encode_layer(hidden, keep, weights, layer, self.heads, self.epsilon, cls_only=last)
        return functional.linear(hidden[:, 0], weights["head.weight"], weights["head.bias"])[:, 0]

    def scores(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """P(consistent) of each pair; batched by length so that padding stays small."""
        import torch

        if not pairs:
            return np.zeros(0, dtype=np.float32)
        encodings = self.encodings(pairs)
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i][0]))
        result = np.zeros(len(encodings), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(order), BATCH_ROWS):
                rows = order[start : start + BATCH_ROWS]
                ids, types, mask = self.padded([encodings[i] for i in rows])
                logits = self.upper(self.lower(ids, types, mask), mask)
                result[rows] = torch.sigmoid(logits).numpy()
        return result


def window_text(article_sentences: Sequence[str], window: Sequence[int]) -> str:
    """The second segment: the window's article sentences, best match first."""
    return " ".join(article_sentences[i] for i in window)


def save_weights(
    path: Path, tuned: dict[str, torch.Tensor], frozen_layers: int, max_tokens: int, threshold: float
) -> str:
    """Write the trained layers and head in fp16 with their settings; returns the file's sha256."""
    from safetensors.torch import save_file

    metadata = {"frozen_layers": str(frozen_layers), "max_tokens": str(max_tokens), "threshold": f"{threshold:.4f}"}
    tensors = {name: tensor.detach().to("cpu").half().contiguous() for name, tensor in sorted(tuned.items())}
    save_file(tensors, str(path), metadata=metadata)
    return file_sha256(path)


@cache
def load_cross_encoder(
    path: Path = WEIGHTS_PATH, expected_sha256: str | None = None, base_folder: Path | None = None
) -> CrossEncoder | None:
    """The shipped cross-encoder after its sha256 check (and the embedded encoder's); None when none is shipped."""
    if not path.is_file():
        return None
    raw = verified_bytes(
        path, expected_sha256 or WEIGHTS_SHA256, "reinstall briefing or retrain with scripts/train_cross_encoder.py"
    )
    from safetensors.torch import load

    header_size = int.from_bytes(raw[:8], "little")
    metadata = json.loads(raw[8 : 8 + header_size]).get("__metadata__", {})
    if base_folder is None:
        from briefing.encoder.resolve import verified_embedded_folder

        base_folder = verified_embedded_folder()
    try:
        settings = int(metadata["frozen_layers"]), int(metadata["max_tokens"]), float(metadata["threshold"])
    except (KeyError, ValueError):
        raise ModelError(f"{path}: no cross-encoder settings in its metadata; retrain it") from None
    return CrossEncoder(base_folder, load(raw), *settings)


def adopted() -> CrossEncoder | None:
    """The shipped cross-encoder when it is adopted (the guard's default), else None."""
    return load_cross_encoder() if CROSS_ENCODER_ADOPTED else None


def score_checks(
    cross: CrossEncoder, results: Sequence[tuple[Any, list[SentenceCheck], np.ndarray]]
) -> list[tuple[Any, list[SentenceCheck], np.ndarray]]:
    """The checks of `check_summaries` with the cross-encoder's score on each (one batched pass over all pairs)."""
    pairs = [
        (check.text, window_text(evidence.article.sentences, check.window))
        for evidence, checks, _ in results
        for check in checks
    ]
    scores = iter(cross.scores(pairs).tolist())
    return [
        (
            evidence,
            [
                dataclasses.replace(c, score=next(scores), score_threshold=cross.threshold, concern=CONCERN)
                for c in checks
            ],
            vectors,
        )
        for evidence, checks, vectors in results
    ]
