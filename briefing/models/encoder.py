"""The sentence encoder (all-MiniLM-L6-v2 by default), loaded with plain transformers from a local folder.

Mean pooling + L2 normalisation, as sentence-transformers does for this model, so cosine similarity is a dot product.
Texts are sorted by length and batched so that padding stays small.
"""

from __future__ import annotations

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
            # int8 dynamic quantization of the Linear layers: ~2x faster on CPU, ranking quality unchanged
            # (bench/rouge.py measures both).
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # torch warns that its quantized-tensor API is deprecated
                model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self.model = model
        self.batch_size = batch_size
        self.dimension = int(model.config.hidden_size)
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text, in input order."""
        import torch

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        output = np.zeros((len(texts), self.dimension), dtype=np.float32)
        with self._lock, torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                batch_ids = order[start : start + self.batch_size]
                encoded = self.tokenizer(
                    [texts[i] for i in batch_ids],
                    padding=True,
                    truncation=True,
                    max_length=MAX_TOKENS,
                    return_tensors="pt",
                )
                hidden = self.model(**encoded).last_hidden_state
                output[batch_ids] = _mean_pool(hidden, encoded["attention_mask"]).numpy()
        return output


def _mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    import torch

    weights = mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1)


@lru_cache(maxsize=1)
def embedded_encoder() -> SentenceEncoder:
    """The embedded encoder, loaded once per process after its sha256 check."""
    import torch

    torch.set_num_threads(max(1, torch.get_num_threads()))
    return SentenceEncoder(verified_embedded_folder())
