"""The development summarization sets, turned into `Article`s exactly as `briefing` builds them from JSONL records.

Shared by `bench/rouge.py` and `scripts/train_scorer.py`, so the benchmark and the scorer's training data see the
same sentences a user's run would see.

Three dev sets: CNN/DailyMail and BBC News (one article, one reference summary), and Multi-News documents: every
document of a Multi-News cluster, cleaned as the scraped text dump it is, with the cluster's summary as its reference
(a single document covers part of what the cluster summary says, so absolute scores are low; the gain over Lead-3
on the same documents is what counts).
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
MULTI_NEWS = "multidoc/multi_news_dev.jsonl"
DEV_SETS = {"CNN/DailyMail": CNN_DAILYMAIL, "BBC News": BBC_NEWS, "Multi-News documents": MULTI_NEWS}


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
            if "articles" in record:  # a Multi-News cluster: each document, read as the scraped text it is
                documents = [
                    (RawDocument(f"{source}#d{k}", text, "text"), text) for k, text in enumerate(record["articles"])
                ]
            else:
                title = record.get("title") or None
                documents = [(RawDocument(source, record["article"], "record", title=title), record["article"])]
            for document, text in documents:
                try:
                    article = clean(document)
                except SourceError:
                    rejected.append(document.source)
                    continue
                items.append(DevItem(article, record["summary"], text))
    return items, rejected


@cache
def shared_encoder(quantize: bool = False) -> SentenceEncoder:
    """One embedded encoder per benchmark process (the product loads one per run, through `RunModels`)."""
    from briefing.encoder.sentence_encoder import load_embedded_encoder

    return load_embedded_encoder(quantize=quantize)


def bench_models(settings: Settings, quantize: bool = False) -> RunModels:
    """A run's models holding the benchmark's shared encoder, so its load is paid once, before the clocks start."""
    return RunModels(settings, encoder=shared_encoder(quantize))
