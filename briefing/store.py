"""The stage store: one SQLite file, `cache_dir/store.sqlite3`, of content-keyed results that a re-run reuses.

Every entry is (kind, key) -> bytes. The key is a sha256 of the input's content and of the fingerprint of what turns
it into the value (code, model weights, parameters), so a changed input or a changed cleaner, encoder or NER model is
a miss, never a stale hit. Kinds in use: "article" (a cleaned document, `briefing.clean_store`), "vector" (one text's
encoder vector, `briefing.encoder.sentence_encoder`), "entities" (one article's named entities,
`briefing.compose.entities`), "headline-parse" (one lead's parse, `briefing.compose.headlines`), "generated-headline"
(one story's checked headline, `briefing.compose.generated_headline`), "groups" (one day's story groups,
`briefing.compose.grouping_store`), "html-body" (one brief's sanitised HTML body, `briefing.render.html`).
Summaries, with the guard's verdicts already applied to them, keep their own cache (`briefing.summarize.cache`).

Robust as the summary cache is: WAL journal and a busy timeout (two runs can share the file), a commit per batch (an
interrupted run keeps what it finished), a corrupt file moved aside (`*.corrupt`) with a one-line warning and rebuilt,
and any later SQLite error turns the store off for the run rather than failing it (and has the next run check the
pages). The pages are checked at open unless the file is as the last clean close left it (`CheckedMark`). Bounded:
past `max_bytes` of values, the least recently used entries are deleted (to TRIM_TO of the bound) and their pages
handed back.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

STORE_NAME = "store.sqlite3"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 30_000
DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB of values: some 600,000 sentence vectors, or years of daily briefs
TRIM_TO = 0.8  # a trim frees down to this share of the bound, so the next runs do not trim again at once
BATCH = 500  # SQLite limits the parameters bound per statement
# A hit's last-use time is rewritten only when older than this: an LRU order to the hour is plenty for trimming, and
# a re-run of the same day then writes nothing back.
TOUCH_AFTER_S = 3600.0
PACKAGE = Path(__file__).resolve().parent  # briefing/
MARK_SETTLE_NS = 25_000_000  # two ticks of the coarsest file-time clock (CheckedMark)


def entry_key(fingerprint: str, content: str) -> str:
    """The key of one input's value: its content and what computes the value from it."""
    return hashlib.sha256(f"{fingerprint}\0{content}".encode("utf-8", "surrogatepass")).hexdigest()


def code_fingerprint(*patterns: str) -> str:
    """sha256 over the package files matching `patterns` (relative to briefing/): the code that makes a value."""
    digest = hashlib.sha256()
    for pattern in patterns:
        for path in sorted(PACKAGE.glob(pattern)):
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


