"""Weights shipped inside the package (the guard's classifiers, the grouping pair model), read only after their
sha256 matches the one recorded in the code: altered or mixed-version weights fail with the fix, never run."""

from __future__ import annotations

import hashlib
from pathlib import Path

from briefing.errors import ModelError


def verified_bytes(path: Path, expected_sha256: str, remedy: str) -> bytes:
    """The file's bytes when their sha256 is `expected_sha256`; otherwise a ModelError that ends with `remedy`."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ModelError(f"{path}: unreadable ({error}); {remedy}") from error
    actual = hashlib.sha256(raw).hexdigest()
    if actual != expected_sha256:
        raise ModelError(
            f"{path}: sha256 {actual[:12]}… does not match the expected {expected_sha256[:12]}…; the weights were "
            f"altered or are from another version: {remedy}"
        )
    return raw
