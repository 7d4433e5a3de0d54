"""What the CLI prints from input (issue 12): JSONL ids, file names and reasons reach stderr escaped and capped, and a
file name that is not UTF-8 reaches every output without crashing the run."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app

runner = CliRunner()


def test_escape_sequences_and_newlines_in_ids_never_reach_the_terminal(tmp_path: Path):
    hostile_ids = ["\x1b]0;owned\x07", "\x1b[2J\x1b[H", "x\nerror: the disk is on fire", "y" * 50_000]
    lines = [json.dumps({"id": value, "title": "t", "text": "Too short to be an article."}) for value in hostile_ids]
    (tmp_path / "hostile.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["clean", str(tmp_path / "hostile.jsonl")])
    assert result.exit_code == 1
    stderr = result.stderr
    assert "\x1b" not in stderr and "\x07" not in stderr
    assert not any(line.startswith("error: the disk") for line in stderr.splitlines())
    assert all(len(line) < 1_000 for line in stderr.splitlines())
    assert "\\e]0;owned\\x07" in stderr and "x\\nerror: the disk is on fire" in stderr


@pytest.mark.skipif(sys.platform == "win32", reason="byte file names are POSIX")
def test_a_non_utf8_file_name_beside_a_good_article_is_briefed(
    tmp_path: Path, data_dir: Path, fake_summarizer, embedded_encoder
):
    folder = tmp_path / "inputs"
    folder.mkdir()
    records = (data_dir / "cnn_sample.jsonl").read_text(encoding="utf-8").splitlines()
    (folder / "good.jsonl").write_text(records[0] + "\n", encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), b"r\xe9sum\xe9\x1b[31m.txt"), "wb") as handle:
        handle.write(json.loads(records[1])["article"].encode("utf-8"))
    out = tmp_path / "out"
    args = ["daily", str(folder), "--date", "2026-11-25", "--out", str(out), "--cache-dir", str(tmp_path / "c"), "-q"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    brief = json.loads((out / "2026-11-25" / "brief.json").read_text(encoding="utf-8"))
    names = sorted(Path(source["source"]).name.partition(":")[0] for source in brief["sources"])
    assert names == ["good.jsonl", "r\ufffdsum\ufffd\x1b[31m.txt"]  # the data keeps the name, as U+FFFD text
    page = (out / "2026-11-25" / "brief.html").read_text(encoding="utf-8")
    assert "r\ufffdsum\ufffd" in page and "\x1b" not in page
