"""The own greedy decode loop (briefing/summarize/decode.py) against transformers' `generate` on a tiny random Llama
built in a tmp folder: batch 1, batches of rows with different prompt lengths that end at different steps, more
prompts than slots (a finished row's slot taken by the next prompt), the shared prompt prefix, the fall-back to
`generate` for a setting the loop does not apply, and out-of-memory retries.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from briefing.config import Device, DType
from briefing.errors import ModelError
from briefing.summarize import decode
from briefing.summarize.generative import GenerationOptions, GenerativeModel, load_generative
from briefing.summarize.prompts import load_template
from tests.tiny_models import SENTENCES, build_causal


@pytest.fixture(scope="module")
def causal_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_causal(tmp_path_factory.mktemp("tiny-llama-decode"))


@pytest.fixture
def model(causal_folder: Path) -> GenerativeModel:
    return load_generative(str(causal_folder), Device.cpu, DType.auto, False)


def _prompts(model: GenerativeModel, count: int) -> list[str]:
    """Map prompts of 1-3 sentences: different lengths, one shared instruction prefix."""
    template = load_template("map")
    return [
        model.render(template, text=" ".join(SENTENCES[i : i + 1 + i % 3]), title="T", sentences=2)
        for i in range(count)
    ]


def _both(model: GenerativeModel, prompts: list[str], **values: object) -> tuple[list[str], list[str]]:
    """(own loop, transformers' generate) with the same options."""
    own = model.generate(prompts, GenerationOptions(**values))  # type: ignore[arg-type]
    reference = model.generate(prompts, GenerationOptions(own_loop=False, **values))  # type: ignore[arg-type]
    return own, reference


def _spy_decode(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the slots of every call of the own loop."""
    calls: list[int] = []
    real = decode.greedy_decode

    def record(model, prompts, slots, limits, share_prefix=True, pack_weights=True):  # type: ignore[no-untyped-def]
        calls.append(slots)
        return real(model, prompts, slots, limits, share_prefix, pack_weights)

    monkeypatch.setattr("briefing.summarize.generative.greedy_decode", record)
    return calls


def _end_rows_at_different_steps(model: GenerativeModel, prompts: list[str]) -> None:
    """Make a token the random model writes early in one output an end-of-sequence token, so that rows end at
    different steps (the test model suppresses its real EOS to write something)."""
    texts = model.generate(prompts, GenerationOptions(max_new_tokens=12, own_loop=False))
    words = [text.split() for text in texts]
    candidates = [word for row in words for word in row[1:]]
    for word in candidates:
        ends = {row.index(word) if word in row else len(row) for row in words}
        if len(ends) > 1:
            model.eos_token_ids = [*model.eos_token_ids, model.tokenizer.convert_tokens_to_ids(word)]
            return
    raise AssertionError("no token ends the random model's rows at different steps")


def test_own_loop_equals_generate_at_batch_one(model: GenerativeModel, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _spy_decode(monkeypatch)
    prompts = _prompts(model, 4)
    own, reference = _both(model, prompts, max_new_tokens=10, batch_size=1)
    assert calls == [1]  # the own loop ran (once, for all prompts), the reference did not call it
    assert own == reference
    assert all(own)


def test_own_loop_equals_generate_when_rows_end_at_different_steps(
    model: GenerativeModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts = _prompts(model, 6)
    _end_rows_at_different_steps(model, prompts)
    calls = _spy_decode(monkeypatch)
    own, reference = _both(model, prompts, max_new_tokens=12, batch_size=6)
    assert calls == [6]
    assert own == reference
    lengths = {len(text.split()) for text in own}
    assert len(lengths) > 1  # rows did end at different steps, some before max_new_tokens
    alone = [model.generate([prompt], GenerationOptions(max_new_tokens=12, batch_size=1))[0] for prompt in prompts]
    assert own == alone


def test_a_finished_rows_slot_takes_the_next_prompt(model: GenerativeModel) -> None:
    prompts = _prompts(model, 7)
    _end_rows_at_different_steps(model, prompts)
    own, reference = _both(model, prompts, max_new_tokens=12, batch_size=2)
    assert own == reference


def test_shared_prefix_changes_nothing_but_the_work(model: GenerativeModel) -> None:
    prompts = _prompts(model, 5)
    ids = [model.tokenizer(prompt, add_special_tokens=model.add_special_tokens)["input_ids"] for prompt in prompts]
    length = decode.shared_prefix(ids)
    assert length >= decode.MIN_SHARED_PREFIX  # the template's instructions
    assert all(row[:length] == ids[0][:length] for row in ids) and ids[0][length] != ids[1][length]
    with_prefix = model.generate(prompts, GenerationOptions(max_new_tokens=10, batch_size=3))
    without = model.generate(prompts, GenerationOptions(max_new_tokens=10, batch_size=3, share_prefix=False))
    assert with_prefix == without


def test_shared_prefix_leaves_every_prompt_a_token_of_its_own() -> None:
    same = list(range(40))
    assert decode.shared_prefix([same, same]) == 39
    assert decode.shared_prefix([same, [*same[:30], 99]]) == 30
    assert decode.shared_prefix([same, [7, *same]]) == 0  # no common start
    assert decode.shared_prefix([same[:10], [*same[:10], 1]]) == 0  # under MIN_SHARED_PREFIX
    assert decode.shared_prefix([same]) == 0


def test_a_setting_the_loop_does_not_apply_goes_to_generate(
    model: GenerativeModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _spy_decode(monkeypatch)
    prompts = _prompts(model, 3)
    model.model.generation_config.repetition_penalty = 1.3
    penalised = model.generate(prompts, GenerationOptions(max_new_tokens=10, batch_size=3))
    assert calls == []
    assert penalised == model.generate(prompts, GenerationOptions(max_new_tokens=10, batch_size=3, own_loop=False))


def test_out_of_memory_halves_the_slots(model: GenerativeModel, monkeypatch: pytest.MonkeyPatch) -> None:
    prompts = _prompts(model, 5)
    expected = model.generate(prompts, GenerationOptions(max_new_tokens=8, batch_size=1))
    real = model._decode
    slots: list[int] = []

    def small_memory(batch: list[str], rows: int, options: GenerationOptions, config: Any) -> list[str]:
        slots.append(rows)
        if rows > 2:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(batch, rows, options, config)

    monkeypatch.setattr(model, "_decode", small_memory)
    assert model.generate(prompts, GenerationOptions(max_new_tokens=8, batch_size=5)) == expected
    assert slots == [5, 2] and model.batch_limit == 2

    def no_memory(batch: list[str], rows: int, options: GenerationOptions, config: Any) -> list[str]:
        raise RuntimeError("CUDA out of memory")

    monkeypatch.setattr(model, "_decode", no_memory)
    with pytest.raises(ModelError, match="out of memory on a single input"):
        model.generate(prompts[:1], GenerationOptions(max_new_tokens=8, batch_size=1))
