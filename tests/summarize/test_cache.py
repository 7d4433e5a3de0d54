"""The SQLite summary cache: keys, no model work on a second run, interrupted and concurrent runs, corrupt files."""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

import briefing.summarize as summarize_stage
from briefing.cli import app
from briefing.config import GuardMode, Method, Settings
from briefing.records import Article, Summary, SummarySentence
from briefing.summarize.cache import DB_NAME, SummaryCache, cache_key, model_fingerprint
from briefing.text import content_hash
from tests.conftest import route_methods_to, summarize_run


def article(number: int, title: str = "Headline") -> Article:
    sentences = (f"Story {number} begins with a fact.", f"Story {number} goes on.", f"Story {number} ends.")
    return Article(content_hash(" ".join(sentences)), f"story-{number}.txt", title, sentences)


class CountingSummarizer:
    """First sentence of each article; counts the articles it was asked to summarize."""

    name = "counting"

    def __init__(self, settings: Settings, calls: list[str]) -> None:
        self.calls = calls
        self.fail_after: int | None = None

    def summarize(self, articles: Sequence[Article]) -> list[Summary]:
        if self.fail_after is not None and len(self.calls) >= self.fail_after:
            raise KeyboardInterrupt  # the user pressed Ctrl-C half-way through the run
        self.calls.extend(a.id for a in articles)
        return [
            Summary(a.id, (SummarySentence(a.sentences[0], (0,), support=0.75),), "extractive", "counting-model")
            for a in articles
        ]


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[Settings]]:
    """Route every method to CountingSummarizer; returns (article ids summarized, settings the factory saw)."""
    calls: list[str] = []
    seen: list[Settings] = []

    def factory(settings: Settings, models: object) -> CountingSummarizer:
        seen.append(settings)
        return CountingSummarizer(settings, calls)

    route_methods_to(monkeypatch, factory)
    return calls, seen


def test_second_run_does_no_model_work(tmp_path: Path, counting: tuple[list[str], list[Settings]]) -> None:
    calls, seen = counting
    settings = Settings(cache_dir=tmp_path)
    articles = [article(n) for n in range(5)]

    first = summarize_run(articles, settings)
    assert len(calls) == 5
    second = summarize_run(articles, settings)
    assert len(calls) == 5 and len(seen) == 1  # no summarizer was even created the second time
    assert second == first
    assert (tmp_path / DB_NAME).is_file()

    summarize_run([*articles, article(9)], settings)
    assert calls[5:] == [article(9).id]  # only the new article is summarized


def test_no_cache_always_summarizes_and_writes_nothing(
    tmp_path: Path, counting: tuple[list[str], list[Settings]]
) -> None:
    calls, _ = counting
    settings = Settings(cache_dir=tmp_path / "cache", use_cache=False)
    summarize_run([article(1)], settings)
    summarize_run([article(1)], settings)
    assert len(calls) == 2
    assert not (tmp_path / "cache").exists()


def test_interrupted_run_keeps_finished_batches(
    tmp_path: Path, counting: tuple[list[str], list[Settings]], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls, _ = counting
    monkeypatch.setattr(summarize_stage, "CACHE_BATCH", 2)
    from briefing.summarize.registry import SUMMARIZERS

    original = SUMMARIZERS["extractive"]

    def interrupted(settings: Settings, models: object) -> CountingSummarizer:
        summarizer = original(settings, models)
        summarizer.fail_after = 4  # two batches of two, then Ctrl-C
        return summarizer

    route_methods_to(monkeypatch, interrupted)
    articles = [article(n) for n in range(7)]
    with pytest.raises(KeyboardInterrupt):
        summarize_run(articles, Settings(cache_dir=tmp_path))
    assert len(calls) == 4

    route_methods_to(monkeypatch, original)
    summaries = summarize_run(articles, Settings(cache_dir=tmp_path))
    assert calls[4:] == [a.id for a in articles[4:]]  # the rerun picks up where the first stopped
    assert [s.article_id for s in summaries] == [a.id for a in articles]


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    summary = Summary(
        "abc",
        (
            SummarySentence("Kept, cited twice.", (0, 4), support=0.8123456789),
            SummarySentence("Flagged – naïve “quotes”.", (2,), support=0.31, flagged=True, reason="name 'X' not in"),
        ),
        "hybrid",
        "some/model",
    )
    with SummaryCache.open(tmp_path) as cache:
        assert cache is not None
        cache.put("k", summary)
    with SummaryCache.open(tmp_path) as cache:
        assert cache is not None
        assert cache.get("k") == summary
        assert cache.get("other") is None


def test_key_changes_with_everything_that_changes_the_summary(tmp_path: Path) -> None:
    weights = tmp_path / "model.gguf"
    weights.write_bytes(b"GGUF" + bytes(64))
    base = Settings(model=str(weights), method=Method.abstractive, cache_dir=tmp_path)

    def key(settings: Settings = base, item: Article | None = None, prompts: str = "p1") -> str:
        return cache_key(item or article(1), settings, model_fingerprint(settings), prompts)

    reference = key()
    assert key() == reference  # deterministic
    variants = [
        key(dataclasses.replace(base, sentences=4)),
        key(dataclasses.replace(base, method=Method.hybrid)),
        key(dataclasses.replace(base, max_new_tokens=64)),
        key(dataclasses.replace(base, num_beams=4)),
        key(dataclasses.replace(base, guard=GuardMode.flag)),
        key(item=article(2)),
        key(item=article(1, title="Another headline")),
        key(prompts="p2"),
    ]
    assert len({reference, *variants}) == len(variants) + 1
    before = weights.stat().st_mtime_ns
    weights.write_bytes(b"GGUF" + bytes(63) + b"\x01")  # same size, other weights (a later write: a later mtime)
    os.utime(weights, ns=(before + 10**9, before + 10**9))
    assert key() != reference
    # Generation settings do not matter to the extractive method: they must not split its cache.
    extractive = Settings(cache_dir=tmp_path)
    assert key(extractive) == key(dataclasses.replace(extractive, max_new_tokens=64, guard=GuardMode.flag))


def test_garbage_cache_file_is_rebuilt_with_a_warning(
    tmp_path: Path, counting: tuple[list[str], list[Settings]], caplog: pytest.LogCaptureFixture
) -> None:
    calls, _ = counting
    (tmp_path / DB_NAME).write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="briefing.summarize.cache"):
        summaries = summarize_run([article(1)], Settings(cache_dir=tmp_path))
    assert len(summaries) == 1 and len(calls) == 1
    assert "corrupt" in caplog.text and "rebuilding" in caplog.text
    assert (tmp_path / (DB_NAME + ".corrupt")).is_file()  # kept for inspection
    summarize_run([article(1)], Settings(cache_dir=tmp_path))
    assert len(calls) == 1  # the rebuilt cache works


