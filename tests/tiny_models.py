"""Tiny random models for tests, built offline: a word-level tokenizer trained on the test sentences, a 1-layer
BART (seq2seq), a 1-layer Llama with a chat template (causal), and a Llama GGUF written the way llama.cpp writes one.

Their outputs are noise: they prove the plumbing (loading, chunking, batching, map-reduce), never summary quality.
"""

from __future__ import annotations

from pathlib import Path

from briefing.summarize.prompts import TEMPLATE_NAMES, load_template

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


def save_tokenizer(folder: Path, chat_template: str | None, add_eos: bool) -> int:
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


def save_model(model, folder: Path) -> None:
    # A random model often emits EOS first and says nothing; suppressing it keeps every output non-empty.
    model.generation_config.suppress_tokens = [model.config.eos_token_id]
    model.save_pretrained(folder)


def build_seq2seq(folder: Path) -> Path:
    """A 1-layer BART with a 64-token context: long enough for two sentences, so articles must be chunked."""
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    vocab = save_tokenizer(folder, chat_template=None, add_eos=True)
    config = BartConfig(
        vocab_size=vocab, d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=64,
        pad_token_id=0, bos_token_id=2, eos_token_id=3, decoder_start_token_id=3, forced_eos_token_id=None,
    )  # fmt: skip
    torch.manual_seed(0)
    save_model(BartForConditionalGeneration(config), folder)
    return folder


def build_causal(folder: Path) -> Path:
    """A 1-layer Llama with a chat template and a 256-token context."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    vocab = save_tokenizer(folder, chat_template=CHAT_TEMPLATE, add_eos=False)
    config = LlamaConfig(
        vocab_size=vocab, hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
        num_key_value_heads=2, max_position_embeddings=256, pad_token_id=0, bos_token_id=2, eos_token_id=3,
    )  # fmt: skip
    torch.manual_seed(0)
    save_model(LlamaForCausalLM(config), folder)
    return folder


def write_gguf(path: Path, architecture: str = "llama") -> None:
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
