"""The three-wire-copies construction of issue 11: each article is sent as three copies, identical but for one number
in one lead sentence (the original value and two others), and the brief is built by `briefing daily` as a user runs
it. A citation is misattributed when the cited source's matching sentence holds a different number than the brief's
sentence. Disagreements are counted from `brief.disagreements` where the compose stage reports them.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from devsets import DevItem

from briefing.config import Settings
from briefing.summarize.guard.facts import number_facts
from briefing.text import split_sentences, words

_NUMBER = re.compile(r"(?<![\d.,])\d{1,4}(?![\d.,]?\d)")
LEAD_SENTENCES = 4  # the changed sentence is in the lead, where the brief takes its facts from


@dataclass(frozen=True)
class WireResult:
    articles: int
    citations: int
    misattributed: int
    changed_values: int  # values that differ between the copies (one per article: the changed number)
    disagreements: int | None  # None when the brief has no disagreements list (compose does not report them yet)
    examples: tuple[str, ...]


def wire_copies(item: DevItem, index: int) -> list[dict[str, str]] | None:
    """Three records of one article: the original, and two with one lead number changed. None if no lead number."""
    sentences = item.article.sentences
    for position, sentence in enumerate(sentences[:LEAD_SENTENCES]):
        match = _NUMBER.search(sentence)
        if match is None or re.fullmatch(r"(19|20)\d\d", match.group()):
            continue
        value = int(match.group())
        others = [value * 2 + 3, max(1, value // 3) if value > 3 else value + 7]
        copies = []
        for copy, new in enumerate([value, *others]):
            changed = sentence[: match.start()] + str(new) + sentence[match.end() :]
            text = " ".join([*sentences[:position], changed, *sentences[position + 1 :]])
            copies.append({"id": f"wire{index}-{copy}", "title": item.article.title, "article": text})
        return copies
    return None


def _numbers(text: str) -> frozenset[str]:
    return frozenset(key for fact in number_facts(text) for key in fact.keys[:1])


def _matching_sentence(text: str, article_text: str) -> str:
    mine = set(words(text))
    return max(split_sentences(article_text), key=lambda s: len(mine & set(words(s))) / (1 + len(set(words(s)))))


def run_wire_copies(items: list[DevItem], count: int, settings: Settings) -> WireResult:
    from briefing.pipeline import run_daily

    records: list[dict[str, str]] = []
    used = 0
    for index, item in enumerate(items):
        copies = wire_copies(item, index)
        if copies is None:
            continue
        records.extend(copies)
        used += 1
        if used >= count:
            break
    texts = {record["id"]: record["article"] for record in records}
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "wire.jsonl"
        source.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
        run_settings = dataclasses.replace(settings, out_dir=Path(folder) / "out", use_cache=False)
        brief = run_daily([str(source)], run_settings).brief
    by_number = {s.number: s for s in brief.sources}
    sentences = [s for story in brief.stories for s in story.sentences] + list(brief.bottom_line)
    citations = misattributed = 0
    examples: list[str] = []
    for sentence in sentences:
        said = _numbers(sentence.text)
        for number in sentence.sources:
            citations += 1
            record_id = by_number[number].source.rpartition("#")[2]  # "wire.jsonl:2#wire0-1"
            text = texts.get(record_id)
            if text is None or not said:
                continue
            theirs = _numbers(_matching_sentence(sentence.text, text))
            if said - theirs:
                misattributed += 1
                if len(examples) < 3:
                    examples.append(f'"{sentence.text[:120]}" cites [{number}], whose sentence has {sorted(theirs)}')
    disagreements = getattr(brief, "disagreements", None)
    return WireResult(
        used, citations, misattributed, used, None if disagreements is None else len(disagreements), tuple(examples)
    )
