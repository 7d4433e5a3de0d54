"""Wall-clock pages/s of the cleaner in one process and through the cleaning pool (`briefing/clean/pool.py`), with
the anchors in the same two shapes: `bench/clean.py`'s throughput table (`--throughput-only` runs it alone).

Every row goes through `clean_batch`, the product's entry, so a row "2 processes" is the pool as a run uses it
(fork, the same chunks, outcomes back in input order) and the anchor's 2-process row pays the same start-up and
transfer costs. Rows are timed in rounds, the order reversed each round (load on a shared machine drifts), and the
fastest round of each row is printed with the CPU time of every process it used (this one and its workers).
"""

from __future__ import annotations

import os
import resource
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from extraction_sets import extraction_pages, snippet_pages
from extractors import justext_lines, trafilatura_fast
from plain_articles import plain_cases

from briefing import pipeline
from briefing.clean import pool
from briefing.records import RawDocument

WORKERS = 2


def trafilatura_fast_document(document: RawDocument) -> str:
    """The anchor: trafilatura `fast=True`, as a picklable (module-level) function of one document."""
    return trafilatura_fast(document.content, document.url)


def justext_lines_document(document: RawDocument) -> str:
    """The text-dump anchor: jusText on the dump's lines."""
    return justext_lines(document.content, document.url)


@dataclass
class Timing:
    pages: int
    wall: float  # seconds
    cpu: float  # seconds, this process and the workers it started and joined
    same: bool  # outcomes equal to the 1-process row's

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.wall if self.wall > 0 else 0.0

    @property
    def cores_used(self) -> float:
        """The CPU the row got: on a shared machine (Linux groups a session's processes for the scheduler), far
        less than one core per process."""
        return self.cpu / self.wall if self.wall > 0 else 0.0

    def pages_per_second_at(self, processes: int) -> float:
        """Pages/s with a whole core per process: the row's CPU per page spread over its processes (an even
        split; the last chunk's wait is left out, under 2 % for these sets at the shipped chunk sizes)."""
        return processes * self.pages / self.cpu if self.cpu > 0 else 0.0


def _cpu_seconds() -> float:
    """CPU of this process and of its waited-for children: the pool's workers count once the pool has shut down."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_batch(
    documents: Sequence[RawDocument], clean_one: Callable[[RawDocument], object], workers: int
) -> tuple[list[object], float, float]:
    """The outcomes of `clean_batch` on `workers` processes, its wall seconds and CPU seconds (all processes)."""
    cpu, started = _cpu_seconds(), time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outcomes = pool.clean_batch(documents, clean_one, lambda: None, workers)
    return outcomes, time.perf_counter() - started, _cpu_seconds() - cpu


def measure(
    documents: Sequence[RawDocument], methods: Sequence[tuple[str, Callable[[RawDocument], object]]], rounds: int
) -> dict[tuple[str, int], Timing]:
    """Each method in 1 and WORKERS processes, `rounds` times in alternating order; the fastest round per row."""
    rows = [(name, clean_one, workers) for name, clean_one in methods for workers in (1, WORKERS)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pool.warm_cleaner()
        for _, clean_one in methods:
            clean_one(documents[0])  # imports and first-use tables, in this process: the workers fork from it
    best: dict[tuple[str, int], Timing] = {}
    alone: dict[str, list[object]] = {}
    for round_number in range(rounds):
        for name, clean_one, workers in rows if round_number % 2 == 0 else rows[::-1]:
            outcomes, wall, cpu = timed_batch(documents, clean_one, workers)
            if workers == 1:
                alone.setdefault(name, outcomes)
            elif pool.pool_size(documents, workers) != workers:
                raise RuntimeError(f"{name}: the batch was not cleaned on {workers} processes")
            same = outcomes == alone[name] if name in alone else True
            timing = Timing(len(documents), wall, cpu, same)
            previous = best.get((name, workers))
            if previous is None or wall < previous.wall:
                best[(name, workers)] = timing
            if not same:
                best[(name, workers)].same = False
    return best


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def html_pages(data: Path, limit: int) -> tuple[list[RawDocument], list[RawDocument], list[RawDocument]]:
    """`extraction/` pages, `extraction/` text dumps and `extraction-trafilatura/` pages as documents."""
    extraction = extraction_pages(data / "extraction", limit)
    pages = [RawDocument(f"{page.key}.html", page.html, "html", url=page.url) for page in extraction]
    dumps = [RawDocument(f"{page.key}.txt", page.dump, "text") for page in extraction]
    snippets = [
        RawDocument(page.entry["file"], page.html, "html", url=page.url)
        for page in snippet_pages(data / "extraction-trafilatura", limit)
    ]
    return pages, dumps, snippets


def throughput_section(data: Path, limit: int, rounds: int, snippets: bool = True) -> None:
    pages, dumps, snippet_documents = html_pages(data, limit)
    html_methods = (
        ("briefing (ours)", pipeline.clean_or_skip),
        ("trafilatura fast=True (anchor)", trafilatura_fast_document),
    )
    dump_methods = (
        ("briefing (ours)", pipeline.clean_or_skip),
        ("jusText on the dump's lines (anchor)", justext_lines_document),
    )
    sets: list[tuple[str, list[RawDocument], tuple[tuple[str, Callable[[RawDocument], object]], ...]]] = [
        ("`extraction/` HTML", pages, html_methods)
    ]
    if snippets:
        sets.append(("`extraction-trafilatura/` HTML", snippet_documents, html_methods))
    sets.append(("`extraction/` text dumps", dumps, dump_methods))
    plain = [RawDocument(f"{case.name}.txt", case.text, "text") for case in plain_cases(data)[: limit or None]]
    sets.append(("plain-text articles (3 layouts)", plain, (dump_methods[0],)))
    print(f"## Throughput: wall-clock pages/s in 1 process and through the cleaning pool ({WORKERS} processes)")
    print()
    print(f"Load average before: {_load()} (1, 5, 15 min) on {len(os.sched_getaffinity(0))} usable CPUs.")
    print()
    print(
        "| set | method | processes | pages | wall s | pages/s | CPU ms/page (all processes) | cores used "
        "| pages/s at a core per process | same outcomes | a run uses this shape |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for set_name, documents, methods in sets:
        pooled_in_a_run = pool.pool_size(documents, WORKERS) > 1
        shipped, pool.MIN_POOL_MS = pool.MIN_POOL_MS, 0.0  # the pool measured even where a run would not use it
        try:
            timings = measure(documents, methods, rounds)
        finally:
            pool.MIN_POOL_MS = shipped
        for (name, workers), timing in timings.items():
            print(
                f"| {set_name} | {name} | {workers} | {timing.pages} | {timing.wall:.2f} "
                f"| {timing.pages_per_second:.1f} | {timing.cpu * 1000 / timing.pages:.1f} "
                f"| {timing.cores_used:.2f} | {timing.pages_per_second_at(workers):.1f} "
                f"| {'yes' if timing.same else 'NO'} | {'yes' if pooled_in_a_run == (workers > 1) else 'no'} |"
            )
    print()
    print(f"Load average after: {_load()}. Fastest of {rounds} rounds per row (order reversed each round).")
    print(
        "Cores used = CPU s / wall s of the row. Pages/s at a core per process = processes x pages / CPU s: what "
        "the row's CPU time gives on an otherwise idle machine with a core for each process. A run uses this "
        f"shape: whether `briefing daily` would clean this batch on {WORKERS} processes (pool.pool_size)."
    )
    print()
