"""The stage store checks its pages at open only when the file is not as its last clean close left it."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from briefing import store as store_module
from briefing.store import STORE_NAME, CheckedMark, Store


def checks_at_open(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each open of the store checked its pages."""
    seen: list[bool] = []
    real = store_module.connect_cache

    def spy(*arguments: object, **options: object) -> sqlite3.Connection:
        seen.append(bool(options.get("check_pages", True)))
        return real(*arguments, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "connect_cache", spy)
    return seen


def filled(folder: Path) -> Path:
    store = Store.open(folder)
    assert store is not None
    store.put_many("vector", {f"key-{n}": bytes([n % 256]) * 600 for n in range(300)})
    store.close()
    return folder / STORE_NAME


def test_a_store_closed_cleanly_opens_without_reading_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled(tmp_path)
    seen = checks_at_open(monkeypatch)
    for _ in range(2):
        store = Store.open(tmp_path)
        assert store is not None and store.count() == 300
        store.close()
    assert seen == [False, False]


def test_a_store_changed_after_its_close_or_never_closed_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = filled(tmp_path)
    seen = checks_at_open(monkeypatch)
    path.write_bytes(path.read_bytes())  # the same bytes, written again: the file changed after its close
    unclosed = Store.open(tmp_path)
    assert unclosed is not None
    unclosed.put_many("vector", {"new": b"v"})  # and this one is never closed: like a killed run
    again = Store.open(tmp_path)
    assert again is not None
    again.close()
    unclosed._connection.close()
    assert seen == [True, True]
    assert not CheckedMark(path).matches()  # a WAL file was left: no mark while another run has the file open


def test_damage_after_a_clean_close_is_still_moved_aside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = filled(tmp_path)
    data = bytearray(path.read_bytes())
    data[8192:24576] = b"\xff" * 16384  # pages in the middle: the header still reads fine
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="briefing.store"):
        store = Store.open(tmp_path)
    assert store is not None and store.count() == 0
    store.close()
    assert (tmp_path / (STORE_NAME + ".corrupt")).is_file()
    assert any("corrupt" in record.getMessage() for record in caplog.records)


def test_a_failed_read_has_the_next_open_check_the_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = filled(tmp_path)
    store = Store.open(tmp_path)
    assert store is not None
    store._give_up("read", sqlite3.DatabaseError("database disk image is malformed"))
    store.close()
    assert not CheckedMark(path).matches()
    seen = checks_at_open(monkeypatch)
    reopened = Store.open(tmp_path)
    assert reopened is not None
    reopened.close()
    assert seen == [True]
