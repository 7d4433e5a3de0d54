"""A re-run of the same day on a warm cache, through the real CLI in fresh processes: it loads no model, imports no
torch, transformers or spaCy, and writes the same brief as a cold run, as a run without any cache and as a run with
the encoder on torch instead of ONNX Runtime."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SOURCES = [str(DATA / "brief_articles.jsonl"), str(DATA / "cnn_sample.jsonl")]
DATE = "2026-11-25"
HEAVY = ("torch", "transformers", "spacy", "thinc", "sklearn")  # sklearn: 3 s of imports, training only

# The real entry point, in-process, then what it imported: `python -m briefing` plus a look at sys.modules.
WARM_RUN = """
import json, sys
from typer.testing import CliRunner
from briefing.cli import app
result = CliRunner().invoke(app, sys.argv[1:])
assert result.exit_code == 0, result.output
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(sys.stdin.read())))
print(json.dumps(heavy))
"""


def daily_arguments(out: Path, cache: Path, *extra: str) -> list[str]:
    return ["daily", *SOURCES, "--out", str(out), "--cache-dir", str(cache), "--date", DATE, "--quiet", *extra]


def run_cli(arguments: list[str], tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    environment |= variables
    return subprocess.run(
        [sys.executable, "-c", WARM_RUN, *arguments],
        input=json.dumps(HEAVY),
        capture_output=True,
        text=True,
        timeout=900,
        cwd=Path(__file__).parents[1],  # this checkout's briefing, first on sys.path
        env=environment,
    )


def brief_content(out: Path) -> dict[str, object]:
    """brief.json less what says when and how fast it was made."""
    document = json.loads((out / DATE / "brief.json").read_text(encoding="utf-8"))
    provenance = document.pop("provenance")
    for key in ("generated_at", "seconds", "timings"):
        provenance.pop(key, None)
    document["provenance"] = provenance
    return document


@pytest.mark.processes
def test_a_warm_rerun_imports_no_model_library_and_writes_the_same_brief(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = run_cli(daily_arguments(tmp_path / "cold", cache), tmp_path)
    assert cold.returncode == 0, cold.stderr
    loaded = set(json.loads(cold.stdout.splitlines()[-1]))
    assert "spacy" in loaded  # the cold run did load the models
    assert "transformers" not in loaded  # the embedded encoder runs without it (briefing/encoder/bert.py)
    if importlib.util.find_spec("onnxruntime") and importlib.util.find_spec("onnx"):
        assert "torch" not in loaded  # the encoder on ONNX Runtime, spaCy imported without it

    warm = run_cli(daily_arguments(tmp_path / "warm", cache), tmp_path)
    assert warm.returncode == 0, warm.stderr
    assert json.loads(warm.stdout.splitlines()[-1]) == []

    uncached = run_cli(daily_arguments(tmp_path / "uncached", tmp_path / "unused-cache", "--no-cache"), tmp_path)
    assert uncached.returncode == 0, uncached.stderr
    assert not (tmp_path / "unused-cache").exists()

    # The encoder on torch instead of ONNX Runtime (briefing/encoder/onnx_bert.py): vectors within 1e-5, same brief.
    on_torch = run_cli(
        daily_arguments(tmp_path / "torch", tmp_path / "torch-cache", "--no-cache"),
        tmp_path,
        BRIEFING_ENCODER_BACKEND="torch",
    )
    assert on_torch.returncode == 0, on_torch.stderr
    assert "torch" in json.loads(on_torch.stdout.splitlines()[-1])

    reference = brief_content(tmp_path / "cold")
    assert reference["stories"]
    assert brief_content(tmp_path / "warm") == reference
    assert brief_content(tmp_path / "uncached") == reference
    assert brief_content(tmp_path / "torch") == reference
