"""The sentence encoder (all-MiniLM-L6-v2 by default), loaded with plain transformers from a local folder.

Mean pooling + L2 normalisation, as sentence-transformers does for this model, so cosine similarity is a dot product.
Texts are deduplicated, sorted by token count and batched so that padding stays small.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from briefing.errors import ModelError
from briefing.models.resolve import quiet_transformers, verified_embedded_folder

if TYPE_CHECKING:
    import torch

MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained on 256-token inputs; longer ones are truncated (sentences rarely are)


class SentenceEncoder:
    def __init__(self, folder: Path, batch_size: int = 64, quantize: bool = True) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        quiet_transformers()
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
            model = AutoModel.from_pretrained(str(folder), local_files_only=True, use_safetensors=True)
        except Exception as error:  # transformers raises many kinds; the user needs the folder and the reason
            raise ModelError(f"{folder}: cannot load the encoder ({error.__class__.__name__}: {error})") from None
        model.eval()
        if quantize:
            # int8 dynamic quantization of the Linear layers: faster on CPU (~1.3-2x), same ROUGE for the extractive
            # selection (bench/rouge.py measures both). But activations are scaled per batch, so a text's vector
            # depends on the other texts embedded with it (cosines move by up to ~0.06); callers that need
            # batch-independent vectors ask for quantize=False.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # torch warns that its quantized-tensor API is deprecated
                model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self.model = model
        self.batch_size = batch_size
        self.quantized = quantize
        self.pad_token_id = int(self.tokenizer.pad_token_id or 0)
        self.dimension = int(model.config.hidden_size)
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text, in input order."""
        import torch

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Identical texts (a caption repeated, the same wire story twice) are embedded once.
        unique = list(dict.fromkeys(texts))
        # Tokenize once without padding, then batch texts of similar token length so each batch is padded only to
        # its own longest member: on CPU the cost is the padded token count.
        token_ids = self.tokenizer(unique, truncation=True, max_length=MAX_TOKENS)["input_ids"]
        order = sorted(range(len(unique)), key=lambda i: len(token_ids[i]))
        vectors = np.zeros((len(unique), self.dimension), dtype=np.float32)
        with self._lock, torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                batch = order[start : start + self.batch_size]
                input_ids, attention_mask = self._pad([token_ids[i] for i in batch])
                hidden = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
                vectors[batch] = _mean_pool(hidden, attention_mask).numpy()
        row_of = {text: row for row, text in enumerate(unique)}
        return vectors[[row_of[text] for text in texts]]

    def _pad(self, sequences: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        import torch

        width = max(len(ids) for ids in sequences)
        input_ids = torch.full((len(sequences), width), self.pad_token_id, dtype=torch.long)
        attention_mask = torch.zeros((len(sequences), width), dtype=torch.long)
        for row, ids in enumerate(sequences):
            input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
            attention_mask[row, : len(ids)] = 1
        return input_ids, attention_mask


def _mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    import torch

    weights = mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1)


def usable_cpus() -> int:
    """CPUs this process may run on: in a container or under taskset that can be far fewer than the host has."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


@lru_cache(maxsize=2)
def embedded_encoder(quantize: bool = True) -> SentenceEncoder:
    """The embedded encoder, loaded once per process after its sha256 check.

    `quantize=False` keeps float32 weights (bench/rouge.py compares both).
    """
    import torch

    # torch sizes its thread pool from the host's cores; more threads than usable CPUs only adds contention.
    torch.set_num_threads(max(1, min(torch.get_num_threads(), usable_cpus())))
    return SentenceEncoder(verified_embedded_folder(), quantize=quantize)
