"""The summary cache: SQLite at `cache_dir/summaries.sqlite3`; a second run over the same articles does no model work.

Key: article content hash + title, the model's name and weights fingerprint, the method, the parameters that change
the output, the prompt version and a fingerprint of the summarizing code (models, guard, splitter). Value: the
finished Summary (after the guard) as JSON.

Robust by design: WAL journal and a busy timeout so two runs can share the file, a commit per batch so an interrupted
run keeps what it finished, and a corrupt or unreadable file is reported with a warning and rebuilt (or the run goes
on without a cache): the cache never makes a run fail.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from briefing.config import EMBEDDED_MODEL, OPENAI_PREFIX, Affects, Method, Settings
from briefing.records import Article, Summary, SummarySentence
from briefing.store import connect_cache, open_cache_file

log = logging.getLogger(__name__)

DB_NAME = "summaries.sqlite3"
SCHEMA_VERSION = 1
FALLBACK_PROMPT_VERSION = "prompts-unversioned"
HASHED_WEIGHT_LIMIT = 512 << 20  # weights up to this size are hashed; bigger ones are fingerprinted by size + mtime
WEIGHT_SUFFIXES = (".safetensors", ".gguf", ".bin", ".pt", ".pth", ".ckpt")
PACKAGE = Path(__file__).resolve().parents[1]  # briefing/
# Code whose change changes summaries: the summarize stage (summarizers, guard, chunker, prompts), the encoder, the
# splitter, the reader of generated output.
CODE_FILES = (
    "summarize/**/*.py",
    "summarize/**/*.json",
    "summarize/prompts/*.txt",
    "encoder/*.py",
    "text.py",
    "summary_text.py",
)


class SummaryCache:
    """One connection per instance (and thread); open it with `SummaryCache.open(cache_dir)`."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self.path = path
        self.disabled = False

    @classmethod
    def open(cls, cache_dir: Path) -> SummaryCache | None:
        """The cache in `cache_dir`, rebuilt if corrupt; None (with a warning) when it cannot be used at all."""
        opened = open_cache_file(cache_dir / DB_NAME, _connect, "summary cache", log)
        return cls(*opened) if opened else None

    def get_many(self, keys: Iterable[str]) -> dict[str, Summary]:
        """The cached summaries among `keys`; entries that no longer deserialise are treated as misses."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Summary] = {}
        if self.disabled or not wanted:
            return found
        try:
            for start in range(0, len(wanted), 500):  # SQLite limits bound parameters per statement
                batch = wanted[start : start + 500]
                marks = ",".join("?" * len(batch))
                rows = self._connection.execute(f"SELECT key, payload FROM summaries WHERE key IN ({marks})", batch)
                for key, payload in rows:
                    summary = _decode(payload)
                    if summary is not None:
                        found[key] = summary
        except sqlite3.DatabaseError as error:
            self._give_up("read", error)
        return found

    def get(self, key: str) -> Summary | None:
        return self.get_many([key]).get(key)

    def put_many(self, entries: Mapping[str, Summary]) -> None:
        """Store a batch in one transaction: after it returns, an interrupted run keeps these."""
        if self.disabled or not entries:
            return
        now = time.time()
        rows = [
            (key, summary.article_id, summary.model, summary.method, now, _encode(summary))
            for key, summary in entries.items()
        ]
        try:
            with self._connection:
                self._connection.executemany(
                    "INSERT OR REPLACE INTO summaries (key, article_id, model, method, created, payload) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    rows,
                )
        except sqlite3.DatabaseError as error:
            self._give_up("write", error)

    def put(self, key: str, summary: Summary) -> None:
        self.put_many({key: summary})

    def __len__(self) -> int:
        return int(self._connection.execute("SELECT COUNT(*) FROM summaries").fetchone()[0])

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> SummaryCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _give_up(self, action: str, error: sqlite3.DatabaseError) -> None:
        # A cache is an optimisation: one that fails mid-run is switched off for the run, never fatal.
        log.warning("summary cache %s: cannot %s (%s); going on without the cache", self.path, action, error)
        self.disabled = True


def _connect(path: Path) -> sqlite3.Connection:
    return connect_cache(
        path,
        "summaries",
        (
            "CREATE TABLE IF NOT EXISTS summaries (key TEXT PRIMARY KEY, article_id TEXT NOT NULL, "
            "model TEXT NOT NULL, method TEXT NOT NULL, created REAL NOT NULL, payload TEXT NOT NULL)",
        ),
        SCHEMA_VERSION,
    )


def _encode(summary: Summary) -> str:
    return json.dumps(dataclasses.asdict(summary), ensure_ascii=False, separators=(",", ":"))


def _decode(payload: str) -> Summary | None:
    try:
        data = json.loads(payload)
        sentences = tuple(
            SummarySentence(**{**sentence, "citations": tuple(sentence["citations"])}) for sentence in data["sentences"]
        )
        return Summary(data["article_id"], sentences, data["method"], data["model"])
    except (ValueError, TypeError, KeyError):
        return None  # written by an older layout of the records: recompute


def cache_key(article: Article, settings: Settings, model_fingerprint: str, prompt_version: str) -> str:
    parts: dict[str, Any] = {
        "article": article.id,
        "title": article.title,
        "model": settings.model,
        "weights": model_fingerprint,
        "method": settings.method.value,
        "parameters": summary_parameters(settings),
        "prompt": prompt_version,
        "code": code_fingerprint(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def summary_parameters(settings: Settings) -> dict[str, Any]:
    """The settings that change a summary (their `affects` metadata says so); generation settings matter only to
    generative methods."""
    parameters = settings.affecting(Affects.summary)
    if settings.method is not Method.extractive:
        from briefing.summarize.guard import GUARD_VERSION

        parameters |= settings.affecting(Affects.generation) | {"guard_version": GUARD_VERSION}
    return parameters


def prompt_version(settings: Settings) -> str:
    """The generative prompts' version; extractive summaries use no prompt."""
    if settings.method is Method.extractive:
        return "none"
    try:
        from briefing.summarize.prompts import prompt_version as current_prompt_version

        return current_prompt_version()
    except Exception as error:  # prompts missing or malformed: the summarizer will report it; key on a constant
        log.debug("no prompt version (%s)", error)
        return FALLBACK_PROMPT_VERSION


