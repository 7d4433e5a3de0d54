"""Soak benchmark: thousands of recycled development articles through the daily pipeline, batch after batch, in one
process, watching time and memory.

    python bench/soak.py                      # 2,000 articles in 10 batches of 200, summary cache on (fresh folder)
    python bench/soak.py --no-cache           # the same with the summary cache off
    python bench/soak.py --articles 200 --batches 4   # a quick look

Each batch is one `run_daily` call (the API behind `briefing daily`) on its own day, reading a folder of inputs as a
user's run would: a JSONL export of records plus a share of the raw extraction pages (plain-text dumps and gzipped
HTML). The pool is CNN/DailyMail, BBC News and Multi-News articles from `../shared/data`; recycled copies are
varied (copy k leaves out a different sentence) so that they are new articles to the cleaner, the deduplication and
the cache, not hits. The default extractive summarizer on the embedded model does the work.

Printed: per batch wall time, articles/s, RSS after the batch (after a garbage collection) and the process's peak RSS;
then the slope of RSS over the batches after the first (which loads the model), which says whether memory grows, and
how many sentence vectors the encoder's cache served (compose reusing the summarizer's vectors).

`run_daily` itself hands freed heap pages back to the OS (`briefing.memory`, glibc `malloc_trim`) after summarizing
and at the end of each run, so the numbers are what a long-lived process calling it sees. `--trim` adds one more trim
from the benchmark after each batch, to separate what is still in use from what the allocator merely keeps.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = Path("../shared/data")
MB = 1024 * 1024


@dataclass(frozen=True)
class Record:
    title: str | None
    text: str
    url: str | None


@dataclass(frozen=True)
class BatchResult:
    number: int
    inputs: int
    summarized: int
    skipped: int
    seconds: float
    rss_mb: float
    peak_mb: float
    trimmed_mb: float | None  # RSS after malloc_trim: what is still in use, without the allocator's free pages


def load_pool(data_dir: Path) -> list[Record]:
    pool: list[Record] = []
    for name in ("summarization/cnn_dailymail_dev.jsonl", "summarization/bbc_news_dev.jsonl"):
        for line in (data_dir / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            pool.append(Record(item.get("title"), item["article"], item.get("url")))
    for line in (data_dir / "multidoc/multi_news_dev.jsonl").read_text(encoding="utf-8").splitlines():
        pool.extend(Record(None, text, None) for text in json.loads(line)["articles"] if text.strip())
    return pool


def raw_pages(data_dir: Path) -> list[Path]:
    """The extraction set's scraped pages (text dumps and gzipped HTML), used once each: real boilerplate to clean."""
    folder = data_dir / "extraction"
    return sorted((folder / "text").glob("*.txt")) + sorted((folder / "html").glob("*.html.gz"))


def variant(record: Record, copy: int) -> Record:
    """Copy 0 is the article as is; copy k leaves out its k-th sentence: a new article, as an updated story is."""
    if copy == 0:
        return record
    from briefing.text import split_sentences

    sentences = split_sentences(record.text)
    if len(sentences) < 2:
        return Record(record.title, f"{record.text} (Revision {copy}.)", record.url)
    del sentences[copy % len(sentences)]
    return Record(record.title, " ".join(sentences), record.url)


