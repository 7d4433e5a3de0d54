"""The development summarization sets, turned into `Article`s exactly as `briefing` builds them from JSONL records.

Shared by `bench/rouge.py` and `scripts/train_scorer.py`, so the benchmark and the scorer's training data see the
same sentences a user's run would see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.clean import clean
from briefing.config import Settings
from briefing.errors import SourceError
from briefing.models import RunModels
from briefing.records import Article, RawDocument

if TYPE_CHECKING:
    from briefing.encoder.sentence_encoder import SentenceEncoder

DEFAULT_DATA_DIR = Path("../shared/data")
CNN_DAILYMAIL = "summarization/cnn_dailymail_dev.jsonl"
BBC_NEWS = "summarization/bbc_news_dev.jsonl"
DEV_SETS = {"CNN/DailyMail": CNN_DAILYMAIL, "BBC News": BBC_NEWS}


@dataclass(frozen=True)
class DevItem:
    article: Article
    reference: str
    raw_text: str  # the record's article text as given, for baselines that split sentences themselves


def load_dev_set(path: Path, limit: int | None = None) -> tuple[list[DevItem], list[str]]:
    """Items that clean into an article, and the sources of those the cleaner rejected (reported, never hidden)."""
    items: list[DevItem] = []
    rejected: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if limit is not None and len(items) + len(rejected) >= limit:
                break
            if not line.strip():
                continue
            record = json.loads(line)
            source = f"{path.name}:{number}"
            document = RawDocument(source, record["article"], "record", title=record.get("title") or None)
            try:
                article = clean(document)
            except SourceError:
                rejected.append(source)
                continue
            items.append(DevItem(article, record["summary"], record["article"]))
    return items, rejected


@cache
def shared_encoder(quantize: bool = False) -> SentenceEncoder:
    """One embedded encoder per benchmark process (the product loads one per run, through `RunModels`)."""
    from briefing.encoder.sentence_encoder import load_embedded_encoder

    return load_embedded_encoder(quantize=quantize)


def bench_models(settings: Settings, quantize: bool = False) -> RunModels:
    """A run's models holding the benchmark's shared encoder, so its load is paid once, before the clocks start."""
    return RunModels(settings, encoder=shared_encoder(quantize))
