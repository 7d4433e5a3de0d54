"""Plain-text articles as users save them, built from the development summarization sets, and how well the
cleaner keeps them whole.

Each record's article text (CNN/DailyMail, BBC News) is written in one of three layouts, in turn:
- "one line": the whole body on one line;
- "paragraphs": paragraphs of two or three sentences separated by blank lines;
- "title + paragraphs": a title line (the BBC record's title, or the CNN/DailyMail story's first words), a blank
  line, then paragraphs.
Scores: refused (no article returned), lead kept (the article's first sentence is in the cleaned text), and word
recall (the share of the body's `\\w+` words, counted as a multiset, found in the cleaned title and text).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from briefing.text import normalize_whitespace, split_sentences

LAYOUTS = ("one line", "paragraphs", "title + paragraphs")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class PlainCase:
    name: str
    layout: str
    text: str  # the file's content
    title: str | None  # the title line written, if any
    body: str  # the article's words, without the title line
    lead: str  # the article's first sentence


def _paragraphs(sentences: list[str]) -> list[str]:
    """Two or three sentences a paragraph, alternating, so paragraph breaks fall in varied places."""
    paragraphs, index, size = [], 0, 2
    while index < len(sentences):
        paragraphs.append(" ".join(sentences[index : index + size]))
        index += size
        size = 5 - size
    return paragraphs


def _layout(layout: str, title: str, sentences: list[str]) -> tuple[str, str | None]:
    if layout == "one line":
        return " ".join(sentences) + "\n", None
    body = "\n\n".join(_paragraphs(sentences)) + "\n"
    if layout == "paragraphs":
        return body, None
    return f"{title}\n\n{body}", title


def plain_cases(data_dir: Path, per_set: int = 60) -> list[PlainCase]:
    """`per_set` articles of each development set, the layouts taken in turn."""
    cases: list[PlainCase] = []
    for set_name in ("cnn_dailymail_dev", "bbc_news_dev"):
        path = data_dir / "summarization" / f"{set_name}.jsonl"
        with path.open(encoding="utf-8") as handle:
            records = [json.loads(line) for line, _ in zip(handle, range(per_set), strict=False)]
        for number, record in enumerate(records):
            sentences = split_sentences(record["article"])
            if not sentences:
                continue
            title = record.get("title") or " ".join(sentences[0].split()[:8]).rstrip(".,;:")
            layout = LAYOUTS[(len(cases)) % len(LAYOUTS)]
            text, written_title = _layout(layout, title, sentences)
            cases.append(
                PlainCase(f"{set_name}:{number + 1}", layout, text, written_title, " ".join(sentences), sentences[0])
            )
    return cases


@dataclass(frozen=True)
class PlainScore:
    articles: int
    refused: int
    lead_kept: int
    word_recall: float


def score_plain(cases: list[PlainCase], clean_text: Callable[[str], tuple[str, str] | None]) -> PlainScore:
    """`clean_text(content)` returns (title, text) or None when it refuses the input."""
    refused = lead_kept = 0
    recalls = []
    for case in cases:
        result = clean_text(case.text)
        if result is None:
            refused += 1
            recalls.append(0.0)
            continue
        title, text = result
        if normalize_whitespace(case.lead) in normalize_whitespace(text):
            lead_kept += 1
        wanted = Counter(_WORD.findall(case.body.lower()))
        found = Counter(_WORD.findall(f"{title}\n{text}".lower()))
        recalls.append(sum((wanted & found).values()) / max(1, sum(wanted.values())))
    return PlainScore(len(cases), refused, lead_kept, sum(recalls) / max(1, len(recalls)))
