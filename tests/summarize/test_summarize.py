"""The summarize stage: the guard checks every abstractive/hybrid summary (and only those); the cache stores the
guarded result. A fake generative summarizer stands in for the real one, so these tests need no generative model."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import briefing.summarize.guard
from briefing.clean import clean
from briefing.config import GuardMode, Method, Settings
from briefing.errors import ModelError
from briefing.records import Article, RawDocument, Summary, SummarySentence
from tests.conftest import route_methods_to, summarize_run

FAITHFUL = "Gary Locke will be named Kilmarnock's permanent manager on Friday."
INVENTED = "Chairman Peter Hamilton said the club agreed a five-year deal with Locke."


class FakeGenerative:
    """Writes one faithful and one invented sentence per article, like a small model on a bad day."""

    def __init__(self, settings: Settings, calls: list[int]) -> None:
        self.settings = settings
        self.name = settings.method.value
        self.calls = calls

    def summarize(self, articles: Sequence[Article]) -> list[Summary]:
        self.calls.append(len(articles))
        sentences = (SummarySentence(FAITHFUL, (0,)), SummarySentence(INVENTED, (1,)))
        return [Summary(a.id, sentences, self.settings.method.value, "fake/generative") for a in articles]


@pytest.fixture(scope="module")
def locke(data_dir: Path) -> Article:
    record = json.loads((data_dir / "cnn_sample.jsonl").read_text(encoding="utf-8").splitlines()[0])
    return clean(RawDocument("cnn_sample.jsonl:1", record["article"], "record"))


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, embedded_encoder) -> list[int]:
    """Every method goes to FakeGenerative; returns the batch sizes it was called with."""
    made: list[int] = []
    route_methods_to(monkeypatch, lambda settings, models: FakeGenerative(settings, made))
    return made


@pytest.fixture
def guard_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the articles the guard checks, and lets it run."""
    checked: list[int] = []
    real = briefing.summarize.guard.guard_summaries

    def counting_guard(
        articles: Sequence[Article], summaries: Sequence[Summary], *args: Any, **kwargs: Any
    ) -> list[Summary]:
        checked.append(len(articles))
        return real(articles, summaries, *args, **kwargs)

    monkeypatch.setattr(briefing.summarize.guard, "guard_summaries", counting_guard)
    return checked


def generative(tmp_path: Path, method: Method, **values: object) -> Settings:
    return Settings(model="fake/generative", method=method, cache_dir=tmp_path, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize("method", [Method.abstractive, Method.hybrid])
def test_generative_summaries_leave_the_stage_guarded(
    tmp_path: Path, locke: Article, calls: list[int], guard_runs: list[int], method: Method
) -> None:
    [dropped] = summarize_run([locke], generative(tmp_path / "drop", method))
    texts = [s.text for s in dropped.sentences]
    assert texts[0] == FAITHFUL and INVENTED not in texts and len(texts) == 2
    assert texts[1] in locke.sentences  # replaced by an article sentence
    assert all(not s.flagged for s in dropped.sentences)

    [flagged] = summarize_run([locke], generative(tmp_path / "flag", method, guard=GuardMode.flag))
    assert [(s.text, s.flagged) for s in flagged.sentences] == [(FAITHFUL, False), (INVENTED, True)]
    assert "Peter Hamilton" in (flagged.sentences[1].reason or "")
    assert guard_runs == [1, 1]


def test_extractive_summaries_are_not_guarded(
    tmp_path: Path, locke: Article, calls: list[int], guard_runs: list[int]
) -> None:
    [summary] = summarize_run([locke], Settings(cache_dir=tmp_path))
    assert [s.text for s in summary.sentences] == [FAITHFUL, INVENTED]  # passed through as the summarizer made it
    assert guard_runs == []


def test_cache_returns_the_guarded_summary_without_model_or_guard_work(
    tmp_path: Path, locke: Article, calls: list[int], guard_runs: list[int]
) -> None:
    settings = generative(tmp_path, Method.abstractive, guard=GuardMode.flag)
    first = summarize_run([locke], settings)
    second = summarize_run([locke], settings)
    assert second == first and second[0].sentences[1].flagged
    assert calls == [1] and guard_runs == [1]
    # Another guard mode is another result: it is not served from the flag-mode entry.
    summarize_run([locke], generative(tmp_path, Method.abstractive, guard=GuardMode.drop))
    assert calls == [1, 1]


def test_a_summarizer_that_loses_articles_is_an_error(tmp_path: Path, locke: Article, monkeypatch) -> None:
    class Lossy:
        name = "lossy"

        def summarize(self, articles: Sequence[Article]) -> list[Summary]:
            return []

    route_methods_to(monkeypatch, lambda settings, models: Lossy())
    with pytest.raises(ModelError, match="returned 0 summaries for 1 articles"):
        summarize_run([locke], Settings(cache_dir=tmp_path))


def test_no_articles_no_work(tmp_path: Path, calls: list[int]) -> None:
    assert summarize_run([], Settings(cache_dir=tmp_path)) == []
    assert calls == [] and not tmp_path.joinpath("summaries.sqlite3").exists()


def test_cli_guard_flag_reports_flags_in_jsonl(tmp_path: Path, data_dir: Path, calls: list[int]) -> None:
    from typer.testing import CliRunner

    from briefing.cli import app

    source = tmp_path / "locke.jsonl"
    source.write_text((data_dir / "cnn_sample.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n")
    common = ["summarize", str(source), "--model", "fake/generative", "--method", "abstractive", "--format", "jsonl"]

    flagged = CliRunner().invoke(app, [*common, "--guard", "flag", "--cache-dir", str(tmp_path / "c")])
    assert flagged.exit_code == 0, flagged.output
    record = json.loads(flagged.stdout)
    assert record["summary"] == [FAITHFUL, INVENTED]
    assert record["flagged"] == [False, True] and "Peter Hamilton" in record["reasons"][1]

    dropped = CliRunner().invoke(app, [*common, "--cache-dir", str(tmp_path / "c")])  # --guard drop is the default
    record = json.loads(dropped.stdout)
    assert INVENTED not in record["summary"] and record["flagged"] == [False, False]
