"""Tolerant readers of a brief.json document: a value of the wrong type reads as empty, never as an error.

Shared by the view of the composed brief (`briefing.render.view`) and of the run's own report
(`briefing.render.run_notes`), so a document of an older or newer minor schema version still renders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from briefing.render.escape import plain_text


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def mappings(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, (list, tuple)) else []


def positive_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def positive_ints(value: Any) -> tuple[int, ...]:
    if not isinstance(value, (list, tuple)):
        return ()
    return tuple(dict.fromkeys(n for v in value if (n := positive_int(v)) is not None))


def texts(value: Any) -> tuple[str, ...]:
    """Names as strings; entity records (`{"text": ...}` or `{"name": ...}`) are read too."""
    if not isinstance(value, (list, tuple)):
        return ()
    names = (plain_text(v.get("text") or v.get("name")) if isinstance(v, Mapping) else plain_text(v) for v in value)
    return unique(names)


def unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"
