"""The OpenAI-compatible backend at the protocol level, against the in-process stub server (tests/openai_stub.py):
the same prompts and guard as a local model, requests in flight up to --concurrency, retries on 429/5xx with backoff,
and one clear line when the server is down, the model unknown, the answer late or not JSON."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from briefing.clean import clean
from briefing.config import Method, Settings
from briefing.errors import ConfigError, ModelError
from briefing.models import RunModels
from briefing.records import Article, RawDocument
from briefing.summarize import summarize
from briefing.summarize.generative import GenerationOptions
from briefing.summarize.openai_server import ServerModel, estimate_tokens
from briefing.summarize.prompts import load_template
from tests.openai_stub import serve_openai

OPTIONS = GenerationOptions(max_new_tokens=64)


@pytest.fixture(scope="module")
def articles(data_dir: Path) -> list[Article]:
    records = [json.loads(line) for line in (data_dir / "cnn_sample.jsonl").read_text(encoding="utf-8").splitlines()]
    return [clean(RawDocument(f"cnn-{i}.txt", r["article"], "text/plain")) for i, r in enumerate(records)]


def _model(endpoint: str, **options: object) -> ServerModel:
    return ServerModel("tiny-chat", endpoint, backoff=0.01, **options)  # type: ignore[arg-type]


def _prompts(model: ServerModel, count: int) -> list[str]:
    template = load_template("map")
    return [model.render(template, title=f"T{i}", sentences=2, text=f"Fact {i} happened. More.") for i in range(count)]


def test_hybrid_through_the_server_gives_guarded_summaries(articles, embedded_encoder, tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_API_KEY", "sk-test-key")
    with serve_openai() as server:
        settings = Settings(
            model="openai:tiny-chat",
            endpoint=server.endpoint,
            method=Method.hybrid,
            cache_dir=tmp_path / "cache",
            concurrency=3,
        )
        with RunModels(settings, encoder=embedded_encoder) as models:
            summaries = summarize(articles, settings, models)
    assert len(summaries) == len(articles)
    assert len(server.chat_requests) == len(articles)  # each article fits one chunk: one rewrite request each
    request = server.chat_requests[0]
    assert request["model"] == "tiny-chat" and request["temperature"] == 0.0 and request["max_tokens"] == 160
    assert [m["role"] for m in request["messages"]] == ["system", "user"]
    assert "Rewrite them as a concise summary" in request["messages"][1]["content"]  # the shared hybrid prompt
    assert all(headers.get("Authorization") == "Bearer sk-test-key" for headers in server.headers)
    for article, summary in zip(articles, summaries, strict=True):
        assert summary.method == "hybrid" and summary.model == "openai:tiny-chat"
        assert summary.sentences and all(s.citations for s in summary.sentences)
        assert not any(s.flagged for s in summary.sentences)  # the stub copies the article: all supported
        for sentence in summary.sentences:
            cited = " ".join(article.sentences[i] for i in sentence.citations)
            assert sentence.text.split()[0] in cited


def test_requests_go_out_concurrency_at_a_time():
    with serve_openai() as server:
        model = _model(server.endpoint, concurrency=4)
        replies = model.generate(_prompts(model, 12), OPTIONS)
    assert replies == [f"Fact {i} happened. More." for i in range(12)]  # in the prompts' order
    assert 2 <= server.most_in_flight <= 4
    with serve_openai() as server:
        model = _model(server.endpoint, concurrency=1)
        model.generate(_prompts(model, 4), OPTIONS)
    assert server.most_in_flight == 1


@pytest.mark.parametrize("status", [429, 500, 503])
def test_retryable_statuses_are_retried_with_backoff(status):
    with serve_openai(faults=[status, status]) as server:
        model = _model(server.endpoint, retries=2)
        assert model.generate(_prompts(model, 1), OPTIONS) == ["Fact 0 happened. More."]
    assert len(server.chat_requests) == 3


def test_a_server_that_keeps_failing_ends_with_one_line():
    with serve_openai(faults=[500] * 5) as server:
        model = _model(server.endpoint, retries=2)
        with pytest.raises(ModelError, match=r"HTTP 500 after 3 tries \(scripted 500\)"):
            model.generate(_prompts(model, 1), OPTIONS)
    assert len(server.chat_requests) == 3


def test_a_slow_answer_times_out_then_succeeds_on_retry():
    with serve_openai(faults=["slow"], slow_s=1.5) as server:
        model = _model(server.endpoint, timeout=0.5, retries=1)
        assert model.generate(_prompts(model, 1), OPTIONS) == ["Fact 0 happened. More."]
    with serve_openai(faults=["slow", "slow"], slow_s=1.5) as server:
        model = _model(server.endpoint, timeout=0.5, retries=1)
        with pytest.raises(ModelError, match=r"no answer within 0.5s \(2 tries\)"):
            model.generate(_prompts(model, 1), OPTIONS)


@pytest.mark.parametrize(
    ("fault", "message"),
    [("malformed", "malformed JSON"), ("no-choices", r"no choices\[0\]\.message\.content"), (400, "HTTP 400")],
)
def test_bad_answers_are_not_retried_and_say_what_was_wrong(fault, message):
    with serve_openai(faults=[fault]) as server:
        model = _model(server.endpoint, retries=3)
        with pytest.raises(ModelError, match=message):
            model.generate(_prompts(model, 1), OPTIONS)
    assert len(server.chat_requests) == 1


def test_unknown_model_names_what_the_server_serves():
    served = serve_openai(model_ids=("qwen-7b", "smollm2"))
    with served as server, pytest.raises(ModelError, match=r"does not serve model 'tiny-chat'; it serves: qwen-7b"):
        _model(server.endpoint)


def test_a_server_that_is_down_is_named_with_the_fix():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(
        ModelError, match=rf"cannot reach the model server at http://127.0.0.1:{port}/v1 .*is it running"
    ):
        _model(f"http://127.0.0.1:{port}/v1", retries=1)


def test_the_reported_context_bounds_the_chunks():
    with serve_openai(max_model_len=1024) as server:
        assert _model(server.endpoint, context=4096).context_tokens == 1024
    with serve_openai() as server:  # nothing reported: the setting
        assert _model(server.endpoint, context=2048).context_tokens == 2048


def test_token_estimate_is_an_upper_bound_for_english_and_numbers():
    # SmolLM2's tokenizer (Llama-style BPE, digits split) gives 24 tokens here; the estimate must not be lower.
    text = "The 39-year-old was given a three-year deal on 12 March 2024 by chairman Jim Mann."
    assert estimate_tokens(text) >= 24
    assert estimate_tokens("2024") == 4


def test_settings_refuse_what_cannot_work():
    with pytest.raises(ConfigError, match="needs --endpoint"):
        Settings(model="openai:x", method=Method.hybrid)
    with pytest.raises(ConfigError, match="needs --model openai:NAME"):
        Settings(model="some/model", endpoint="http://localhost:8000/v1", method=Method.hybrid)
    with pytest.raises(ConfigError, match="http:// or https://"):
        Settings(model="openai:x", endpoint="localhost:8000", method=Method.hybrid)
    with pytest.raises(ConfigError, match="no beam search"):
        Settings(model="openai:x", endpoint="http://localhost:8000/v1", method=Method.hybrid, num_beams=4)
