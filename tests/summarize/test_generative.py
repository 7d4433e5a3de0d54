"""The generative path on tiny random models built in tmp folders: backend choice, the CLI on a local folder,
chunking against the model's own context, batching with left padding, out-of-memory retries, map-reduce, refine,
hybrid, chat templates and prompt versions. Model files and their errors are in test_model_files.py.
"""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.config import Method, ReduceMode, Settings
from briefing.encoder.resolve import resolve_model
from briefing.errors import ModelError
from briefing.summarize.abstractive import provisional_citations, summary_sentences
from briefing.summarize.chunk import chunk
from briefing.summarize.condense import condense
from briefing.summarize.generative import GenerationOptions, GenerativeModel, load_generative
from briefing.summarize.prompts import TEMPLATE_NAMES, load_template, parse_template, prompt_version
from tests.conftest import make_article
from tests.tiny_models import SENTENCES, build_causal, build_seq2seq

OPTIONS = GenerationOptions(max_new_tokens=12, num_beams=1, batch_size=4)
runner = CliRunner()


@pytest.fixture(scope="module")
def seq2seq_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_seq2seq(tmp_path_factory.mktemp("tiny-bart"))


@pytest.fixture(scope="module")
def causal_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_causal(tmp_path_factory.mktemp("tiny-llama"))


def _settings(folder: Path, **values: object) -> Settings:
    defaults: dict[str, object] = {"model": str(folder), "method": Method.abstractive, "max_new_tokens": 12}
    return Settings(**{**defaults, **values})  # type: ignore[arg-type]


def _model(folder: Path) -> GenerativeModel:
    settings = _settings(folder)
    return load_generative(settings.model, settings.device, settings.dtype, settings.allow_unsafe_weights)


# -- loading and the CLI ------------------------------------------------------------------------------------------


def test_backend_is_chosen_from_the_config(seq2seq_folder: Path, causal_folder: Path) -> None:
    seq2seq, causal = _model(seq2seq_folder), _model(causal_folder)
    assert (seq2seq.kind, seq2seq.context_tokens) == ("seq2seq", 64)
    assert (causal.kind, causal.context_tokens) == ("causal", 256)
    assert causal.tokenizer.padding_side == "left"
    assert type(seq2seq.model).__name__ == "BartForConditionalGeneration"
    assert type(causal.model).__name__ == "LlamaForCausalLM"


