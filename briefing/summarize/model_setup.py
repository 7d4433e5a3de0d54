"""What a generative model's config says before it runs: its kind (seq2seq or causal), its context length, the
task prefix T5-style models are told, and the torch device and dtype it runs on.

Split from `generative.py`, which loads the weights and generates; these read only the config, tokenizer and torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from briefing.config import Device, DType
from briefing.errors import ModelError

if TYPE_CHECKING:
    import torch

GenerativeKind = Literal["seq2seq", "causal"]  # the model kinds that write text
MAX_CONTEXT = 4096  # longer contexts cost quadratic attention on CPU and small models lose the thread; we chunk instead
DEFAULT_CONTEXT = 512  # neither config nor tokenizer gives a limit (T5's relative positions): its training length
GENERATIVE_ARCHITECTURES = ("ForCausalLM", "LMHeadModel", "ForConditionalGeneration", "ForSeq2SeqLM")
POSITION_FIELDS = ("max_position_embeddings", "n_positions", "max_source_positions", "n_ctx", "seq_length")


def model_kind(config: Any, name: str) -> GenerativeKind:
    """seq2seq or causal, from the config; a model that cannot generate text is refused with its class named."""
    from transformers.models.auto.modeling_auto import (
        MODEL_FOR_CAUSAL_LM_MAPPING_NAMES,
        MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING_NAMES,
    )

    architectures = tuple(getattr(config, "architectures", None) or ())
    if architectures and not any(arch.endswith(GENERATIVE_ARCHITECTURES) for arch in architectures):
        raise ModelError(
            f"{name}: {architectures[0]} cannot generate text; pass a seq2seq (BART, PEGASUS, T5) "
            "or a chat/instruct model"
        )
    model_type = getattr(config, "model_type", "")
    if getattr(config, "is_encoder_decoder", False) and model_type in MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING_NAMES:
        return "seq2seq"
    if model_type in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        return "causal"
    raise ModelError(f"{name}: model type {model_type!r} is neither a seq2seq nor a causal language model")


def context_length(config: Any, tokenizer: Any) -> tuple[int, int | None]:
    """(tokens the input may use, the model's hard position limit if it has one).

    The smaller of the config's position limit and the tokenizer's model_max_length (ignored when it is the
    'no limit' sentinel), capped at MAX_CONTEXT.
    """
    text_config = config.get_text_config() if hasattr(config, "get_text_config") else config
    positions = next(
        (
            int(value)
            for field in POSITION_FIELDS
            for source in (text_config, config)
            if isinstance(value := getattr(source, field, None), int) and value > 0
        ),
        None,
    )
    tokenizer_limit = getattr(tokenizer, "model_max_length", None)
    tokenizer_limit = int(tokenizer_limit) if isinstance(tokenizer_limit, int) and 0 < tokenizer_limit < 10**6 else None
    limits = [limit for limit in (positions, tokenizer_limit) if limit]
    return min(min(limits) if limits else DEFAULT_CONTEXT, MAX_CONTEXT), positions


def resolve_device(device: Device) -> torch.device:
    import torch

    mps_available = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if device is Device.auto:
        return torch.device("cuda" if torch.cuda.is_available() else "mps" if mps_available else "cpu")
    if device is Device.cuda and not torch.cuda.is_available():
        raise ModelError("--device cuda: torch sees no CUDA GPU here; use --device cpu or --device auto")
    if device is Device.mps and not mps_available:
        raise ModelError("--device mps: Apple MPS is not available here; use --device cpu or --device auto")
    return torch.device(device.value)


def resolve_dtype(dtype: DType, device: torch.device) -> torch.dtype:
    import torch

    if dtype is not DType.auto:
        return getattr(torch, dtype.value)
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device.type == "mps":
        return torch.float16
    return torch.float32  # CPU half precision is slow and lossy


def task_prefix(config: Any) -> str:
    """T5-style models are told the task in the input ("summarize: "); their config says so."""
    params = getattr(config, "task_specific_params", None) or {}
    prefix = (params.get("summarization") or {}).get("prefix")
    return prefix if isinstance(prefix, str) else ""