class Store:
    """One connection, shared by the run's threads under a lock; open it with `Store.open(cache_dir)`."""

    def __init__(self, connection: sqlite3.Connection, path: Path, max_bytes: int) -> None:
        self._connection = connection
        self._lock = threading.Lock()
        self._used: set[tuple[str, str]] = set()  # hits whose last-use time is written back at close
        self.path = path
        self.max_bytes = max_bytes
        self.disabled = False
        # The values' total size as this process last knew it, plus what it wrote since: summing the whole table
        # after every batch scanned every entry (80 scans in a cold day's run, each longer as the store fills up).
        # An upper bound (a replaced value is counted twice); the exact sum is taken again only when it passes the
        # bound. Another run's writes meanwhile are seen at that point, or by the next open.
        self._known_total: int | None = None

    @classmethod
    def open(cls, cache_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Store | None:
        """The store in `cache_dir`, rebuilt if corrupt; None (with a warning) when it cannot be used at all.

        Its pages are checked at open unless the file is exactly as this class left it at its last clean close
        (`CheckedMark`): the check reads the whole file, half a second a run for a store near its bound."""
        path = cache_dir / STORE_NAME
        connect = _connect if CheckedMark(path).matches() else _connect_checked
        opened = open_cache_file(path, connect, "stage cache", log)
        return cls(*opened, max_bytes) if opened else None

    def get_many(self, kind: str, keys: Iterable[str]) -> dict[str, bytes]:
        """The stored values among `keys` (misses are absent)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, bytes] = {}
        if self.disabled or not wanted:
            return found
        stale = time.time() - TOUCH_AFTER_S
        with self._lock:
            try:
                for start in range(0, len(wanted), BATCH):
                    batch = wanted[start : start + BATCH]
                    marks = ",".join("?" * len(batch))
                    rows = self._connection.execute(
                        f"SELECT key, value, used FROM entries WHERE kind = ? AND key IN ({marks})", [kind, *batch]
                    )
                    for key, value, used in rows:
                        found[key] = bytes(value)
                        if used < stale:
                            self._used.add((kind, key))
            except sqlite3.DatabaseError as error:
                self._give_up("read", error)
        return found

    def put_many(self, kind: str, values: Mapping[str, bytes]) -> None:
        """Store a batch in one transaction (kept if the run is interrupted later), then trim if past the bound."""
        if self.disabled or not values:
            return
        now = time.time()
        rows = [(kind, key, sqlite3.Binary(value), len(value), now) for key, value in values.items()]
        with self._lock:
            try:
                with self._connection:
                    self._connection.executemany(
                        "INSERT OR REPLACE INTO entries (kind, key, value, size, used) VALUES (?, ?, ?, ?, ?)", rows
                    )
                self._trim_if_full(sum(row[3] for row in rows))
            except sqlite3.DatabaseError as error:
                self._give_up("write", error)

    def total_bytes(self) -> int:
        with self._lock:
            return int(self._connection.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()[0])

    def count(self, kind: str | None = None) -> int:
        with self._lock:
            if kind is None:
                return int(self._connection.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
            return int(self._connection.execute("SELECT COUNT(*) FROM entries WHERE kind = ?", (kind,)).fetchone()[0])

    def close(self) -> None:
        """Write back when the entries this run read were last used (the LRU order), then close."""
        with self._lock:
            try:
                if self._used and not self.disabled:
                    now = time.time()
                    with self._connection:
                        self._connection.executemany(
                            "UPDATE entries SET used = ? WHERE kind = ? AND key = ?",
                            [(now, kind, key) for kind, key in self._used],
                        )
            except sqlite3.DatabaseError as error:
                log.debug("stage cache %s: last-use times not written (%s)", self.path, error)
            finally:
                self._used.clear()
                self._connection.close()
                if not self.disabled:
                    CheckedMark(self.path).record()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _trim_if_full(self, written: int) -> None:
        if self._known_total is not None:
            self._known_total += written
            if self._known_total <= self.max_bytes:
                return
        (total,) = self._connection.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()
        self._known_total = int(total)
        if total <= self.max_bytes:
            return
        goal = total - int(self.max_bytes * TRIM_TO)
        doomed: list[int] = []
        freed = 0
        for rowid, size in self._connection.execute("SELECT rowid, size FROM entries ORDER BY used, rowid"):
            doomed.append(rowid)
            freed += size
            if freed >= goal:
                break
        with self._connection:
            for start in range(0, len(doomed), BATCH):
                batch = doomed[start : start + BATCH]
                self._connection.execute(f"DELETE FROM entries WHERE rowid IN ({','.join('?' * len(batch))})", batch)
        self._connection.execute("PRAGMA incremental_vacuum")  # hand the freed pages back to the file system
        self._known_total = int(total) - freed
        log.info("stage cache %s: trimmed %d least recently used entries (%d bytes)", self.path, len(doomed), freed)

    def _give_up(self, action: str, error: sqlite3.DatabaseError) -> None:
        # A cache is an optimisation: one that fails mid-run is switched off for the run, never fatal.
        log.warning("stage cache %s: cannot %s (%s); going on without it", self.path, action, error)
        self.disabled = True
        CheckedMark(self.path).forget()  # the next run checks the pages (and moves a corrupt file aside)


class CheckedMark:
    """`store.sqlite3.checked`: the size, file times and inode the store had when last closed cleanly.

    A file that still matches is the one this class wrote and closed, its pages checked at some earlier open; any
    other change to it (another tool, a restore, a damaged disk block rewritten) moves its time or size, and it is
    checked again. A run killed before its close leaves the mark stale, so the next open checks too. No mark is
    written while a WAL file remains (another run still has the store open)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.mark = path.with_name(path.name + ".checked")

    def _state(self) -> str | None:
        try:
            if self.path.with_name(self.path.name + "-wal").exists():
                return None
            status = self.path.stat()
        except OSError:
            return None
        return f"{status.st_size} {status.st_mtime_ns} {status.st_ctime_ns} {status.st_ino}"

    def _settled_state(self) -> str | None:
        """The state once the file system's clock has moved past the file's last write. File times come from a
        coarse clock (a tick of up to 10 ms): a change within the same tick as our last write would keep its time."""
        try:
            written = self.path.stat().st_mtime_ns
        except OSError:
            return None
        wait_ns = min(MARK_SETTLE_NS - (time.time_ns() - written), MARK_SETTLE_NS)  # capped: a clock set back
        if wait_ns > 0:
            time.sleep(wait_ns / 1e9)
        return self._state()

    def matches(self) -> bool:
        state = self._state()
        try:
            return state is not None and self.mark.read_text(encoding="ascii") == state
        except (OSError, UnicodeDecodeError):
            return False

    def record(self) -> None:
        state = self._settled_state()
        try:
            if state is None:
                self.mark.unlink(missing_ok=True)
            else:
                self.mark.write_text(state, encoding="ascii")
        except OSError:
            pass  # no mark: the next open checks the pages, as it always could

    def forget(self) -> None:
        with contextlib.suppress(OSError):
            self.mark.unlink(missing_ok=True)


def open_cache_file(
    path: Path, connect: Callable[[Path], sqlite3.Connection], what: str, logger: logging.Logger
) -> tuple[sqlite3.Connection, Path] | None:
    """`connect(path)`, the file moved aside (`*.corrupt`) and rebuilt when it is corrupt; None, after one warning
    naming `what` ("stage cache", "summary cache"), when the cache cannot be used at all: a cache is an optimisation,
    and a run without one still ends with its brief."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        logger.warning("%s disabled: cannot create %s (%s)", what, path.parent, error.strerror or error)
        return None
    try:
        return opened_with_retry(connect, path), path
    except sqlite3.OperationalError as error:  # locked past the timeout, read-only, no space: leave the file be
        logger.warning("%s disabled for this run: cannot open %s (%s)", what, path, error)
        return None
    except sqlite3.DatabaseError as error:  # "file is not a database", "malformed", an unknown schema
        logger.warning("%s %s is corrupt (%s); moved aside to %s.corrupt, rebuilding it", what, path, error, path.name)
    move_aside(path)
    try:
        return opened_with_retry(connect, path), path
    except sqlite3.DatabaseError as error:
        logger.warning("%s disabled: cannot rebuild %s (%s)", what, path, error)
        return None


def opened_with_retry(connect: Callable[[Path], sqlite3.Connection], path: Path) -> sqlite3.Connection:
    """`connect(path)`, tried again while another process or thread holds the lock it needs at open.

    Switching a new file to WAL takes an exclusive lock, and SQLite answers "database is locked" at once there
    instead of waiting out the busy timeout, so several runs (or threads) opening the same new cache at the same
    moment would all but one give up on their cache."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.01
    while True:
        try:
            return connect(path)
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def connect_cache(
    path: Path,
    main_table: str,
    tables: Sequence[str],
    schema_version: int,
    *,
    incremental_vacuum: bool = False,
    shared_across_threads: bool = False,
    check_pages: bool = True,
) -> sqlite3.Connection:
    """A checked connection to a cache file in WAL mode: its pages verified, its `tables` (CREATE statements) made and
    `main_table` readable, its schema version matched; sqlite3.DatabaseError when it is damaged or
    of another version, so the caller moves it aside and starts afresh."""
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=not shared_across_threads)
    try:
        # A damaged file can pass the header check and fail on a later read: check the pages once, at open.
        if check_pages:
            (integrity,) = connection.execute("PRAGMA quick_check").fetchone()
            if integrity != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {integrity}")
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if incremental_vacuum:
            connection.execute("PRAGMA auto_vacuum = INCREMENTAL")  # takes effect on a new file: before any table
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        with connection:
            for statement in tables:
                connection.execute(statement)
            connection.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            connection.execute(
                "INSERT OR IGNORE INTO meta (name, value) VALUES ('schema_version', ?)", (str(schema_version),)
            )
        (version,) = connection.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()
        if version != str(schema_version):
            raise sqlite3.DatabaseError(f"schema version {version}, expected {schema_version}")
        connection.execute(f"SELECT * FROM {main_table} LIMIT 1").fetchall()
    except BaseException:
        connection.close()
        raise
    return connection


def _connect_checked(path: Path) -> sqlite3.Connection:
    return _connect(path, check_pages=True)


def _connect(path: Path, check_pages: bool = False) -> sqlite3.Connection:
    return connect_cache(
        path,
        "entries",
        (
            "CREATE TABLE IF NOT EXISTS entries (kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, "
            "size INTEGER NOT NULL, used REAL NOT NULL, PRIMARY KEY (kind, key))",
            "CREATE INDEX IF NOT EXISTS entries_by_use ON entries (used)",
        ),
        SCHEMA_VERSION,
        incremental_vacuum=True,
        shared_across_threads=True,
        check_pages=check_pages,
    )


def move_aside(path: Path) -> None:
    """Keep the broken file for inspection (`*.corrupt`) and start afresh; WAL side files go with it."""
    try:
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        path.replace(path.with_name(path.name + ".corrupt"))
    except OSError:
        pass  # the second open fails too, and the run goes on without the store
