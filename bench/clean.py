"""Benchmark the cleaner on the article-extraction development pages, next to anchors measured in the same run.

    python bench/clean.py [--data ../shared/data/extraction] [--limit N]

For each page of `<data>/ground-truth.json`, the plain-text dump `<data>/text/<key>.txt` and the HTML
`<data>/html/<key>.html.gz` are cleaned and the kept body is scored against the human-marked `articleBody` with
word-shingle precision / recall / F1 (`briefing/clean/shingles.py`: `\\w+` tokens, 4-word shingles compared as
multisets, per-page precision and recall averaged over pages, as the ScrapingHub benchmark does).

Rows:
- text dumps: the raw dump (no cleaning), jusText on the dump's lines (each line a <p>, English stoplist), ours;
- HTML: trafilatura `extract()` with its defaults, trafilatura without comments, ours.
Time is CPU time per page of the cleaning call alone (one core; reading files is not counted).
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from briefing.clean import clean
from briefing.clean.shingles import CorpusScore, score_corpus, score_page
from briefing.errors import SourceError
from briefing.records import RawDocument


def ours(kind: str) -> Callable[[str, str | None], str]:
    def run(content: str, url: str | None) -> str:
        try:
            article = clean(RawDocument(source="bench", content=content, kind=kind, url=url))  # type: ignore[arg-type]
        except SourceError:
            return ""
        return "\n".join(article.sentences)

    return run


def raw_dump(content: str, url: str | None) -> str:
    return content


def justext_lines(content: str, url: str | None) -> str:
    import justext

    lines = [line for line in content.splitlines() if line.strip()]
    markup = "<html><body>" + "".join(f"<p>{html.escape(line)}</p>" for line in lines) + "</body></html>"
    paragraphs = justext.justext(markup.encode("utf-8"), justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def trafilatura_default(content: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(content, url=url) or ""


def trafilatura_no_comments(content: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(content, url=url, include_comments=False) or ""


def measure(
    name: str, method: Callable[[str, str | None], str], pages: list[tuple[str, str, str | None]]
) -> tuple[str, CorpusScore, float]:
    scores = []
    cpu = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        method(pages[0][1], pages[0][2])  # warm-up: imports and model loading are not per-page costs
        for gold, content, url in pages:
            started = time.process_time()
            extracted = method(content, url)
            cpu += time.process_time() - started
            scores.append(score_page(gold, extracted))
    return name, score_corpus(scores), cpu / len(pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/extraction"))
    parser.add_argument("--limit", type=int, default=0, help="use only the first N pages (0: all)")
    args = parser.parse_args(argv)
    truth_path = args.data / "ground-truth.json"
    if not truth_path.exists():
        print(f"no ground-truth.json under {args.data}", file=sys.stderr)
        return 1
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    keys = sorted(truth)[: args.limit or None]
    dumps, pages_html = [], []
    for key in keys:
        gold, url = truth[key]["articleBody"], truth[key].get("url")
        dumps.append((gold, (args.data / "text" / f"{key}.txt").read_text(encoding="utf-8"), url))
        markup = gzip.decompress((args.data / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
        pages_html.append((gold, markup, url))

    rows = [
        ("text dump", *measure("raw dump (no cleaning)", raw_dump, dumps)),
        ("text dump", *measure("jusText on the dump's lines", justext_lines, dumps)),
        ("text dump", *measure("briefing (ours)", ours("text"), dumps)),
        ("HTML", *measure("trafilatura extract(), defaults", trafilatura_default, pages_html)),
        ("HTML", *measure("trafilatura, include_comments=False", trafilatura_no_comments, pages_html)),
        ("HTML", *measure("briefing (ours)", ours("html"), pages_html)),
    ]
    print(f"Word-shingle P/R/F1 against the gold article body, {len(keys)} pages of {args.data}")
    print()
    print("| input | method | precision | recall | F1 | ms/page (CPU) | pages/s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for kind, name, score, seconds in rows:
        rate = 1 / seconds if seconds > 0 else float("inf")
        print(
            f"| {kind} | {name} | {score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f} "
            f"| {seconds * 1000:.1f} | {rate:.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
