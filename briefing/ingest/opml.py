"""OPML (what every feed reader exports): the subscription list becomes the feed URLs to fetch.

Each `<outline>` with an `xmlUrl` attribute is a feed; folders of outlines nest to any depth. Only http(s) URLs are
taken; anything else is reported with the outline's title. As for feeds, a file that declares XML entities is
refused before it is parsed, and the parser neither resolves entities nor reaches the network.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefing.errors import SourceError
from briefing.ingest.feeds import refuse_entity_tricks
from briefing.ingest.web import check_url
from briefing.records import Skipped


@dataclass(frozen=True)
class OpmlFeeds:
    urls: tuple[str, ...]  # each feed once, in file order
    skipped: tuple[Skipped, ...]


def opml_feeds(source: str, text: str) -> OpmlFeeds:
    """The feed URLs an OPML document lists. Raises SourceError when it is not OPML or lists no usable feed."""
    import lxml.etree

    refuse_entity_tricks(source, text, "OPML file")
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=False, huge_tree=False)
    try:
        root = lxml.etree.fromstring(text.lstrip("\ufeff").encode("utf-8"), parser)
    except lxml.etree.XMLSyntaxError as error:
        raise SourceError(source, f"malformed OPML ({' '.join(str(error).split())[:120]})") from None
    if not isinstance(root.tag, str) or root.tag.lower() != "opml":
        raise SourceError(source, f"not an OPML file (root element <{root.tag}>, expected <opml>)")
    urls: list[str] = []
    skipped: list[Skipped] = []
    for number, outline in enumerate(root.iter("outline"), start=1):
        address = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not address:
            continue  # a folder of feeds, or a plain note
        name = (outline.get("title") or outline.get("text") or f"outline {number}").strip()
        try:
            urls.append(check_url(address))
        except SourceError as error:
            skipped.append(Skipped(f"{source}: {name[:60]}", f"{address[:80]}: {error.reason}"))
    if not urls:
        raise SourceError(source, "OPML file lists no http(s) feed (no <outline xmlUrl=...>)")
    return OpmlFeeds(tuple(dict.fromkeys(urls)), tuple(skipped))


def looks_like_opml(text: str) -> bool:
    head = text[:2000].lstrip("\ufeff \t\r\n").lower()
    return head.startswith("<opml") or (head.startswith("<?xml") and "<opml" in head)
