"""What earlier briefs covered: story fingerprints per date in SQLite (`history.sqlite3` in the cache folder).

A fingerprint is a story's article ids, its centroid embedding and its event (names, figures, dates, lead text and
vectors: briefing.compose.story_event). A story today matches an earlier one when they share an article, or when the
same-event pair model that groups articles gives the two stories at least its linking probability (the same event,
told by new articles). Records written before stories kept their event match by centroid cosine >= MATCH_SIMILARITY.
Recording a date replaces that date's fingerprints in one transaction, so re-running a day is idempotent.
WAL journaling and a busy timeout let several runs (and the summary cache beside it) share the folder.
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

from briefing.compose.story_event import StoryEvent
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
    event TEXT NOT NULL DEFAULT '',
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
    event: str = ""  # StoryEvent.to_json(); "" in records written before stories kept their event


@dataclass(frozen=True)
class EarlierCoverage:
    """The earlier briefs a story matches: when it was first briefed and which of its articles were already in."""

    first_date: dt.date
    article_ids: frozenset[str]


def find_earlier(
    article_ids: Sequence[str],
    centroid: np.ndarray,
    earlier: Sequence[StoryFingerprint],
    event: StoryEvent | None = None,
) -> EarlierCoverage | None:
    ids = set(article_ids)
    same_event = _same_event(centroid, earlier, event)
    matches = [f for f, same in zip(earlier, same_event, strict=True) if same or ids & set(f.article_ids)]
    if not matches:
        return None
    dates = [f.date for f in matches if f.date is not None]
    covered = frozenset(i for f in matches for i in f.article_ids)
    return EarlierCoverage(min(dates) if dates else dt.date.min, covered)


def _same_event(centroid: np.ndarray, earlier: Sequence[StoryFingerprint], event: StoryEvent | None) -> list[bool]:
    from briefing.compose.pair_model import shipped_pair_model
    from briefing.compose.story_event import same_event_probabilities

    same = [f.centroid.shape == centroid.shape and float(f.centroid @ centroid) >= MATCH_SIMILARITY for f in earlier]
    if event is None:
        return same
    known = {i: e for i, f in enumerate(earlier) if f.event and (e := StoryEvent.from_json(f.event)) is not None}
    known = {i: e for i, e in known.items() if e.document.shape == event.document.shape}
    if known:
        model = shipped_pair_model()
        probabilities = same_event_probabilities(event, list(known.values()), model)
        for i, probability in zip(known, probabilities, strict=True):
            same[i] = bool(probability >= model.resolution)
    return same


class BriefHistory:
    """The history database; open it with `open_history` (a context manager)."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self._path = path

    def earlier(self, date: dt.date) -> list[StoryFingerprint]:
        """Fingerprints of every story briefed before `date`."""
        try:
            rows = self._connection.execute(
                "SELECT date, story_id, headline, article_ids, centroid, event FROM story WHERE date < ? "
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
                event or "",
            )
            for day, story_id, headline, article_ids, centroid, event in rows
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
                "INSERT OR REPLACE INTO story (date, story_id, headline, article_ids, centroid, event) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        date.isoformat(),
                        f.story_id,
                        f.headline,
                        json.dumps(list(f.article_ids)),
                        np.asarray(f.centroid, dtype=np.float32).tobytes(),
                        f.event,
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
            columns = {row[1] for row in connection.execute("PRAGMA table_info(story)")}
            if "event" not in columns:  # a history written before stories kept their event
                connection.execute("ALTER TABLE story ADD COLUMN event TEXT NOT NULL DEFAULT ''")
        except sqlite3.DatabaseError as error:
            raise ConfigError(f"{path}: not a usable brief history ({error}); move it away to start afresh") from None
        yield BriefHistory(connection, path)
