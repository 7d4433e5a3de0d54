"""What earlier briefs covered: story fingerprints per date in SQLite (`history.sqlite3` in the cache folder).

A fingerprint is a story's article ids and its centroid embedding. A story today matches an earlier one when they
share an article, or when their centroids are at least MATCH_SIMILARITY apart in cosine (the same event, told by
new articles). Recording a date replaces that date's fingerprints in one transaction, so re-running a day is
idempotent. WAL journaling and a busy timeout let several runs (and the summary cache beside it) share the folder.

The history never fails a run that does not ask for it (`--new-only`): a row that cannot be read (bad JSON, an
impossible date, a vector of the wrong size) is skipped with a warning; a file that is not a database, is truncated
or has another schema is moved aside to `history.sqlite3.corrupt` and rebuilt, as the summary cache does; a file that
cannot be written (read-only) is read, and today is not recorded, with a warning. The schema is versioned with
SQLite's `user_version` and upgraded by `MIGRATIONS`; a file from a newer briefing is left alone and not used.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from briefing.shown import for_terminal

HISTORY_FILE = "history.sqlite3"
MATCH_SIMILARITY = 0.70  # centroid cosine of one event on two days; different events in Multi-News stay below 0.6
BUSY_TIMEOUT_MS = 30_000
# MIGRATIONS[n] takes a file at schema version n to n + 1. Version 0 is a new file, or one written before the schema
# carried a version: the same table, hence IF NOT EXISTS. Add a step here (never edit one) to change the schema.
MIGRATIONS = (
    """
    CREATE TABLE IF NOT EXISTS story (
        date TEXT NOT NULL,
        story_id TEXT NOT NULL,
        headline TEXT NOT NULL,
        article_ids TEXT NOT NULL,
        centroid BLOB NOT NULL,
        PRIMARY KEY (date, story_id)
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
STORY_COLUMNS = ("date", "story_id", "headline", "article_ids", "centroid")
MAX_REPORTED_BAD_ROWS = 3
log = logging.getLogger(__name__)


class _WrongSchema(sqlite3.DatabaseError):
    """The file is a database, but not a brief history this briefing can read."""


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
    """The history database; open it with `open_history` (a context manager).

    `problem` is None when the history works; else a one-line reason it could not be used (it then reads as empty
    and records nothing), which `--new-only` turns into an error.
    """

    def __init__(self, connection: sqlite3.Connection | None, path: Path, problem: str | None = None) -> None:
        self._connection = connection
        self._path = path
        self.problem = problem

    def earlier(self, date: dt.date) -> list[StoryFingerprint]:
        """Fingerprints of every story briefed before `date`; rows that cannot be read are skipped with a warning."""
        if self._connection is None:
            return []
        try:
            rows = self._connection.execute(
                "SELECT date, story_id, headline, article_ids, centroid FROM story WHERE date < ? "
                "ORDER BY date, story_id",
                (date.isoformat(),),
            ).fetchall()
        except sqlite3.Error as error:
            self.problem = f"{self._path}: cannot read the brief history ({error})"
            log.warning("%s; going on as if no earlier brief existed", self.problem)
            return []
        fingerprints: list[StoryFingerprint] = []
        bad: list[str] = []
        for row in rows:
            try:
                fingerprints.append(_fingerprint(*row))
            except (TypeError, ValueError) as error:
                bad.append(f"{for_terminal(row[0], 20)} {for_terminal(row[1], 40)}: {error}")
        fingerprints, short = _drop_odd_dimensions(fingerprints)
        bad.extend(short)
        if bad:
            shown = "; ".join(bad[:MAX_REPORTED_BAD_ROWS]) + (
                f"; {len(bad) - MAX_REPORTED_BAD_ROWS} more" if len(bad) > MAX_REPORTED_BAD_ROWS else ""
            )
            log.warning("%s: %d unreadable history rows skipped (%s)", self._path, len(bad), shown)
        return fingerprints

    def record(self, date: dt.date, fingerprints: Sequence[StoryFingerprint]) -> None:
        """Replace the stories recorded for `date` (a re-run of the day leaves one record, not two).

        A failure is a warning: the brief is already written, and only a later `--new-only` misses this day.
        """
        if self._connection is None:
            log.warning("%s: %s is not recorded in the brief history (%s)", self._path, date, self.problem)
            return
        try:
            self._replace_day(date, fingerprints)
        except sqlite3.Error as error:  # read-only, disk full, still locked by another run after the busy timeout
            log.warning(
                "%s: cannot record %s in the brief history (%s); the brief itself is written", self._path, date, error
            )

    def _replace_day(self, date: dt.date, fingerprints: Sequence[StoryFingerprint]) -> None:
        assert self._connection is not None
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
        if self._connection is None:
            return []
        rows = self._connection.execute("SELECT DISTINCT date FROM story ORDER BY date").fetchall()
        days: list[dt.date] = []
        for (day,) in rows:
            try:
                days.append(dt.date.fromisoformat(day))
            except (TypeError, ValueError):
                continue
        return days


def _fingerprint(
    day: object, story_id: object, headline: object, article_ids: object, centroid: object
) -> StoryFingerprint:
    """One row as a fingerprint; ValueError naming what is wrong with it."""
    if not isinstance(day, str):
        raise ValueError("date is not text")
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise ValueError(f"impossible date {day!r}") from None
    try:
        ids = json.loads(article_ids) if isinstance(article_ids, (str, bytes)) else None
    except (json.JSONDecodeError, RecursionError):
        raise ValueError("article ids are not valid JSON") from None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ValueError("article ids are not a list of strings")
    if not isinstance(centroid, bytes) or not centroid or len(centroid) % 4:
        raise ValueError(
            f"centroid of {len(centroid) if isinstance(centroid, bytes) else 0} bytes is no float32 vector"
        )
    vector = np.frombuffer(centroid, dtype=np.float32).copy()
    if not np.all(np.isfinite(vector)):
        raise ValueError("centroid holds NaN or infinity")
    return StoryFingerprint(str(story_id), str(headline), tuple(ids), vector, date)


def _drop_odd_dimensions(fingerprints: list[StoryFingerprint]) -> tuple[list[StoryFingerprint], list[str]]:
    """Rows whose centroid length differs from the usual one (a cut-off vector) could match nothing: say so."""
    if not fingerprints:
        return fingerprints, []
    sizes = Counter(f.centroid.shape[0] for f in fingerprints)
    usual = sizes.most_common(1)[0][0]
    kept = [f for f in fingerprints if f.centroid.shape[0] == usual]
    odd = [
        f"{f.date} {for_terminal(f.story_id, 40)}: centroid has {f.centroid.shape[0]} values, not {usual}"
        for f in fingerprints
        if f.centroid.shape[0] != usual
    ]
    return kept, odd


@contextmanager
def open_history(cache_dir: Path) -> Iterator[BriefHistory]:
    """The history in `cache_dir`: repaired when broken (moved aside, rebuilt), read-only when it cannot be written,
    and unusable (`problem` set, warned) only when it cannot be opened at all. Never raises for the file's state."""
    path = cache_dir / HISTORY_FILE
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        yield _unusable(path, f"cannot create {cache_dir} ({error.strerror or error})")
        return
    connection, problem = _open_repaired(path)
    if connection is None:
        yield _unusable(path, problem or "cannot open it")
        return
    with closing(connection):
        yield BriefHistory(connection, path, None)


def _unusable(path: Path, reason: str) -> BriefHistory:
    problem = f"{path}: brief history not usable ({reason})"
    log.warning("%s; earlier briefs are not known to this run", problem)
    return BriefHistory(None, path, problem)


def _open_repaired(path: Path) -> tuple[sqlite3.Connection | None, str | None]:
    try:
        return _connect(path), None
    except _WrongSchema as error:
        if "newer briefing" in str(error):
            return None, str(error)  # not ours to destroy: a newer version may still need it
        log.warning("%s: %s; moved aside to %s.corrupt and started afresh", path, error, HISTORY_FILE)
    except sqlite3.OperationalError as error:
        if "readonly" in str(error) or "read-only" in str(error):
            return _connect_read_only(path)
        if "locked" in str(error) or "unable to open" in str(error):  # busy past the timeout, no permission
            return None, str(error)
        log.warning(
            "%s: not a usable brief history (%s); moved aside to %s.corrupt and started afresh",
            path,
            error,
            HISTORY_FILE,
        )
    except sqlite3.DatabaseError as error:  # "file is not a database", "database disk image is malformed"
        log.warning(
            "%s: not a usable brief history (%s); moved aside to %s.corrupt and started afresh",
            path,
            error,
            HISTORY_FILE,
        )
    try:
        _move_aside(path)
        return _connect(path), None
    except (OSError, sqlite3.Error) as error:
        return None, f"cannot rebuild it ({error})"


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _check_readable(connection)
        _migrate(connection)
        connection.execute("PRAGMA journal_mode = WAL")
    except BaseException:
        connection.close()
        raise
    return connection


def _connect_read_only(path: Path) -> tuple[sqlite3.Connection | None, str | None]:
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        _check_readable(connection)
        if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            raise _WrongSchema("read-only and at an older schema version; cannot upgrade it")
    except (sqlite3.Error, ValueError) as error:
        return None, f"read-only and unreadable ({error})"
    log.warning("%s: the brief history is read-only; earlier briefs are read, today is not recorded", path)
    return connection, None


def _check_readable(connection: sqlite3.Connection) -> None:
    """Raise unless the file is a sound SQLite database holding our table (or nothing yet)."""
    verdict = connection.execute("PRAGMA quick_check").fetchone()[0]  # also catches a truncated file
    if verdict != "ok":
        raise sqlite3.DatabaseError(f"integrity check failed: {verdict}")
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise _WrongSchema(
            f"written by a newer briefing (schema version {version}, this one reads up to {SCHEMA_VERSION}); not used"
        )
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if tables - {"story"}:
        raise _WrongSchema(f"holds tables that are no brief history's ({', '.join(sorted(tables - {'story'}))})")
    if "story" in tables:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(story)")}
        if not set(STORY_COLUMNS) <= columns:
            raise _WrongSchema(f"its story table lacks {', '.join(sorted(set(STORY_COLUMNS) - columns))}")


def _migrate(connection: sqlite3.Connection) -> None:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    for step in range(version, SCHEMA_VERSION):
        with connection:
            connection.executescript(MIGRATIONS[step])
            connection.execute(f"PRAGMA user_version = {step + 1}")


def _move_aside(path: Path) -> None:
    """Keep the broken file for inspection (`*.corrupt`); WAL side files go with it."""
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    path.replace(path.with_name(path.name + ".corrupt"))
