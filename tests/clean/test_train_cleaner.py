"""The training script never overwrites the shipped weights unless told to, and --cv-only writes nothing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from briefing.clean.model import HTML_MODEL_PATH

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "train_cleaner.py"


def _script():
    spec = importlib.util.spec_from_file_location("train_cleaner", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_cleaner"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_weights_go_to_a_new_folder_by_default_and_nowhere_with_cv_only(tmp_path):
    script = _script()
    default = script.output_folder(None, cv_only=False)
    assert default.is_dir() and not any(default.iterdir())
    assert default.resolve() != HTML_MODEL_PATH.parent.resolve()
    assert script.output_folder(tmp_path / "weights", cv_only=False) == tmp_path / "weights"
    assert (tmp_path / "weights").is_dir()
    assert script.output_folder(tmp_path / "other", cv_only=True) is None
    assert not (tmp_path / "other").exists()
    default.rmdir()


def test_missing_data_is_refused_before_anything_is_written(tmp_path, capsys):
    script = _script()
    assert script.main(["--data", str(tmp_path), "--out", str(tmp_path / "weights")]) == 1
    assert not (tmp_path / "weights").exists()
    assert "ground-truth.json" in capsys.readouterr().err
