"""A BERT encoder (all-MiniLM-L6-v2's architecture) in plain torch, with the `tokenizers` package reading
tokenizer.json: the same vectors as transformers' `BertModel` + `AutoTokenizer` (within 1e-6 on the CNN/DailyMail dev
sentences; tests/test_bert.py checks 1e-5), without importing transformers (2-3 s of a cold run) or building its
model classes.

Only the inference path the sentence encoder needs: absolute positions, token type 0, exact (erf) GELU, no pooler.
`supported` says whether a folder holds such a model; anything else loads through transformers as before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch
    from tokenizers import Tokenizer

WEIGHTS_FILE = "model.safetensors"
TOKENIZER_FILE = "tokenizer.json"


def supported(folder: Path) -> bool:
    """A safetensors BERT with a tokenizer.json, of the one kind `BertEncoder` computes exactly."""
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(config, dict)
        and config.get("model_type") == "bert"
        and config.get("hidden_act") == "gelu"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and (folder / WEIGHTS_FILE).is_file()
        and (folder / TOKENIZER_FILE).is_file()
    )


def needed_tensors(layers: int) -> list[str]:
    """The tensors (names without a "bert." prefix) the inference path reads."""
    names = [f"embeddings.{part}" for part in ("word_embeddings.weight", "position_embeddings.weight")]
    names += ["embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"]
    for layer in range(layers):
        prefix = f"encoder.layer.{layer}."
        for part in ("attention.self.query", "attention.self.key", "attention.self.value"):
            names += [prefix + part + ".weight", prefix + part + ".bias"]
        for part in ("attention.output.dense", "attention.output.LayerNorm", "intermediate.dense"):
            names += [prefix + part + ".weight", prefix + part + ".bias"]
        names += [prefix + "output.dense.weight", prefix + "output.dense.bias"]
        names += [prefix + "output.LayerNorm.weight", prefix + "output.LayerNorm.bias"]
    return names


def load_tokenizer(folder: Path, config: dict[str, Any], max_tokens: int) -> tuple[Tokenizer, int]:
    """The folder's tokenizer.json, truncating to `max_tokens` and padding nothing, and the pad token's id."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
    tokenizer.no_padding()  # the encoder pads each batch itself, to its own longest member
    tokenizer.enable_truncation(max_length=max_tokens)
    pad = tokenizer.token_to_id("[PAD]")
    return tokenizer, int(config.get("pad_token_id", pad if pad is not None else 0) or 0)


def token_ids(tokenizer: Tokenizer, texts: list[str]) -> list[list[int]]:
    """Each text's ids with [CLS] and [SEP], truncated (as `tokenizer(texts, truncation=True)` in transformers)."""
    return [encoding.ids for encoding in tokenizer.encode_batch(texts)]


class BertEncoder:
    """The last hidden state of a BERT model for padded token ids (`__call__`), and its tokenizer (`token_ids`)."""

    def __init__(self, folder: Path, max_tokens: int) -> None:
        from safetensors.torch import load_file

        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.hidden_size = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.epsilon = float(config.get("layer_norm_eps", 1e-12))
        weights = load_file(str(folder / WEIGHTS_FILE))
        # Checkpoints saved from BertForX carry a "bert." prefix; the sentence-transformers ones do not.
        self.weights = {name.removeprefix("bert."): tensor for name, tensor in weights.items()}
        missing = [name for name in needed_tensors(self.layers) if name not in self.weights]
        if missing:
            raise ValueError(f"{WEIGHTS_FILE} lacks {missing[0]} ({len(missing)} tensors missing)")
        self.tokenizer, self.pad_token_id = load_tokenizer(folder, config, max_tokens)

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """Each text's ids with [CLS] and [SEP], truncated to `max_tokens` (as `tokenizer(texts, truncation=True)`)."""
        return token_ids(self.tokenizer, texts)

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        import torch
        from torch.nn import functional

        w = self.weights
        rows, width = input_ids.shape
        size, heads = self.hidden_size, self.heads

        def norm(x: torch.Tensor, name: str) -> torch.Tensor:
            return functional.layer_norm(x, (size,), w[name + ".weight"], w[name + ".bias"], self.epsilon)

        def linear(x: torch.Tensor, name: str) -> torch.Tensor:
            return functional.linear(x, w[name + ".weight"], w[name + ".bias"])

        positions = torch.arange(width)
        hidden = (
            w["embeddings.word_embeddings.weight"][input_ids]
            + w["embeddings.position_embeddings.weight"][positions][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        hidden = norm(hidden, "embeddings.LayerNorm")
        # Padding keys are masked out for every query; padded query rows are dropped later by the mean pooling.
        keep = attention_mask.bool()[:, None, None, :]

        def split(x: torch.Tensor) -> torch.Tensor:
            return x.view(rows, width, heads, size // heads).transpose(1, 2)

        for layer in range(self.layers):
            prefix = f"encoder.layer.{layer}."
            query = split(linear(hidden, prefix + "attention.self.query"))
            key = split(linear(hidden, prefix + "attention.self.key"))
            value = split(linear(hidden, prefix + "attention.self.value"))
            context = functional.scaled_dot_product_attention(query, key, value, attn_mask=keep)
            context = context.transpose(1, 2).reshape(rows, width, size)
            attended = linear(context, prefix + "attention.output.dense") + hidden
            attended = norm(attended, prefix + "attention.output.LayerNorm")
            inner = functional.gelu(linear(attended, prefix + "intermediate.dense"))
            hidden = norm(linear(inner, prefix + "output.dense") + attended, prefix + "output.LayerNorm")
        return hidden
