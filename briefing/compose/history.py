"""What earlier briefs covered: story fingerprints per date in SQLite (`history.sqlite3` in the cache folder).

A fingerprint is a story's article ids and its centroid embedding. A story today matches an earlier one when they
share an article, or when their centroids are at least MATCH_SIMILARITY apart in cosine (the same event, told by
new articles). Recording a date replaces that date's fingerprints in one transaction, so re-running a day is
idempotent. WAL journaling and a busy timeout let several runs (and the summary cache beside it) share the folder.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from briefing.errors import ConfigError

HISTORY_FILE = "history.sqlite3"
MATCH_SIMILARITY = 0.70  # centroid cosine of one event on two days; different events in Multi-News stay below 0.6
BUSY_TIMEOUT_MS = 30_000
SCHEMA = """
CREATE TABLE IF NOT EXISTS story (
    date TEXT NOT NULL,
    story_id TEXT NOT NULL,
    headline TEXT NOT NULL,
    article_ids TEXT NOT NULL,
    centroid BLOB NOT NULL,
    PRIMARY KEY (date, story_id)
);
"""


@dataclass(frozen=True)
class StoryFingerprint:
    story_id: str
    headline: str
    article_ids: tuple[str, ...]
    centroid: np.ndarray  # unit-length float32 vector
    date: dt.date | None = None  # the brief that covered it (set when read back)


@dataclass(frozen=True)
class EarlierCoverage:
    """The earlier briefs a story matches: when it was first briefed and which of its articles were already in."""

    first_date: dt.date
    article_ids: frozenset[str]


def find_earlier(
    article_ids: Sequence[str], centroid: np.ndarray, earlier: Sequence[StoryFingerprint]
) -> EarlierCoverage | None:
    ids = set(article_ids)
    matches = [
        f
        for f in earlier
        if ids & set(f.article_ids)
        or (f.centroid.shape == centroid.shape and float(f.centroid @ centroid) >= MATCH_SIMILARITY)
    ]
    if not matches:
        return None
    dates = [f.date for f in matches if f.date is not None]
    covered = frozenset(i for f in matches for i in f.article_ids)
    return EarlierCoverage(min(dates) if dates else dt.date.min, covered)


class BriefHistory:
    """The history database; open it with `open_history` (a context manager)."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self._path = path

    def earlier(self, date: dt.date) -> list[StoryFingerprint]:
        """Fingerprints of every story briefed before `date`."""
        try:
            rows = self._connection.execute(
                "SELECT date, story_id, headline, article_ids, centroid FROM story WHERE date < ? "
                "ORDER BY date, story_id",
                (date.isoformat(),),
            ).fetchall()
        except sqlite3.Error as error:
            raise ConfigError(f"{self._path}: cannot read the brief history ({error})") from None
        return [
            StoryFingerprint(
                story_id,
                headline,
                tuple(json.loads(article_ids)),
                np.frombuffer(centroid, dtype=np.float32).copy(),
                dt.date.fromisoformat(day),
            )
            for day, story_id, headline, article_ids, centroid in rows
        ]

    def record(self, date: dt.date, fingerprints: Sequence[StoryFingerprint]) -> None:
        """Replace the stories recorded for `date` (a re-run of the day leaves one record, not two)."""
        try:
            self._replace_day(date, fingerprints)
        except sqlite3.Error as error:  # e.g. still locked by another run after the busy timeout
            raise ConfigError(f"{self._path}: cannot record {date} in the brief history ({error})") from None

    def _replace_day(self, date: dt.date, fingerprints: Sequence[StoryFingerprint]) -> None:
        with self._connection:  # one transaction: readers see the old day or the new one, never half
            self._connection.execute("DELETE FROM story WHERE date = ?", (date.isoformat(),))
            self._connection.executemany(
                "INSERT OR REPLACE INTO story (date, story_id, headline, article_ids, centroid) VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        date.isoformat(),
                        f.story_id,
                        f.headline,
                        json.dumps(list(f.article_ids)),
                        np.asarray(f.centroid, dtype=np.float32).tobytes(),
                    )
                    for f in fingerprints
                ],
            )

    def dates(self) -> list[dt.date]:
        rows = self._connection.execute("SELECT DISTINCT date FROM story ORDER BY date").fetchall()
        return [dt.date.fromisoformat(row[0]) for row in rows]


@contextmanager
def open_history(cache_dir: Path) -> Iterator[BriefHistory]:
    path = cache_dir / HISTORY_FILE
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    except (OSError, sqlite3.Error) as error:
        raise ConfigError(f"{path}: cannot open the brief history ({error})") from None
    with closing(connection):
        try:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.executescript(SCHEMA)
        except sqlite3.DatabaseError as error:
            raise ConfigError(f"{path}: not a usable brief history ({error}); move it away to start afresh") from None
        yield BriefHistory(connection, path)
