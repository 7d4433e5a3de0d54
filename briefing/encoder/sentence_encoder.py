"""The sentence encoder (all-MiniLM-L6-v2 by default), loaded from a local folder: a BERT folder with tokenizer.json
through briefing.encoder.bert (plain torch + `tokenizers`, no transformers import), anything else, and the int8
variant, through transformers.

Mean pooling + L2 normalisation, as sentence-transformers does for this model, so cosine similarity is a dot product.
Texts are deduplicated, sorted by token count and batched so that padding stays small; a batch of long texts holds
fewer rows (a token budget), so a run's peak memory does not depend on how long its longest sentences are.

One precision is loaded per process: float32 by default, whose vectors do not depend on the other texts in a batch.
The summarizer, compose and the faithfulness guard share that one encoder, and its bounded text -> vector cache lets
compose reuse the sentence vectors the summarizer already computed.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from briefing.encoder import onnx_bert
from briefing.encoder.bert import BertEncoder
from briefing.encoder.bert import supported as bert_supported
from briefing.encoder.onnx_bert import OnnxBertEncoder
from briefing.encoder.resolve import (
    EMBEDDED_NAME,
    EMBEDDED_SHA256,
    embedded_folder,
    quiet_transformers,
    verified_embedded_folder,
)
from briefing.errors import ModelError
from briefing.store import Store, code_fingerprint, entry_key

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained on 256-token inputs; longer ones are truncated (sentences rarely are)
# Rows x padded width per forward pass. Attention holds rows x heads x width^2 floats per layer: 64 rows of 256 tokens
# would be ~200 MB for the scores alone, 16 rows (the same 4,096 tokens) ~50 MB. Short sentences still go 64 at a time.
TOKEN_BUDGET = 4096
# Texts remembered with their vectors (float32 only): 8,192 x 384 floats is 12.6 MB, preallocated once. Enough for the
# summarizer's picks of a thousand-article run to still be there when compose embeds the same sentences.
VECTOR_CACHE_SIZE = 8192
VECTOR_KIND = "vector"  # the stage store's kind for one text's float32 vector (dimension x 4 bytes)
# Which runtime computes a BERT folder's vectors: "onnx" (ONNX Runtime, the default when it is installed) or "torch".
# Both give the same vectors within 1e-5; this environment variable forces one (bench/warm.py times both).
BACKEND_VARIABLE = "BRIEFING_ENCODER_BACKEND"


class VectorCache:
    """A bounded least-recently-used map from exact text to its vector, stored in one preallocated matrix.

    One matrix instead of an array per entry: a long-running process embedding millions of sentences does not churn
    small allocations (which fragment the C heap), and the memory used is fixed at creation.
    """

    def __init__(self, capacity: int, dimension: int) -> None:
        self.capacity = capacity
        self._matrix = np.zeros((capacity, dimension), dtype=np.float32)
        self._slots: OrderedDict[str, int] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._slots)

    def get(self, text: str) -> np.ndarray | None:
        slot = self._slots.get(text)
        if slot is None:
            self.misses += 1
            return None
        self._slots.move_to_end(text)
        self.hits += 1
        return self._matrix[slot]

    def put(self, text: str, vector: np.ndarray) -> None:
        if self.capacity <= 0:
            return
        slot = self._slots.get(text)
        if slot is None:
            # The least recently used entry gives its row to the new text once the matrix is full.
            slot = len(self._slots) if len(self._slots) < self.capacity else self._slots.popitem(last=False)[1]
            self._slots[text] = slot
        else:
            self._slots.move_to_end(text)
        self._matrix[slot] = vector

    def clear(self) -> None:
        self._slots.clear()


class SentenceEncoder:
    """The encoder; given a folder it loads at once, given a function that finds the folder (`deferred`) it loads the
    first time a text is in neither its memory cache nor the run's stage store, so a fully cached run loads no model
    and imports no torch."""

    def __init__(
        self,
        folder: Path | Callable[[], Path],
        batch_size: int = 64,
        quantize: bool = False,
        token_budget: int = TOKEN_BUDGET,
        cache_size: int = VECTOR_CACHE_SIZE,
        *,
        dimension: int | None = None,
        store: Store | None = None,
        weights_id: str = "",
        backend: str | None = None,
        graph_dir: Path | None = None,
    ) -> None:
        self._locate: Callable[[], Path] = folder if callable(folder) else (lambda: folder)
        self._model: Any = None
        self._tokenizer: Any = None
        self.batch_size = batch_size
        self.token_budget = max(token_budget, MAX_TOKENS)  # one text of MAX_TOKENS must always fit
        self.quantized = quantize
        self.pad_token_id = 0
        self.requested_backend = backend or os.environ.get(BACKEND_VARIABLE, "").strip().lower() or "onnx"
        if self.requested_backend not in ("onnx", "torch"):
            raise ModelError(f"{BACKEND_VARIABLE}={self.requested_backend!r}: expected onnx or torch")
        self.backend = ""  # what computed the vectors, once loaded: "onnx", "torch" or "transformers"
        self.graph_dir = graph_dir  # where the ONNX graph is kept (None: built in memory for this process)
        self.weights_sha256 = weights_id.partition("@sha256:")[2] or None
        if dimension is None or not callable(folder):
            self._load()  # a folder given: load now, so a bad folder fails here as it always did
            dimension = self._hidden_size
        self.dimension = dimension
        # int8 vectors depend on their batch mates, so remembering them would make a vector depend on history too.
        self.cache = VectorCache(0 if quantize else cache_size, self.dimension)
        # Stored vectors are keyed by the weights (their sha256), the code and the truncation length. Not by the
        # backend: ONNX and torch vectors agree within 1e-5 and both backends are deterministic, but a cache filled
        # by one answers for the other (tests/encoder/test_onnx_bert.py checks that the briefs are the same).
        self.store = store if store is not None and weights_id and not quantize else None
        code = code_fingerprint("encoder/sentence_encoder.py", "encoder/bert.py", "encoder/onnx_bert.py")
        self.fingerprint = f"{weights_id};{code};{MAX_TOKENS}"
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether the weights are in memory (a deferred encoder whose every text was cached never loads them)."""
        return self._model is not None

    @property
    def model(self) -> Any:
        self._load()
        return self._model

    @property
    def tokenizer(self) -> Any:
        self._load()
        return self._tokenizer

    @property
    def _hidden_size(self) -> int:
        model = self.model
        return model.hidden_size if isinstance(model, (BertEncoder, OnnxBertEncoder)) else int(model.config.hidden_size)

    def _load(self) -> None:
        if self._model is not None:
            return
        folder = self._locate()
        plain_bert = not self.quantized and bert_supported(folder)
        if plain_bert and self.requested_backend == "onnx" and self._load_onnx(folder):
            return
        import torch

        # torch sizes its thread pool from the host's cores; more threads than usable CPUs only adds contention.
        torch.set_num_threads(max(1, min(torch.get_num_threads(), usable_cpus())))
        if plain_bert:
            try:
                encoder = BertEncoder(folder, MAX_TOKENS)
            except Exception as error:  # safetensors and tokenizers raise their own kinds; the user needs the reason
                raise ModelError(f"{folder}: cannot load the encoder ({error.__class__.__name__}: {error})") from None
            self.pad_token_id = encoder.pad_token_id
            self._tokenizer = encoder.tokenizer
            self._model = encoder
            self.backend = "torch"
            return
        from transformers import AutoModel, AutoTokenizer

        quiet_transformers()
        try:
            tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
            model = AutoModel.from_pretrained(str(folder), local_files_only=True, use_safetensors=True)
        except Exception as error:  # transformers raises many kinds; the user needs the folder and the reason
            raise ModelError(f"{folder}: cannot load the encoder ({error.__class__.__name__}: {error})") from None
        model.eval()
        if self.quantized:
            # int8 dynamic quantization of the Linear layers: faster on CPU (~1.3-2x), same ROUGE for the extractive
            # selection (bench/rouge.py measures both). But activations are scaled per batch, so a text's vector
            # depends on the other texts embedded with it (cosines move by up to ~0.06): the product uses float32.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # torch warns that its quantized-tensor API is deprecated
                model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self.pad_token_id = int(tokenizer.pad_token_id or 0)
        self._tokenizer = tokenizer
        self._model = model
        self.backend = "transformers"

    def _load_onnx(self, folder: Path) -> bool:
        """Load the folder on ONNX Runtime; False (after one log line saying why) to fall back to torch."""
        if not onnx_bert.available():
            log.warning("onnxruntime is not installed: the encoder runs on torch (slower; pip install onnxruntime)")
            return False
        try:
            encoder = OnnxBertEncoder(
                folder, MAX_TOKENS, graph_dir=self.graph_dir, threads=usable_cpus(), weights_sha256=self.weights_sha256
            )
        except ImportError as error:  # onnx, needed to build the graph the first time, is missing
            log.warning("cannot build the encoder's ONNX graph (%s): the encoder runs on torch", error)
            return False
        except Exception as error:  # onnxruntime raises its own kinds; torch still computes the same vectors
            log.warning(
                "%s: ONNX Runtime cannot load the encoder (%s: %s): it runs on torch",
                folder,
                error.__class__.__name__,
                error,
            )
            return False
        self.pad_token_id = encoder.pad_token_id
        self._tokenizer = encoder.tokenizer
        self._model = encoder
        self.backend = "onnx"
        return True

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text, in input order."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Identical texts (a caption repeated, the same wire story twice) are embedded once.
        unique = list(dict.fromkeys(texts))
        vectors = np.zeros((len(unique), self.dimension), dtype=np.float32)
        with self._lock:
            missing: list[int] = []
            for row, text in enumerate(unique):
                cached = self.cache.get(text)
                if cached is None:
                    missing.append(row)
                else:
                    vectors[row] = cached
            stored = self._from_store(unique, missing, vectors) if self.store is not None else set()
            missing = [row for row in missing if row not in stored]
            if missing:
                vectors[missing] = self._encode([unique[row] for row in missing])
                if self.store is not None:
                    made = {entry_key(self.fingerprint, unique[row]): vectors[row].tobytes() for row in missing}
                    self.store.put_many(VECTOR_KIND, made)
            for row in missing:
                self.cache.put(unique[row], vectors[row])
        row_of = {text: row for row, text in enumerate(unique)}
        return vectors[[row_of[text] for text in texts]]

    def _from_store(self, unique: list[str], missing: list[int], vectors: np.ndarray) -> set[int]:
        """Fill the `vectors` rows of the `missing` texts the store holds; the rows it filled."""
        assert self.store is not None
        keys = {row: entry_key(self.fingerprint, unique[row]) for row in missing}
        stored = self.store.get_many(VECTOR_KIND, keys.values())
        filled: set[int] = set()
        for row, key in keys.items():
            value = stored.get(key)
            if value is None or len(value) != 4 * self.dimension:  # absent, or written for another dimension
                continue
            vectors[row] = np.frombuffer(value, dtype=np.float32)
            self.cache.put(unique[row], vectors[row])
            filled.add(row)
        return filled

    def _encode(self, texts: list[str]) -> np.ndarray:
        """Run the model over distinct texts (no cache)."""
        # Tokenize once without padding, then batch texts of similar token length so each batch is padded only to
        # its own longest member: on CPU the cost is the padded token count.
        model = self.model
        if isinstance(model, (BertEncoder, OnnxBertEncoder)):
            token_ids = model.token_ids(texts)
        else:
            token_ids = self.tokenizer(texts, truncation=True, max_length=MAX_TOKENS)["input_ids"]
        order = sorted(range(len(texts)), key=lambda i: len(token_ids[i]))
        batches = _batches(order, [len(ids) for ids in token_ids], self.batch_size, self.token_budget)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if isinstance(model, OnnxBertEncoder):
            for batch in batches:
                vectors[batch] = model.vectors(*self._pad([token_ids[i] for i in batch]))
            return vectors
        import torch

        with torch.inference_mode():
            for batch in batches:
                input_ids, attention_mask = (
                    torch.from_numpy(array) for array in self._pad([token_ids[i] for i in batch])
                )
                if isinstance(model, BertEncoder):
                    hidden = model(input_ids, attention_mask)
                else:
                    hidden = model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
                vectors[batch] = _mean_pool(hidden, attention_mask).numpy()
        return vectors

    def _pad(self, sequences: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """int64 ids padded with the pad token to the longest, and the attention mask (1 = a real token)."""
        width = max(len(ids) for ids in sequences)
        input_ids = np.full((len(sequences), width), self.pad_token_id, dtype=np.int64)
        attention_mask = np.zeros((len(sequences), width), dtype=np.int64)
        for row, ids in enumerate(sequences):
            input_ids[row, : len(ids)] = ids
            attention_mask[row, : len(ids)] = 1
        return input_ids, attention_mask


def _batches(order: list[int], lengths: list[int], max_rows: int, token_budget: int) -> list[list[int]]:
    """Split `order` (indexes sorted by length, shortest first) into batches of at most `max_rows` rows whose padded
    size (rows x longest length) stays within `token_budget`."""
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        # Sorted ascending, so this text is the batch's longest: the padded size if it joins is rows x its length.
        if current and (len(current) == max_rows or (len(current) + 1) * lengths[index] > token_budget):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


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


def load_embedded_encoder(quantize: bool = False) -> SentenceEncoder:
    """The embedded encoder, loaded after its sha256 check (a new object each call: the caller owns it).

    float32 is what the product uses everywhere (summarizer, compose, guard): `RunModels` loads one per run.
    `quantize=True` gives the int8 variant, for bench/rouge.py's comparison only.
    """
    from briefing.config import default_cache_dir

    # The ONNX graph in the user's cache folder: built by the first process that needs it, loaded by the others.
    # Its weights were just checked against EMBEDDED_SHA256: naming them spares the graph lookup a second hash.
    return SentenceEncoder(
        verified_embedded_folder(),
        quantize=quantize,
        graph_dir=default_cache_dir(),
        weights_id=f"{EMBEDDED_NAME}@sha256:{EMBEDDED_SHA256}",
    )


def deferred_embedded_encoder(store: Store | None) -> SentenceEncoder:
    """The embedded float32 encoder behind the run's stage store: its weights are checked and loaded only when a
    text is not in the store (`RunModels.encoder`)."""
    config = json.loads((embedded_folder() / "config.json").read_text(encoding="utf-8"))
    return SentenceEncoder(
        verified_embedded_folder,
        dimension=int(config["hidden_size"]),
        store=store,
        weights_id=f"{EMBEDDED_NAME}@sha256:{EMBEDDED_SHA256}",
        graph_dir=store.path.parent if store is not None else None,  # the ONNX graph beside the stage store
    )
