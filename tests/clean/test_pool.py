"""A batch of HTML pages cleaned on a pool of processes: the same outcomes, in the same order, as in one process;
a bad page comes back with its one-line reason; a worker that dies does not lose the batch."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefing import pipeline
from briefing.clean import pool
from briefing.clean.pool import chunk_size, clean_batch, pool_size
from briefing.clean_store import clean_with_store
from briefing.errors import SourceError
from briefing.records import Article, RawDocument, Skipped
from briefing.store import Store

PAGE = gzip.decompress((Path(__file__).resolve().parent.parent / "data" / "page.html.gz").read_bytes()).decode()
PARAGRAPH = (
    "<p>The council approved the budget for {n} schools on Tuesday after a long debate over roads and the cost of "
    "both, members said.</p><p>Members voted seven to two for plan {n}, which raises spending on transport by a "
    "tenth next year, the mayor said.</p>"
)
PARENT = os.getpid()


def _batch() -> list[RawDocument]:
    """Different pages (a real one, its markup cut short, small articles, an empty page, a text dump) and sources."""
    documents = [RawDocument(f"page-{n}.html", PAGE, "html", url=f"https://example.com/{n}") for n in range(3)]
    documents.append(RawDocument("page-cut.html", PAGE[: len(PAGE) // 2], "html"))
    documents += [
        RawDocument(f"small-{n}.html", f"<html><body><article>{PARAGRAPH.format(n=n) * n}</article></body>", "html")
        for n in range(1, 6)
    ]
    documents.insert(4, RawDocument("empty.html", "<html></html>", "html"))
    dump = "Home | News\n" + PARAGRAPH.format(n=9).replace("</p><p>", "\n")
    documents.insert(7, RawDocument("dump.txt", dump, "text"))
    return documents


def _source_of(outcome: Article | Skipped) -> str:
    return outcome.source


def test_a_pool_gives_the_outcomes_of_one_process_in_input_order() -> None:
    documents = _batch()
    assert pool_size(documents, 2) == 2
    advanced: list[int] = []
    alone = clean_batch(documents, pipeline.clean_or_skip, lambda: None, workers=1)
    pooled = clean_batch(documents, pipeline.clean_or_skip, lambda: advanced.append(1), workers=2)
    assert pooled == alone
    assert [_source_of(outcome) for outcome in pooled] == [document.source for document in documents]
    assert len(advanced) == len(documents)
    assert sum(isinstance(outcome, Article) for outcome in pooled) >= 9
    empty = pooled[4]
    assert isinstance(empty, Skipped) and empty.reason.startswith("HTML page holds no text")


def _cleaner_failing_on_small_3(document: RawDocument) -> Article:
    if document.source == "small-3.html":
        raise AssertionError("deep in a parser")
    if document.source == "small-4.html":
        raise SourceError(document.source, "not an article: a test's refusal")
    from briefing.clean import clean

    return clean(document)


def test_a_page_that_fails_in_a_worker_is_reported_with_its_one_line_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "clean", _cleaner_failing_on_small_3)  # forked workers inherit the patch
    outcomes = clean_batch(_batch(), pipeline.clean_or_skip, lambda: None, workers=2)
    by_source = {outcome.source: outcome for outcome in outcomes}
    failed, refused = by_source["small-3.html"], by_source["small-4.html"]
    assert isinstance(failed, Skipped) and failed.reason == (
        "could not be cleaned (AssertionError: deep in a parser); the parser failed on it"
    )
    assert isinstance(refused, Skipped) and refused.reason == "not an article: a test's refusal"
    assert isinstance(by_source["small-5.html"], Article)


def _dies_in_a_worker_on_small_2(document: RawDocument) -> Article | Skipped:
    if document.source == "small-2.html" and os.getpid() != PARENT:
        os._exit(1)  # the operating system killed the worker
    return pipeline.clean_or_skip(document)


def test_a_worker_that_dies_leaves_its_documents_to_this_process() -> None:
    documents = _batch()
    outcomes = clean_batch(documents, _dies_in_a_worker_on_small_2, lambda: None, workers=2)
    assert outcomes == clean_batch(documents, pipeline.clean_or_skip, lambda: None, workers=1)


def test_a_small_batch_or_one_worker_stays_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    documents = _batch()
    pages = [document for document in documents if document.kind == "html"]
    record = RawDocument("feed.jsonl:1", PARAGRAPH.format(n=1), "record")
    assert pool_size(pages[: pool.MIN_POOL_PAGES - 1] + [record] * 100, 2) == 1  # records do not count
    assert pool_size(pages[: pool.MIN_POOL_PAGES], 2) == 2
    assert pool_size(documents, 1) == 1
    assert pool_size(pages[: pool.MIN_POOL_PAGES], 8) == pool.MIN_POOL_PAGES  # no idle worker
    monkeypatch.setattr(pool, "default_clean_workers", lambda: 2)
    assert pool_size(documents, None) == 2
    assert chunk_size(61, 2) == 1 and chunk_size(1000, 2) == pool.MAX_CHUNK


def test_text_files_count_by_their_length_and_add_up_with_pages() -> None:
    pages = [document for document in _batch() if document.kind == "html"]
    chars_per_page = round(pool.HTML_PAGE_MS / pool.TEXT_MS_PER_CHAR)  # the text that costs what one page costs
    dumps = [RawDocument("dump.txt", "x" * chars_per_page, "text")] * (pool.MIN_POOL_PAGES - 1)
    assert pool_size(dumps, 2) == 1
    assert pool_size([*dumps, RawDocument("dump.txt", "x" * chars_per_page, "text")], 2) == 2
    half = pool.MIN_POOL_PAGES // 2
    rest = RawDocument("long.txt", "x" * (chars_per_page * (pool.MIN_POOL_PAGES - half)), "text")
    short = RawDocument("short.txt", rest.content[: -chars_per_page // 2], "text")
    assert pool_size([*pages[:half], rest], 2) == 2
    assert pool_size([*pages[:half], short], 2) == 1


def test_a_pool_of_text_dumps_gives_the_outcomes_of_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "MIN_POOL_MS", 1.0)  # these dumps are short: pooled all the same
    lines = [re.sub("<[^>]+>", "\n", PARAGRAPH.format(n=n)).strip() for n in range(24)]
    dumps = [RawDocument(f"dump-{n}.txt", f"Home | News | Sport\n{text}", "text") for n, text in enumerate(lines)]
    assert pool_size(dumps, 2) == 2
    alone = clean_batch(dumps, pipeline.clean_or_skip, lambda: None, workers=1)
    assert clean_batch(dumps, pipeline.clean_or_skip, lambda: None, workers=2) == alone
    assert all(isinstance(outcome, Article) for outcome in alone)


# A fresh interpreter: a pool of text dumps warms and imports no HTML extractor, in this process or in its workers.
_TEXT_ONLY_POOL = """
import sys
from briefing import pipeline
from briefing.clean import pool
from briefing.clean.pool import clean_batch
from briefing.records import RawDocument

