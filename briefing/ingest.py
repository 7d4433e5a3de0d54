"""Stage 1, ingest: turn SOURCE arguments (files, folders, `-`) into RawDocuments.

Every input that cannot be read becomes a `Skipped` with a one-line reason; the rest of the batch carries on.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefing.errors import SourceError
from briefing.records import RawDocument, Skipped

ARTICLE_SUFFIXES = {".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".gz"}
MAX_INPUT_BYTES = 20 * 1024 * 1024  # larger inputs are truncated: no day's article needs more, and memory stays bounded


@dataclass(frozen=True)
class IngestResult:
    documents: tuple[RawDocument, ...]
    skipped: tuple[Skipped, ...]


def ingest(sources: Sequence[str]) -> IngestResult:
    """Read every source; unreadable ones are reported in `skipped`, never raised."""
    documents: list[RawDocument] = []
    skipped: list[Skipped] = []
    for source in sources:
        try:
            for item in _expand(source):
                if isinstance(item, Skipped):
                    skipped.append(item)
                else:
                    documents.append(item)
        except SourceError as error:
            skipped.append(Skipped(error.source, error.reason))
    return IngestResult(tuple(documents), tuple(skipped))


def _expand(source: str) -> Iterator[RawDocument | Skipped]:
    if source == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        yield from _documents_from_bytes("<stdin>", data, suffix="")
        return
    path = Path(source)
    if not path.exists():
        raise SourceError(source, "no such file or folder")
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and _is_article_file(p))
        if not files:
            raise SourceError(source, "folder holds no article files (.txt .md .html .htm .json .jsonl)")
        for file in files:
            try:
                yield from _read_file(file)
            except SourceError as error:
                yield Skipped(error.source, error.reason)
        return
    yield from _read_file(path)


def _is_article_file(path: Path) -> bool:
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    if suffixes and suffixes[-1] == ".gz":
        return len(suffixes) == 2 and suffixes[0] in {".html", ".htm", ".txt"}
    return bool(suffixes) and suffixes[-1] in ARTICLE_SUFFIXES


def _read_file(path: Path) -> Iterator[RawDocument | Skipped]:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise SourceError(str(path), f"cannot read ({error.strerror or error})") from None
    suffix = path.suffix.lower()
    if suffix == ".gz":
        try:
            data = gzip.decompress(data)[: MAX_INPUT_BYTES + 1]
        except (OSError, EOFError) as error:
            raise SourceError(str(path), f"not a valid gzip file ({error})") from None
        suffix = Path(path.stem).suffix.lower()
    yield from _documents_from_bytes(str(path), data, suffix)


def _documents_from_bytes(source: str, data: bytes, suffix: str) -> Iterator[RawDocument | Skipped]:
    if len(data) > MAX_INPUT_BYTES:
        data = data[:MAX_INPUT_BYTES]
    text = decode_text(source, data)
    if not text.strip():
        raise SourceError(source, "empty file" if not data else "only whitespace")
    if suffix in {".jsonl", ".json"} or (not suffix and text.lstrip().startswith(("{", "["))):
        yield from _records(source, text, jsonl=suffix == ".jsonl" or _looks_like_jsonl(text))
    elif suffix in {".html", ".htm"} or (not suffix and _looks_like_html(text)):
        yield RawDocument(source, text, "html")
    else:
        yield RawDocument(source, text, "text")


def decode_text(source: str, data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else a detector for legacy encodings; binary is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if _looks_binary(data):
        raise SourceError(source, "binary file, not text (found NUL or control bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1 << 20]).best()
    encoding = best.encoding if best is not None else "cp1252"
    return data.decode(encoding, errors="replace")


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return bool(sample) and control / len(sample) > 0.05


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


def _looks_like_jsonl(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0].strip()
    return first.startswith("{") and first.endswith("}")


def _records(source: str, text: str, jsonl: bool) -> Iterator[RawDocument | Skipped]:
    if jsonl:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{source}:{number}"
            try:
                yield _record_document(where, json.loads(line))
            except json.JSONDecodeError as error:
                yield Skipped(where, f"broken JSON line ({error.msg})")
            except SourceError as error:
                yield Skipped(error.source, error.reason)
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(source, f"invalid JSON ({error.msg} at line {error.lineno})") from None
    items = value if isinstance(value, list) else [value]
    for number, item in enumerate(items, start=1):
        where = f"{source}[{number}]" if isinstance(value, list) else source
        try:
            yield _record_document(where, item)
        except SourceError as error:
            yield Skipped(error.source, error.reason)


def _record_document(where: str, item: object) -> RawDocument:
    if not isinstance(item, dict):
        raise SourceError(where, "expected a JSON object with a `text` or `article` field")
    body = item.get("text") or item.get("article")
    if not isinstance(body, str) or not body.strip():
        raise SourceError(where, "record has no `text` or `article` field with text in it")

    def field(name: str) -> str | None:
        value = item.get(name)
        return str(value) if isinstance(value, (str, int, float)) and str(value).strip() else None

    source = f"{where}#{field('id')}" if field("id") else where
    kind = "html" if _looks_like_html(body) else "record"
    return RawDocument(
        source,
        body,
        kind,
        title=field("title"),
        url=field("url"),
        published=field("published"),
        author=field("author"),
        site=field("site"),
    )
