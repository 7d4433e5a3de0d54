"""`briefing verify` reports -> Markdown (for a reader), JSON (one document) or JSONL (one record per line).

Per record: `{"id", "sentences": [{"text", "supported", "reason", "score", "citations": [{"source", "sentence",
"text"}]}]}`; `source` and `sentence` count from 1 (the first source, its first sentence). Markdown marks each
unsupported sentence with its reason.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from enum import Enum
from typing import Any

from briefing.records import Citation, Skipped, VerifyReport
from briefing.render.escape import escape_markdown


class VerifyFormat(str, Enum):
    md = "md"
    json = "json"
    jsonl = "jsonl"


def report_to_dict(report: VerifyReport) -> dict[str, Any]:
    return dataclasses.asdict(report)


def render_verification(
    reports: Sequence[VerifyReport], output_format: VerifyFormat, skipped: Sequence[Skipped] = ()
) -> str:
    if output_format is VerifyFormat.jsonl:
        return "".join(json.dumps(report_to_dict(r), ensure_ascii=False) + "\n" for r in reports)
    if output_format is VerifyFormat.json:
        return json.dumps([report_to_dict(r) for r in reports], indent=2, ensure_ascii=False) + "\n"
    return _markdown(reports, skipped)


def _markdown(reports: Sequence[VerifyReport], skipped: Sequence[Skipped]) -> str:
    total = sum(len(r.sentences) for r in reports)
    unsupported = sum(not s.supported for r in reports for s in r.sentences)
    lines = [
        "# Verification",
        "",
        f"{_count(len(reports), 'summary', 'summaries')} · {_count(total, 'sentence', 'sentences')} · "
        f"{unsupported} unsupported",
    ]
    for report in reports:
        supported = sum(s.supported for s in report.sentences)
        lines += ["", f"## {escape_markdown(report.id)} — {supported} of {len(report.sentences)} supported", ""]
        for verdict in report.sentences:
            text = escape_markdown(verdict.text)
            if verdict.supported:
                where = _where(verdict.citations)
                lines.append(f"- {text} *({where}; score {verdict.score:.2f})*")
            else:
                reason = escape_markdown(verdict.reason or "not supported")
                lines.append(f"- **Unsupported:** {text} — *{reason}*")
    if skipped:
        lines += ["", "## Skipped", ""]
        lines += [f"- {escape_markdown(item.source)} — {escape_markdown(item.reason)}" for item in skipped]
    return "\n".join(lines) + "\n"


def _where(citations: Sequence[Citation]) -> str:
    """`source 1: sentences 3, 16; source 2: sentence 1`."""
    by_source: dict[int, list[int]] = {}
    for citation in citations:
        by_source.setdefault(citation.source, []).append(citation.sentence)
    return "; ".join(
        f"source {source}: {_count(len(found), 'sentence', 'sentences').split()[1]} {', '.join(map(str, found))}"
        for source, found in by_source.items()
    )


def _count(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"