@pytest.mark.parametrize("fixture", ["seq2seq_folder", "causal_folder"])
def test_cli_summarizes_with_a_local_model_folder(
    fixture: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    article = tmp_path / "article.txt"
    article.write_text("Council votes on homes\n\n" + "\n".join(SENTENCES[:12]) + "\n")
    folder = request.getfixturevalue(fixture)
    result = runner.invoke(
        app,
        ["summarize", str(article), "--method", "abstractive", "--model", str(folder), "--format", "jsonl",
         "--max-new-tokens", "12", "--batch-size", "3", "--guard", "flag"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.strip())
    assert record["summary"] and all(text.strip() for text in record["summary"])
    assert all(citations for citations in record["citations"])


# -- chunking against the model's context ---------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["seq2seq_folder", "causal_folder"])
def test_chunks_fit_the_context_and_cover_every_sentence(fixture: str, request: pytest.FixtureRequest) -> None:
    model = _model(request.getfixturevalue(fixture))
    article = make_article(SENTENCES, title="Council votes")
    template = load_template("map")
    values = {"title": article.title, "sentences": 3}
    budget = model.input_budget(template, OPTIONS, values)
    chunks = chunk(article, model.count_tokens, budget, overlap=1)
    assert len(chunks) > 2  # the article is several times the context
    covered: set[int] = set()
    for piece in chunks:
        prompt = model.render(template, text=piece.text, **values)
        output_room = OPTIONS.max_new_tokens if model.kind == "causal" else 0
        assert model.prompt_tokens(prompt) + output_room <= model.context_tokens
        covered.update(range(piece.start, piece.end))
    assert covered == set(range(len(SENTENCES)))


# -- batching -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["seq2seq_folder", "causal_folder"])
def test_batched_generation_equals_one_by_one(fixture: str, request: pytest.FixtureRequest) -> None:
    model = _model(request.getfixturevalue(fixture))
    template = load_template("map")
    # Different lengths, so that batches need padding (on the left for the decoder-only model).
    prompts = [model.render(template, text=" ".join(SENTENCES[i : i + 1 + i % 3]), title="T", sentences=2)
               for i in range(6)]  # fmt: skip
    batched = model.generate(prompts, GenerationOptions(max_new_tokens=10, batch_size=6))
    alone = [model.generate([prompt], GenerationOptions(max_new_tokens=10, batch_size=1))[0] for prompt in prompts]
    assert batched == alone
    assert any(batched)  # the random model writes something
    beams = model.generate(prompts[:2], GenerationOptions(max_new_tokens=10, num_beams=2, batch_size=2))
    assert len(beams) == 2


def test_out_of_memory_retries_with_smaller_batches(causal_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = _model(causal_folder)  # transformers' generate; the own decode loop's retries are in test_generative_decode
    prompts = [model.render(load_template("map"), text=s, title="T", sentences=2) for s in SENTENCES[:5]]
    expected = model.generate(prompts, GenerationOptions(max_new_tokens=8, batch_size=1, own_loop=False))
    real = model._generate_batch
    sizes: list[int] = []

    def small_memory(batch: list[str], config: Any) -> list[str]:
        sizes.append(len(batch))
        if len(batch) > 2:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(batch, config)

    monkeypatch.setattr(model, "_generate_batch", small_memory)
    monkeypatch.setattr(model, "batch_limit", None)
    assert model.generate(prompts, GenerationOptions(max_new_tokens=8, batch_size=5, own_loop=False)) == expected
    assert sizes[0] == 5 and max(sizes[1:]) <= 2
    assert model.batch_limit == 2

    def no_memory(batch: list[str], config: Any) -> list[str]:
        raise RuntimeError("CUDA out of memory")

    monkeypatch.setattr(model, "_generate_batch", no_memory)
    with pytest.raises(ModelError, match="out of memory on a single input"):
        model.generate(prompts[:1], GenerationOptions(max_new_tokens=8, batch_size=1, own_loop=False))


# -- map-reduce, refine, hybrid -------------------------------------------------------------------------------------


def _spy(model: GenerativeModel, monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], list[str]]]:
    """Record every generate call as (prompts, outputs)."""
    calls: list[tuple[list[str], list[str]]] = []
    real = model.generate

    def record(prompts, options):
        outputs = real(prompts, options)
        calls.append((list(prompts), list(outputs)))  # a copy: what was returned then, whatever the caller does
        return outputs

    monkeypatch.setattr(model, "generate", record)
    return calls


@pytest.mark.parametrize("fixture", ["seq2seq_folder", "causal_folder"])
def test_map_reduce_merges_chunk_summaries(fixture: str, request, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = request.getfixturevalue(fixture)
    model = _model(folder)
    calls = _spy(model, monkeypatch)
    long_article = make_article(SENTENCES, title="Council votes")
    short_article = make_article(SENTENCES[:1], title="One line", source="short.txt")
    drafts = condense(model, [long_article, short_article], _settings(folder))
    assert len(drafts[0].chunks) > 1 and drafts[0].reduce_rounds >= 1
    assert len(drafts[1].chunks) == 1 and drafts[1].reduce_rounds == 0
    # One batched map call over the chunks of both articles, then reduce calls that only the long article needs.
    assert len(calls[0][0]) == len(drafts[0].chunks) + 1
    assert len(calls) == 1 + drafts[0].reduce_rounds
    assert all(len(prompts) < len(calls[0][0]) for prompts, _ in calls[1:])
    if model.kind == "causal":
        assert all("consecutive parts" in prompt for prompts, _ in calls[1:] for prompt in prompts)
    # The final text is the last merge's output, not one chunk's summary: nothing after the first chunk is dropped.
    assert calls[-1][1] == [drafts[0].text]


def test_refine_carries_the_running_summary(causal_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = _model(causal_folder)
    calls = _spy(model, monkeypatch)
    article = make_article(SENTENCES, title="Council votes")
    [draft] = condense(model, [article], _settings(causal_folder, reduce_mode=ReduceMode.refine))
    assert len(calls) == len(draft.chunks) == draft.reduce_rounds + 1
    for (_, previous), (prompts, _) in itertools.pairwise(calls):
        assert len(prompts) == 1 and "Here is a summary of the first part" in prompts[0]
        assert previous[0] in prompts[0]  # each step sees the summary so far
    assert calls[-1][1] == [draft.text]


def test_hybrid_rewrites_the_extracted_sentences(causal_folder: Path, embedded_encoder) -> None:
    from briefing.models import RunModels
    from briefing.summarize.registry import create_summarizer

    article = make_article(SENTENCES[:10], title="Council votes")
    settings = _settings(causal_folder, method=Method.hybrid, sentences=2)
    picked = {
        i
        for s in create_summarizer("extractive", settings, RunModels(settings)).summarize([article])[0].sentences
        for i in s.citations
    }
    [summary] = create_summarizer("hybrid", settings, RunModels(settings)).summarize([article])
    assert summary.method == "hybrid" and summary.sentences
    assert all(set(s.citations) <= picked for s in summary.sentences)


# -- prompts and chat templates -------------------------------------------------------------------------------------


def test_chat_template_is_applied_for_causal_models(causal_folder: Path, tmp_path: Path) -> None:
    model = _model(causal_folder)
    prompt = model.render(load_template("map"), text="Ada Moss funded a bridge.", title="Bridge", sentences=2)
    assert prompt.startswith("<|system|>") and prompt.rstrip().endswith("<|assistant|>")
    assert "Ada Moss funded a bridge." in prompt and "Headline: Bridge" in prompt
    # Without a chat template the same prompt is sent as plain text that ends where the summary should begin.
    plain = tmp_path / "no-template"
    shutil.copytree(causal_folder, plain)
    config_path = plain / "tokenizer_config.json"
    config = json.loads(config_path.read_text())
    config.pop("chat_template", None)
    config_path.write_text(json.dumps(config))
    (plain / "chat_template.jinja").unlink(missing_ok=True)
    bare = GenerativeModel(resolve_model(str(plain)))
    assert not bare.chat_template
    text = bare.render(load_template("map"), text="Ada Moss funded a bridge.", title="Bridge", sentences=2)
    assert "<|" not in text and text.endswith("Summary:\n")


def test_seq2seq_models_get_the_bare_text(seq2seq_folder: Path) -> None:
    model = _model(seq2seq_folder)
    assert model.render(load_template("map"), text="Ada Moss funded a bridge.", title="T", sentences=2) == (
        "Ada Moss funded a bridge."
    )


def test_prompt_templates_are_versioned() -> None:
    version = prompt_version()
    assert all(f"{name}@" in version for name in TEMPLATE_NAMES)
    template = parse_template("x", "# version: 7\n[system]\nBe exact.\n[user]\nSay {text} in {sentences}.\n")
    assert template.version == "7"
    assert template.messages(text="{braces} stay", sentences=2)[1]["content"] == "Say {braces} stay in 2."
    with pytest.raises(ModelError, match="version"):
        parse_template("bad", "[user]\n{text}\n")


def test_generated_text_is_cleaned_into_sentences() -> None:
    generated = (
        "Here is a summary of the article:\n- The council approved 12 homes.\n* The council approved 12 homes.\n"
        "2. Ada Moss opposed it. The vote was close and"
    )
    assert summary_sentences(generated, 5) == ["The council approved 12 homes.", "Ada Moss opposed it."]
    assert summary_sentences(generated, 1) == ["The council approved 12 homes."]
    article = make_article(SENTENCES[:6])
    assert provisional_citations("Ada Moss rejected 4 a bridge.", article, range(6))[0] == 1
    assert provisional_citations("Zzz qqq.", article, [4, 5]) in ((4,), (5,))  # always something to check
