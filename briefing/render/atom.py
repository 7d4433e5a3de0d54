"""OUT/feed.xml: the briefs as an Atom feed (RFC 4287), one entry per day, for readers who follow them in a reader.

Each entry links the day's brief.html and carries its headlines and bottom line as HTML content. Ids are stable
`urn:uuid:` names derived from the output folder and the day, so a rebuilt feed does not show old days as new.
Links are relative to the feed (Atom resolves them against its own address); `base_url` sets `xml:base` when the
briefs are published at a known address. Built with ElementTree, so every scraped value is escaped.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing.render.digest import DigestEntry

FEED_NAME = "feed.xml"
ATOM = "http://www.w3.org/2005/Atom"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


def render_atom(out_dir: Path, entries: Sequence[DigestEntry], base_url: str | None = None) -> str:
    """The feed of `entries` (newest first, as the digest lists them)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    if base_url:
        feed.set(XML_BASE, base_url if base_url.endswith("/") else base_url + "/")
    folder = str(out_dir.resolve())
    _text(feed, "id", _urn(f"briefing:{folder}"))
    _text(feed, "title", entries[0].title if entries else "Briefs")
    _text(feed, "subtitle", "Daily briefs built by briefing")
    _text(feed, "updated", max(entry.updated for entry in entries).isoformat(timespec="seconds"))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "briefing")
    _text(feed, "generator", "briefing")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=FEED_NAME, type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href="index.html", type="text/html")
    for entry in entries:
        item = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(item, "id", _urn(f"briefing:{folder}:{entry.date.isoformat()}"))
        _text(item, "title", f"{entry.title} — {entry.date.isoformat()}")
        _text(item, "updated", entry.updated.isoformat(timespec="seconds"))
        ET.SubElement(item, f"{{{ATOM}}}link", rel="alternate", href=entry.href, type="text/html")
        _text(item, "summary", entry.counts)
        content = _text(item, "content", _content_html(entry))
        content.set("type", "html")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text
    return element


def _urn(name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, name).urn


def _content_html(entry: DigestEntry) -> str:
    """The day as HTML (escaped here; ElementTree escapes it again as the element's text, as type="html" wants)."""
    parts = [f"<p>{escape(entry.counts)}</p>"]
    if entry.stories:
        items = "".join(
            f'<li><a href="{escape(story.href)}">{escape(story.headline)}</a>'
            + (
                f' (day {story.continues.day_number}: <a href="{escape(story.continues.previous_href)}">'
                f"last shown {story.continues.previous_date.isoformat()}</a>)"
                if story.continues
                else ""
            )
            + "</li>"
            for story in entry.stories
        )
        parts.append(f"<ol>{items}</ol>")
    if entry.bottom_line and not entry.from_headlines:
        bullets = "".join(f"<li>{escape(item.text)}</li>" for item in entry.bottom_line)
        parts.append(f"<p>Bottom line:</p><ul>{bullets}</ul>")
    return "".join(parts)


def file_time(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.timezone.utc).replace(microsecond=0)
