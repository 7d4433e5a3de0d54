"""The same article twice in one run (briefing/pipeline.py `collect_articles`): one copy kept, the other reported,
and the kept copy takes the metadata only the other one carried (a text file and its exported record)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from briefing.config import Settings
from briefing.pipeline import collect_articles
from briefing.records import Article
from tests.conftest import make_article

SENTENCES = ["The council voted on Tuesday to close the bridge for repairs.", "Work starts in March."]


def _article(source: str, **metadata: object) -> Article:
    article = make_article(SENTENCES, source="same")  # one text: one id, whatever file it came from
    return replace(article, source=source, **metadata)  # type: ignore[arg-type]


def test_a_duplicate_fills_in_what_the_kept_copy_lacks() -> None:
    bare = _article("article.txt")
    exported = _article(
        "export.jsonl:3", url="https://wire.example/bridge", published=dt.date(2026, 12, 1), site="Wire", author="Ann"
    )
    cleaned = collect_articles((), [bare, exported], Settings())
    [kept] = cleaned.articles
    assert kept.source == "article.txt"  # the first copy stays the cited one
    assert (kept.url, kept.published, kept.site, kept.author) == (
        "https://wire.example/bridge",
        dt.date(2026, 12, 1),
        "Wire",
        "Ann",
    )
    assert [(s.source, s.reason) for s in cleaned.skipped] == [
        ("export.jsonl:3", "duplicate of an article already in this run")
    ]


def test_what_the_kept_copy_says_is_never_overwritten() -> None:
    first = _article("a.json", url="https://first.example/x", site="First")
    second = _article("b.json", url="https://second.example/x", site="Second", author="Bo")
    [kept] = collect_articles((), [first, second], Settings()).articles
    assert (kept.url, kept.site, kept.author) == ("https://first.example/x", "First", "Bo")