def model_fingerprint(settings: Settings) -> str:
    """What identifies the weights: the embedded model's known sha256, else the weight files' hashes or stats."""
    from briefing.encoder.resolve import EMBEDDED_SHA256

    if settings.model == EMBEDDED_MODEL:
        return f"sha256:{EMBEDDED_SHA256}"
    if settings.model.startswith(OPENAI_PREFIX):
        # The weights live on the server; its URL and the served name are what we can know of them.
        return f"server:{settings.endpoint}"
    path = Path(settings.model).expanduser()
    if path.is_file():  # a .gguf file
        return _file_fingerprint(path)
    if not path.is_dir():  # a hub id: its snapshot folder in the local Hugging Face cache
        from briefing.encoder.resolve import resolve_model
        from briefing.errors import ModelError

        try:
            path = resolve_model(settings.model, settings.allow_unsafe_weights).folder
        except ModelError:
            return "unresolved"  # the summarizer raises the real error before anything is cached
    files = sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(WEIGHT_SUFFIXES))
    return ";".join(_file_fingerprint(p) for p in files) or f"folder:{path.resolve()}"


def _file_fingerprint(path: Path) -> str:
    stat = path.stat()
    if stat.st_size <= HASHED_WEIGHT_LIMIT:
        return f"{path.name}:sha256:{_sha256_by_stat(str(path), stat.st_size, stat.st_mtime_ns)}"
    return f"{path.name}:size:{stat.st_size}:mtime:{stat.st_mtime_ns}"


@lru_cache(maxsize=64)
def _sha256_by_stat(path: str, size: int, mtime_ns: int) -> str:
    """Hash once per process per file version (size and mtime are part of the cache key of this function)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 over the summarizing code, so a changed scorer, prompt builder or guard never serves stale summaries."""
    digest = hashlib.sha256()
    for pattern in CODE_FILES:
        for path in sorted(PACKAGE.glob(pattern)):
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
