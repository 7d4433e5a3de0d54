"""Cleaned articles from the stage store: a document cleaned before by the same cleaner is not cleaned again.

Key: the whole RawDocument (source, content, kind and the metadata read with it) and the cleaner's fingerprint (its
code and models, the text splitter, and the versions of the HTML extractors it calls). Value: the Article, or the
one-line reason a document cannot be one (a SourceError's: a page with no article text is rejected again at no
cost). A parser crash is not stored: it is retried, and reported, on every run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import json
import logging
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from briefing.clean.pool import clean_batch
from briefing.records import Article, RawDocument, Skipped
from briefing.store import Store, code_fingerprint, entry_key

log = logging.getLogger(__name__)

KIND = "article"
CLEANER_CODE = ("clean/*.py", "clean/*.json", "text.py", "shown.py", "records.py")
EXTRACTORS = ("trafilatura", "readability", "justext", "htmldate", "lxml", "publicsuffixlist")


@lru_cache(maxsize=1)
def cleaner_fingerprint() -> str:
    """The cleaner's code, and each extractor package's installed copy (its module file's size and time: an upgrade
    changes them; found without importing the package or reading package metadata, which a warm run cannot spare)."""
    installed = []
    for module in EXTRACTORS:
        spec = importlib.util.find_spec(module)
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        stat = origin.stat() if origin is not None and origin.is_file() else None
        installed.append(f"{module}={stat.st_size}:{stat.st_mtime_ns}" if stat else f"{module}=absent")
    return f"{code_fingerprint(*CLEANER_CODE)};{','.join(installed)}"


def document_key(document: RawDocument) -> str:
    return entry_key(cleaner_fingerprint(), json.dumps(dataclasses.asdict(document), sort_keys=True))


def clean_with_store(
    documents: Sequence[RawDocument],
    store: Store | None,
    clean_one: Callable[[RawDocument], Article | Skipped],
    advance: Callable[[], None],
    is_rejection: Callable[[Skipped], bool],
    workers: int | None = None,
) -> list[Article | Skipped]:
    """Each document's cleaned article or reason, from the store where it has them; what is cleaned here is stored.

    `is_rejection` tells a reason worth keeping (the document is not an article) from a parser failure (retried).
    The documents not in the store are cleaned as one batch, on `workers` processes where the batch holds enough
    HTML pages (`briefing/clean/pool.py`; None: its default)."""
    if store is None:
        return clean_batch(documents, clean_one, advance, workers)
    keys = [document_key(document) for document in documents]
    found = store.get_many(KIND, keys)
    outcomes: list[Article | Skipped | None] = []
    for key in keys:
        cached = _decode(found[key]) if key in found else None
        outcomes.append(cached)
        if cached is not None:
            advance()
    missing = [index for index, outcome in enumerate(outcomes) if outcome is None]
    cleaned = clean_batch([documents[index] for index in missing], clean_one, advance, workers)
    fresh: dict[str, bytes] = {}
    for index, outcome in zip(missing, cleaned, strict=True):
        outcomes[index] = outcome
        if isinstance(outcome, Article) or is_rejection(outcome):
            fresh[keys[index]] = _encode(outcome)
    store.put_many(KIND, fresh)
    log.info("stage cache: %d of %d documents already cleaned", len(documents) - len(fresh), len(documents))
    return [outcome for outcome in outcomes if outcome is not None]


def _encode(outcome: Article | Skipped) -> bytes:
    if isinstance(outcome, Skipped):
        data: dict[str, object] = {"skipped": [outcome.source, outcome.reason]}
    else:
        fields = dataclasses.asdict(outcome)
        fields["published"] = outcome.published.isoformat() if outcome.published else None
        data = {"article": fields}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def _decode(value: bytes) -> Article | Skipped | None:
    try:
        data = json.loads(value.decode("utf-8", "surrogatepass"))
        if "skipped" in data:
            source, reason = data["skipped"]
            return Skipped(str(source), str(reason))
        fields = data["article"]
        fields["sentences"] = tuple(fields["sentences"])
        fields["published"] = dt.date.fromisoformat(fields["published"]) if fields["published"] else None
        return Article(**fields)
    except (ValueError, TypeError, KeyError):
        return None  # written by an older layout of the records: clean again
