"""Generative runs that fail say so: loops are banned, an empty summary falls back with a warning, hybrid tops up."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
import torch

from briefing.config import Method, Settings
from briefing.records import Article, Summary, SummarySentence
from briefing.summarize.abstractive import top_up
from briefing.summarize.repetition import NO_REPEAT_NGRAM, NoRepeatInOutput, banned_next_tokens, repetition_settings
from tests.conftest import make_article, route_methods_to, summarize_run

SENTENCES = [
    "The city council voted on Tuesday to close the old bridge to cars.",
    "Engineers had found cracks in two of its supports last month.",
    "Buses will be rerouted over the river at the northern crossing.",
    "The bridge will reopen to pedestrians once repairs are complete.",
    "Local shops fear the closure will cost them customers.",
]


def test_an_ngram_already_generated_cannot_be_completed_again() -> None:
    assert banned_next_tokens([5, 6, 7, 8, 5, 6, 7], 4) == {8}  # "5 6 7" came before, followed by 8
    assert banned_next_tokens([1, 2, 3], 4) == set()
    processor = NoRepeatInOutput(2, prompt_length=2)
    scores = processor(torch.tensor([[9, 9, 1, 2, 1]]), torch.zeros(1, 12))  # generated "1 2 1": "1 2" again is banned
    assert scores[0, 2] == -float("inf") and torch.isfinite(scores[0]).sum() == 11
    # The prompt is left alone: the article's "1 7" does not stop the summary from writing "1 7" (copying is fine).
    scores = processor(torch.tensor([[1, 7, 2, 1]]), torch.zeros(1, 12))
    assert torch.isfinite(scores[0]).all()


def test_seq2seq_models_keep_their_own_no_repeat_size_or_get_ours() -> None:
    assert repetition_settings(SimpleNamespace(no_repeat_ngram_size=3), "seq2seq") == {"no_repeat_ngram_size": 3}
    assert repetition_settings(SimpleNamespace(no_repeat_ngram_size=0), "seq2seq") == {
        "no_repeat_ngram_size": NO_REPEAT_NGRAM
    }
    assert repetition_settings(SimpleNamespace(), "causal") == {}  # decoder-only: NoRepeatInOutput instead


class EmptyGenerator:
    """A generative summarizer whose model looped and whose every line the guard dropped: nothing is left."""

    name = "abstractive"

    def __init__(self, settings: Settings, models: object) -> None:
        self.settings = settings

    def summarize(self, articles: list[Article]) -> list[Summary]:
        return [Summary(a.id, (), method="abstractive", model="tiny") for a in articles]


def test_an_empty_generated_summary_falls_back_to_the_extractive_one_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    import briefing.summarize.guard as guard

    route_methods_to(monkeypatch, EmptyGenerator)
    monkeypatch.setattr(guard, "guard_summaries", lambda articles, summaries, mode, encoder, **_: summaries)
    article = make_article(SENTENCES, source="long-article.txt")
    settings = Settings(method=Method.abstractive, model="some/model", cache_dir=tmp_path, sentences=3)
    with caplog.at_level(logging.WARNING):
        [summary] = summarize_run([article], settings)
    assert summary.method == "extractive-fallback"
    assert [s.text for s in summary.sentences] == SENTENCES[:3]
    assert any("long-article.txt" in r.getMessage() and "came out empty" in r.getMessage() for r in caplog.records)


def test_hybrid_tops_up_to_the_sentences_asked_for() -> None:
    settings = Settings(sentences=3)
    extracted = Summary("a", tuple(SummarySentence(SENTENCES[i], (i,), 1.0) for i in (0, 1, 2)), "extractive", "e")
    rewritten = Summary("a", (SummarySentence("The council shut the bridge to cars.", (0,)),), "hybrid", "tiny")
    topped = top_up(rewritten, extracted, settings)
    assert [s.text for s in topped.sentences] == ["The council shut the bridge to cars.", SENTENCES[1], SENTENCES[2]]
    assert top_up(topped, extracted, settings) == topped  # already full: unchanged
