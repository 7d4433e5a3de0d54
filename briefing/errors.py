"""Errors that carry a one-line, user-facing reason.

Library code raises these; only `cli.py` turns them into exit codes.
"""

from __future__ import annotations


class BriefingError(Exception):
    """Base class: the message is a complete one-line explanation for the user."""


class SourceError(BriefingError):
    """One input (file, URL, feed item, JSONL line) could not be used; the batch carries on."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class ModelError(BriefingError):
    """A model could not be found, verified or loaded."""


class ConfigError(BriefingError):
    """Settings that cannot work together, caught before any work starts."""


class OutputError(BriefingError):
    """An output file could not be written (no folder, a folder in the way, a full disk); the message says what
    was kept."""
