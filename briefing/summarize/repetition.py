"""Repetition loops prevented in generation: a small model left alone can write one phrase until max_new_tokens.

Encoder-decoder models (BART, PEGASUS, T5) get `no_repeat_ngram_size` from their own generation config when it sets
one (BART's CNN checkpoints ship 3), else NO_REPEAT_NGRAM: their decoder sees only the summary, so the rule bans
repeats inside the summary and nothing else. Decoder-only models see the article in the same sequence, where the
built-in rule (and `repetition_penalty`) would also ban copying the article's own phrases, which is what a faithful
summary does; they get `NoRepeatInOutput`, the same ban applied to the generated tokens alone.
"""

from __future__ import annotations

from typing import Any

NO_REPEAT_NGRAM = 4  # no 4-token sequence twice in one summary: a loop breaks at its second turn


def repetition_settings(generation_config: Any, kind: str) -> dict[str, Any]:
    """The `generation_config.update(...)` values that stop loops for this model kind."""
    if kind != "seq2seq":
        return {}
    own = getattr(generation_config, "no_repeat_ngram_size", None) or 0
    return {"no_repeat_ngram_size": own if own > 0 else NO_REPEAT_NGRAM}


class NoRepeatInOutput:
    """A logits processor: the token that would complete an n-gram already generated is banned (prompt excluded).

    `prompt_length` is where generation starts in every row (decoder-only inputs are left-padded to one length).
    """

    def __init__(self, size: int, prompt_length: int) -> None:
        self.size = size
        self.prompt_length = prompt_length

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        generated = input_ids[:, self.prompt_length :]
        if generated.shape[1] < self.size - 1:
            return scores
        rows = generated.tolist()
        for row, tokens in enumerate(rows):
            for token in banned_next_tokens(tokens, self.size):
                scores[row, token] = -float("inf")
        return scores


def banned_next_tokens(tokens: list[int], size: int) -> set[int]:
    """Tokens that, appended to `tokens`, would repeat an n-gram of `size` already in them."""
    if size < 1 or len(tokens) < size - 1:
        return set()
    prefix = tuple(tokens[len(tokens) - size + 1 :]) if size > 1 else ()
    banned = set()
    for start in range(len(tokens) - size + 1):
        if tuple(tokens[start : start + size - 1]) == prefix:
            banned.add(tokens[start + size - 1])
    return banned
