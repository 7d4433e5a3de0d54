"""One daily run per output day at a time: an exclusive lock file beside the day folder.

Two runs for the same day (a cron job and a person, two overlapping crons) would otherwise interleave their three
output files (brief.json from one run, brief.md from the other) and their history updates. The second run waits for
the first and says so on stderr; after `wait_seconds` it gives up with a one-line error. The lock is an OS lock
(`flock` on POSIX, `msvcrt.locking` on Windows) on `OUT/.YYYY-MM-DD.lock`, so the kernel releases it when its holder
dies, even by SIGKILL: a killed run never leaves a stale lock behind, only an unlocked file that the next run reuses.

Holding the lock is also what makes it safe to delete temp files that a killed run left in the day folder.

The lock file is opened with O_NOFOLLOW and refused when it is a symlink or not a regular file: a symlink planted
in a shared output folder would otherwise have the file it points at truncated and overwritten with our pid.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from briefing.errors import BriefingError

log = logging.getLogger(__name__)

DEFAULT_WAIT_SECONDS = 30 * 60.0  # a slow generative run takes minutes; an hour-long wait means something is stuck
POLL_SECONDS = 0.2
STALE_TEMP_PATTERN = ".brief.*.tmp"  # what `briefing.render.atomic_write` stages beside brief.md/html/json


class RunLockError(BriefingError):
    """The day's lock could not be taken: another run kept it too long, or the output folder is not writable."""


def _warn(message: str) -> None:
    log.warning(message)  # with no logging set up, Python prints warnings to stderr: the CLI user sees this line


@contextmanager
def day_lock(
    out_dir: Path,
    date: dt.date,
    wait_seconds: float = DEFAULT_WAIT_SECONDS,
    on_wait: Callable[[str], None] = _warn,
) -> Iterator[Path]:
    """Hold the exclusive lock for `out_dir/YYYY-MM-DD` for the duration of the block; yields the lock file's path."""
    day_folder = out_dir / date.isoformat()
    lock_path = out_dir / f".{date.isoformat()}.lock"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        descriptor = _acquire(lock_path, day_folder, wait_seconds, on_wait)
    except OSError as error:  # --out names a file, a read-only place, a full disk: say so before any work is done
        reason = "it is a file, not a folder" if out_dir.is_file() else (error.strerror or str(error))
        raise RunLockError(f"{out_dir}: cannot write the output folder ({reason})") from None
    try:
        _sweep_stale_temps(day_folder)
        yield lock_path
    finally:
        _release(lock_path, descriptor)


def _acquire(lock_path: Path, day_folder: Path, wait_seconds: float, on_wait: Callable[[str], None]) -> int:
    deadline = time.monotonic() + wait_seconds
    told = False
    while True:
        descriptor = _open_lock_file(lock_path)
        if _try_lock(descriptor):
            # The holder before us may have deleted the file after we opened it: then we locked an orphan inode
            # that nobody else can see, and must start over on the file that is there now.
            if _same_file(descriptor, lock_path):
                _write_owner(descriptor)
                return descriptor
            _unlock(descriptor)
            os.close(descriptor)
            continue
        holder = _read_owner(descriptor)
        os.close(descriptor)
        if time.monotonic() >= deadline:
            raise RunLockError(
                f"another briefing run{holder} is still writing {day_folder} after {wait_seconds:g} s; refusing to "
                "run at the same time (wait for it to finish, or end it)"
            )
        if not told:
            on_wait(f"another briefing run{holder} is writing {day_folder}; waiting (up to {wait_seconds:g} s)…")
            told = True
        time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))


def _open_lock_file(lock_path: Path) -> int:
    """The lock file, created if missing, never through a symlink (O_NOFOLLOW) and never a FIFO or device."""
    if lock_path.is_symlink():
        raise RunLockError(f"{lock_path}: the lock file is a symlink; refusing to follow it (remove it)")
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(lock_path, flags, 0o644)
    except OSError as error:
        if error.errno == errno.ELOOP:  # made a symlink since the check above
            raise RunLockError(f"{lock_path}: the lock file is a symlink; refusing to follow it (remove it)") from None
        raise
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise RunLockError(f"{lock_path}: the lock file is not a regular file; refusing to use it (remove it)")
    return descriptor


def _release(lock_path: Path, descriptor: int) -> None:
    try:
        if sys.platform != "win32":  # Windows cannot delete an open file; there the empty lock file simply stays
            lock_path.unlink(missing_ok=True)
    finally:
        _unlock(descriptor)
        os.close(descriptor)


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _write_owner(descriptor: int) -> None:
    os.ftruncate(descriptor, 0)
    os.lseek(descriptor, 0, os.SEEK_SET)
    os.write(descriptor, f"{os.getpid()}\n".encode())


def _read_owner(descriptor: int) -> str:
    """' (pid N)' for the message, when the holder wrote its pid; the file is tiny and only informative."""
    try:
        os.lseek(descriptor, 0, os.SEEK_SET)
        pid = os.read(descriptor, 32).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""


def _sweep_stale_temps(day_folder: Path) -> None:
    """Temp files of a run that was killed mid-write: nobody else writes this folder while we hold the lock."""
    if not day_folder.is_dir():
        return
    for temp in day_folder.glob(STALE_TEMP_PATTERN):
        temp.unlink(missing_ok=True)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(descriptor: int) -> bool:
        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(descriptor: int) -> None:
        try:
            os.lseek(descriptor, 0, os.SEEK_SET)
            msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass

else:
    import fcntl

    def _try_lock(descriptor: int) -> bool:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
