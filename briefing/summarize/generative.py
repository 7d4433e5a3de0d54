"""Generative backends: any local Hugging Face seq2seq or chat/instruct model, or a GGUF file, behind one interface.

The backend is chosen from the model's config: encoder-decoder models (BART, PEGASUS, T5) load through
`AutoModelForSeq2SeqLM` and get the raw text (with T5's task prefix); decoder-only models load through
`AutoModelForCausalLM` and get the prompts from `prompts/`, wrapped in the tokenizer's chat template when it has one.
Inputs are sorted by length and generated in batches (left-padded for decoder-only models, so every prompt ends where
generation starts), greedily or with beams, and a batch that runs out of memory is retried in halves.
"""

from __future__ import annotations

import contextlib
import copy
import io
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from briefing.config import Device, DType, Settings
from briefing.encoder.resolve import EMBEDDED_NAME, ModelLocation, quiet_transformers, resolve_model
from briefing.errors import ModelError
from briefing.summarize.decode import DecodeLimits, greedy_decode, supports_own_loop
from briefing.summarize.model_setup import (
    GenerativeKind,
    context_length,
    model_kind,
    resolve_device,
    resolve_dtype,
    task_prefix,
)
from briefing.summarize.prompts import PromptTemplate
from briefing.summarize.repetition import NO_REPEAT_NGRAM, NoRepeatInOutput, repetition_settings

if TYPE_CHECKING:
    from briefing.summarize.base import TextGenerator

log = logging.getLogger(__name__)


PROMPT_MARGIN = 8  # tokens kept free: text and template can tokenize differently where they meet
MIN_INPUT_TOKENS = 32  # below this a chunk holds less than a sentence: the settings cannot work
PLAIN_PROMPT_END = "\n\nSummary:\n"  # decoder-only models without a chat template continue after this
OUT_OF_MEMORY_MARKERS = ("out of memory", "can't allocate memory", "not enough memory")

T = TypeVar("T")


@dataclass(frozen=True)
class GenerationOptions:
    max_new_tokens: int = 160
    num_beams: int = 1
    batch_size: int = 8
    own_loop: bool = True  # greedy decoder-only generation through decode.greedy_decode where it supports the config
    share_prefix: bool = True  # the own loop prefills the prompts' shared beginning once
    pack_weights: bool = True  # the own loop runs the linear layers on packed oneDNN weights (CPU, float32)

    @classmethod
    def from_settings(cls, settings: Settings) -> GenerationOptions:
        return cls(settings.max_new_tokens, settings.num_beams, settings.batch_size)


