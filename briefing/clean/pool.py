"""A batch of documents cleaned on several processes: HTML pages cost tens of milliseconds each, and a day's run
cleans hundreds of them, one core at a time otherwise.

`clean_batch` is the one entry: below MIN_POOL_PAGES HTML pages (or with one worker) it cleans in this process;
above, in a small pool of forked processes (`concurrent.futures.ProcessPoolExecutor`), each worker taking
`chunksize` documents at a time. The outcomes come back in input order, and a bad page comes back as the Skipped
the cleaning function made of it (its one-line reason), as in one process: the workers run the same function. A
worker that dies (the operating system kills it, a parser crashes the interpreter) breaks the pool; the documents it
had not answered for are then cleaned here, one by one, as without a pool.

Fork, not spawn: the workers start with this process's imports and the cleaner's models already loaded
(`warm_cleaner`), so a pool costs milliseconds to start, not the seconds of importing trafilatura and lxml again.
Where fork is not available, the batch is cleaned in this process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from briefing.records import RawDocument

log = logging.getLogger(__name__)

# Fewer HTML pages than this are cleaned in this process: starting the workers (a fork each, ~10 ms) and sending the
# pages over pays for itself from a handful of pages on, and a small batch gains little.
MIN_POOL_PAGES = 8
MAX_CHUNK = 8  # documents a worker takes at a time: few enough that two workers finish close together
DEFAULT_MAX_WORKERS = 2
# The kinds of document a batch must hold MIN_POOL_PAGES of: those that cost enough to be worth sending to a worker.
POOLED_KINDS = frozenset({"html"})

Outcome = TypeVar("Outcome")


def default_clean_workers() -> int:
    """Up to DEFAULT_MAX_WORKERS, never more than the CPUs this process may run on."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(DEFAULT_MAX_WORKERS, cpus))


def pool_size(documents: Sequence[RawDocument], workers: int | None) -> int:
    """How many processes clean this batch: 1 (this process) for a batch of few HTML pages or without fork."""
    wanted = default_clean_workers() if workers is None else workers
    pages = sum(1 for document in documents if document.kind in POOLED_KINDS)
    if wanted <= 1 or pages < MIN_POOL_PAGES or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(wanted, pages)


def chunk_size(documents: int, workers: int) -> int:
    """About four chunks per worker, at most MAX_CHUNK documents each: fewer round trips, an even finish."""
    return max(1, min(MAX_CHUNK, documents // (workers * 4)))


def clean_batch(
    documents: Sequence[RawDocument],
    clean_one: Callable[[RawDocument], Outcome],
    advance: Callable[[], None],
    workers: int | None = None,
) -> list[Outcome]:
    """`clean_one` of every document, in input order, on `pool_size` processes; `advance` is called once per
    document as its outcome arrives. `clean_one` must not raise (the pipeline's `clean_or_skip` turns every failure
    into a Skipped) and must be picklable by name (a module-level function)."""
    size = pool_size(documents, workers)
    outcomes: list[Outcome] = []
    if size > 1:
        warm_cleaner()
        try:
            with ProcessPoolExecutor(size, mp_context=multiprocessing.get_context("fork")) as pool:
                for outcome in pool.map(clean_one, documents, chunksize=chunk_size(len(documents), size)):
                    outcomes.append(outcome)
                    advance()
        except BrokenProcessPool:
            log.warning(
                "a cleaning process died; the %d documents it left are cleaned in this process",
                len(documents) - len(outcomes),
            )
    for document in documents[len(outcomes) :]:
        outcomes.append(clean_one(document))
        advance()
    return outcomes


def warm_cleaner() -> None:
    """Import the HTML path and load its models here, once, so every forked worker starts with them."""
    import htmldate  # noqa: F401  (the metadata's date fallback)
    from justext.core import define_stoplist
    from trafilatura import external

    from briefing.clean import candidates, dump, html, html_trafilatura, outlets

    # What the first page would otherwise build in every worker: trafilatura's jusText rescue merges the stoplists
    # of its 100 languages on first use (and jusText lower-cases that merged list into a set once), ~0.15 s of CPU;
    # the Public Suffix List that names a page's outlet, ~0.04 s.
    define_stoplist(external.JT_STOPLIST or external.jt_stoplist_init())
    outlets.registered_domain("https://www.example.co.uk/")
    candidates._text_document()
    html.html_model()
    dump.dump_model()
    html_trafilatura.trafilatura_options(True)
    html_trafilatura.trafilatura_options(False)
    html_trafilatura._cascade()
