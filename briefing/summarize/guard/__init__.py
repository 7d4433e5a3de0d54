"""Faithfulness guard: every generated summary sentence is checked against its article, cited, dropped or flagged."""

from briefing.summarize.guard.apply import guard_summaries
from briefing.summarize.guard.check import (
    GUARD_VERSION,
    SUPPORT_THRESHOLD,
    SentenceCheck,
    check_summaries,
    guard_needs_parser,
)
from briefing.summarize.guard.facts import ArticleFacts, Fact, sentence_facts

__all__ = [
    "GUARD_VERSION",
    "SUPPORT_THRESHOLD",
    "ArticleFacts",
    "Fact",
    "SentenceCheck",
    "check_summaries",
    "guard_needs_parser",
    "guard_summaries",
    "sentence_facts",
]
