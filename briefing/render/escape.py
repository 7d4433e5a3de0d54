"""Scraped text and URLs made safe for Markdown and for the HTML rendered from it.

Two flavours of the same escaping, because the same brief is read two ways:

- `escape_markdown` targets CommonMark/GFM readers of brief.md (GitHub, editors): backslash escapes for every
  character that could start structure, a link, an image or raw HTML; `&` only where it would start an entity, so
  "AT&T" stays readable while "&lt;script&gt;" is shown as written instead of being decoded.
- `escape_for_python_markdown` targets the `markdown` package that builds brief.html: it does not know `\\<` or
  `\\&`, so HTML specials become entities first, then its own escapable characters are backslash-escaped.

Both collapse whitespace, so a newline inside scraped text can never start a new Markdown block.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

_WHITESPACE = re.compile(r"\s+")
# Control and format characters (bidi overrides, zero-width joiners) can disguise text; they never belong in a brief.
_INVISIBLE = {"Cc", "Cf"}

_COMMONMARK_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
_ENTITY_START = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# At the start of a block, these would turn a list item or heading into a nested list or a rule ("---").
_LEADING_MARKER = re.compile(r"^([-+])|^(\d{1,9})([.)])(?=\s|$)")

# Exactly the characters Python-Markdown accepts a backslash escape for (markdown.Markdown.ESCAPED_CHARS), less `>`,
# which has already become `&gt;`.
_PYTHON_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")


def plain_text(text: str | None) -> str:
    """One line of visible text: no control or invisible format characters, single spaces."""
    if not text:
        return ""
    text = str(text)
    if not text.isprintable():  # rare: only then look at each character (a fast path for ordinary text)
        text = "".join(" " if unicodedata.category(ch) in _INVISIBLE else ch for ch in text)
    return _WHITESPACE.sub(" ", text).strip()


def escape_markdown(text: str | None) -> str:
    """Scraped text as literal CommonMark text: no links, emphasis, headings, lists or raw HTML can come of it."""
    escaped = _COMMONMARK_SPECIAL.sub(r"\\\1", plain_text(text))
    escaped = _ENTITY_START.sub(r"\\&", escaped)
    return _LEADING_MARKER.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", escaped)


def escape_for_python_markdown(text: str | None) -> str:
    """Scraped text as literal text for the `markdown` package: entities for HTML specials, then its escapes."""
    return _PYTHON_MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(plain_text(text), quote=False))


_ALLOWED_SCHEMES = frozenset({"http", "https"})
_HOST = re.compile(r"^[A-Za-z0-9.\-_~%!$&'*+,;=:@\[\]]+$")


def safe_url(url: str | None) -> str | None:
    """An http(s) URL, percent-encoded so it cannot break out of a Markdown link; anything else gives None.

    `javascript:`, `data:`, `file:`, scheme-relative (`//host`) and relative URLs are all refused: a brief only ever
    links to a page on the web.
    """
    if not url:
        return None
    candidate = str(url).strip()
    if candidate.isascii() and candidate.isprintable():  # the usual URL: no control or format character can be in it
        if " " in candidate:
            return None
    elif any(unicodedata.category(ch) in _INVISIBLE or ch.isspace() for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
        hostname = parts.hostname  # raises ValueError on a malformed IPv6 literal
        port = parts.port  # raises ValueError on a port that is not a number
    except ValueError:
        return None
    if parts.scheme.lower() not in _ALLOWED_SCHEMES or not hostname:
        return None
    netloc = parts.netloc.rpartition("@")[2]  # `user:password@` is never shown: a link in a brief carries no secret
    if not netloc.isascii():
        try:
            netloc = hostname.encode("idna").decode("ascii") + (f":{port}" if port else "")
        except UnicodeError:
            return None
    if not _HOST.match(netloc):
        return None
    # Brackets, parentheses, quotes, backslashes, `<>` and non-ASCII are percent-encoded: none can end the link.
    path = quote(parts.path, safe="/%:@!$&*+,;=~-._")
    query = quote(parts.query, safe="/%:@!$&*+,;=~-._?")
    fragment = quote(parts.fragment, safe="/%:@!$&*+,;=~-._?")
    return urlunsplit((parts.scheme.lower(), netloc, path, query, fragment))
