"""The CLI as a user drives it, through CliRunner, on real articles."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from typer.testing import CliRunner

from briefing.cli import app

runner = CliRunner()

JUNK_LINES = [
    "Placeholder while article actions load",
    "Read More:",
    "This website uses cookies",
    "mahjong slot",
    "Live News",
    "Subscribe to our mailing list",
    "Something went wrong.",
]


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("briefing ")


def test_summarize_scraped_dump_is_clean_and_cited(panjshir_dump: Path):
    result = runner.invoke(app, ["summarize", str(panjshir_dump), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.strip())
    assert record["title"] == "Inside the Taliban’s secret war in the Panjshir Valley"
    assert len(record["summary"]) == 3
    for sentence, citation in zip(record["summary"], record["citations"], strict=True):
        assert citation and all(isinstance(i, int) for i in citation)
        assert not any(junk.lower() in sentence.lower() for junk in JUNK_LINES)
    assert "Taliban" in " ".join(record["summary"])


def test_summarize_one_article_prints_its_summary_and_no_brief(panjshir_dump: Path):
    result = runner.invoke(app, ["summarize", str(panjshir_dump), "--quiet"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines[0] == "## Inside the Taliban’s secret war in the Panjshir Valley"
    bullets = lines[1:]
    assert len(bullets) == 3 and all(line.startswith("- ") for line in bullets)
    assert all(re.search(r" \(s\d+\)$", line) for line in bullets), bullets  # each cites its article sentence
    for chrome in ("Bottom line", "Contents", "Sources", "Daily Brief", "Provenance"):
        assert chrome not in result.stdout
    assert len(set(bullets)) == 3  # each sentence once


def test_daily_writes_three_files(tmp_path: Path, data_dir: Path):
    out = tmp_path / "outputs"
    result = runner.invoke(
        app, ["daily", str(data_dir / "cnn_sample.jsonl"), "--date", "2026-11-25", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    folder = out / "2026-11-25"
    assert sorted(p.name for p in folder.iterdir()) == ["brief.html", "brief.json", "brief.md"]
    brief = json.loads((folder / "brief.json").read_text())
    assert len(brief["stories"]) == 5
    assert brief["date"] == "2026-11-25"
    markdown = (folder / "brief.md").read_text()
    assert markdown.startswith("# Daily Brief — 2026-11-25")
    assert markdown.count("[[1]](#source-1)") >= 1


def test_batch_skips_bad_items_and_reports_them(tmp_path: Path, panjshir_dump: Path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(panjshir_dump, inputs / "good.txt")
    (inputs / "empty.txt").write_text("")
    (inputs / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    result = runner.invoke(
        app, ["daily", str(inputs), str(tmp_path / "missing.txt"), "--date", "2026-11-25", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "empty.txt: empty file" in result.stderr
    assert "binary.txt: binary file" in result.stderr
    assert "missing.txt: no such file or folder" in result.stderr
    assert (tmp_path / "2026-11-25" / "brief.md").is_file()


def test_nothing_readable_exits_1(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    result = runner.invoke(app, ["summarize", str(empty)])
    assert result.exit_code == 1
    assert "empty.txt: only whitespace" in result.stderr


def test_bad_date_is_refused(tmp_path: Path, panjshir_dump: Path):
    result = runner.invoke(app, ["daily", str(panjshir_dump), "--date", "../../etc", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "--date must be" in result.stderr


def test_unknown_model_fails_with_a_fix(panjshir_dump: Path):
    result = runner.invoke(
        app, ["summarize", str(panjshir_dump), "--model", "nobody/no-such-model", "--method", "abstractive"]
    )
    assert result.exit_code == 1
    assert "nobody/no-such-model" in result.stderr


def test_model_with_the_extractive_method_is_refused_before_any_work(panjshir_dump: Path):
    result = runner.invoke(app, ["summarize", str(panjshir_dump), "--model", "some/model"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --model 'some/model' is used only by --method abstractive or hybrid")


def test_model_that_is_not_a_model_file_is_refused_at_the_edge(panjshir_dump: Path):
    result = runner.invoke(app, ["summarize", str(panjshir_dump), "--model", "/etc/passwd", "--method", "abstractive"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: --model /etc/passwd: a file that is not a .gguf model; pass a model folder or a .gguf file"
    )


def test_help_reads_well():
    import re

    daily_help = runner.invoke(app, ["daily", "--help"], env={"COLUMNS": "160"}, terminal_width=160)
    assert daily_help.exit_code == 0
    text = daily_help.output
    assert "<bool>" not in text and "{sources}" not in text and "<list[str]>" not in text
    assert "[SOURCE]..." in text and "URLs" in text and "feeds" in text and "OPML" in text
    for flag in ("--window", "--max-items-per-feed", "--fetch-timeout", "--max-input-mb", "--config", "--lang"):
        assert flag in text
    flat = re.sub(r"[\s│]+", "", text)
    # The default cache path in full (read when the CLI module was imported), not $XDG_CACHE_HOME.
    assert re.search(r"summarycache\(default:/\S+/briefing\)", flat), flat
    assert "$XDG_CACHE_HOME" not in text
    summarize_help = runner.invoke(app, ["summarize", "--help"], terminal_width=160).output
    assert "SOURCE..." in summarize_help and "{SOURCE" not in summarize_help
    top = runner.invoke(app, ["--help"], terminal_width=160).output
    assert "--install-completion" in top and "init" in top
