"""Choosing the executor: `--executor ray` without Ray installed fails with the install command, before any work."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.config import Executor, Settings
from briefing.errors import ConfigError
from briefing.executor import require_ray


def test_without_ray_the_error_gives_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(ConfigError, match=r"--executor ray needs Ray Data .*pip install 'briefing\[ray\]'"):
        require_ray()


def test_the_cli_says_so_in_one_line(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)
    article = tmp_path / "a.txt"
    article.write_text("The council approved the budget on Monday. It passed by seven votes to two.", encoding="utf-8")
    result = CliRunner().invoke(app, ["daily", str(article), "--executor", "ray", "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1
    assert "pip install 'briefing[ray]'" in result.output
    assert "Traceback" not in result.output


def test_a_ray_address_needs_the_ray_executor():
    with pytest.raises(ConfigError, match="--ray-address needs --executor ray"):
        Settings(ray_address="ray://head:10001")
    assert Settings(executor=Executor.ray, ray_address="ray://head:10001").ray_address == "ray://head:10001"


def test_ray_retry_notice_is_silenced_and_other_warnings_pass() -> None:
    """Ray 2.60 warns on every run about the bounded retry counts we pass on purpose; only that notice is hidden."""
    import warnings

    from briefing.executor import ray_stages

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ray_stages._bounded_retries():
            notice = "`ray_remote_args` is deprecated and will be removed in Ray 2.64."
            warnings.warn(notice, DeprecationWarning, stacklevel=1)
            warnings.warn("something else", UserWarning, stacklevel=1)
    assert [str(warning.message) for warning in caught] == ["something else"]
