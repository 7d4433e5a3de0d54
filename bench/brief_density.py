"""The morning brief's shape on days built the way users make them: length, headlines, bottom line, outlets.

    python bench/brief_density.py                 # CNN/DailyMail 100-article day + a Multi-News day, both untitled
    python bench/brief_density.py --limit 30      # a quick look

Days (written as JSONL records under a temporary folder, then run through `briefing.pipeline.run_daily`, the code
`briefing daily` runs, extractive default):
- "CNN/DailyMail": the 100 dev articles (`summarization/cnn_dailymail_dev.jsonl`), untitled records, each with a URL
  on its outlet's domain (cnn.com or dailymail.co.uk, from the record's `source`), as a wire export carries them.
- "Multi-News": the documents of the first clusters of `multidoc/multi_news_dev.jsonl` up to --multinews-docs
  documents, untitled records without URLs (the issue's "day of untitled JSONL records").

Checks, per day: brief.md words (`len(text.split())`, as `wc -w` counts) and per section; headlines ending in an
ellipsis, over 16 words, or carrying furniture ("Image copyright", "Copy link", "Watch:"); bottom-line lines that
repeat a bullet of their story; story outlets named. The anchor, measured in the same run, is the same day rendered
with the previous defaults (every story in full, 150 words per story): what the density changes bought.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefing.config import Settings
from briefing.pipeline import run_daily
from briefing.records import Brief

DATA = Path("../shared/data")
FURNITURE = re.compile(r"image copyright|image caption|copy link|^watch:|^live:|^video:|\| |read more|…$", re.I)
OUTLET_DOMAIN = {"cnn": "https://edition.cnn.com/2026/11/25/", "dailymail": "https://www.dailymail.co.uk/news/"}


def cnn_day(folder: Path, limit: int) -> Path:
    path = folder / "cnn.jsonl"
    with path.open("w", encoding="utf-8") as out, (DATA / "summarization/cnn_dailymail_dev.jsonl").open() as source:
        for number, line in enumerate(source):
            if number >= limit:
                break
            record = json.loads(line)
            url = OUTLET_DOMAIN.get(record.get("source", ""), "https://news.example.com/") + record["id"]
            out.write(json.dumps({"article": record["article"], "url": url}) + "\n")
    return path


def multinews_day(folder: Path, documents: int) -> Path:
    path = folder / "multinews.jsonl"
    written = 0
    with path.open("w", encoding="utf-8") as out, (DATA / "multidoc/multi_news_dev.jsonl").open() as source:
        for line in source:
            for text in json.loads(line)["articles"]:
                if written >= documents:
                    return path
                out.write(json.dumps({"text": text}) + "\n")
                written += 1
    return path


def sections(markdown: str) -> dict[str, int]:
    words: dict[str, int] = {}
    current = "header"
    for line in markdown.splitlines():
        if line.startswith("## "):
            heading = re.sub(r"<a id=\"[^\"]+\"></a>", "", line[3:])
            current = "stories" if re.match(r"\d+\. ", heading) else heading
        words[current] = words.get(current, 0) + len(line.split())
    return words


def check(brief: Brief) -> dict[str, int]:
    headlines = [s.headline for s in brief.stories] + [item.text for item in brief.also_noted]
    by_id = {s.id: s for s in brief.stories}
    repeats = sum(
        1 for b in brief.bottom_line if b.text in [s.text for s in by_id[b.story_id].sentences] if b.story_id in by_id
    )
    return {
        "headlines": len(headlines),
        "ellipsis": sum(h.endswith(("…", "...")) for h in headlines),
        "over 16 words": sum(len(h.split()) > 16 for h in headlines),
        "furniture": sum(bool(FURNITURE.search(h)) for h in headlines),
        "bottom line repeats a bullet": repeats,
        "bottom line over 30 words": sum(len(b.text.split()) > 30 for b in brief.bottom_line),
        "sources without outlet": sum(1 for s in brief.sources if not s.site),
    }


def run(path: Path, out: Path, cache: Path, **overrides: object) -> tuple[Brief, str, float]:
    settings = Settings(date=dt.date(2026, 11, 25), out_dir=out, cache_dir=cache, quiet=True, **overrides)
    started = time.perf_counter()
    result = run_daily([str(path)], settings)
    seconds = time.perf_counter() - started
    return result.brief, (out / "2026-11-25" / "brief.md").read_text(encoding="utf-8"), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=100, help="CNN/DailyMail articles in the day (default 100)")
    parser.add_argument("--multinews-docs", type=int, default=100, help="Multi-News documents in the day")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        days = {"CNN/DailyMail": cnn_day(folder, args.limit), "Multi-News": multinews_day(folder, args.multinews_docs)}
        for name, path in days.items():
            print(f"{name}: running…", file=sys.stderr, flush=True)
            cache = folder / f"cache-{name[:3]}"
            anchor, anchor_md, anchor_s = run(path, folder / "anchor", cache, top=10_000, story_words=150)
            brief, markdown, seconds = run(path, folder / "out", cache)
            rows.append((name, brief, markdown, seconds, anchor, anchor_md, anchor_s))
            print(f"{name}: brief.md {len(markdown.split())} words (anchor {len(anchor_md.split())})", file=sys.stderr)
            print(f"{name}: {check(brief)}", file=sys.stderr, flush=True)
    print("| day | layout | stories in full | also noted | sources | brief.md words | per section | seconds |")
    print("|---|---|---:|---:|---:|---:|---|---:|")
    for name, brief, markdown, seconds, anchor, anchor_md, anchor_s in rows:
        for label, b, md, s in (
            ("anchor: all in full, 150 w", anchor, anchor_md, anchor_s),
            ("**default**", brief, markdown, seconds),
        ):
            parts = ", ".join(f"{k} {v}" for k, v in sections(md).items())
            print(
                f"| {name} | {label} | {len(b.stories)} | {len(b.also_noted)} | {len(b.sources)} "
                f"| {len(md.split())} | {parts} | {s:.1f} |"
            )
    print()
    for name, brief, *_ in rows:
        print(f"{name} (default): " + ", ".join(f"{k} {v}" for k, v in check(brief).items()))
        outlets = sorted({s.site or "?" for s in brief.sources})
        print(f"  outlets: {', '.join(outlets[:8])}{' …' if len(outlets) > 8 else ''}")
        print("  headlines: " + " | ".join(s.headline for s in brief.stories[:5]))
        print("  bottom line: " + " | ".join(b.text for b in brief.bottom_line[:2]))
    print(
        "\nSeconds are wall clock of run_daily on a shared machine (the anchor run pays the summaries, cached after)."
    )


if __name__ == "__main__":
    main()