def html_extractors_loaded(document):
    pipeline.clean_or_skip(document)
    return sorted(name for name in ("trafilatura", "lxml", "readability", "htmldate") if name in sys.modules)

dump = RawDocument("dump.txt", sys.stdin.read(), "text")
documents = [dump] * (int(pool.MIN_POOL_MS / pool.cleaning_cost_ms(dump)) + 1)
assert pool.pool_size(documents, 2) == 2
found = clean_batch(documents, html_extractors_loaded, lambda: None, workers=2)
print(sorted({name for names in found for name in names} | {n for n in ("trafilatura", "lxml") if n in sys.modules}))
"""


def test_a_pool_of_text_dumps_imports_no_html_extractor() -> None:
    dump = (Path(__file__).resolve().parent.parent / "data" / "page-dump.txt").read_text(encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-c", _TEXT_ONLY_POOL], input=dump, capture_output=True, text=True, check=True, timeout=300
    )
    assert run.stdout.strip() == "[]", run.stderr


def test_workers_start_with_the_tables_the_html_path_builds_on_first_use() -> None:
    from justext.core import define_stoplist
    from trafilatura import external

    from briefing.clean import outlets

    pool.warm_cleaner()
    assert external.JT_STOPLIST  # trafilatura's merged jusText stoplist: built once, here, not in every worker
    assert define_stoplist.cache_info().currsize >= 1
    assert outlets._suffix_list.cache_info().currsize == 1


def test_the_store_gets_what_the_pool_cleaned_and_keeps_the_order(tmp_path: Path) -> None:
    documents = _batch()
    store = Store.open(tmp_path)
    assert store is not None
    with store:
        first = clean_with_store(documents, store, pipeline.clean_or_skip, lambda: None, pipeline._is_rejection, 2)
        again = clean_with_store(documents, store, _never_called, lambda: None, pipeline._is_rejection, 2)
    assert first == again == clean_batch(documents, pipeline.clean_or_skip, lambda: None, workers=1)


def _never_called(document: RawDocument) -> Article | Skipped:
    raise AssertionError(f"{document.source} was cleaned again")


def test_a_trafilatura_without_the_stoplist_internals_still_cleans(monkeypatch: pytest.MonkeyPatch) -> None:
    from trafilatura import external

    monkeypatch.setattr(external, "JT_STOPLIST", None)
    monkeypatch.delattr(external, "jt_stoplist_init")
    pool.warm_cleaner()  # the warm-up is an optimisation: another trafilatura's layout costs the workers time, no more
    documents = _batch()
    assert clean_batch(documents, pipeline.clean_or_skip, lambda: None, workers=2)[0] == pipeline.clean_or_skip(
        documents[0]
    )
