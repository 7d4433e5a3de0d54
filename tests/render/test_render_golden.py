"""Golden files: brief.md for a fixed date, from real articles in tests/data, compared line by line.

Values that legitimately vary between runs (time taken, package version, generation time, weights hash) are
written in the golden files as `{{re:PATTERN}}` and matched as regular expressions; everything else must match
exactly. Markdown escapes every `{` that comes from input, so `{{re:` can only be a placeholder.

To accept an intended change in the output, regenerate and review the diff:

    BRIEFING_UPDATE_GOLDEN=1 python -m pytest -q tests/test_render_golden.py && git diff tests/golden
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.config import Settings
from briefing.pipeline import load_articles
from briefing.records import Article, Brief, BriefSentence, InputRecord, Provenance, Skipped, Source, Story
from briefing.render import OutputFormat, render

GOLDEN = Path(__file__).parents[1] / "golden"
UPDATE = os.environ.get("BRIEFING_UPDATE_GOLDEN") == "1"
PLACEHOLDER = re.compile(r"\{\{re:(.+?)\}\}(?!\})")  # the pattern may itself end in "}", as in {{re:x{12}}}
# What varies from run to run, and the placeholder an update writes in its place.
VARYING = (
    (re.compile(r"(?<= · )\d+\.\d s(?= · )"), r"{{re:\d+\.\d}} s"),
    (re.compile(r"(?<=briefing )\d+\.\d+[0-9A-Za-z.+-]*"), r"{{re:\d+\.\d+[0-9A-Za-z.+-]*}}"),
    (re.compile(r"(?<=generated )\S+"), r"{{re:\S+}}"),
    (re.compile(r"(?<=sha256 )[0-9a-f]{12}"), r"{{re:[0-9a-f]{12}}}"),
)
DATE_ARGS = ["--date", "2026-11-25"]
INPUTS = ("brief_articles.jsonl", "page.html.gz", "panjshir-valley-scraped.txt", "cnn_sample.jsonl")


def _as_golden(text: str) -> str:
    for pattern, placeholder in VARYING:
        text = pattern.sub(lambda _m, p=placeholder: p, text)
    return text


def _line_pattern(golden_line: str) -> re.Pattern[str]:
    pieces = PLACEHOLDER.split(golden_line)  # literal, pattern, literal, pattern, ...
    return re.compile("".join(piece if i % 2 else re.escape(piece) for i, piece in enumerate(pieces)))


def assert_matches_golden(actual: str, name: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(_as_golden(actual), encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; create it with BRIEFING_UPDATE_GOLDEN=1"
    expected_lines = path.read_text(encoding="utf-8").splitlines()
    actual_lines = actual.splitlines()
    for number, (expected, got) in enumerate(zip(expected_lines, actual_lines, strict=False), start=1):
        assert _line_pattern(expected).fullmatch(got), (
            f"{name} line {number}:\n expected {expected!r}\n      got {got!r}"
        )
    assert len(actual_lines) == len(expected_lines), (
        f"{name}: {len(actual_lines)} lines, golden has {len(expected_lines)}"
    )


def test_golden_placeholders_match_only_their_values() -> None:
    line = "*Provenance:* model embedded (sha256 53aa51172d14) · 2.3 s · briefing 0.1.0 · generated 2026-11-25T06:00"
    golden = _as_golden(line)
    assert "{{re:" in golden and "53aa51172d14" not in golden
    assert _line_pattern(golden).fullmatch(line.replace("2.3 s", "17.0 s").replace("0.1.0", "0.2.0rc1"))
    assert not _line_pattern(golden).fullmatch(line.replace("method", "x").replace("embedded", "other"))
    assert not _line_pattern(golden).fullmatch(line.replace("2.3 s", "soon"))


def test_daily_brief_markdown_matches_golden(
    tmp_path: Path, data_dir: Path, fake_summarizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole daily run on real articles (summaries by the fake summarizer): what a reader of brief.md sees."""
    monkeypatch.chdir(tmp_path)  # relative input paths, so the Sources section does not depend on where tests run
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    (tmp_path / "data").mkdir()
    for name in INPUTS:
        shutil.copy(data_dir / name, tmp_path / "data" / name)
    sources = [f"data/{name}" for name in INPUTS] + ["data/missing.txt"]
    args = ["daily", *sources, *DATE_ARGS, "--out", "outputs", "--cache-dir", "cache", "--quiet"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert_matches_golden((tmp_path / "outputs" / "2026-11-25" / "brief.md").read_text(encoding="utf-8"), "daily.md")


def _full_brief(articles: list[Article]) -> Brief:
    """Every part of a brief, built by hand from real article sentences (no composition involved).

    `articles` are those of brief_articles.jsonl in file order: two reports of the Curiosity landing (Multi-News),
    three of a missing teen (Multi-News), two BBC business stories.
    """
    rover, teen, noted = articles[0:2], articles[2:5], articles[5:7]
    ordered = rover + teen + noted
    sources = tuple(
        Source(n, a.id, a.title, a.source, a.url, a.site, a.published, a.author) for n, a in enumerate(ordered, 1)
    )
    stories = (
        Story(
            "rover",
            "Curiosity rover set to land on Mars",
            (
                BriefSentence(rover[0].sentences[0], (1,), id="s1-1"),
                BriefSentence(rover[1].sentences[0], (2,), id="s1-2"),
                BriefSentence(rover[1].sentences[2], (2,), flagged=True, id="s1-3"),
            ),
            (1, 2),
            actors=("NASA", "Curiosity"),
            places=("Mars", "Earth"),
        ),
        Story(
            "teen",
            "Missing Orofino teen found safe",
            tuple(BriefSentence(a.sentences[1], (n,), id=f"s2-{n - 2}") for n, a in enumerate(teen, 3)),
            (3, 4, 5),
            actors=("Kristian Perez", "Tyson Imel"),
            places=("Orofino", "Idaho"),
            status="update",
            truncated=True,
            previously_briefed="2026-11-24",
            new_sources=(5,),
        ),
    )
    return Brief(
        date=dt.date(2026, 11, 25),
        title="Morning Brief",
        stories=stories,
        sources=sources,
        bottom_line=(
            BriefSentence(rover[0].sentences[0], (1, 2), id="bluf-1"),
            BriefSentence(teen[0].sentences[0], (3,), id="bluf-2"),
        ),
        also_noted=tuple(
            BriefSentence(a.sentences[0], (n,), id=f"also-{i}", label=a.title)
            for i, (n, a) in enumerate(enumerate(noted, 6), 1)
        ),
        skipped=(Skipped("data/empty.txt", "empty file"),),
        provenance=Provenance(
            model="embedded",
            weights_sha256="0123456789abcdef" * 4,
            method="extractive",
            seconds=1.25,
            briefing_version="0.1.0",
            generated_at="2026-11-25T06:00:00+00:00",
            inputs=tuple(InputRecord(a.source, a.id) for a in ordered),
        ),
    )


def test_full_brief_markdown_matches_golden(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every element a reader can meet: bottom line, contents, actors and places, update, unverified, excerpt,
    Also noted, quoted sentences per source, skipped inputs and the provenance footer."""
    monkeypatch.chdir(data_dir.parent)
    loaded = load_articles(["data/brief_articles.jsonl"], Settings())
    assert len(loaded.articles) == 7, loaded.skipped
    assert_matches_golden(render(_full_brief(list(loaded.articles)), OutputFormat.md), "full.md")
