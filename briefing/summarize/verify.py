"""`briefing verify`: any summary (an LLM's, a colleague's, our own) checked sentence by sentence against its sources.

Each sentence goes through the faithfulness guard (`check_summaries`) against every source of its record, and takes
the verdict of the source that supports it best: supported when one source says all of it, with citations into that
source; otherwise the reason the closest source gives. A sentence that repeats an earlier one is judged on its own
support here (a summary under review may repeat itself; that is not a faithfulness question).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from briefing.records import Citation, SentenceVerdict, Summary, SummarySentence, VerifyReport, VerifyRequest
from briefing.summarize.guard import SentenceCheck, check_summaries, guard_needs_parser

if TYPE_CHECKING:
    from briefing.encoder.sentence_encoder import SentenceEncoder


def verify_summaries(requests: Sequence[VerifyRequest], encoder: SentenceEncoder) -> list[VerifyReport]:
    """One report per request, in order; one encoder pass over every source and summary."""
    articles = []
    summaries = []
    for request in requests:
        sentences = tuple(SummarySentence(text, ()) for text in request.summary)
        for source in request.sources:
            articles.append(source)
            summaries.append(Summary(source.id, sentences, method="given", model="given"))
    parser = None
    if articles and guard_needs_parser():  # the same decision as the guard of a run: its adopted parse rules
        from briefing.summarize.guard.structure import load_parser_model

        parser = load_parser_model()
    checked = check_summaries(articles, summaries, encoder, parser=parser) if articles else []
    reports = []
    offset = 0
    for request in requests:
        per_source = [checks for _, checks, _ in checked[offset : offset + len(request.sources)]]
        offset += len(request.sources)
        reports.append(VerifyReport(request.id, tuple(_verdicts(request, per_source))))
    return reports


def _verdicts(request: VerifyRequest, per_source: list[list[SentenceCheck]]) -> list[SentenceVerdict]:
    verdicts = []
    for index in range(len(per_source[0])):
        options = [
            (number, dataclasses.replace(checks[index], repeat_of=None)) for number, checks in enumerate(per_source)
        ]
        number, best = max(options, key=lambda option: (option[1].supported, option[1].support))
        source = request.sources[number]
        citations = (
            tuple(Citation(number + 1, i + 1, source.sentences[i]) for i in best.citations) if best.supported else ()
        )
        reason = best.reason
        if reason and len(request.sources) > 1:
            reason = f"{reason} (closest: source {number + 1})"
        verdicts.append(SentenceVerdict(best.text, best.supported, reason, round(best.support, 3), citations))
    return verdicts