class GenerativeModel:
    """A loaded model and its tokenizer, with what the summarizers need: token counts, budgets, prompts, generation."""

    def __init__(
        self,
        location: ModelLocation,
        device: Device = Device.cpu,
        dtype: DType = DType.auto,
        allow_unsafe: bool = False,
    ) -> None:
        from transformers import AutoConfig, AutoTokenizer

        quiet_transformers()
        self.name = location.name
        self.location = location
        folder = str(location.folder)
        gguf = {"gguf_file": location.gguf_file} if location.gguf_file else {}
        config = self._attempt("config", lambda: AutoConfig.from_pretrained(folder, local_files_only=True, **gguf))
        self.kind: GenerativeKind = model_kind(config, self.name)
        self.tokenizer = self._attempt(
            "tokenizer", lambda: AutoTokenizer.from_pretrained(folder, local_files_only=True, **gguf)
        )
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        self.model = self._load_weights(folder, gguf, allow_unsafe)
        self.context_tokens, self.position_limit = context_length(config, self.tokenizer)
        self.chat_template = self.kind == "causal" and bool(getattr(self.tokenizer, "chat_template", None))
        # Chat templates write their own special tokens (HF convention); raw inputs get the tokenizer's BOS/EOS.
        self.add_special_tokens = not self.chat_template
        self.task_prefix = task_prefix(config) if self.kind == "seq2seq" else ""
        self.batch_limit: int | None = None  # lowered for the rest of the run after an out-of-memory
        self._setup_padding()

    def _attempt(self, what: str, load: Callable[[], T]) -> T:
        try:
            return load()
        except ModelError:
            raise
        except Exception as error:  # transformers raises many kinds; the user needs the model, the part and the reason
            reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise ModelError(f"{self.name}: cannot load the {what} ({error.__class__.__name__}: {reason})") from None

    def _load_weights(self, folder: str, gguf: dict[str, str], allow_unsafe: bool) -> Any:
        from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM

        model_class = AutoModelForSeq2SeqLM if self.kind == "seq2seq" else AutoModelForCausalLM
        options: dict[str, Any] = {"local_files_only": True, "dtype": self.dtype, **gguf}
        if not gguf:
            has_safetensors = any(Path(folder).glob("*.safetensors"))
            options["use_safetensors"] = True if has_safetensors or not allow_unsafe else None
        # The GGUF loader draws a tqdm bar on stderr that transformers' own switch does not reach.
        with contextlib.redirect_stderr(io.StringIO()):
            model = self._attempt("model", lambda: model_class.from_pretrained(folder, **options))
        return model.to(self.device).eval()

    def _setup_padding(self) -> None:
        tokenizer = self.tokenizer
        tokenizer.padding_side = "left" if self.kind == "causal" else "right"
        if tokenizer.pad_token is None and tokenizer.eos_token is not None:
            tokenizer.pad_token = tokenizer.eos_token  # only ever attended with mask 0, so any token will do
        if tokenizer.pad_token is None:
            self.batch_limit = 1  # nothing to pad with: one input at a time
        eos_ids = _as_list(self.model.generation_config.eos_token_id) + _as_list(tokenizer.eos_token_id)
        self.eos_token_ids = list(dict.fromkeys(eos_ids))
        self.pad_token_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else (eos_ids or [0])[0]

    # -- tokens and prompts -------------------------------------------------------------------------------------

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` on its own, without special tokens: what chunking budgets with."""
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def prompt_tokens(self, prompt: str) -> int:
        """Tokens of a finished model input, exactly as `generate` will encode it."""
        return len(self.tokenizer(prompt, add_special_tokens=self.add_special_tokens)["input_ids"])

    def render(self, template: PromptTemplate, **values: object) -> str:
        """The model input for one text: the raw text for seq2seq models, the filled template for decoder-only ones."""
        if self.kind == "seq2seq":
            # Summarization seq2seq models were trained on bare articles; a refine step shows them summary + text.
            parts = [str(values.get("summary") or ""), str(values.get("text") or "")]
            return self.task_prefix + "\n".join(part for part in parts if part)
        messages = template.messages(**values)
        if not self.chat_template:
            return "\n\n".join(message["content"] for message in messages) + PLAIN_PROMPT_END
        try:
            return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        except Exception:  # some templates (Gemma's) refuse a system turn: fold it into the user turn
            merged = [{"role": "user", "content": "\n\n".join(message["content"] for message in messages)}]
            return self.tokenizer.apply_chat_template(merged, tokenize=False, add_generation_prompt=True)

    def input_budget(
        self, template: PromptTemplate, options: GenerationOptions, values: Mapping[str, object], reserve: int = 0
    ) -> int:
        """Tokens left for the `{text}` of one prompt: context minus the prompt around it, the output and `reserve`."""
        return input_budget(self, template, options, reserve, **values)

    # -- generation -----------------------------------------------------------------------------------------------

    def generate(self, prompts: Sequence[str], options: GenerationOptions) -> list[str]:
        """One generated text per prompt, in order. Longest first, so an out-of-memory shows up in the first batch."""
        if not prompts:
            return []
        lengths = [self.prompt_tokens(prompt) for prompt in prompts]
        self._check_fits(max(lengths), options)
        order = sorted(range(len(prompts)), key=lambda i: -lengths[i])
        size = min(options.batch_size, self.batch_limit or options.batch_size)
        config = self._generation_config(options)
        if self._uses_own_loop(options, config):
            return self._generate_own([prompts[i] for i in order], order, size, options, config)
        pending = [order[i : i + size] for i in range(0, len(order), size)]
        outputs: dict[int, str] = {}
        while pending:
            batch = pending.pop(0)
            try:
                texts = self._generate_batch([prompts[i] for i in batch], config)
            except Exception as error:
                if not is_out_of_memory(error):
                    raise
                size = self._halve(len(batch))
                log.warning("%s: out of memory with batch size %d; retrying with %d", self.name, len(batch), size)
                remaining = batch + [index for rest in pending for index in rest]
                pending = [remaining[i : i + size] for i in range(0, len(remaining), size)]
                continue
            outputs.update(zip(batch, texts, strict=True))
        return [outputs[i] for i in range(len(prompts))]

    def _uses_own_loop(self, options: GenerationOptions, config: Any) -> bool:
        return (
            options.own_loop
            and self.kind == "causal"
            and options.num_beams == 1
            and supports_own_loop(self.model, config)
        )

    def _generate_own(
        self, prompts: list[str], order: list[int], size: int, options: GenerationOptions, config: Any
    ) -> list[str]:
        """`prompts` (in `order` of the caller's list) through the own decode loop under generation `config`; an
        out-of-memory halves the slots and starts again."""
        while True:
            try:
                texts = self._decode(prompts, size, options, config)
                break
            except Exception as error:
                if not is_out_of_memory(error):
                    raise
                size = self._halve(size)
                log.warning("%s: out of memory with %d rows per step; retrying with %d", self.name, size * 2, size)
        outputs = dict(zip(order, texts, strict=True))
        return [outputs[i] for i in range(len(prompts))]

    def _decode(self, prompts: list[str], slots: int, options: GenerationOptions, config: Any) -> list[str]:
        limits = DecodeLimits(
            max_new_tokens=options.max_new_tokens,
            eos_token_ids=frozenset(self.eos_token_ids),
            suppress_tokens=tuple(config.suppress_tokens or ()),
            no_repeat_ngram=NO_REPEAT_NGRAM,
        )
        ids = [self.tokenizer(prompt, add_special_tokens=self.add_special_tokens)["input_ids"] for prompt in prompts]
        generated = greedy_decode(self.model, ids, slots, limits, options.share_prefix, options.pack_weights)
        return [text.strip() for text in self.tokenizer.batch_decode(generated, skip_special_tokens=True)]

    def _halve(self, size: int) -> int:
        """The batch size after an out-of-memory at `size`, kept for the rest of the run."""
        if size == 1:
            raise ModelError(
                f"{self.name}: out of memory on a single input on {self.device}; "
                "lower --max-new-tokens or --beams, or use another --device"
            ) from None
        self._free_memory()
        self.batch_limit = size // 2
        return self.batch_limit

    def _check_fits(self, longest: int, options: GenerationOptions) -> None:
        """Past its position table a model crashes or writes noise: refuse before generating, with the fix."""
        if self.position_limit is None:
            return
        if self.kind == "seq2seq" and options.max_new_tokens > self.position_limit:  # the decoder has its own table
            raise ModelError(
                f"{self.name}: --max-new-tokens {options.max_new_tokens} is over the model's "
                f"{self.position_limit} positions; lower it"
            )
        needed = longest + (options.max_new_tokens if self.kind == "causal" else 0)
        if needed > self.position_limit:
            raise ModelError(
                f"{self.name}: an input of {longest} tokens does not fit the model's {self.position_limit} positions"
            )

    def _generation_config(self, options: GenerationOptions) -> Any:
        config = copy.deepcopy(self.model.generation_config)
        # Greedy or beam search only: the same article must give the same summary (the cache and the analyst rely on
        # it), so sampling settings shipped with the model are switched off.
        config.update(
            do_sample=False,
            temperature=None,
            top_p=None,
            top_k=None,
            num_beams=options.num_beams,
            num_return_sequences=1,
            max_new_tokens=options.max_new_tokens,
            max_length=None,
            early_stopping=options.num_beams > 1,
            pad_token_id=self.pad_token_id,
            eos_token_id=self.eos_token_ids or None,
            **repetition_settings(config, self.kind),
        )
        return config

    def _generate_batch(self, prompts: list[str], config: Any) -> list[str]:
        """One batch through transformers' `generate` (which copies `config`, so one serves every batch)."""
        import torch

        encoded = self.tokenizer(
            prompts, return_tensors="pt", padding=True, add_special_tokens=self.add_special_tokens
        ).to(self.device)
        extra: dict[str, Any] = {}
        if self.kind == "causal":  # the article is in the sequence: ban repeats in the generated part only
            from transformers import LogitsProcessorList

            prompt_length = encoded["input_ids"].shape[1]
            extra["logits_processor"] = LogitsProcessorList([NoRepeatInOutput(NO_REPEAT_NGRAM, prompt_length)])
        with torch.inference_mode():
            generated = self.model.generate(**encoded, generation_config=config, **extra)
        if self.kind == "causal":  # left padding: every prompt ends at the same column
            generated = generated[:, encoded["input_ids"].shape[1] :]
        return [text.strip() for text in self.tokenizer.batch_decode(generated, skip_special_tokens=True)]

    def _free_memory(self) -> None:
        import gc

        import torch

        gc.collect()
        if self.device.type == "cuda":
            torch.cuda.empty_cache()
        elif self.device.type == "mps":
            torch.mps.empty_cache()


def input_budget(
    model: TextGenerator, template: PromptTemplate, options: GenerationOptions, reserve: int = 0, **values: object
) -> int:
    """Tokens left for the `{text}` of one prompt of `model` (any backend): context minus the prompt around it, the
    output and `reserve`."""
    empty = model.render(template, **{**values, "text": "", "summary": ""})
    budget = model.context_tokens - model.prompt_tokens(empty) - PROMPT_MARGIN - reserve
    if model.kind == "causal":  # a decoder-only model writes into the same context window
        budget -= options.max_new_tokens
    if budget < MIN_INPUT_TOKENS:
        raise ModelError(
            f"{model.name}: a context of {model.context_tokens} tokens leaves only {max(budget, 0)} for the "
            f"article once the prompt and {options.max_new_tokens} new tokens are counted; lower --max-new-tokens"
        )
    return budget


def load_generative(model: str, device: Device, dtype: DType, allow_unsafe: bool) -> GenerativeModel:
    """Resolve and load a generative model (`RunModels.generator` holds it for one run)."""
    location = resolve_model(model, allow_unsafe)
    if location.name == EMBEDDED_NAME:
        raise ModelError(f"{model}: the embedded model is a sentence encoder and cannot write summaries")
    return GenerativeModel(location, device, dtype, allow_unsafe)


def is_out_of_memory(error: BaseException) -> bool:
    import torch

    if isinstance(error, (MemoryError, torch.cuda.OutOfMemoryError)):
        return True
    return isinstance(error, RuntimeError) and any(marker in str(error).lower() for marker in OUT_OF_MEMORY_MARKERS)


def _as_list(value: int | list[int] | None) -> list[int]:
    if value is None:
        return []
    return [value] if isinstance(value, int) else list(value)
