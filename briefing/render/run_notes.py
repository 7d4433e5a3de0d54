"""What the run says about itself, for the page: what intake left out (ingest's date window and language), what
the history left out (`--new-only`), and the provenance footer (model, method, inputs, time, version)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from briefing.render.escape import plain_text
from briefing.render.reading import mappings, plural, positive_int

HASH_PREFIX = 12  # hex digits of a weights hash shown in the footer: enough to tell builds apart at a glance


@dataclass(frozen=True)
class CoveredView:
    """A story `--new-only` left out: an earlier brief covered it and nothing new came in."""

    headline: str
    first_briefed: str  # ISO date of the earlier brief


def already_covered(history: Mapping[str, Any]) -> tuple[CoveredView, ...]:
    return tuple(
        CoveredView(plain_text(item.get("headline")), plain_text(item.get("first_briefed")))
        for item in mappings(history.get("already_covered"))
        if plain_text(item.get("headline"))
    )


def intake_notes(intake: Mapping[str, Any]) -> tuple[str, ...]:
    """What the window and the language left out, as the run reported it (`briefing.window.Intake.report`)."""
    notes = []
    window, first_day = plain_text(intake.get("window")), plain_text(intake.get("first_day"))
    for key, text in (
        ("older", f"older {{}} left out (window {window}: published before {first_day})"),
        ("later", "{} dated after the brief date left out"),
        ("other_language", "{} in another language left out"),
    ):
        count = len(intake.get(key) or []) if isinstance(intake.get(key), list) else 0
        if count:
            notes.append(f"{count} " + text.format("article" if count == 1 else "articles"))
    undated = positive_int(intake.get("undated_kept"))
    if undated:
        notes.append(f"{plural(undated, 'undated article', 'undated articles')} kept (marked undated)")
    return tuple(notes)


def provenance_footer(provenance: Mapping[str, Any]) -> tuple[str, ...]:
    """The footer: what made this brief, in a line. Every value is optional."""
    items = []
    model = provenance.get("model")
    model_name = plain_text(model.get("id") or model.get("name")) if isinstance(model, Mapping) else plain_text(model)
    weights_hash = _weights_hash(provenance)
    if model_name:
        items.append(f"model {model_name}" + (f" (sha256 {weights_hash[:HASH_PREFIX]})" if weights_hash else ""))
    if method := plain_text(provenance.get("method")):
        items.append(f"method {method}")
    if isinstance(provenance.get("inputs"), list):
        count = len(provenance["inputs"])
        items.append(f"{count} input{'' if count == 1 else 's'}")
    seconds = provenance.get("seconds", provenance.get("elapsed_seconds"))
    if isinstance(seconds, (int, float)) and not isinstance(seconds, bool):
        items.append(f"{seconds:.1f} s")
    if version := plain_text(provenance.get("briefing_version")):
        items.append(f"briefing {version}")
    if generated := plain_text(provenance.get("generated_at")):
        items.append(f"generated {generated}")
    return tuple(items)


def _weights_hash(provenance: Mapping[str, Any]) -> str:
    model = provenance.get("model")
    candidates = [provenance.get(k) for k in ("weights_sha256", "model_sha256", "weights_hash", "model_hash")]
    if isinstance(model, Mapping):
        candidates += [model.get("sha256"), model.get("weights_sha256")]
    weights = provenance.get("weights")
    if isinstance(weights, Mapping):
        candidates += [weights.get("sha256")]
    return next((plain_text(c) for c in candidates if isinstance(c, str) and c.strip()), "")
