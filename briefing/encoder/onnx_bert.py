"""The BERT of bert.py as an ONNX graph run by ONNX Runtime: the same token ids (the same `tokenizers` tokenizer)
and the same unit vectors within 1e-5 (tests/encoder/test_onnx_bert.py), about twice as fast on CPU as torch, and
no torch import (several seconds of a cold run).

The graph is written here from the safetensors weights with `onnx.helper` (embeddings + layer norm, the attention
and feed-forward layers, mean pooling over the attention mask, L2 normalisation), without torch: the graph's output
is the sentence vector itself. It is built once per weights sha256 and this file's code and kept in the cache folder
(`onnx_graph`), so a later run only loads it; only the build needs the `onnx` package.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from briefing.encoder.bert import WEIGHTS_FILE, load_tokenizer, needed_tensors, token_ids
from briefing.encoder.resolve import file_sha256
from briefing.store import code_fingerprint

if TYPE_CHECKING:
    from onnx import NodeProto, TensorProto

log = logging.getLogger(__name__)

OPSET = 17  # LayerNormalization is in the default domain from 17 on
GRAPH_FOLDER = "onnx"  # inside the cache folder
# Added to the attention score of a padding key: exp() of it is exactly 0 in float32, as torch's boolean mask gives.
# A finite value, so that no 0 x infinity can turn into NaN in a rewritten graph.
MASKED_SCORE = -1e9


def available() -> bool:
    """Whether ONNX Runtime is installed (the graph build also needs `onnx`, checked when it is needed)."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


class OnnxBertEncoder:
    """Unit sentence vectors for padded token ids (`vectors`), and the tokenizer (`token_ids`), on ONNX Runtime."""

    def __init__(
        self,
        folder: Path,
        max_tokens: int,
        *,
        graph_dir: Path | None,
        threads: int,
        weights_sha256: str | None = None,
    ) -> None:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.hidden_size = int(config["hidden_size"])
        self.tokenizer, self.pad_token_id = load_tokenizer(folder, config, max_tokens)
        graph = onnx_graph(folder, graph_dir, weights_sha256)
        try:
            self.session = _session(graph, threads)
        except Exception as error:  # onnxruntime's own kinds: a stored graph damaged on disk is built again
            if not isinstance(graph, Path):
                raise
            log.warning("%s: cannot be loaded (%s); moved aside and built again", graph, error)
            graph.replace(graph.with_name(graph.name + ".corrupt"))
            self.session = _session(onnx_graph(folder, graph_dir, weights_sha256), threads)

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        return token_ids(self.tokenizer, texts)

    def vectors(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """Mean-pooled, L2-normalised vectors (rows x hidden) of int64 ids padded to one width, 1 = a real token."""
        feed = {
            "input_ids": input_ids.astype(np.int64, copy=False),
            "attention_mask": attention_mask.astype(np.int64, copy=False),
        }
        output = self.session.run(["vectors"], feed)[0]
        return np.asarray(output, dtype=np.float32)


def _session(graph: Path | bytes, threads: int) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # One process, one pool of `threads` (the usable CPUs): more only contends; a sequential graph and a fixed
    # thread count give the same vectors on every run.
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only: its optimiser's notes are not the user's business
    # Idle pool threads spinning for work would take CPU from the run's other threads (spaCy, I/O) on 2 cores.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    source = str(graph) if isinstance(graph, Path) else graph
    return onnxruntime.InferenceSession(source, options, providers=["CPUExecutionProvider"])


def onnx_graph(folder: Path, graph_dir: Path | None, weights_sha256: str | None) -> Path | bytes:
    """The stored graph for these weights and this code; built (and stored when `graph_dir` is given) if absent."""
    if graph_dir is None:
        return build_graph(folder)
    digest = weights_sha256 or file_sha256(folder / WEIGHTS_FILE)
    path = graph_dir / GRAPH_FOLDER / f"bert-{digest[:16]}-{code_fingerprint('encoder/onnx_bert.py')}.onnx"
    if path.is_file():
        return path
    log.info("building the encoder's ONNX graph (once for these weights): %s", path)
    graph = build_graph(folder)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside and renamed: a run killed mid-write, or two runs at once, never leave half a graph.
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".bert-", suffix=".tmp", delete=False) as handle:
            handle.write(graph)
        os.replace(handle.name, path)
    except OSError as error:  # a read-only cache: this run uses the graph from memory, the next builds it again
        log.warning("cannot store the encoder's ONNX graph in %s (%s)", path.parent, error)
        return graph
    return path


