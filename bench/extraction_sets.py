"""The two HTML extraction sets as `bench/clean.py` and its throughput table read them: the `extraction/` pages
(HTML, text dump and gold body per key) and the `extraction-trafilatura/` snippet pages (HTML and must-keep /
must-drop snippets per URL), in one order, the first `limit` of each (0: all)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ExtractionPage:
    key: str
    url: str | None
    gold: str  # the human-marked article body
    dump: str  # the page's text dump
    html: str


@dataclass(frozen=True)
class SnippetPage:
    url: str
    entry: dict[str, Any]  # evaldata.json's record: "file", "with" (must keep), "without" (must drop)
    html: str


def _html(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8", "replace")


def extraction_pages(folder: Path, limit: int) -> list[ExtractionPage]:
    """`folder` is `extraction/`: ground-truth.json, html/KEY.html.gz, text/KEY.txt."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        ExtractionPage(
            key,
            truth[key].get("url"),
            truth[key]["articleBody"],
            (folder / "text" / f"{key}.txt").read_text(encoding="utf-8"),
            _html(folder / "html" / f"{key}.html.gz"),
        )
        for key in sorted(truth)[: limit or None]
    ]


def snippet_pages(folder: Path, limit: int) -> list[SnippetPage]:
    """`folder` is `extraction-trafilatura/`: evaldata.json and html/FILE."""
    evaluation = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    return [
        SnippetPage(url, entry, _html(folder / "html" / entry["file"]))
        for url, entry in sorted(evaluation.items())[: limit or None]
    ]