def test_damaged_pages_are_detected_and_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with SummaryCache.open(tmp_path) as cache:
        assert cache is not None
        for n in range(300):
            cache.put(f"key-{n}", Summary(f"a{n}", (SummarySentence("x" * 500, (0,)),), "extractive", "m"))
    path = tmp_path / DB_NAME
    data = bytearray(path.read_bytes())
    data[8192:24576] = b"\xff" * 16384  # pages in the middle of the table: the header still reads fine
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="briefing.summarize.cache"), SummaryCache.open(tmp_path) as cache:
        assert cache is not None
        assert len(cache) == 0
        cache.put("new", Summary("b", (), "extractive", "m"))
        assert cache.get("new") is not None
    assert "corrupt" in caplog.text


def test_unusable_cache_folder_never_fails_the_run(
    tmp_path: Path, counting: tuple[list[str], list[Settings]], caplog: pytest.LogCaptureFixture
) -> None:
    calls, _ = counting
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    with caplog.at_level(logging.WARNING, logger="briefing.summarize.cache"):
        summaries = summarize_run([article(1)], Settings(cache_dir=blocker))
    assert len(summaries) == 1 and len(calls) == 1
    assert "summary cache disabled" in caplog.text


def test_two_threads_write_at_once(tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            with SummaryCache.open(tmp_path) as cache:
                assert cache is not None
                for n in range(40):
                    cache.put(f"{name}-{n}", Summary(f"{name}{n}", (), "extractive", "m"))
                assert not cache.disabled
        except BaseException as error:  # surfaced in the main thread below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(f"t{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with SummaryCache.open(tmp_path) as cache:
        assert cache is not None and len(cache) == 160


WRITER = """
import sys
from pathlib import Path
from briefing.summarize.cache import SummaryCache
from briefing.records import Summary, SummarySentence
cache = SummaryCache.open(Path(sys.argv[1]))
for n in range(120):
    cache.put(f"{sys.argv[2]}-{n}", Summary(f"a{n}", (SummarySentence("s" * 200, (n,)),), "extractive", "m"))
assert cache is not None and not cache.disabled, "cache switched off"
"""


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), name], stderr=subprocess.PIPE, stdout=subprocess.PIPE
        )
        for name in ("first", "second")
    ]
    results = [process.communicate(timeout=120) for process in processes]
    for process, (_, stderr) in zip(processes, results, strict=True):
        assert process.returncode == 0, stderr.decode()
        assert b"cache" not in stderr  # no warning: neither writer gave up on the cache
    with SummaryCache.open(tmp_path) as cache:
        assert cache is not None and len(cache) == 240
        assert cache.get("first-119") is not None and cache.get("second-0") is not None


def test_cli_cache_options(tmp_path: Path, data_dir: Path, counting: tuple[list[str], list[Settings]]) -> None:
    calls, seen = counting
    runner = CliRunner()
    source = str(data_dir / "cnn_sample.jsonl")
    cache_dir = tmp_path / "my-cache"
    arguments = ["summarize", source, "--format", "jsonl", "--cache-dir", str(cache_dir)]

    first = runner.invoke(app, arguments)
    assert first.exit_code == 0, first.output
    summarized = len(calls)
    assert summarized == 5 and (cache_dir / DB_NAME).is_file()
    second = runner.invoke(app, arguments)
    assert second.exit_code == 0 and second.stdout == first.stdout
    assert len(calls) == summarized

    no_cache = runner.invoke(app, [*arguments, "--no-cache"])
    assert no_cache.exit_code == 0
    assert len(calls) == 2 * summarized
    assert seen[-1].use_cache is False and seen[-1].cache_dir == cache_dir


def test_cli_daily_takes_the_cache_and_guard_options(
    tmp_path: Path, data_dir: Path, counting: tuple[list[str], list[Settings]]
) -> None:
    _, seen = counting
    result = CliRunner().invoke(
        app,
        [
            "daily",
            str(data_dir / "cnn_sample.jsonl"),
            "--out",
            str(tmp_path / "out"),
            "--date",
            "2026-11-25",
            "--cache-dir",
            str(tmp_path / "c"),
            "--no-cache",
            "--guard",
            "flag",
        ],
    )
    assert result.exit_code == 0, result.output
    assert seen[-1].use_cache is False and seen[-1].cache_dir == tmp_path / "c"
    assert seen[-1].guard is GuardMode.flag
