"""Local inputs: files, folders (recursive) and stdin, each read with a size cap.

What a file is taken for comes from its suffix (`.gz` looks at the one before it), then from its bytes. JSON Lines are
streamed a line at a time, so a large JSONL file costs memory per record, not per file; a JSON array is read whole,
up to MAX_JSON_BYTES. In a folder, hidden entries are ignored and files of other types are reported, not read.
"""

from __future__ import annotations

import errno
import gzip
import os
import stat
import sys
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from briefing.errors import SourceError
from briefing.ingest.content import IngestContext, Item, bounded, documents_from_bytes, guarded
from briefing.ingest.records import jsonl_documents
from briefing.ingest.sniff import binary_kind
from briefing.records import Skipped
from briefing.shown import shown_path

SUFFIX_HINTS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xml": "xml",
    ".rss": "feed",
    ".atom": "feed",
    ".urls": "urls",
    ".opml": "opml",
}
MAX_JSON_BYTES = 64 * 1024 * 1024  # a JSON array must be parsed whole; bigger collections belong in JSONL
_READABLE = ".txt .md .html .htm .json .jsonl .xml .rss .atom .urls .opml"  # the common ones; SUFFIX_HINTS has all


def stdin_documents(ctx: IngestContext) -> Iterator[Item]:
    yield from _stream_documents(ctx, "<stdin>", sys.stdin.buffer, hint="", size=None)


def path_documents(ctx: IngestContext, source: str) -> Iterator[Item]:
    path = Path(source)
    try:
        status = path.stat()
    except OSError as error:
        raise SourceError(shown_path(source), _stat_failure(path, error)) from None
    if stat.S_ISDIR(status.st_mode):
        yield from folder_documents(ctx, path)
    elif (refusal := _not_a_regular_file(status.st_mode)) is not None:
        raise SourceError(shown_path(source), refusal)
    else:
        yield from file_documents(ctx, path, hint=suffix_hint(path) or "")


def _stat_failure(path: Path, error: OSError) -> str:
    """What really happened when a path cannot be looked at: a loop, a dangling link, a permission, or absence."""
    if error.errno == errno.ELOOP:
        return "symlink loop (too many levels of symbolic links); not read"
    if error.errno == errno.ENOENT and path.is_symlink():
        return f"broken symlink (points at {shown_path(os.readlink(path))}, which does not exist)"
    if error.errno == errno.ENOENT:
        return "no such file or folder"
    if error.errno == errno.ENOTDIR:
        return "no such file or folder (a part of the path is a file)"
    return f"cannot read ({error.strerror or error})"


def _not_a_regular_file(mode: int) -> str | None:
    """The reason a path must not be read (reading a FIFO, socket or device blocks or never ends); None for a file."""
    if stat.S_ISREG(mode):
        return None
    kinds: tuple[tuple[Callable[[int], bool], str], ...] = (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a folder"),
    )
    kind = next((name for test, name in kinds if test(mode)), "not a regular file")
    return f"not a regular file ({kind}); not read (pipe it to `-` to read it from stdin)"


def suffix_hint(path: Path) -> str | None:
    """The hint for a file name, or None when its type is not one briefing reads."""
    suffixes = [suffix.lower() for suffix in path.suffixes[-2:]]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return SUFFIX_HINTS.get(suffixes[-1]) if suffixes else None


def folder_documents(ctx: IngestContext, folder: Path) -> Iterator[Item]:
    for entry in folder_files(folder):
        if isinstance(entry, Skipped):
            yield entry
        else:
            path, hint = entry
            yield from guarded(shown_path(path), file_documents(ctx, path, hint))


def folder_files(folder: Path) -> Iterator[tuple[Path, str] | Skipped]:
    """The files a folder source reads, in reading order, each with its hint; files of other types as Skipped.

    Raises SourceError (after the walk) when the folder holds no article file. The Ray executor hands these files
    to its workers one by one; folder_documents reads them here.
    """
    files_seen = 0
    articles_tried = 0
    unlistable: list[OSError] = []
    for directory, subfolders, names in os.walk(folder, followlinks=False, onerror=unlistable.append):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            files_seen += 1
            path = Path(directory) / name
            shown = shown_path(path)
            try:
                status = path.stat()
            except OSError as error:
                yield Skipped(shown, _stat_failure(path, error))
                continue
            refusal = _not_a_regular_file(status.st_mode)
            if refusal is not None:  # before anything opens it: opening a FIFO with no writer blocks for ever
                yield Skipped(shown, refusal)
                continue
            hint = suffix_hint(path)
            if hint is None:
                yield Skipped(shown, _unsupported_reason(path))
                continue
            articles_tried += 1
            yield path, hint
    for listing_error in unlistable:
        where = shown_path(listing_error.filename or folder)
        if Path(where) != folder or files_seen:  # a subfolder (or the top, if it listed anything after all)
            reason = f"cannot list the folder ({listing_error.strerror or listing_error}); its files not read"
            yield Skipped(where, reason)
    if articles_tried == 0:
        top_error = next((e for e in unlistable if Path(e.filename or "") == folder), None)
        if top_error is not None and files_seen == 0:
            raise SourceError(shown_path(folder), f"cannot list the folder ({top_error.strerror or top_error})")
        what = "no files" if files_seen == 0 else "no article files"
        raise SourceError(shown_path(folder), f"folder holds {what} (briefing reads {_READABLE}, also gzip'd)")


