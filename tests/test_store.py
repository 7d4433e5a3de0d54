"""The stage store: a corrupt file is moved aside and rebuilt, the size bound trims least recently used entries, an
interrupted run keeps what it committed, and a changed fingerprint (code, model) is a miss, never a stale hit."""

from __future__ import annotations

import datetime as dt
import logging
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from briefing.clean_store import clean_with_store, document_key
from briefing.compose.entities import EntityModel, Mention, extract_entities
from briefing.encoder.sentence_encoder import SentenceEncoder
from briefing.records import Article, RawDocument, Skipped
from briefing.store import STORE_NAME, Store, entry_key


def open_store(folder: Path, max_bytes: int = 1 << 30) -> Store:
    store = Store.open(folder, max_bytes=max_bytes)
    assert store is not None
    return store


def test_values_survive_a_reopen_and_kinds_do_not_mix(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        store.put_many("vector", {"k": b"\x00\x01"})
        store.put_many("entities", {"k": b"[]"})
    with open_store(tmp_path) as store:
        assert store.get_many("vector", ["k", "other"]) == {"k": b"\x00\x01"}
        assert store.get_many("entities", ["k"]) == {"k": b"[]"}
        assert store.get_many("article", ["k"]) == {}


@pytest.mark.parametrize("damage", ["garbage", "damaged pages"])
def test_a_corrupt_file_is_moved_aside_with_one_warning_and_rebuilt(
    tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / STORE_NAME
    if damage == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    else:
        with open_store(tmp_path) as store:
            store.put_many("vector", {f"key-{n}": bytes([n % 256]) * 600 for n in range(300)})
        data = bytearray(path.read_bytes())
        data[8192:24576] = b"\xff" * 16384  # pages in the middle of the table: the header still reads fine
        path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="briefing.store"), open_store(tmp_path) as store:
        assert store.count() == 0
        store.put_many("vector", {"new": b"v"})
        assert store.get_many("vector", ["new"]) == {"new": b"v"}
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "corrupt" in warnings[0].getMessage()
    assert "\n" not in warnings[0].getMessage()
    assert (tmp_path / (STORE_NAME + ".corrupt")).is_file()  # kept for inspection


def test_past_its_bound_the_store_drops_the_least_recently_used_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("briefing.store.TOUCH_AFTER_S", 0.0)  # every read counts as a use, not only hourly ones
    value = b"x" * 1000
    with open_store(tmp_path, max_bytes=10_000) as store:
        store.put_many("vector", {f"old-{n}": value for n in range(8)})
    with open_store(tmp_path, max_bytes=10_000) as store:
        assert len(store.get_many("vector", ["old-0", "old-1"])) == 2  # read again: now the most recently used
    with open_store(tmp_path, max_bytes=10_000) as store:
        store.put_many("vector", {f"new-{n}": value for n in range(4)})  # 12 entries of 1,000 bytes: past 10,000
        assert store.total_bytes() <= 10_000
        kept = store.get_many("vector", [f"old-{n}" for n in range(8)] + [f"new-{n}" for n in range(4)])
    assert {"old-0", "old-1", "new-0", "new-1", "new-2", "new-3"} <= set(kept)
    assert not {"old-2", "old-3", "old-4"} & set(kept)  # the oldest entries nobody read again went first


def test_the_store_sums_its_values_once_a_run_while_under_its_bound_and_again_past_it(tmp_path: Path) -> None:
    value = b"x" * 1000
    sums: list[str] = []
    with open_store(tmp_path, max_bytes=10_000) as store:
        store._connection.set_trace_callback(lambda sql: sums.append(sql) if "SUM(size)" in sql else None)
        for batch in range(6):  # 6,000 bytes in 6 batches: under the bound, one exact sum (at the first batch)
            store.put_many("vector", {f"a-{batch}": value})
        assert len(sums) == 1
        store.put_many("vector", {f"b-{n}": value for n in range(6)})  # 12,000 by the running total: past it
        assert len(sums) == 2 and store.total_bytes() <= 10_000  # summed again, then trimmed
        store.put_many("vector", {"c": value})  # the trim's result is known: no sum
        assert len(sums) == 3  # (the one total_bytes() above)


WRITER = """
import os, signal, sys
from pathlib import Path
from briefing.store import Store
store = Store.open(Path(sys.argv[1]))
for batch in range(1000):
    store.put_many("vector", {f"{batch}-{n}": bytes(1500) for n in range(50)})
    if batch == 5:
        print("committed", flush=True)
"""


def test_an_interrupted_run_keeps_every_batch_it_committed(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "committed"
    process.send_signal(signal.SIGKILL)  # mid-write: no close, no checkpoint
    process.wait(timeout=60)
    with sqlite3.connect(tmp_path / STORE_NAME) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with open_store(tmp_path) as store:
        count = store.count("vector")
        assert count >= 6 * 50 and count % 50 == 0  # whole batches only
        assert len(store.get_many("vector", [f"5-{n}" for n in range(50)])) == 50


def test_cleaned_articles_come_back_whole_and_a_new_cleaner_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = [RawDocument("a.txt", "text a", "text"), RawDocument("b.txt", "text b", "text")]
    made: dict[str, Article | Skipped] = {
        "a.txt": Article("id-a", "a.txt", "A title", ("One.", "Two."), published=dt.date(2026, 11, 25), site="x"),
        "b.txt": Skipped("b.txt", "no article text found"),
    }
    calls: list[str] = []

    def clean_one(document: RawDocument) -> Article | Skipped:
        calls.append(document.source)
        return made[document.source]

    def run() -> list[Article | Skipped]:
        with open_store(tmp_path) as store:
            return clean_with_store(documents, store, clean_one, lambda: None, lambda skipped: True)

    assert run() == [made["a.txt"], made["b.txt"]] and len(calls) == 2
    assert run() == [made["a.txt"], made["b.txt"]] and len(calls) == 2  # both from the store, the rejection too
    before = document_key(documents[0])
    monkeypatch.setattr("briefing.clean_store.cleaner_fingerprint", lambda: "another cleaner")
    assert document_key(documents[0]) != before
    assert run() == [made["a.txt"], made["b.txt"]] and len(calls) == 4


def test_stored_vectors_need_no_model_and_other_weights_are_a_miss(embedded_encoder, tmp_path: Path) -> None:
    texts = ["Rain is expected in the north.", "Markets fell on Tuesday."]
    fresh = embedded_encoder.embed(texts)

    def no_model() -> Path:
        raise AssertionError("the model was loaded although every text is stored")

    with open_store(tmp_path) as store:
        store.put_many(
            "vector",
            {
                entry_key(_stored_encoder(store, no_model).fingerprint, t): v.tobytes()
                for t, v in zip(texts, fresh, strict=True)
            },
        )
        np.testing.assert_array_equal(_stored_encoder(store, no_model).embed(texts), fresh)
        other = _stored_encoder(store, no_model, weights_id="other-weights")
        with pytest.raises(AssertionError, match="the model was loaded"):
            other.embed(texts)


def _stored_encoder(store: Store, locate, weights_id: str = "test-weights") -> SentenceEncoder:
    return SentenceEncoder(locate, dimension=384, store=store, weights_id=weights_id)


def test_stored_entities_need_no_spacy_and_a_new_fingerprint_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = Article("a", "a.txt", "", ("Angela Merkel met Emmanuel Macron in Paris.",))
    loads: list[int] = []

    class FakeNlp:
        def pipe(self, texts: list[str], batch_size: int) -> list[object]:  # spaCy's Language.pipe, faked
            loads.append(len(texts))
            return [type("Doc", (), {"ents": []})() for _ in texts]

    monkeypatch.setattr("briefing.compose.entities.load_entity_model", FakeNlp)
    with open_store(tmp_path) as store:
        model = EntityModel(store, tmp_path)
        key = entry_key(model.fingerprint, article.text)
        store.put_many("entities", {key: b'[["Angela Merkel", "PERSON"], ["Paris", "GPE"]]'})
        (entities,) = extract_entities([article], model)
        assert entities.mentions == (Mention("Angela Merkel", "PERSON"), Mention("Paris", "GPE"))
        assert not model.loaded and loads == []
        monkeypatch.setattr(EntityModel, "fingerprint", property(lambda self: "another model"))
        (entities,) = extract_entities([article], EntityModel(store, tmp_path))
        assert loads == [1] and entities.mentions == ()  # tagged again, by the (fake) model
