"""Hostile and broken inputs through the CLI, as the unattended morning run meets them (issue 6, bad input).

Each bad input must come out as one line `skipped <source>: <reason>` on stderr, the good ones must still make the
brief, and the exit code must say whether anything was produced (0) or not (1).
"""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app

runner = CliRunner()
DATE = "2026-11-25"


def articles(data_dir: Path) -> list[str]:
    with (data_dir / "cnn_sample.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line)["article"] for line in handle if line.strip()]


def as_paragraphs(text: str, sentences_per_line: int = 2) -> str:
    """An article as text dumps carry it: a few sentences a line."""
    sentences = [part.strip().rstrip(".") + "." for part in text.split(". ") if part.strip()]
    step = sentences_per_line
    return "\n".join(" ".join(sentences[i : i + step]) for i in range(0, len(sentences), step)) + "\n"


WINDOWS_LINE = "José Núñez filed this report from Zürich for the “Sport” desk on Thursday evening."
LATIN_LINE = "Hélène Müller filed this report from Besançon for the agency on Thursday evening."


def with_line_in_the_middle(text: str, line: str) -> str:
    lines = text.splitlines()
    middle = len(lines) // 2
    return "\n".join([*lines[:middle], f"{lines[middle]} {line}", *lines[middle + 1 :]]) + "\n"


def skipped_pairs(stderr: str) -> list[tuple[str, str]]:
    """(source, reason) for each `skipped SOURCE: REASON` line of the CLI's report."""
    lines = [line.removeprefix("skipped ") for line in stderr.splitlines() if line.startswith("skipped ")]
    return [tuple(line.partition(": ")[::2]) for line in lines]  # type: ignore[misc]


def skipped_lines(stderr: str) -> dict[str, str]:
    return dict(skipped_pairs(stderr))


@pytest.fixture
def mixed_inputs(tmp_path: Path, data_dir: Path, panjshir_dump: Path) -> Path:
    """A folder as scrapers leave it: five good articles in five encodings and formats, and every kind of junk."""
    folder = tmp_path / "inputs"
    (folder / "nested").mkdir(parents=True)
    texts = articles(data_dir)
    shutil.copy(panjshir_dump, folder / "panjshir.txt")
    (folder / "wire.jsonl").write_text(
        json.dumps({"id": "w1", "title": "Locke to stay", "article": texts[0]})
        + '\n{"id": "w2", "article": "cut off in the middle\n'
        + json.dumps({"id": "w3", "title": "Second wire story", "article": texts[1]})
        + "\n",
        encoding="utf-8",
    )
    # The accented names sit in the middle of the body, where any cleaner keeps them, so the decoding can be checked.
    windows = with_line_in_the_middle(as_paragraphs(texts[2]), WINDOWS_LINE)
    (folder / "windows.txt").write_bytes(windows.encode("cp1252"))
    latin = with_line_in_the_middle(as_paragraphs(texts[3]), LATIN_LINE).replace("’", "'").replace("‘", "'")
    (folder / "nested" / "latin1.txt").write_bytes(latin.encode("latin-1", errors="replace"))
    (folder / "nested" / "utf16.txt").write_bytes(as_paragraphs(texts[4]).encode("utf-16"))
    # The bad ones.
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text("  \n\n\t \n")
    (folder / "report.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n")
    (folder / "disguised.html").write_bytes(b"%PDF-1.4\n" + os.urandom(512))
    (folder / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(256))
    (folder / "noise.txt").write_bytes(random.Random(7).randbytes(4096))
    (folder / "menu-only.html").write_text(
        "<html><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav><footer>© News</footer></body></html>"
    )
    deep = "".join(f"<p>{sentence}.</p>" for sentence in texts[0].split(". "))
    (folder / "deep.html").write_text("<html><body>" + "<div>" * 5000 + deep + "</div>" * 5000 + "</body></html>")
    return folder


GOOD_SOURCES = {"panjshir.txt", "wire.jsonl:1#w1", "wire.jsonl:3#w3", "windows.txt", "latin1.txt", "utf16.txt"}


def test_daily_on_a_mixed_folder_reports_each_bad_input_and_briefs_the_good_ones(
    tmp_path: Path, mixed_inputs: Path, fake_summarizer, embedded_encoder, monkeypatch: pytest.MonkeyPatch
):
    """`embedded_encoder`: composing groups stories with it; the session-wide copy is loaded once for all tests."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    missing = tmp_path / "not-there.txt"
    empty_folder = tmp_path / "nothing"
    empty_folder.mkdir()
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["daily", str(mixed_inputs), str(missing), str(empty_folder), "--date", DATE, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    brief = json.loads((out / DATE / "brief.json").read_text(encoding="utf-8"))
    used = {Path(source["source"]).name for source in brief["sources"]}
    assert used == GOOD_SOURCES
    skipped = skipped_lines(result.stderr)
    expected = {
        "empty.txt": "empty file",
        "blank.md": "only whitespace",
        "report.pdf": "binary file (PDF document), not an article; not read",
        "disguised.html": "binary file (PDF document), not text",
        "chart.png": "binary file (PNG image), not an article; not read",
        "noise.txt": "binary file, not text (NUL or control bytes)",
        "wire.jsonl:2": "broken JSON line (Unterminated string starting at column 25); other lines read",
    }
    for name, reason in expected.items():
        assert skipped[str(mixed_inputs / name)] == reason
    assert skipped[str(missing)] == "no such file or folder"
    assert skipped[str(empty_folder)].startswith("folder holds no files")
    # HTML without an article, however deep, is the cleaner's call: it is reported, not fatal.
    assert str(mixed_inputs / "menu-only.html") in skipped
    assert str(mixed_inputs / "deep.html") in skipped
    # The brief carries the same report for the reader.
    assert {Path(item["source"]).name for item in brief["skipped"]} >= set(expected) | {"not-there.txt"}


def test_clean_on_the_same_folder_prints_the_good_articles(mixed_inputs: Path):
    result = runner.invoke(app, ["clean", str(mixed_inputs), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert {Path(record["source"]).name for record in records} == GOOD_SOURCES
    by_name = {Path(record["source"]).name: record for record in records}
    assert WINDOWS_LINE in by_name["windows.txt"]["text"]
    assert LATIN_LINE in by_name["latin1.txt"]["text"]
    assert len(skipped_lines(result.stderr)) >= 9


def test_nothing_usable_exits_1_after_reporting_every_reason(tmp_path: Path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)))
    result = runner.invoke(app, ["clean", str(tmp_path / "empty.txt"), str(tmp_path / "scan.pdf"), "ftp://x/y"])
    assert result.exit_code == 1
    assert skipped_lines(result.stderr) == {
        str(tmp_path / "empty.txt"): "empty file",
        str(tmp_path / "scan.pdf"): "binary file (PDF document), not text",
        "ftp://x/y": "only http and https URLs are fetched (ftp: refused)",
    }
    assert "error: no article could be read from the sources given" in result.stderr


def test_daily_with_nothing_usable_writes_no_brief_and_exits_1(tmp_path: Path, fake_summarizer):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "blank.txt").write_text("   ")
    result = runner.invoke(app, ["daily", str(tmp_path / "in"), "--date", DATE, "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert skipped_lines(result.stderr) == {str(tmp_path / "in" / "blank.txt"): "only whitespace"}
    assert not (tmp_path / "out" / DATE / "brief.md").exists()


def write_50_mb(path: Path, lead: str, block: str, tail: str = "") -> None:
    """About 50 MB, written in pieces so that the test itself never holds it in memory."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(lead)
        for _ in range(50 * 1024 * 1024 // len(block.encode()) + 1):
            handle.write(block)
        handle.write(tail)


def test_50_mb_text_and_html_are_cut_with_a_note_and_still_briefed(tmp_path: Path, data_dir: Path):
    story = articles(data_dir)[1]
    paragraphs = [sentence.strip() + "." for sentence in story.split(". ")]
    text_block = "\n".join(paragraphs) + "\n"
    big_text = tmp_path / "big.txt"
    write_50_mb(big_text, "", text_block)
    big_html = tmp_path / "big.html"
    page_start = "<!DOCTYPE html><html><head><title>A very long page</title></head><body><article>"
    html_block = "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs)
    write_50_mb(big_html, page_start, html_block, "</article></body></html>")
    assert big_text.stat().st_size > 50 * 1024 * 1024 and big_html.stat().st_size > 50 * 1024 * 1024

    result = runner.invoke(app, ["clean", str(big_text), str(big_html), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = {record["source"]: record for record in map(json.loads, result.stdout.splitlines())}
    assert set(records) == {str(big_text), str(big_html)}
    for record in records.values():  # bounded: at most max_text_chars of text came through, cut at a sentence
        assert 0 < len(record["text"]) <= 200_000
        assert paragraphs[0] in record["text"]
    notes = skipped_pairs(result.stderr)
    [(_, text_note)] = [pair for pair in notes if pair[0] == str(big_text)]
    assert text_note.startswith("too large (50.0 MB): only the first ")
    assert text_note.endswith("characters kept (max_text_chars = 200,000); the rest is left out")
    html_notes = [reason for source, reason in notes if source == str(big_html)]
    assert html_notes[0] == "too large (50.0 MB): only the first 4.0 MB read (max_input_mb = 4); the rest is left out"
    # 4 MB of HTML cleans to far more text than any article: the lead is kept, the rest noted.
    assert html_notes[1].startswith("article too long (")
    assert html_notes[1].endswith("sentences) kept (max_text_chars = 200,000); the rest is left out")
