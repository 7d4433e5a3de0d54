"""Input-derived strings made safe to show on a terminal, in a log or in a brief.

File names, JSONL ids, HTTP reason phrases and URLs come from whoever wrote the input. Printed raw they can carry
ESC/OSC sequences (retitle the terminal, clear the screen), newlines (a fake `error:` line in a cron mail), lone
surrogates from non-UTF-8 file names (which crash any UTF-8 encoder downstream), or 50,000 characters on one line.
Everything printed to stderr or a log that came from input goes through `for_terminal`; every path shown goes
through `shown_path`; every URL shown goes through `without_userinfo`.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from urllib.parse import urlsplit, urlunsplit

MAX_SHOWN_CHARS = 300  # one input-derived string on one terminal line; the reason around it adds a little
# C0 controls, DEL, C1 controls (ESC [ and the 8-bit CSI 0x9b start terminal sequences), the bidi overrides and
# isolates (they reorder what the eye reads), and the line/paragraph separators some terminals honour.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def for_terminal(text: object, limit: int = MAX_SHOWN_CHARS) -> str:
    """One visible line: control characters escaped (`\\e`, `\\n`, `\\x9b`), lone surrogates as U+FFFD, and at
    most `limit` characters of the input kept ("… (N more characters)" says how much was cut)."""
    value = _SURROGATE.sub("\ufffd", str(text))
    cut = len(value) - limit
    if cut > 0:
        value = value[:limit]
    value = _CONTROL.sub(_escape, value)
    return f"{value}… ({cut:,} more characters)" if cut > 0 else value


def shown_path(path: str | os.PathLike[str] | PurePath) -> str:
    """A path as text that any UTF-8 writer accepts: undecodable bytes of the name become U+FFFD.

    Python hands non-UTF-8 file names over as lone surrogates (surrogateescape); those cannot be encoded, so a name
    such as b'caf\\xe9.txt' would crash the HTML sanitizer, the JSON writer and the terminal alike.
    """
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text


def without_userinfo(url: str) -> str:
    """The URL with any `user:password@` removed, so a credential in a scraped link is never shown or stored."""
    if "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def usable_url(url: str) -> bool:
    """True when a URL parses (host, port and all): `http://[::1/` would otherwise fail every later stage."""
    try:
        parts = urlsplit(url)
        parts.hostname  # noqa: B018 - raises ValueError on a malformed IPv6 literal
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return False
    return True


def grouped_reasons(items: Iterable[tuple[str, str]], keep: int = 3) -> list[tuple[str, str]]:
    """(source, reason) pairs with a reason repeated more than `keep` times told once for the rest.

    499 near-duplicates would print 499 `skipped … duplicate of an article already in this run` lines; the first
    `keep` are shown as they are, then one line "N more: <reason>" for the others.
    """
    pairs: Sequence[tuple[str, str]] = list(items)
    counts = Counter(reason for _, reason in pairs)
    shown: Counter[str] = Counter()
    grouped: list[tuple[str, str]] = []
    for source, reason in pairs:
        shown[reason] += 1
        if shown[reason] <= keep or counts[reason] == keep + 1:
            grouped.append((source, reason))
        elif shown[reason] == keep + 1:
            grouped.append((f"{counts[reason] - keep} more inputs", reason))
    return grouped
