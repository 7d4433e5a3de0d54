"""Benchmark the cleaner on every input kind a user has, next to anchors measured in the same run.

    python bench/clean.py [--data ../shared/data] [--limit N] [--no-snippets] [--html-only] [--throughput-only]
        [--no-throughput] [--rounds N]

Sections (each table carries its anchors; speeds are CPU time of the cleaning call alone, one core):
1. Plain-text articles (`bench/plain_articles.py`): 120 dev CNN/DailyMail and BBC articles saved as .txt in three
   layouts: refused, lead sentence kept, word recall. Anchor: the raw text. Then 80 held-out dev articles (records
   61-100 of each set) in 8 header layouts (title + byline + date, Markdown, labelled headers, trailing credits;
   with and without blank lines): refused, lead first in the summary, header line left, author/date found. Anchor:
   the same cleaner with the header reading off. `--plain-only` prints these two tables alone.
2. JSON record text with page furniture: the Multi-News dev records (real exports) are cleaned as records; furniture
   phrases left (media-player, image-caption, credit, embed-widget lines) and the words of prose lines kept.
3. `extraction/` (61 dev pages of the ScrapingHub benchmark): word 4-shingle P/R/F1 against the human-marked
   `articleBody` (`briefing/clean/shingles.py`, per-page averages), the plain-text dump and the HTML of each page.
   The first six rows are the rows this benchmark printed before; the others are anchors added with them.
4. `extraction-trafilatura/` (883 pages, many languages and site kinds): trafilatura's snippet scoring (every
   must-keep snippet found is a true positive, every must-drop snippet found a false positive).
5. Throughput (`bench/clean_throughput.py`): wall-clock pages/s of HTML on both page sets and of the text dumps,
   in one process and through the cleaning pool (2 processes), with trafilatura fast=True (jusText for dumps) in
   the same two shapes as anchors, and the load average; `--throughput-only` prints this table alone.
6. Inputs refused, per development set, with the reasons: the sets above, and the CNN/DailyMail and BBC records and
   the Multi-News documents read as text files (as `bench/devsets.py` and the grouping benchmark read them). Every
   one of these but the page notices of Multi-News (Twitter widgets, web-archive crawl notices) is a real article.

"briefing (ours)" on HTML is the whole product path: the block model, trafilatura with fallbacks and readability-lxml
as candidates, the most agreed one kept (`briefing/clean/candidates.py`), the last two run only where the cascade
finds the page uncertain; "briefing, every candidate" is the same path with the cascade off (every page voted on).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path

# This checkout's `briefing` and the bench helpers, whatever copy of the package the environment has installed.
sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from clean_throughput import throughput_section  # noqa: E402
from extraction_sets import extraction_pages, snippet_pages  # noqa: E402
from extractors import (  # noqa: E402
    Extractor,
    SnippetScore,
    justext_html,
    justext_lines,
    ours,
    raw,
    readability_lxml,
    refusal_reason,
    trafilatura_default,
    trafilatura_fast,
    trafilatura_no_comments,
)
from plain_articles import header_cases, header_left, plain_cases, score_plain  # noqa: E402

from briefing.clean import candidates, clean  # noqa: E402
from briefing.clean.shingles import CorpusScore, score_corpus, score_page  # noqa: E402
from briefing.errors import SourceError  # noqa: E402
from briefing.records import RawDocument  # noqa: E402

FURNITURE_PHRASES = re.compile(
    r"Media playback is unsupported|Image copyright|Image caption|Media caption|Copy this code|/Getty Images|"
    r"Getty Images /|^Advertisement$|^Play Facebook$|^Google Plus$",
    re.MULTILINE,
)
_WORD = re.compile(r"\w+")
# (set, inputs, refusal reasons counted): filled by each section, printed last.
REFUSED: list[tuple[str, int, Counter[str]]] = []


def _timed(
    method: Extractor, items: list[tuple[str, str | None]], refusals: Counter[str] | None = None
) -> tuple[list[str], float]:
    """Outputs and CPU seconds per item; the first call is a warm-up (imports, model loading) and not counted, nor
    is its refusal, if any, in `refusals`."""
    outputs = []
    cpu = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        method(*items[0])
        if refusals is not None:
            refusals.clear()
        for content, url in items:
            started = time.process_time()
            outputs.append(method(content, url))
            cpu += time.process_time() - started
    return outputs, cpu / max(1, len(items))


def every_candidate(method: Extractor) -> Extractor:
    """`method` with the HTML cascade off: the fast-text length the gate needs is out of reach, so every page goes
    through the full vote (the path before the cascade)."""

    def run(content: str, url: str | None) -> str:
        gate = candidates.CERTAIN_MIN_CHARS
        candidates.CERTAIN_MIN_CHARS = sys.maxsize
        try:
            return method(content, url)
        finally:
            candidates.CERTAIN_MIN_CHARS = gate

    return run


def _rate(seconds: float) -> str:
    return f"{seconds * 1000:.1f} | {1 / seconds:.0f}" if seconds > 0 else "0.0 | -"


def plain_section(data: Path) -> None:
    cases = plain_cases(data)

    refusals: Counter[str] = Counter()

    def ours_plain(content: str) -> tuple[str, str] | None:
        try:
            article = clean(RawDocument("bench.txt", content, "text"))
        except SourceError as error:
            refusals[refusal_reason(error.reason)] += 1
            return None
        return article.title, "\n".join(article.sentences)

    print(f"## Plain-text articles: {len(cases)} dev articles (CNN/DailyMail, BBC) in three layouts")
    print()
    print("| method | refused | lead kept | word recall | ms/article (CPU) | articles/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, method in (("raw text (anchor)", lambda text: ("", text)), ("briefing (ours)", ours_plain)):
        started = time.process_time()
        score = score_plain(cases, method)
        seconds = (time.process_time() - started) / len(cases)
        print(
            f"| {name} | {score.refused} | {score.lead_kept}/{score.articles} | {score.word_recall:.3f} "
            f"| {_rate(seconds)} |"
        )
    print()
    REFUSED.append(("plain-text articles (3 layouts)", len(cases), refusals))


def header_section(data: Path) -> None:
    """Plain articles with header and credit lines (`plain_articles.header_cases`): per layout, refused, lead kept
    (the first summary sentence is the article's first), a header line left in the body, author and date found.
    Anchor: the same cleaner with the header reading switched off (the path before it), in the same run."""
    from briefing.config import Settings
    from briefing.models import RunModels
    from briefing.summarize import summarize

    cases = header_cases(data)
    settings = Settings(use_cache=False)
    models = RunModels(settings)
    layouts = len({case.layout for case in cases})
    print(
        f"## Plain-text articles with header lines: {len(cases) // layouts} held-out dev articles in {layouts} layouts"
    )
    print()
    print("| reading | layout | articles | refused | lead kept | header line left | author found | date found |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for reading, switch in (("header lines not read (anchor)", _headers_off), ("briefing (ours)", nullcontext)):
        with switch():
            articles = []
            for case in cases:
                try:
                    articles.append(clean(RawDocument("bench.txt", case.text, "text")))
                except SourceError:
                    articles.append(None)
            summaries = iter(summarize([article for article in articles if article], settings, models))
        rows: dict[str, Counter[str]] = {}
        for case, article in zip(cases, articles, strict=True):
            row = rows.setdefault(case.layout, Counter())
            row["articles"] += 1
            row["with author"] += case.author is not None
            row["with date"] += case.date is not None
            if article is None:
                row["refused"] += 1
                continue
            summary = next(summaries)
            row["lead kept"] += bool(summary.sentences) and summary.sentences[0].text == case.lead
            row["header left"] += header_left(case, article.title, article.text)
            row["author found"] += case.author is not None and article.author == case.author
            row["date found"] += case.date is not None and str(article.published) == case.date
        for layout, row in rows.items():
            author = f"{row['author found']}/{row['with author']}" if row["with author"] else "–"
            date = f"{row['date found']}/{row['with date']}" if row["with date"] else "–"
            print(
                f"| {reading} | {layout} | {row['articles']} | {row['refused']} | {row['lead kept']} "
                f"| {row['header left']} | {author} | {date} |"
            )
    print()


@contextmanager
def _headers_off() -> Iterator[None]:
    """The cleaner as it was before header lines were read: every line kept, none skipped by the quick test."""
    import briefing.clean as clean_package
    from briefing.clean import plain
    from briefing.clean.headers import HeaderReading

    def unread(lines: Sequence[str], today: object = None) -> HeaderReading:
        return HeaderReading(tuple(lines))

    saved = (plain.read_headers, plain.header_fields, clean_package.read_headers)
    plain.read_headers, clean_package.read_headers = unread, unread
    plain.header_fields = lambda line, head=True: None
    try:
        yield
    finally:
        plain.read_headers, plain.header_fields, clean_package.read_headers = saved


def records_section(data: Path) -> None:
    path = data / "multidoc" / "multi_news_dev.jsonl"
    texts = [text for line in path.open(encoding="utf-8") for text in json.loads(line)["articles"]]

    refusals: Counter[str] = Counter()
    ours_record = ours("record", refusals)

    print(f"## JSON record text: {len(texts)} exported Multi-News dev records")
    print()
    print("| method | furniture phrases left | prose words kept | records refused | ms/record (CPU) |")
    print("|---|---:|---:|---:|---:|")
    prose = [" ".join(line.split()) for text in texts for line in text.split("\n") if _is_prose_line(line)]
    wanted = Counter(word for line in prose for word in _WORD.findall(line.lower()))
    for name, method in (("raw record text (anchor)", raw), ("briefing (ours)", ours_record)):
        outputs, seconds = _timed(method, [(text, None) for text in texts], refusals)
        left = sum(len(FURNITURE_PHRASES.findall("\n".join(output.split("\n")))) for output in outputs)
        found = Counter(word for output in outputs for word in _WORD.findall(output.lower()))
        recall = sum((wanted & found).values()) / max(1, sum(wanted.values()))
        refused = sum(1 for output in outputs if not output)
        print(f"| {name} | {left} | {recall:.3f} | {refused} | {seconds * 1000:.1f} |")
    print()
    REFUSED.append(("Multi-News documents as JSON records", len(texts), refusals))


def _is_prose_line(line: str) -> bool:
    """A line of 12+ words ending a sentence, not opened by a caption or player label: article prose."""
    text = line.strip()
    return len(text.split()) >= 12 and text[-1:] in '.!?"”' and not FURNITURE_PHRASES.search(text)


def extraction_section(data: Path, limit: int) -> None:
    extraction = extraction_pages(data, limit)
    golds = [page.gold for page in extraction]
    urls = [page.url for page in extraction]
    dumps = [page.dump for page in extraction]
    pages = [page.html for page in extraction]
    rows: list[tuple[str, str, CorpusScore, float, int]] = []
    dump_refusals: Counter[str] = Counter()
    html_refusals: Counter[str] = Counter()
    dump_cleaner, html_cleaner = ours("text", dump_refusals), ours("html", html_refusals)
    for kind, name, method, contents in (
        ("text dump", "raw dump (no cleaning)", raw, dumps),
        ("text dump", "jusText on the dump's lines", justext_lines, dumps),
        ("text dump", "briefing (ours)", dump_cleaner, dumps),
        ("HTML", "trafilatura extract(), defaults", trafilatura_default, pages),
        ("HTML", "trafilatura, include_comments=False", trafilatura_no_comments, pages),
        ("HTML", "briefing (ours)", html_cleaner, pages),
        ("HTML", "briefing, every candidate (no cascade)", every_candidate(ours("html")), pages),
        ("HTML", "trafilatura fast=True (no fallbacks)", trafilatura_fast, pages),
        ("HTML", "readability-lxml", readability_lxml, pages),
        ("HTML", "jusText", justext_html, pages),
    ):
        refusals = dump_refusals if method is dump_cleaner else html_refusals if method is html_cleaner else None
        outputs, seconds = _timed(method, list(zip(contents, urls, strict=True)), refusals)
        scores = [score_page(gold, output) for gold, output in zip(golds, outputs, strict=True)]
        below = sum(1 for score in scores if score.f1 < 0.5)
        rows.append((kind, name, score_corpus(scores), seconds, below))
    print(f"## Word-shingle P/R/F1 against the gold article body, {len(extraction)} pages of {data}")
    print()
    print("| input | method | precision | recall | F1 | pages F1<0.5 | ms/page (CPU) | pages/s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for kind, name, score, seconds, below in rows:
        print(
            f"| {kind} | {name} | {score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f} | {below} "
            f"| {_rate(seconds)} |"
        )
    print()
    REFUSED.append(("extraction/ text dumps", len(extraction), dump_refusals))
    REFUSED.append(("extraction/ HTML", len(extraction), html_refusals))


def snippets_section(data: Path, limit: int) -> None:
    items = snippet_pages(data, limit)
    pages = [(page.html, page.url) for page in items]
    print(f"## Must-keep / must-drop snippets, {len(items)} pages of {data}")
    print()
    print("| method | precision | recall | F1 | ms/page (CPU) | pages/s |")
    print("|---|---:|---:|---:|---:|---:|")
    refusals: Counter[str] = Counter()
    for name, method in (
        ("raw HTML text (anchor: everything kept)", _all_text),
        ("trafilatura extract(), defaults (with fallbacks)", trafilatura_default),
        ("trafilatura fast=True (no fallbacks)", trafilatura_fast),
        ("readability-lxml", readability_lxml),
        ("jusText", justext_html),
        ("briefing (ours)", ours("html", refusals)),
        ("briefing, every candidate (no cascade)", every_candidate(ours("html"))),
    ):
        outputs, seconds = _timed(method, pages, refusals)
        score = SnippetScore()
        for output, page in zip(outputs, items, strict=True):
            score.add(output, page.entry["with"], page.entry["without"])
        print(f"| {name} | {score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f} | {_rate(seconds)} |")
    print()
    REFUSED.append(("extraction-trafilatura/ HTML", len(items), refusals))


def dev_records_section(data: Path) -> None:
    """The summarization sets' records and the Multi-News documents as text files: only refusals are counted."""
    for name, path, kind in (
        ("CNN/DailyMail records", data / "summarization" / "cnn_dailymail_dev.jsonl", "record"),
        ("BBC News records", data / "summarization" / "bbc_news_dev.jsonl", "record"),
        ("Multi-News documents as text files", data / "multidoc" / "multi_news_dev.jsonl", "text"),
    ):
        records = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        texts = [text for record in records for text in record.get("articles", [record.get("article", "")])]
        refusals: Counter[str] = Counter()
        method = ours(kind, refusals)
        for text in texts:
            method(text, None)
        REFUSED.append((name, len(texts), refusals))


def refusals_table() -> None:
    print("## Inputs refused, per development set")
    print()
    print("| set | inputs | refused | reasons |")
    print("|---|---:|---:|---|")
    for name, inputs, refusals in REFUSED:
        reasons = "; ".join(f"{count} {reason}" for reason, count in refusals.most_common()) or "–"
        print(f"| {name} | {inputs} | {sum(refusals.values())} | {reasons} |")
    print()


def _all_text(content: str, url: str | None) -> str:
    import lxml.html

    try:
        return lxml.html.fromstring(content).text_content()
    except Exception:  # an empty or unparseable page
        return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"), help="the shared data folder")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N pages of each page set (0: all)")
    parser.add_argument("--no-snippets", action="store_true", help="leave out extraction-trafilatura/ (883 pages)")
    parser.add_argument("--plain-only", action="store_true", help="only the two plain-text article tables")
    parser.add_argument("--html-only", action="store_true", help="only the two page sets (no plain, record tables)")
    parser.add_argument("--throughput-only", action="store_true", help="only the wall-clock throughput table")
    parser.add_argument("--no-throughput", action="store_true", help="leave out the throughput table (minutes)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the throughput table (fastest kept)")
    args = parser.parse_args(argv)
    if not (args.data / "extraction" / "ground-truth.json").exists():
        print(f"no extraction/ground-truth.json under {args.data}", file=sys.stderr)
        return 1
    if args.plain_only:
        plain_section(args.data)
        header_section(args.data)
        return 0
    if args.throughput_only:
        throughput_section(args.data, args.limit, args.rounds, snippets=not args.no_snippets)
        return 0
    print(
        "Speeds are CPU time of the cleaning call on one core; the machine may be shared, so compare rows of one run."
    )
    print()
    if not args.html_only:
        plain_section(args.data)
        header_section(args.data)
        records_section(args.data)
    extraction_section(args.data / "extraction", args.limit)
    if not args.no_snippets:
        snippets_section(args.data / "extraction-trafilatura", args.limit)
    if not args.no_throughput:
        throughput_section(args.data, args.limit, args.rounds, snippets=not args.no_snippets)
    if not args.html_only:
        dev_records_section(args.data)
    refusals_table()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
