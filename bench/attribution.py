"""Misattributed citations on the three-wire-copies construction: does a brief cite a source for what it does not say?

Construction (issue 11): N real CNN/DailyMail dev articles, each sent as three copies that differ in one number of
one lead sentence (copy 1 as written, copies 2 and 3 with that number changed, fixed seed). All 3N copies are
summarized (extractive, the default method) and composed into one brief. A citation is *misattributed* when the cited
copy holds no sentence that says the brief sentence: none word for word, and none close to it (difflib ratio >= 0.6)
with all of its figures. This is judged without the product's rules. A
*differing value* is a copy merged into a story whose shown sentence states another number; it is *reported* when
that copy's value appears, with its source, in a Sources differ line of that sentence.

Printed for the fact-safe merge (compose/agreement.py) and, in the same run on the same summaries, for the merge rule
it replaced (encoder similarity and shared words only) as the anchor.

    python -m bench.attribution                 # CNN/DailyMail dev articles 0+ (the ones looked at while building)
    python -m bench.attribution --offset 50     # CNN/DailyMail dev articles 50+, never looked at
    python -m bench.attribution --data ../shared/data/summarization/bbc_news_dev.jsonl --offset 100   # BBC
    python -m bench.attribution --change negation   # copy 2 says "was not" where copies 1 and 3 say "was"

(`python -m` from the repository root, so the checkout's `briefing` is the one imported.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
from devsets import CNN_DAILYMAIL, DEFAULT_DATA_DIR, bench_models, load_dev_set

from briefing.config import Settings
from briefing.records import Article, Brief, BriefSentence
from briefing.text import content_hash

SAYS_RATIO = 0.6  # a reworded sentence of the same copy still says the brief sentence
LEAD_SENTENCES = 3  # the changed number sits in one of the first three sentences, where summaries draw from
_AUXILIARY = re.compile(r"\b(?:was|were|is|are|has|had|have|will|would|could|can|should|did)\b(?! not| never)")
_NUMBER = re.compile(r"(?<![\w.,$£€-])\d{1,4}(?![\w.,%-]|\.\d)")  # a plain integer, not a decimal, ordinal, percentage


@dataclass(frozen=True)
class Wire:
    """Three copies of one article; `changed` is the index of the sentence whose number differs between them."""

    copies: tuple[Article, Article, Article]
    changed: int
    values: tuple[str, str, str]


def make_wires(articles: list[Article], count: int, seed: int, change: str = "number") -> list[Wire]:
    """`number`: copies 2 and 3 state two other values of the first plain number of the lead sentences. `negation`:
    copy 2 negates the first auxiliary verb ("was" -> "was not"), copies 1 and 3 are as written."""
    rng = random.Random(seed)
    pattern = _NUMBER if change == "number" else _AUXILIARY
    wires = []
    for article in articles:
        if len(wires) == count:
            break
        lead = [(i, m) for i, s in enumerate(article.sentences[:LEAD_SENTENCES]) for m in pattern.finditer(s)]
        if not lead:
            continue
        index, match = lead[0]
        if change == "number":
            value = int(match.group(0))
            others = rng.sample([v for v in range(max(1, value - 20), value + 40) if v != value], 2)
            values = (match.group(0), *(str(v) for v in others))
        else:
            values = (match.group(0), match.group(0) + " not", match.group(0))
        copies = []
        for copy, shown in enumerate(values, start=1):
            sentence = article.sentences[index]
            changed = sentence[: match.start()] + shown + sentence[match.end() :]
            sentences = (*article.sentences[:index], changed, *article.sentences[index + 1 :])
            source = f"{article.source}#copy{copy}"
            copies.append(
                replace(article, id=content_hash(" ".join(sentences) + source), source=source, sentences=sentences)
            )
        wires.append(Wire(tuple(copies), index, values))  # type: ignore[arg-type]
    return wires


@dataclass(frozen=True)
class Counts:
    citations: int
    misattributed: int
    missed: int  # sources of the story that say the sentence but are not cited for it
    differing: int
    reported: int
    seconds: float


def count(brief: Brief, wires: list[Wire], show: bool = False) -> Counts:
    by_id = {copy.id: (wire, k) for wire in wires for k, copy in enumerate(wire.copies)}
    source_copy = {s.number: by_id[s.article_id] for s in brief.sources}
    citations = misattributed = missed = differing = reported = 0
    sentences: list[BriefSentence] = [
        *brief.bottom_line,
        *(s for t in brief.stories for s in t.sentences),
        *brief.also_noted,
    ]
    # Per brief sentence: the sources listed under a reading other than the sentence's own (its first source's).
    disputing: dict[str, set[int]] = {}
    for story in brief.stories:
        own = {s.id: s.sources[0] for s in story.sentences}
        for disagreement in story.disagreements:
            for reading in disagreement.readings:
                if own.get(disagreement.sentence_id) not in reading.sources:
                    disputing.setdefault(disagreement.sentence_id, set()).update(reading.sources)
    for sentence in sentences:
        own_wire, own_copy = source_copy[sentence.sources[0]]
        index = _aligned(sentence.text, own_wire.copies[own_copy])
        for number in sentence.sources:
            wire, copy = source_copy[number]
            citations += 1
            if wire is own_wire and not _says(wire.copies[copy], sentence.text):
                misattributed += 1
                if show:
                    print(f"misattributed [{number}] {sentence.id}: {sentence.text[:160]}")
        for member in brief.sources:
            wire, copy = source_copy[member.number]
            if wire is own_wire and member.number not in sentence.sources and _says(wire.copies[copy], sentence.text):
                missed += 1
                if show:
                    print(f"not cited [{member.number}] {sentence.id}: {sentence.text[:160]}")
        if index != own_wire.changed or not sentence.id.startswith("s"):
            continue
        story = next(t for t in brief.stories if sentence in t.sentences)
        shown_value = own_wire.values[own_copy]
        for number in story.sources:
            wire, copy = source_copy[number]
            if wire is own_wire and wire.values[copy] != shown_value:
                differing += 1
                found = number in disputing.get(sentence.id, set())
                reported += found
                if show and not found:
                    print(f"not reported [{number}] {sentence.id}: {sentence.text[:160]}")
    return Counts(citations, misattributed, missed, differing, reported, 0.0)


_NEGATION = re.compile(r"\b(?:not|never|no)\b|n't\b", re.IGNORECASE)
_FIGURE = re.compile(r"\d[\d,.]*\d|\d")


def _says(article: Article, text: str) -> bool:
    """Independent of the product's rules: the article has the sentence word for word, or a close one (difflib ratio
    >= SAYS_RATIO) with every figure of it and as many negations."""
    figures = Counter(_FIGURE.findall(text))
    negations = len(_NEGATION.findall(text))
    for sentence in article.sentences:
        if sentence == text:
            return True
        if (
            not figures - Counter(_FIGURE.findall(sentence))
            and len(_NEGATION.findall(sentence)) == negations
            and SequenceMatcher(a=text, b=sentence).ratio() >= SAYS_RATIO
        ):
            return True
    return False


def _aligned(text: str, article: Article) -> int | None:
    """Which sentence of the article the (extractive) brief sentence is."""
    return next((i for i, s in enumerate(article.sentences) if s == text), None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR / CNN_DAILYMAIL)
    parser.add_argument("--articles", type=int, default=15)
    parser.add_argument("--offset", type=int, default=0, help="skip the first N articles of the set")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--change", choices=("number", "negation"), default="number", help="what the copies change")
    parser.add_argument("--show", action="store_true", help="print each misattributed or unreported case")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"error: {args.data}: no such file (pass --data)", file=sys.stderr)
        return 1
    from briefing.compose import compose, story_summary
    from briefing.summarize import summarize

    items, _ = load_dev_set(args.data, limit=args.offset + 20 * args.articles)
    wires = make_wires([item.article for item in items[args.offset :]], args.articles, args.seed, args.change)
    articles = [copy for wire in wires for copy in wire.copies]
    settings = Settings(date=dt.date(2026, 11, 25), use_cache=False)
    models = bench_models(settings)
    summaries = summarize(articles, settings, models)
    in_summaries = sum(
        any(s.text == w.copies[0].sentences[w.changed] for s in summary.sentences)
        for w, summary in zip(wires, summaries[::3], strict=True)
    )
    print(
        f"{len(wires)} articles x 3 copies, {args.change} changed "
        f"(articles {args.offset}+ of {args.data.name}, seed {args.seed}); "
        f"the changed sentence is in {in_summaries} of the {len(wires)} originals' extractive summaries\n"
    )
    compose(articles, summaries, settings, models)  # warm-up: NER model load and first-call costs out of the clocks
    rows = []
    for name, patch in (
        ("similarity + shared words (before)", mock.patch.object(story_summary, "compare", lambda a, b: None)),
        ("fact-safe merge (agreement.py)", mock.patch.object(story_summary, "compare", story_summary.compare)),
    ):
        with patch:
            clock = time.perf_counter()
            brief = compose(articles, summaries, settings, models)
            seconds = time.perf_counter() - clock
        if args.show:
            print(f"-- {name}")
        rows.append(
            (name, replace(count(brief, wires, args.show), seconds=seconds), len(brief.stories) + len(brief.also_noted))
        )
    print("| merge rule | stories | citations | misattributed | not cited | differing values | reported | compose s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, c, stories in rows:
        cells = (name, stories, c.citations, c.misattributed, c.missed, c.differing, c.reported, f"{c.seconds:.1f}")
        print("| " + " | ".join(map(str, cells)) + " |")
    print(
        "\n(compose s: the whole compose stage, NER and grouping included, after a warm-up run; "
        "compare rows of one run only, the machine may be shared)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
