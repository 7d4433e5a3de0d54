"""Brief -> the brief.json document: the records as plain JSON values, stamped with `schema_version`.

The schema is documented in `briefing/render/schema/brief.schema.json` (JSON Schema, shipped in the package).
Markdown and HTML are rendered from this document, not from the records,
so anything the reader sees is in brief.json too.

Versioning: `MAJOR.MINOR`. A new optional field bumps MINOR (old readers ignore it); renaming, removing or changing
the meaning of a field bumps MAJOR.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from enum import Enum
from functools import lru_cache
from importlib import resources
from pathlib import PurePath
from typing import Any

from briefing.records import Brief

SCHEMA_VERSION = "1.3"  # 1.2: provenance.intake, provenance.history.already_covered, sentence `reason`, story
# `disagreements`; 1.3: story `first_published` / `last_published` (its span)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, PurePath):
        return str(value)
    return value


def brief_to_dict(brief: Brief) -> dict[str, Any]:
    """Every field of every record, as JSON values; `schema_version` first."""
    return {"schema_version": SCHEMA_VERSION, **_plain(brief)}


def brief_to_json(brief: Brief) -> str:
    return document_to_json(brief_to_dict(brief))


def document_to_json(document: dict[str, Any]) -> str:
    """brief.json's text of a `brief_to_dict` document."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@lru_cache(maxsize=1)
def brief_schema() -> dict[str, Any]:
    """The JSON Schema of brief.json, as shipped in the package."""
    text = (
        resources.files("briefing.render").joinpath("schema").joinpath("brief.schema.json").read_text(encoding="utf-8")
    )
    return json.loads(text)
