"""RSS/Atom feeds -> one document per item, or a link to follow when the item carries only a short summary.

Safety: a feed that declares XML entities (`<!ENTITY`, an internal DTD subset) is refused before any parser sees it:
that is how "billion laughs" (exponential entity expansion) and external-entity (XXE) tricks work, and no news feed
needs them. A plain external DOCTYPE (old RSS 0.91 feeds carry one) is removed, never fetched. The feed reaching
feedparser is in memory and already size-capped; feedparser is never handed a string it could mistake for a URL.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from briefing.errors import SourceError
from briefing.ingest.records import iso_date
from briefing.records import RawDocument, Skipped
from briefing.shown import without_userinfo

FULL_TEXT_WORDS = 150  # an item body shorter than this is a teaser: its page is fetched instead
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)
_DOCTYPE_WITH_SUBSET = re.compile(r"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
_DOCTYPE = re.compile(r"<!DOCTYPE[^>\[]*>", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_EXCERPT_END = re.compile(
    r"(…|\.\.\.|\[…\]|\[\.\.\.\]|read more|continue reading|read the full (?:story|article)|more »)\W*$", re.IGNORECASE
)
_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article")


@dataclass(frozen=True)
class FollowLink:
    """A feed item without full text: fetch `url` and give the page this item's metadata."""

    url: str
    title: str | None
    published: str | None
    author: str | None
    site: str | None


FeedItem = RawDocument | Skipped | FollowLink


def feed_items(source: str, text: str, max_items: int, base_url: str | None = None) -> list[FeedItem]:
    """Parse a decoded feed: full-text items become documents, teaser items links to follow.

    Raises SourceError (malformed, entity tricks, not a feed, no items) and nothing else.
    """
    refuse_entity_tricks(source, text, "feed")
    text = _DOCTYPE.sub("", _XML_DECLARATION.sub("", text, count=1), count=1)
    parsed = _parse(source, text, base_url)
    entries = list(parsed.get("entries") or [])
    if not entries:
        if parsed.get("bozo"):
            raise SourceError(source, f"malformed feed ({_short(parsed.get('bozo_exception'))})")
        if not parsed.get("version"):
            raise SourceError(source, "not an RSS or Atom feed")
        raise SourceError(source, "feed has no items")
    # The feed's title is not the items' outlet (one feed carries many publishers): clean takes each item's outlet
    # from its page's metadata or its URL's domain (briefing.clean.outlets).
    site = None
    items: list[FeedItem] = [
        _item(source, number, entry, site) for number, entry in enumerate(entries[:max_items], start=1)
    ]
    if len(entries) > max_items:
        items.append(
            Skipped(source, f"{len(entries) - max_items} more feed items not read (max_items_per_feed = {max_items})")
        )
    return items


def refuse_entity_tricks(source: str, text: str, what: str) -> None:
    """Entity declarations are how entity-expansion and external-entity attacks work; no feed or OPML needs them."""
    if _ENTITY_DECLARATION.search(text) or _DOCTYPE_WITH_SUBSET.search(text):
        raise SourceError(
            source, f"{what} declares XML entities (<!ENTITY>, DTD subset): refused as an expansion attack"
        )


def _parse(source: str, text: str, base_url: str | None) -> Mapping[str, Any]:
    import feedparser

    headers = {"content-type": "application/xml; charset=utf-8"}
    if base_url:
        headers["content-location"] = base_url  # so relative item links resolve against the feed's URL
    try:
        # A file object, never a str: feedparser fetches strings that look like URLs and opens ones that are paths.
        return feedparser.parse(io.BytesIO(text.encode("utf-8")), response_headers=headers)
    except Exception as error:  # feedparser wraps many parsers; any failure is this one feed's problem
        raise SourceError(source, f"malformed feed ({_short(error)})") from None


def _item(source: str, number: int, entry: Mapping[str, Any], site: str | None) -> FeedItem:
    link = _http_link(entry.get("link"))
    title = _clean(entry.get("title"))
    published = _entry_date(entry)
    author = _clean(entry.get("author"))
    label = link or f"{source} item {number}"
    bodies = [c.get("value", "") for c in entry.get("content") or [] if c.get("value")]
    bodies.append(entry.get("summary") or "")
    text = max((html_to_text(body) for body in bodies), key=len)
    if len(text.split()) >= FULL_TEXT_WORDS and not _EXCERPT_END.search(text[-80:]):
        return RawDocument(label, text, "record", title=title, url=link, published=published, author=author, site=site)
    if link:
        return FollowLink(link, title, published, author, site)
    return Skipped(label, "feed item has only a short summary and no http(s) link to its page")


def _http_link(value: object) -> str | None:
    """An item's http(s) link, without any `user:password@` (a feed has no business handing out credentials)."""
    if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
        return without_userinfo(value.strip())
    return None


def _entry_date(entry: Mapping[str, Any]) -> str | None:
    """The item's date as the publisher wrote it (its own calendar day); feedparser's UTC form as a fallback."""
    for key in ("published", "updated"):
        written = iso_date(entry.get(key) if isinstance(entry.get(key), str) else None)
        if written:
            return written
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    try:
        return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday).isoformat() if parsed else None
    except (AttributeError, ValueError):
        return None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(html_to_text(value).split())
    return text or None


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment (feed bodies are HTML), one block a line."""
    if "<" not in markup and "&" not in markup:
        return markup.strip()
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.LxmlError, ValueError):
        return re.sub(r"<[^>]*>", " ", markup).strip()
    for element in list(root.iter("script", "style", "noscript")):
        element.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _short(error: object) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:120]
