"""`--executor ray` on a local 2-CPU Ray instance: the same brief as `--executor local`, the summary cache used the
same way, a worker's failure reported as a one-line skip, a dead worker restarted and its batch retried.

Slow: Ray's start, and each worker loading the encoder once, take about a minute on a quiet 2-core machine.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from briefing.config import Executor, Settings
from briefing.pipeline import run_daily
from briefing.records import Article, Summary
from tests.conftest import FakeSummarizer, route_methods_to

pytest.importorskip("ray.data")  # in the test extra; skipped only where ray is not installed


@pytest.fixture(scope="module")
def ray_instance() -> Iterator[Any]:
    from briefing.executor.ray_stages import ensure_ray

    ray = ensure_ray(Settings(executor=Executor.ray, ray_workers=2))
    assert ray.cluster_resources()["CPU"] == 2
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> list[str]:
    """A folder of article files as a user drops them, with one file of another type and one without text."""
    folder = tmp_path_factory.mktemp("articles")
    for number, line in enumerate((data_dir / "brief_articles.jsonl").read_text(encoding="utf-8").splitlines()):
        (folder / f"{number:02d}.txt").write_text(json.loads(line)["article"], encoding="utf-8")
    # One JSONL file of several records: one unit to read, its documents cleaned on both workers.
    cnn = (data_dir / "cnn_sample.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    (folder / "cnn.jsonl").write_text("\n".join(cnn + cnn[:1]) + "\n", encoding="utf-8")  # one duplicate record
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4")
    (folder / "empty.txt").write_text("   \n", encoding="utf-8")
    return [str(folder)]


def _settings(tmp_path: Path, executor: Executor, **values: Any) -> Settings:
    return Settings(
        out_dir=tmp_path / executor.value,
        cache_dir=tmp_path / f"cache-{executor.value}",
        executor=executor,
        ray_workers=2 if executor is Executor.ray else None,
        quiet=True,
        **values,
    )


def _stories(out_dir: Path) -> dict[str, Any]:
    brief = json.loads(next(out_dir.glob("*/brief.json")).read_text(encoding="utf-8"))
    return {key: brief[key] for key in ("stories", "sources", "bottom_line", "also_noted", "skipped")}


def test_ray_gives_the_same_brief_as_local(ray_instance, sources, tmp_path, monkeypatch):
    local = run_daily(sources, _settings(tmp_path, Executor.local))
    on_ray = run_daily(sources, _settings(tmp_path, Executor.ray))
    assert len(local.brief.stories) >= 3
    assert _stories(tmp_path / "ray") == _stories(tmp_path / "local")  # same stories, sentences, citations, skips
    skipped = {s.source.rsplit("/", 1)[-1]: s.reason for s in on_ray.brief.skipped}
    assert {"scan.pdf", "empty.txt"} <= set(skipped)
    duplicates = [name for name, reason in skipped.items() if reason == "duplicate of an article already in this run"]
    assert len(duplicates) == 1 and duplicates[0].startswith("cnn.jsonl:4")  # the repeated record, found across workers

    # A second run finds every summary in the cache the first one filled: nothing is sent to the workers.
    import briefing.executor.ray_stages as ray_stages

    def no_work(*args: object) -> None:
        raise AssertionError("a cached article was sent to Ray")

    monkeypatch.setattr(ray_stages, "summarize_on_ray", no_work)
    again = run_daily(sources, dataclasses.replace(_settings(tmp_path, Executor.ray), out_dir=tmp_path / "again"))
    assert _stories(tmp_path / "again") == _stories(tmp_path / "local")
    assert len(again.brief.stories) == len(local.brief.stories)


class FailsOnMars(FakeSummarizer):
    """Raises on one article, as a summarizer hitting a bug would."""

    def summarize(self, articles: Sequence[Article]) -> list[Summary]:
        if any("Curiosity" in " ".join(article.sentences) for article in articles):
            raise RuntimeError("tensor shape mismatch")
        return super().summarize(articles)


class DiesOnce(FakeSummarizer):
    """Kills its worker process the first time it is called in a run (the marker file remembers across restarts)."""

    def summarize(self, articles: Sequence[Article]) -> list[Summary]:
        marker = self.settings.cache_dir / "died-once"
        if not marker.exists():
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text("x")
            os._exit(1)
        return super().summarize(articles)


def test_an_error_in_a_worker_skips_that_article_with_one_line(ray_instance, sources, tmp_path, monkeypatch):
    route_methods_to(monkeypatch, FailsOnMars)
    result = run_daily(sources, _settings(tmp_path, Executor.ray, use_cache=False))
    reasons = [s.reason for s in result.brief.skipped if "summarized" in s.reason]
    failing = sum("Curiosity" in path.read_text(encoding="utf-8") for path in Path(sources[0]).glob("*.txt"))
    assert failing >= 1 and len(reasons) == failing  # those articles alone, each with its one line
    assert set(reasons) == {
        "could not be summarized (RuntimeError: tensor shape mismatch); the summarizer failed on it"
    }
    assert result.written and result.brief.stories  # the other articles made the brief


def test_a_worker_that_dies_is_restarted_and_the_run_ends_with_a_brief(ray_instance, sources, tmp_path, monkeypatch):
    route_methods_to(monkeypatch, DiesOnce)
    settings = _settings(tmp_path, Executor.ray, use_cache=False)
    result = run_daily(sources, settings)
    assert (settings.cache_dir / "died-once").exists()  # it did die
    assert result.written and result.brief.stories
    assert not [s for s in result.brief.skipped if "summarized" in s.reason]
