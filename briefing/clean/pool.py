"""A batch of documents cleaned on several processes: HTML pages cost tens of milliseconds each, and a day's run
cleans hundreds of them, one core at a time otherwise.

`clean_batch` is the one entry: a batch of less than about a third of a second of one process's cleaning (fewer than
8 HTML pages, or some 350 KB of text files, or a mix of the same cost: `cleaning_cost_ms`), or one worker, is cleaned
in this process; above, in a small pool of forked processes (`concurrent.futures.ProcessPoolExecutor`), each worker
taking `chunk_size` documents at a time. The outcomes come back in input order, and a bad page comes back as the Skipped
the cleaning function made of it (its one-line reason), as in one process: the workers run the same function. A
worker that dies (the operating system kills it, a parser crashes the interpreter) breaks the pool; the documents it
had not answered for are then cleaned here, one by one, as without a pool.

Fork, not spawn: the workers start with this process's imports and the cleaner's models already loaded
(`warm_cleaner`, for the kinds of document in the batch: a batch of text dumps imports no trafilatura), so a pool
costs milliseconds to start, not the seconds of importing trafilatura and lxml again.
Where fork is not available, the batch is cleaned in this process.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from briefing.records import RawDocument

log = logging.getLogger(__name__)

# What a document costs one process to clean, roughly (CPU, `bench/clean.py`, 2026-12-02): an HTML page some 45 ms
# whatever its size; a text file about 1 us a character (a scraped page's dump 1.4 us, 12-14 ms at its median 8 KB;
# an article already plain 0.6 us, 1.6 ms). A record's text costs a few ms, about what sending it over costs: records
# count for nothing (a batch of records only is cleaned here; in a pooled batch they go with the rest).
HTML_PAGE_MS = 45.0
TEXT_MS_PER_CHAR = 0.001
# A batch is cleaned on a pool from this much work on: the pool's own cost (a fork per worker, their start and
# shutdown: some 30 ms of CPU; and under 1 ms a document sent, its pickles 0.2 ms of it) is then paid back on two
# cores. 8 HTML pages.
MIN_POOL_MS = 350.0
MIN_POOL_PAGES = math.ceil(MIN_POOL_MS / HTML_PAGE_MS)  # the fewest HTML pages pooled: 8
# Documents a worker takes at a time: each round trip costs some 0.5 ms of CPU, so a few documents per trip; and many
# trips per worker, so that the workers finish close together (the last chunk of a batch runs alone). Replayed on the
# 61 `extraction/` pages' own CPU times, chunks of 7 (the former four per worker) end 8 % after an even split, of 1-2
# within 2 %; on the 883 snippet pages every size from 1 to 8 is within 1.5 %.
MAX_CHUNK = 4
CHUNKS_PER_WORKER = 16
DEFAULT_MAX_WORKERS = 2

Outcome = TypeVar("Outcome")


def default_clean_workers() -> int:
    """Up to DEFAULT_MAX_WORKERS, never more than the CPUs this process may run on."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(DEFAULT_MAX_WORKERS, cpus))


def cleaning_cost_ms(document: RawDocument) -> float:
    """The rough CPU milliseconds one process spends cleaning `document`; 0 for a record."""
    if document.kind == "html":
        return HTML_PAGE_MS
    if document.kind == "text":
        return len(document.content) * TEXT_MS_PER_CHAR
    return 0.0


def pool_size(documents: Sequence[RawDocument], workers: int | None) -> int:
    """How many processes clean this batch: 1 (this process) for a batch of little work or without fork."""
    wanted = default_clean_workers() if workers is None else workers
    costs = [cost for cost in map(cleaning_cost_ms, documents) if cost > 0]
    if wanted <= 1 or sum(costs) < MIN_POOL_MS or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(wanted, len(costs))


def chunk_size(documents: int, workers: int) -> int:
    """About CHUNKS_PER_WORKER chunks per worker, at most MAX_CHUNK documents each: few round trips, an even finish."""
    return max(1, min(MAX_CHUNK, documents // (workers * CHUNKS_PER_WORKER)))


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
        warm_cleaner(html=any(document.kind == "html" for document in documents))
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


def warm_cleaner(html: bool = True) -> None:
    """Load the cleaner's models here, once, so every forked worker starts with them; with `html`, the HTML path's
    too (its imports: trafilatura, lxml, readability-lxml, htmldate)."""
    from briefing.clean import dump, outlets

    dump.dump_model()
    # The Public Suffix List that names a source's outlet from its URL, ~0.04 s to build, else built in every worker.
    outlets.registered_domain("https://www.example.co.uk/")
    if not html:
        return
    import htmldate  # noqa: F401  (the metadata's date fallback)

    from briefing.clean import candidates, html_trafilatura
    from briefing.clean import html as html_path

    _warm_justext_stoplist()
    candidates._text_document()
    html_path.html_model()
    html_trafilatura.trafilatura_options(True)
    html_trafilatura.trafilatura_options(False)
    html_trafilatura._cascade()


def _warm_justext_stoplist() -> None:
    """trafilatura's jusText rescue merges the stoplists of its 100 languages on first use, and jusText lower-cases
    the merged list into a set: ~0.15 s of CPU that every worker's first uncertain page would spend again. Both are
    trafilatura's and jusText's internals: where a version has them otherwise, the workers build theirs as before."""
    try:
        from justext.core import define_stoplist
        from trafilatura import external

        define_stoplist(external.JT_STOPLIST or external.jt_stoplist_init())
    except (ImportError, AttributeError, TypeError) as error:
        log.debug("jusText stoplist not built ahead of the workers (%s)", error)
