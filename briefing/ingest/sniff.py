"""What a blob of bytes is, from its first bytes: a known binary format, HTML, a feed, JSON, a list of URLs.

Looking at content rather than trusting a file name or a Content-Type header matters because scrapers save PDFs
as `.html` and servers label everything `text/plain`.
"""

from __future__ import annotations

import re

GZIP_MAGIC = b"\x1f\x8b"

# Signatures distinctive enough to name the format even when the rest of the file looks like text.
_STRONG_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive or Office/EPUB document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office document"),
    (b"\x7fELF", "ELF executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\xfd7zXZ\x00", "XZ archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x1aE\xdf\xa3", "Matroska/WebM video"),
    (b"\x00asm", "WebAssembly module"),
    (b"{\\rtf", "RTF document (save it as plain text)"),
)
# Short ASCII signatures: named only when the bytes also look binary, so a text starting "ID3 ..." stays text.
_WEAK_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"ID3", "MP3 audio"),
    (b"OggS", "Ogg audio/video"),
    (b"fLaC", "FLAC audio"),
    (b"BZh", "bzip2 archive"),
    (b"MZ", "Windows executable"),
    (b"wOFF", "web font"),
    (b"wOF2", "web font"),
    (b"\xca\xfe\xba\xbe", "Java class or Mach-O binary"),
)
_RIFF_KINDS = {b"WEBP": "WebP image", b"WAVE": "WAV audio", b"AVI ": "AVI video"}
_SAMPLE = 8192


def binary_kind(data: bytes) -> str | None:
    """Name the binary format of `data` ("PDF document", "binary data"), or None when it may be text.

    UTF-16/32 text has NUL bytes but is text: callers check for those byte-order marks (and BOM-less UTF-16)
    before calling this.
    """
    for magic, name in _STRONG_MAGIC:
        if data.startswith(magic):
            return name
    if data.startswith(b"RIFF") and data[8:12] in _RIFF_KINDS:
        return _RIFF_KINDS[data[8:12]]
    if data[4:8] == b"ftyp":
        return "MP4/MOV video or HEIC image"
    if not looks_binary(data):
        return None
    for magic, name in _WEAK_MAGIC:
        if data.startswith(magic):
            return name
    return "binary data"


def looks_binary(data: bytes) -> bool:
    """NUL bytes, or more than 5% control characters other than tab/newline/form feed/CR, in the first 8 KiB."""
    sample = data[:_SAMPLE]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13, 27)) + sample.count(127)
    return control / len(sample) > 0.05


def bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the bytes are UTF-16 text without a BOM (mostly-ASCII text: every other byte 0)."""
    sample = data[:_SAMPLE]
    if len(sample) < 16:
        return None
    sample = sample[: len(sample) // 2 * 2]
    even_zero = sample[0::2].count(0) / (len(sample) // 2)
    odd_zero = sample[1::2].count(0) / (len(sample) // 2)
    if odd_zero > 0.4 and even_zero < 0.02:
        return "utf-16-le"
    if even_zero > 0.4 and odd_zero < 0.02:
        return "utf-16-be"
    return None


def _head(text: str, size: int = 2048) -> str:
    return text.lstrip("\ufeff \t\r\n")[:size].lower()


_FEED_ROOT = re.compile(r"<(?:[a-z0-9_]+:)?(rss|feed|rdf)\b")
# A DOCTYPE may carry an internal subset in [...] with `>` inside it (entity declarations): skip it whole.
_COMMENTS_AND_DECLS = re.compile(r"<\?.*?\?>|<!--.*?-->|<!doctype[^>\[]*(?:\[.*?\]\s*)?>", re.DOTALL)


def looks_like_feed(text: str) -> bool:
    """The first element (after the XML declaration, comments and DOCTYPE) is <rss>, <feed> or <rdf:RDF>."""
    head = _COMMENTS_AND_DECLS.sub("", _head(text, 4096)).lstrip()
    match = _FEED_ROOT.match(head)
    return match is not None and (match.group(1) != "feed" or "xmlns" in head[:400] or "<entry" in head)


def looks_like_html(text: str) -> bool:
    head = _head(text, 4096)
    if head.startswith(("<!doctype html", "<html")):
        return True
    head = _COMMENTS_AND_DECLS.sub("", head).lstrip()
    if head.startswith("<html"):
        return True
    return head.startswith("<") and any(tag in head for tag in ("<body", "<head", "<p>", "<div", "<article"))


def looks_like_json(text: str) -> bool:
    return _head(text, 1).startswith(("{", "["))


def looks_like_jsonl(text: str) -> bool:
    """The first non-empty line is a complete JSON object and another object line follows.

    One object on one line is read as plain JSON: same record, and its source is not numbered like a line.
    """
    lines = (line.strip() for line in text.lstrip("\ufeff").splitlines())
    first, second = next((line for line in lines if line), ""), next((line for line in lines if line), "")
    return first.startswith("{") and first.endswith("}") and second.startswith("{")


_URL_LINE = re.compile(r"^https?://\S+$", re.IGNORECASE)


def url_list(text: str) -> list[tuple[int, str]] | None:
    """(line number, URL) pairs when every non-empty, non-# line is one http(s) URL; else None.

    This is the rule for a "file of URLs": one URL a line, blank lines and `# comments` allowed, nothing else.
    """
    urls: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not _URL_LINE.match(stripped):
            return None
        urls.append((number, stripped))
    return urls or None
