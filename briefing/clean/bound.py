"""Bound one cleaned article's size: the last step of cleaning, before any model sees the text."""

from __future__ import annotations

from dataclasses import replace

from briefing.config import Settings
from briefing.records import Article, Skipped


def bound_article(article: Article, settings: Settings) -> tuple[Article, Skipped | None]:
    """Keep the leading sentences of an article whose cleaned text passes `max_text_chars`, with a note.

    Ingestion caps the text it reads, but an HTML page's cleaned text is only known after cleaning; every later
    stage's work grows with the sentence count, so this is where one input's cost is bounded. News puts the key
    facts first, so the lead is what to keep.
    """
    limit = settings.max_text_chars
    total = sum(len(sentence) + 1 for sentence in article.sentences)
    if total <= limit:
        return article, None
    kept: list[str] = []
    used = 0
    for sentence in article.sentences:
        if used + len(sentence) + 1 > limit:
            if not kept:  # one "sentence" longer than the cap (text without punctuation): cut it at a space
                cut = sentence.rfind(" ", 0, limit)
                kept.append(sentence[: cut if cut > limit // 2 else limit])
            break
        kept.append(sentence)
        used += len(sentence) + 1
    kept_chars = sum(len(sentence) + 1 for sentence in kept)
    note = Skipped(
        article.source,
        f"article too long ({total:,} characters after cleaning): only the first {kept_chars:,} characters "
        f"({len(kept):,} of {len(article.sentences):,} sentences) kept (max_text_chars = {limit:,}); "
        "the rest is left out",
    )
    return replace(article, sentences=tuple(kept), truncated=True), note
