"""Faithfulness guard: every generated summary sentence is checked against its article, cited, dropped or flagged."""

from briefing.faithfulness.facts import ArticleFacts, Fact, sentence_facts
from briefing.faithfulness.guard import (
    GUARD_VERSION,
    SUPPORT_THRESHOLD,
    SentenceCheck,
    check_summaries,
    guard_summaries,
)

__all__ = [
    "GUARD_VERSION",
    "SUPPORT_THRESHOLD",
    "ArticleFacts",
    "Fact",
    "SentenceCheck",
    "check_summaries",
    "guard_summaries",
    "sentence_facts",
]