def build_batches(pool: list[Record], pages: list[Path], total: int, batches: int, root: Path) -> list[Path]:
    """Write `batches` input folders holding `total` inputs in all, the raw pages spread evenly; returns the folders."""
    per_batch = total // batches
    pages = pages[: total // 10]  # at most a tenth of the inputs are raw pages
    folders: list[Path] = []
    produced = 0
    for number in range(batches):
        folder = root / f"batch-{number + 1:02d}"
        folder.mkdir(parents=True)
        count = per_batch if number < batches - 1 else total - per_batch * (batches - 1)
        page_share = pages[number::batches][:count]
        for page in page_share:
            shutil.copy(page, folder / page.name)
        with (folder / "articles.jsonl").open("w", encoding="utf-8") as handle:
            for _ in range(count - len(page_share)):
                record = variant(pool[produced % len(pool)], produced // len(pool))
                produced += 1
                handle.write(json.dumps({"title": record.title, "article": record.text, "url": record.url}) + "\n")
        folders.append(folder)
    return folders


def rss_mb() -> float:
    import psutil

    gc.collect()
    return psutil.Process().memory_info().rss / MB


def trim_heap() -> bool:
    """Hand the C heap's free pages back to the OS (glibc `malloc_trim`); False where there is no such call."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        return False
    return True


def peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def slope(values: list[float]) -> float:
    """Least-squares slope of `values` against their index (MB per batch)."""
    n = len(values)
    if n < 2:
        return 0.0
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    numerator = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values))
    return numerator / sum((x - mean_x) ** 2 for x in range(n))


def run(folders: list[Path], work: Path, use_cache: bool, trim: bool) -> list[BatchResult]:
    from briefing.config import Settings
    from briefing.pipeline import run_daily

    results: list[BatchResult] = []
    first_day = dt.date(2026, 1, 1)
    for number, folder in enumerate(folders, start=1):
        inputs = sum(1 for line in (folder / "articles.jsonl").open(encoding="utf-8")) + sum(
            1 for p in folder.iterdir() if p.name != "articles.jsonl"
        )
        settings = Settings(
            out_dir=work / "out",
            cache_dir=work / "cache",
            use_cache=use_cache,
            date=first_day + dt.timedelta(days=number - 1),
        )
        started = time.perf_counter()
        result = run_daily([str(folder)], settings)
        seconds = time.perf_counter() - started
        summarized = len(result.brief.sources)  # one numbered source per article summarized
        rss = rss_mb()
        trimmed = rss_mb() if trim and trim_heap() else None
        skipped = len(result.brief.skipped)
        results.append(BatchResult(number, inputs, summarized, skipped, seconds, rss, peak_mb(), trimmed))
        row = results[-1]
        print(
            f"batch {number}: {row.summarized} articles in {row.seconds:.1f} s, RSS {row.rss_mb:.0f} MB",
            file=sys.stderr,
            flush=True,
        )
    return results


def report(results: list[BatchResult], start_rss: float, use_cache: bool, total_seconds: float) -> None:
    summarized = sum(r.summarized for r in results)
    cache = "on (fresh folder)" if use_cache else "off"
    print(f"\nSoak: {summarized} articles summarized in {len(results)} batches, summary cache {cache}")
    print(f"RSS before the first batch (model not loaded yet): {start_rss:.0f} MB\n")
    trimmed = any(r.trimmed_mb is not None for r in results)
    header = "| batch | inputs | summarized | skipped | wall s | articles/s | RSS after MB | peak RSS MB |"
    print(header + (" RSS after trim MB |" if trimmed else ""))
    print("|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if trimmed else ""))
    for r in results:
        rate = r.summarized / r.seconds if r.seconds else 0.0
        cells = [r.number, r.inputs, r.summarized, r.skipped, f"{r.seconds:.1f}", f"{rate:.1f}"]
        cells += [f"{r.rss_mb:.0f}", f"{r.peak_mb:.0f}"] + ([f"{r.trimmed_mb or 0:.0f}"] if trimmed else [])
        print("| " + " | ".join(str(c) for c in cells) + " |")
    overall = summarized / total_seconds if total_seconds else 0.0
    peak = max(r.peak_mb for r in results)
    print(f"\nTotal: {summarized} articles in {total_seconds:.0f} s ({overall:.1f} articles/s, model load included)")
    print(f"Peak RSS: {peak:.0f} MB")
    steady = [r.rss_mb for r in results[1:]]  # the first batch loads the model: growth is judged after it
    if len(steady) >= 2:
        growth = slope(steady)
        span = growth * (len(steady) - 1)
        verdict = "no growth" if abs(span) < max(10.0, 0.03 * steady[0]) else "GROWS"
        print(
            f"RSS slope over batches 2-{len(results)}: {growth:+.2f} MB/batch ({span:+.1f} MB across them): {verdict}"
        )
    in_use = [r.trimmed_mb for r in results[1:] if r.trimmed_mb is not None]
    if len(in_use) >= 2:
        print(f"RSS-after-trim slope over batches 2-{len(results)}: {slope(in_use):+.2f} MB/batch")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="the shared data folder")
    parser.add_argument("--articles", type=int, default=2000, help="inputs in all")
    parser.add_argument("--batches", type=int, default=10, help="daily runs they are split into")
    parser.add_argument("--no-cache", action="store_true", help="run with the summary cache off")
    parser.add_argument(
        "--trim",
        action="store_true",
        help="after each batch also trim from the benchmark and report RSS after malloc_trim(0)",
    )
    parser.add_argument("--workdir", type=Path, help="keep inputs, outputs and cache here (default: a temp folder)")
    args = parser.parse_args()
    if args.batches < 1 or args.articles < args.batches:
        parser.error("need at least one article per batch")

    work = args.workdir or Path(tempfile.mkdtemp(prefix="briefing-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        folders = build_batches(load_pool(args.data), raw_pages(args.data), args.articles, args.batches, work / "in")
        start_rss = rss_mb()
        started = time.perf_counter()
        results = run(folders, work, use_cache=not args.no_cache, trim=args.trim)
        report(results, start_rss, not args.no_cache, time.perf_counter() - started)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
