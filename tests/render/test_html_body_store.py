"""The brief's HTML body kept in the stage store: the same files as without it, a re-run converts no Markdown, and
changed Markdown or a damaged entry is converted again."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.render import html, write_brief
from briefing.render.html import HTML_BODY_KIND
from briefing.store import Store
from tests.render.test_render import sample_brief


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "cache")
    assert opened is not None
    yield opened
    opened.close()


def written(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.rglob("brief.*"))}


def conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The Markdown texts really converted to HTML."""
    converted: list[str] = []
    real = html.markdown_to_html

    def counted(text: str) -> str:
        converted.append(text)
        return real(text)

    monkeypatch.setattr(html, "markdown_to_html", counted)
    return converted


def test_a_rerun_takes_the_html_from_the_store_and_writes_the_same_files(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    brief = sample_brief()
    write_brief(brief, tmp_path / "plain")
    converted = conversions(monkeypatch)
    write_brief(brief, tmp_path / "first", store=store)
    write_brief(brief, tmp_path / "second", store=store)
    assert len(converted) == 1 and store.count(HTML_BODY_KIND) == 1
    assert written(tmp_path / "first") == written(tmp_path / "plain") == written(tmp_path / "second")


def test_changed_markdown_or_a_damaged_entry_is_converted_again(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    brief = sample_brief()
    write_brief(brief, tmp_path / "first", store=store)
    converted = conversions(monkeypatch)
    retitled = dataclasses.replace(brief, title="Another title")
    write_brief(retitled, tmp_path / "retitled", store=store)
    write_brief(retitled, tmp_path / "plain-retitled")
    assert written(tmp_path / "retitled") == written(tmp_path / "plain-retitled")
    assert len(converted) == 2 and store.count(HTML_BODY_KIND) == 2  # one with the store, one without
    connection = store._connection  # damage every stored body: not UTF-8
    with connection:
        connection.execute("UPDATE entries SET value = ? WHERE kind = ?", (b"\xff\xfe", HTML_BODY_KIND))
    write_brief(brief, tmp_path / "again", store=store)
    assert written(tmp_path / "again") == written(tmp_path / "first")
    assert len(converted) == 3
