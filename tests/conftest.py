"""Shared fixtures: real test articles, the embedded encoder loaded once, and a fake summarizer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from briefing.config import Settings
from briefing.records import Article, Summary, SummarySentence

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(autouse=True)
def isolated_summary_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings made without `cache_dir` (by the CLI, say) keep their summary cache in a per-test folder: a test must
    never read summaries cached by another test (or by the user) under a faked summarizer, nor write to ~/.cache."""
    import os

    home_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    monkeypatch.setenv("HF_HOME", os.environ.get("HF_HOME") or str(home_cache / "huggingface"))  # unchanged
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    # Nor may the user's own ~/.config/briefing/briefing.toml give a test its sources or options.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg-config")))


@pytest.fixture(scope="session")
def panjshir_dump() -> Path:
    return DATA / "panjshir-valley-scraped.txt"


@pytest.fixture(scope="session")
def embedded_encoder():
    """The real all-MiniLM-L6-v2 encoder, loaded (and sha256-checked) once for the whole test session."""
    from briefing.encoder.sentence_encoder import load_embedded_encoder

    return load_embedded_encoder()


@pytest.fixture
def run_models(embedded_encoder, settings):
    """A run's models with the session's encoder already in (spaCy and generators load on first use)."""
    from briefing.models import RunModels

    return RunModels(settings, encoder=embedded_encoder)


class FakeSummarizer:
    """Takes the first N sentences: deterministic and instant, for tests about composition and rendering."""

    name = "fake"

    def __init__(self, settings: Settings, models: object) -> None:
        self.settings = settings

    def summarize(self, articles: Sequence[Article]) -> list[Summary]:
        return [
            Summary(
                article.id,
                tuple(
                    SummarySentence(sentence, (index,), support=1.0)
                    for index, sentence in enumerate(article.sentences[: self.settings.sentences])
                ),
                method=self.name,
                model="fake-model",
            )
            for article in articles
        ]


@pytest.fixture
def fake_summarizer(monkeypatch: pytest.MonkeyPatch) -> type[FakeSummarizer]:
    """Register FakeSummarizer under every `--method` name for the duration of a test (through the real registry)."""
    route_methods_to(monkeypatch, FakeSummarizer)
    return FakeSummarizer


def route_methods_to(monkeypatch: pytest.MonkeyPatch, factory: Callable[[Settings, Any], Any]) -> None:
    """Register `factory` (called as `factory(settings, models)`, like a summarizer class) under every method name."""
    from briefing.summarize.registry import SUMMARIZERS

    for name in list(SUMMARIZERS):
        monkeypatch.setitem(SUMMARIZERS, name, factory)


def summarize_run(articles: Sequence[Article], settings: Settings) -> list[Summary]:
    """The summarize stage with a fresh run's models, as the pipeline calls it."""
    from briefing.models import RunModels
    from briefing.summarize import summarize

    with RunModels(settings) as models:
        return summarize(articles, settings, models)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(out_dir=tmp_path / "outputs", date=dt.date(2026, 11, 25), cache_dir=tmp_path / "cache")


def make_article(sentences: Sequence[str], title: str = "A headline", source: str = "test.txt", **extra) -> Article:
    from briefing.text import content_hash

    return Article(
        id=content_hash(" ".join(sentences) + source),
        source=source,
        title=title,
        sentences=tuple(sentences),
        **extra,
    )


@pytest.fixture(scope="session")
def headline_parser():
    """The headlines' parse over a real spaCy parser (never the store), and that parser; skipped without the model."""
    spacy = pytest.importorskip("spacy")
    from briefing.compose.headlines import headline_parse
    from briefing.models import RunModels
    from briefing.summarize.guard.structure import PARSER_PACKAGE

    try:
        nlp = spacy.load(PARSER_PACKAGE, exclude=["ner", "lemmatizer"])
    except OSError:
        pytest.skip(f"{PARSER_PACKAGE} is not installed")
    return headline_parse(RunModels(Settings(use_cache=False), parser=nlp)), nlp
