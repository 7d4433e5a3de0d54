"""Where a cold `briefing daily` spends its time, stage by stage, in CPU time and wall time, without a profiler.

    PYTHONPATH=. python bench/cold_split.py [--data FILE] [--limit 100] [--out DIR]

One cold run in this process: a fresh cache folder holding only the encoder's ONNX graph (built first, as any run
after the first-ever finds it), every model loaded, nothing cached. The stages' entry points are wrapped with
timers before the run (`process_time` counts every thread of the process, ONNX Runtime's pool included; the cleaning
pool's forked workers are not counted). Stages nest: an indented line is part of the line above it. A profiler
(cProfile) inflates spaCy's Python-level calls several times over; these timers cost nothing measurable.
"""

from __future__ import annotations

import argparse
import importlib
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEFAULT_DATA = Path("../shared/data/summarization/cnn_dailymail_dev.jsonl")
DATE = "2026-11-25"

# (module, attribute, owner class or "", label): the entry points timed, in the order they are printed.
STAGES = [
    ("briefing.pipeline", "load_articles", "", "ingest + clean"),
    ("briefing.pipeline", "summarize_or_skip", "", "summarize (extractive: no encoder)"),
    ("briefing.compose", "compose_day", "", "compose (all of it)"),
    ("briefing.compose", "embed_articles", "", "  encoder: one pass over every distinct text"),
    ("briefing.encoder.sentence_encoder", "_load", "SentenceEncoder", "    encoder load (stored ONNX graph)"),
    ("briefing.encoder.onnx_bert", "vectors", "OnnxBertEncoder", "    ONNX Runtime forward passes"),
    ("briefing.compose", "extract_entities", "", "  NER"),
    ("briefing.compose.entities", "load_entity_model", "", "    spaCy import + NER load"),
    ("briefing.compose.entities", "_tag", "", "    spaCy tagging"),
    ("briefing.compose", "event_profiles", "", "  event profiles"),
    ("briefing.compose", "stored_groups", "", "  grouping"),
    ("briefing.compose", "_draft_story", "", "  draft stories (headlines, story summaries)"),
    ("briefing.summarize.guard.structure", "load_parser_model", "", "    parser load (headlines)"),
    ("briefing.compose", "number_brief", "", "  numbering"),
    ("briefing.compose", "_provenance", "", "  provenance"),
    ("briefing.render", "write_brief", "", "render (brief.json, .md, .html)"),
]


class Timers:
    def __init__(self) -> None:
        self.spent: dict[str, list[float]] = {}
        self.calls: dict[str, int] = {}

    def wrap(self, module_name: str, attribute: str, owner: str, label: str) -> None:
        module = importlib.import_module(module_name)
        target: Any = getattr(module, owner) if owner else module
        original: Callable[..., Any] = getattr(target, attribute)
        spent = self.spent.setdefault(label, [0.0, 0.0])
        self.calls[label] = 0

        def timed(*args: Any, **kwargs: Any) -> Any:
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[0] += time.process_time() - cpu
                spent[1] += time.perf_counter() - wall
                self.calls[label] += 1

        setattr(target, attribute, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--out", type=Path, help="where the brief is written (default: a scratch folder)")
    arguments = parser.parse_args()
    records = [line for line in arguments.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as scratch:
        work = Path(scratch)
        day = work / "day.jsonl"
        day.write_text("\n".join(records[: arguments.limit]) + "\n", encoding="utf-8")
        os.environ["XDG_CACHE_HOME"] = str(work / "xdg")
        os.environ["XDG_CONFIG_HOME"] = str(work / "config")
        cache = work / "cache"
        from briefing.encoder.onnx_bert import onnx_graph
        from briefing.encoder.resolve import EMBEDDED_SHA256, verified_embedded_folder

        onnx_graph(verified_embedded_folder(), cache, EMBEDDED_SHA256)  # the graph a cold run finds (not timed)
        print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}  ({os.cpu_count()} CPUs)")
        cpu, wall = time.process_time(), time.perf_counter()
        from briefing.cli import app

        imported = (time.process_time() - cpu, time.perf_counter() - wall)
        timers = Timers()
        for stage in STAGES:
            timers.wrap(*stage)
        out = arguments.out or work / "out"
        arguments_ = ["daily", str(day), "--out", str(out), "--date", DATE, "--quiet", "--cache-dir"]
        try:
            app([*arguments_, str(cache)])
        except SystemExit as exit_:
            if exit_.code:
                raise
        total = (time.process_time() - cpu, time.perf_counter() - wall)
    print(f"{'stage':52} {'CPU s':>7} {'wall s':>7} calls")
    print(f"{'whole run (from importing briefing.cli)':52} {total[0]:7.2f} {total[1]:7.2f}")
    print(f"{'importing briefing.cli':52} {imported[0]:7.2f} {imported[1]:7.2f}")
    for label, (stage_cpu, stage_wall) in timers.spent.items():
        print(f"{label:52} {stage_cpu:7.2f} {stage_wall:7.2f} {timers.calls[label]:5}")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
