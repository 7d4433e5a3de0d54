"""Compiled templates kept in the run's cache folder: the same files as without it, read back on the next run, and
a broken or unwritable cache only costs the compile."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing.render import html, markdown, write_brief
from briefing.render.template_cache import FOLDER, use_template_cache
from tests.render.test_render import sample_brief


@pytest.fixture(autouse=True)
def fresh_environments() -> Iterator[None]:
    """Each test starts from environments that have compiled nothing and use no bytecode cache."""
    for module in (html, markdown):
        module.environment.cache_clear()
    yield
    use_template_cache(None)
    for module in (html, markdown):
        module.environment.cache_clear()


def new_process() -> None:
    """As a new run starts: environments that have compiled nothing yet (one brief per run)."""
    for module in (html, markdown):
        module.environment.cache_clear()


def written(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.rglob("brief.*"))}


def test_the_cache_gives_the_same_files_and_is_read_on_the_next_run(tmp_path: Path) -> None:
    brief = sample_brief()
    write_brief(brief, tmp_path / "plain")
    new_process()
    write_brief(brief, tmp_path / "first", tmp_path / "cache")
    stored = sorted((tmp_path / "cache" / FOLDER).rglob("*.cache"))
    assert len(stored) >= 2  # brief.md.j2, brief.html.j2 and what they include
    new_process()
    compiled: list[str] = []
    for module in (html, markdown):
        environment = module.environment()
        original = environment._compile

        def counting_compile(source: str, filename: str, original: Any = original) -> Any:
            compiled.append(filename)
            return original(source, filename)

        environment._compile = counting_compile
    write_brief(brief, tmp_path / "second", tmp_path / "cache")
    assert compiled == []
    assert written(tmp_path / "plain") == written(tmp_path / "first") == written(tmp_path / "second")


def test_a_corrupt_cache_file_is_compiled_again(tmp_path: Path) -> None:
    brief = sample_brief()
    write_brief(brief, tmp_path / "plain")
    new_process()
    write_brief(brief, tmp_path / "first", tmp_path / "cache")
    for path in (tmp_path / "cache" / FOLDER).rglob("*.cache"):
        path.write_bytes(path.read_bytes()[:40])
    new_process()
    write_brief(brief, tmp_path / "second", tmp_path / "cache")
    assert written(tmp_path / "plain") == written(tmp_path / "second")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_cache_folder_does_not_stop_the_brief(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        paths = write_brief(sample_brief(), tmp_path / "out", cache)
    finally:
        cache.chmod(0o700)
    assert [path.name for path in paths] == ["brief.json", "brief.md", "brief.html"]


def test_a_cache_path_that_is_a_file_does_not_stop_the_brief(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.write_text("not a folder", encoding="utf-8")
    paths = write_brief(sample_brief(), tmp_path / "out", cache)
    assert [path.name for path in paths] == ["brief.json", "brief.md", "brief.html"]