def _unsupported_reason(path: Path) -> str:
    try:
        with _open_regular(path) as handle:
            kind = binary_kind(handle.read(64))
    except SourceError as error:
        return error.reason
    except OSError as error:
        return f"cannot read ({error.strerror or error})"
    suffix = "".join(path.suffixes[-2:]) or "no suffix"
    if kind and kind != "binary data":
        return f"binary file ({kind}), not an article; not read"
    return f"not an article file type ({suffix}); not read"


def _open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading without ever blocking: O_NONBLOCK for the open, then refused unless a regular file
    (the file may have been swapped for a FIFO since it was looked at)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        refusal = _not_a_regular_file(os.fstat(descriptor).st_mode)
    except OSError:
        os.close(descriptor)
        raise
    if refusal is not None:
        os.close(descriptor)
        raise SourceError(shown_path(path), refusal)
    return os.fdopen(descriptor, "rb")


def file_documents(ctx: IngestContext, path: Path, hint: str) -> Iterator[Item]:
    source = shown_path(path)
    try:
        compressed = path.name.lower().endswith(".gz")
        with _open_regular(path) as raw:
            size = os.fstat(raw.fileno()).st_size
            handle: BinaryIO = gzip.GzipFile(fileobj=raw) if compressed else raw  # type: ignore[assignment]
            yield from _stream_documents(ctx, source, handle, hint, None if compressed else size)
    except OSError as error:
        if isinstance(error, gzip.BadGzipFile):
            raise SourceError(source, f"not a valid gzip file ({error})") from None
        raise SourceError(source, f"cannot read ({error.strerror or error})") from None
    except (EOFError, zlib.error) as error:
        raise SourceError(source, f"not a valid gzip file ({error or 'cut short'})") from None


def _stream_documents(ctx: IngestContext, source: str, handle: BinaryIO, hint: str, size: int | None) -> Iterator[Item]:
    """Read `handle` with a cap; JSON Lines (by name, or a first line that is one JSON object) are streamed."""
    cap = ctx.max_bytes
    read = [handle.readline(cap + 1)]
    head = read[0].removeprefix(b"\xef\xbb\xbf").strip()
    if hint in ("", "json") and head.startswith(b"{") and head.endswith(b"}"):
        # A second object line makes it JSON Lines, whatever the name says (blank lines between are allowed).
        while len(read) < 1000 and (line := handle.readline(cap + 1)):
            read.append(line)
            if line.strip():
                break
    second_object = len(read) > 1 and read[-1].lstrip().startswith(b"{")
    if (hint == "jsonl" or second_object) and binary_kind(read[0][:8192]) is None:
        yield from bounded(ctx, jsonl_documents(source, _numbered_lines(read, handle, cap)))
        return
    if hint == "json" or (not hint and head.startswith((b"{", b"["))):
        cap = MAX_JSON_BYTES
    start = b"".join(read)
    data = start + handle.read(max(0, cap + 1 - len(start)))
    truncated = len(data) > cap
    if truncated and hint == "json":
        raise SourceError(source, "JSON file larger than 64 MB: write it as JSONL (one record a line, streamed)")
    yield from documents_from_bytes(ctx, source, data[:cap], hint=hint, size=size, truncated=truncated)


def _numbered_lines(read: list[bytes], handle: BinaryIO, cap: int) -> Iterator[tuple[int, str | None]]:
    """(line number, text) for each line, starting with those already `read`; text is None for a line longer than
    `cap` (drained in bounded pieces, never held whole)."""

    def raw_lines() -> Iterator[bytes]:
        yield from (line for line in read if line)  # b"" is end of file
        while line := handle.readline(cap + 1):
            yield line

    for number, line in enumerate(raw_lines(), start=1):
        if len(line) > cap and not line.endswith(b"\n"):
            rest = line
            while rest and not rest.endswith(b"\n"):
                rest = handle.readline(1024 * 1024)
            yield number, None
        else:
            yield number, _decode_line(line[3:] if number == 1 and line.startswith(b"\xef\xbb\xbf") else line)


def _decode_line(line: bytes) -> str:
    """JSON is UTF-8 by definition; a line in a legacy encoding is read as cp1252 rather than lost."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")
