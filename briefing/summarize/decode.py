"""Greedy decoding of our own for decoder-only models: what `generate` does for one greedy batch, without its waste.

`generate` computes every row of a batch until the batch's longest output is done and pads every prompt to the
longest one. Here each prompt is prefilled on its own (no padding), its key/value states are copied into a slot of a
preallocated cache, and the decode steps run over the slots that are still writing: a row leaves the batch the step
it emits an end-of-sequence token or reaches `max_new_tokens`, and the next waiting prompt takes its slot
(continuous batching). The prompts' shared beginning (the instructions of one template) is prefilled once and its
key/value states are copied into every row.

Rows are left-aligned in their slots: a token's column in the cache is its position in its own sequence, so rows of
different lengths need no padding, only a mask of the columns each row has written. `supports_own_loop` says when
a generation config asks for nothing more than this loop applies (greedy, end-of-sequence tokens, max_new_tokens,
suppressed tokens, no repeated n-gram in the output); anything else goes to `generate`.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from briefing.summarize.packed_linear import packed_linears
from briefing.summarize.repetition import banned_next_tokens

if TYPE_CHECKING:
    import torch

MIN_SHARED_PREFIX = 16  # below this a shared prefix saves less than its copy into every row costs
# Generation-config fields this loop applies (or that do not apply to greedy decoding of a decoder-only model).
HANDLED_FIELDS = frozenset(
    {
        "max_new_tokens", "max_length", "early_stopping", "pad_token_id", "bos_token_id", "eos_token_id",
        "decoder_start_token_id", "suppress_tokens", "use_cache", "temperature", "top_p", "top_k",
        "_from_model_config", "transformers_version",
    }
)  # fmt: skip
# Fields the loop handles only at these values.
REQUIRED_VALUES: dict[str, object] = {
    "do_sample": False,
    "num_beams": 1,
    "num_return_sequences": 1,
    "output_attentions": False,
    "output_hidden_states": False,
    "output_scores": False,
    "output_logits": False,
    "return_dict_in_generate": False,
}


def supports_own_loop(model: Any, generation_config: Any) -> bool:
    """Whether `greedy_decode` gives what `model.generate` would with this config: every field that differs from
    transformers' defaults is one the loop applies, the attention is SDPA (the loop passes boolean masks) and the
    installed transformers has the cache layers the loop builds on."""
    try:
        from transformers.cache_utils import Cache, DynamicLayer  # noqa: F401  (transformers >= 4.56)
    except ImportError:
        return False
    if getattr(model.config, "_attn_implementation", None) != "sdpa" or model.config.is_encoder_decoder:
        return False
    for name, value in generation_config.to_diff_dict().items():
        if name in REQUIRED_VALUES:
            if value != REQUIRED_VALUES[name]:
                return False
        elif name not in HANDLED_FIELDS:
            return False
    return True


@dataclass(frozen=True)
class DecodeLimits:
    max_new_tokens: int
    eos_token_ids: frozenset[int]
    suppress_tokens: tuple[int, ...] = ()
    no_repeat_ngram: int = 0  # no n-gram of this size twice in one output (0: no rule)


@dataclass
class _Row:
    index: int  # the prompt's place in the input
    length: int  # prompt tokens
    tokens: list[int] = field(default_factory=list)  # generated so far

    def done(self, limits: DecodeLimits) -> bool:
        return len(self.tokens) >= limits.max_new_tokens or (
            bool(self.tokens) and self.tokens[-1] in limits.eos_token_ids
        )


def shared_prefix(prompts: Sequence[Sequence[int]]) -> int:
    """Tokens every prompt starts with, leaving each at least one of its own (its last token's logits start it)."""
    if len(prompts) < 2:
        return 0
    first, shortest = prompts[0], min(len(prompt) for prompt in prompts)
    length = 0
    while length < shortest - 1 and all(prompt[length] == first[length] for prompt in prompts):
        length += 1
    return length if length >= MIN_SHARED_PREFIX else 0


def greedy_decode(
    model: Any,
    prompts: Sequence[Sequence[int]],
    slots: int,
    limits: DecodeLimits,
    share_prefix: bool = True,
    pack_weights: bool = True,
) -> list[list[int]]:
    """The generated token ids of each prompt (end-of-sequence token included, as `generate` returns it), greedy,
    with at most `slots` rows per decode step; `pack_weights`: the linear layers on packed oneDNN weights where the
    model allows it (packed_linear.py; not for one slot, whose decode steps are single rows that stay on MKL)."""
    import torch

    packing = packed_linears(model) if pack_weights and slots > 1 else contextlib.nullcontext(False)
    with torch.inference_mode(), packing:
        return _decode_all(_Forward(model), prompts, slots, limits, share_prefix)


def _decode_all(
    step: _Forward, prompts: Sequence[Sequence[int]], slots: int, limits: DecodeLimits, share_prefix: bool
) -> list[list[int]]:
    outputs: dict[int, list[int]] = {}
    prefix_length = shared_prefix(prompts) if share_prefix else 0
    prefix = step.prefill(list(prompts[0][:prefix_length]), 0, None)[1] if prefix_length else None
    waiting = deque(range(len(prompts)))
    capacity = max(len(prompt) for prompt in prompts) + limits.max_new_tokens
    cache = SlotCache(slots, capacity)
    active: list[_Row] = []
    while waiting or active:
        while waiting and len(active) < slots:  # fill the free slots, longest prompt first
            row = _Row(waiting.popleft(), 0)
            ids = prompts[row.index]
            row.length = len(ids)
            logits, row_cache = step.prefill(list(ids[prefix_length:]), prefix_length, prefix)
            row.tokens.append(_pick(logits, [row], limits)[0])
            if row.done(limits):
                outputs[row.index] = row.tokens
                continue
            cache.insert(len(active), row_cache)
            active.append(row)
        if not active:
            break
        columns = [row.length + len(row.tokens) - 1 for row in active]  # where each row's last token goes
        logits = step.decode([row.tokens[-1] for row in active], columns, cache)
        for row, token in zip(active, _pick(logits, active, limits), strict=True):
            row.tokens.append(token)
        for place in reversed(range(len(active))):  # from the end: a finished row's slot gets the last row
            if active[place].done(limits):
                outputs[active[place].index] = active[place].tokens
                last = len(active) - 1
                if place != last:
                    cache.move(last, place, active[last].length + len(active[last].tokens))
                    active[place] = active[last]
                active.pop()
    return [outputs[index] for index in range(len(prompts))]


def _pick(logits: torch.Tensor, rows: list[_Row], limits: DecodeLimits) -> list[int]:
    """The next token of each row: the argmax after the suppressed tokens and the repeated n-grams are banned."""
    if limits.suppress_tokens:
        logits[:, list(limits.suppress_tokens)] = -float("inf")
    if limits.no_repeat_ngram:
        for place, row in enumerate(rows):
            for token in banned_next_tokens(row.tokens, limits.no_repeat_ngram):
                logits[place, token] = -float("inf")
    return [int(token) for token in logits.argmax(dim=-1).tolist()]


class _Forward:
    """The model's forward for one prefill or one decode step, with the keyword names this transformers uses."""

    def __init__(self, model: Any) -> None:
        self.model = model
        parameters = inspect.signature(model.forward).parameters
        self.cache_name = "cache" if "cache" in parameters else "past_key_values"
        self.last_logits_only = {"logits_to_keep": 1} if "logits_to_keep" in parameters else {}
        self.device = model.device

    def prefill(self, ids: list[int], start: int, prefix: Any) -> tuple[torch.Tensor, Any]:
        """(last token's float32 logits (1, vocab), the row's DynamicCache): `ids` at positions from `start`, after
        the `prefix` cache (copied, so it serves the next row too)."""
        import torch
        from transformers import DynamicCache

        cache = DynamicCache()
        if prefix is not None:
            for number, layer in enumerate(prefix.layers):
                cache.update(layer.keys, layer.values, number)  # a copy: DynamicLayer concatenates
        with torch.inference_mode():
            output = self.model(
                input_ids=torch.tensor([ids], device=self.device),
                attention_mask=torch.ones(1, start + len(ids), dtype=torch.long, device=self.device),
                position_ids=torch.arange(start, start + len(ids), device=self.device).unsqueeze(0),
                use_cache=True,
                **{self.cache_name: cache},
                **self.last_logits_only,
            )
        return output.logits[:, -1, :].float(), cache

    def decode(self, ids: list[int], at: list[int], cache: SlotCache) -> torch.Tensor:
        """One step over the active rows: row i's token `ids[i]` at column (= position) `at[i]`; float32 logits
        (rows, vocab)."""
        import torch

        columns = torch.tensor(at, device=self.device)
        cache.prepare(columns)
        mask = torch.arange(max(at) + 1, device=self.device).unsqueeze(0) <= columns.unsqueeze(1)  # written columns
        output = self.model(
            input_ids=torch.tensor(ids, device=self.device).unsqueeze(1),
            attention_mask=mask[:, None, None, :],
            position_ids=columns.unsqueeze(1),
            use_cache=True,
            **{self.cache_name: cache.cache},
        )
        return output.logits[:, -1, :].float()


class SlotCache:
    """A transformers Cache over preallocated (slots, heads, capacity, head_dim) buffers per layer: the active rows
    are the first slots, each step writes every row's new key/value at that row's own column, and attention reads a
    view of the columns written so far (no concatenation per step)."""

    def __init__(self, slots: int, capacity: int) -> None:
        self.slots, self.capacity = slots, capacity
        self.layers: list[Any] = []
        self.cache: Any = None

    def insert(self, slot: int, row_cache: Any) -> None:
        """Copy one prefilled row's key/value states (a DynamicCache of batch 1) into `slot`."""
        if self.cache is None:
            self._allocate(row_cache)
        for layer, source in zip(self.layers, row_cache.layers, strict=True):
            length = source.keys.shape[-2]
            layer.keys[slot, :, :length] = source.keys[0]
            layer.values[slot, :, :length] = source.values[0]

    def move(self, source: int, target: int, length: int) -> None:
        """Copy the first `length` columns of slot `source` into slot `target` (the active rows stay the first)."""
        for layer in self.layers:
            layer.keys[target, :, :length] = layer.keys[source, :, :length]
            layer.values[target, :, :length] = layer.values[source, :, :length]

    def prepare(self, columns: torch.Tensor) -> None:
        """The next step writes row i at `columns[i]`; rows past len(columns) are idle."""
        import torch

        rows = torch.arange(len(columns), device=columns.device)
        for layer in self.layers:
            layer.rows = rows
            layer.columns = columns
            layer.width = int(columns.max()) + 1

    def _allocate(self, row_cache: Any) -> None:
        from transformers.cache_utils import Cache

        self.layers = [_slot_layer(source, self.slots, self.capacity) for source in row_cache.layers]
        self.cache = Cache(layers=self.layers)


def _slot_layer(source: Any, slots: int, capacity: int) -> Any:
    layer = _slot_layer_class()()
    _, heads, _, key_dim = source.keys.shape
    layer.keys = source.keys.new_zeros(slots, heads, capacity, key_dim)
    layer.values = source.values.new_zeros(slots, heads, capacity, source.values.shape[-1])
    layer.device, layer.is_initialized, layer.width = source.keys.device, True, 0
    return layer


@functools.cache
def _slot_layer_class() -> type:
    """The cache layer over one slot buffer, defined once (transformers is imported lazily, so not at import)."""
    from transformers.cache_utils import DynamicLayer

    class SlotLayer(DynamicLayer):
        def update(self, key_states: Any, value_states: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
            self.keys[self.rows, :, self.columns] = key_states[:, :, 0]
            self.values[self.rows, :, self.columns] = value_states[:, :, 0]
            count = len(self.rows)
            return self.keys[:count, :, : self.width], self.values[:count, :, : self.width]

        def get_seq_length(self) -> int:
            return int(self.width)

    return SlotLayer