def build_graph(folder: Path) -> bytes:
    """The serialised ONNX model: int64 `input_ids` and `attention_mask` (rows x width) -> float `vectors`."""
    from onnx import TensorProto, helper
    from safetensors.numpy import load_file

    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    size, heads, layers = (
        int(config["hidden_size"]),
        int(config["num_attention_heads"]),
        int(config["num_hidden_layers"]),
    )
    epsilon = float(config.get("layer_norm_eps", 1e-12))
    # Checkpoints saved from BertForX carry a "bert." prefix; the sentence-transformers ones do not.
    weights = {name.removeprefix("bert."): array for name, array in load_file(str(folder / WEIGHTS_FILE)).items()}
    missing = [name for name in needed_tensors(layers) if name not in weights]
    if missing:
        raise ValueError(f"{WEIGHTS_FILE} lacks {missing[0]} ({len(missing)} tensors missing)")
    graph = _GraphWriter()
    node, const = graph.node, graph.const

    def norm(x: str, name: str) -> str:
        scale, bias = const(weights[name + ".weight"]), const(weights[name + ".bias"])
        return node("LayerNormalization", [x, scale, bias], axis=-1, epsilon=epsilon)

    def linear(x: str, name: str) -> str:
        # torch stores (out, in) and computes x @ W.T: the transpose is stored, contiguous.
        product = node("MatMul", [x, const(np.ascontiguousarray(weights[name + ".weight"].T))])
        return node("Add", [product, const(weights[name + ".bias"])])

    width = node("Shape", ["input_ids"], start=1, end=2)
    positions = node("Slice", [const(weights["embeddings.position_embeddings.weight"]), const([0]), width, const([0])])
    hidden = node("Gather", [const(weights["embeddings.word_embeddings.weight"]), "input_ids"], axis=0)
    hidden = node("Add", [hidden, positions])
    hidden = node("Add", [hidden, const(weights["embeddings.token_type_embeddings.weight"][0])])
    hidden = norm(hidden, "embeddings.LayerNorm")
    mask = node("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    # Padding keys get MASKED_SCORE for every query; padded query rows are dropped by the mean pooling.
    key_bias = node("Mul", [node("Sub", [const(1.0), mask]), const(MASKED_SCORE)])
    key_bias = node("Unsqueeze", [key_bias, const([1, 2])])  # rows x 1 x 1 x width
    split_shape, merged_shape = const([0, 0, heads, size // heads]), const([0, 0, size])
    scale = const(1.0 / math.sqrt(size // heads))
    for layer in range(layers):
        prefix = f"encoder.layer.{layer}."
        query, key, value = (
            node("Reshape", [linear(hidden, prefix + f"attention.self.{part}"), split_shape])
            for part in ("query", "key", "value")
        )
        scores = node(
            "MatMul", [node("Transpose", [query], perm=[0, 2, 1, 3]), node("Transpose", [key], perm=[0, 2, 3, 1])]
        )
        scores = node("Add", [node("Mul", [scores, scale]), key_bias])
        context = node("MatMul", [node("Softmax", [scores], axis=-1), node("Transpose", [value], perm=[0, 2, 1, 3])])
        context = node("Reshape", [node("Transpose", [context], perm=[0, 2, 1, 3]), merged_shape])
        attended = norm(
            node("Add", [linear(context, prefix + "attention.output.dense"), hidden]),
            prefix + "attention.output.LayerNorm",
        )
        inner = _gelu(graph, linear(attended, prefix + "intermediate.dense"))
        hidden = norm(node("Add", [linear(inner, prefix + "output.dense"), attended]), prefix + "output.LayerNorm")
    # Mean over the real tokens, then unit length: sentence-transformers' pooling, with torch's clamps.
    weights_3d = node("Unsqueeze", [mask, const([2])])
    summed = node("ReduceSum", [node("Mul", [hidden, weights_3d]), const([1])], keepdims=0)
    counts = node("Max", [node("ReduceSum", [weights_3d, const([1])], keepdims=0), const(1e-9)])
    pooled = node("Div", [summed, counts])
    length = node("Max", [node("ReduceL2", [pooled], axes=[1], keepdims=1), const(1e-12)])
    graph.nodes.append(helper.make_node("Div", [pooled, length], ["vectors"]))
    ids = [
        helper.make_tensor_value_info(name, TensorProto.INT64, ["rows", "width"])
        for name in ("input_ids", "attention_mask")
    ]
    output = helper.make_tensor_value_info("vectors", TensorProto.FLOAT, ["rows", size])
    model = helper.make_model(
        helper.make_graph(graph.nodes, "bert_sentence_vectors", ids, [output], graph.initializers),
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="briefing",
    )
    model.ir_version = 8  # read by every ONNX Runtime since 1.10
    # No onnx.checker pass: it serialises the 90 MB model once more (~2 s), and ONNX Runtime checks it on loading.
    return bytes(model.SerializeToString())


def _gelu(graph: _GraphWriter, x: str) -> str:
    """Exact (erf) GELU, x * 0.5 * (1 + erf(x / sqrt 2)): the pattern ONNX Runtime fuses into one Gelu kernel."""
    node, const = graph.node, graph.const
    inner = node("Add", [node("Erf", [node("Div", [x, const(math.sqrt(2.0))])]), const(1.0)])
    return node("Mul", [node("Mul", [x, inner]), const(0.5)])


class _GraphWriter:
    """Nodes and initialisers with generated names: `node` returns its output's name, `const` its tensor's."""

    def __init__(self) -> None:
        self.nodes: list[NodeProto] = []
        self.initializers: list[TensorProto] = []
        self._count = 0

    def _name(self, kind: str) -> str:
        self._count += 1
        return f"{kind}_{self._count}"

    def node(self, op: str, inputs: list[str], **attributes: Any) -> str:
        from onnx import helper

        output = self._name(op)
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attributes))
        return output

    def const(self, value: Any) -> str:
        from onnx import numpy_helper

        array = np.asarray(value)
        # Python ints are shapes and indices (int64), floats and weights float32.
        array = array.astype(np.int64 if array.dtype.kind in "iu" else np.float32)
        name = self._name("const")
        self.initializers.append(numpy_helper.from_array(array, name))
        return name
