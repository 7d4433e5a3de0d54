"""Page metadata read from the markup: title, site, author, published date, canonical URL, language.

Meta tags (Open Graph, article:*, Dublin Core, itemprop) and JSON-LD are read straight from the parsed tree, which is
cheap; htmldate is asked only when none of them holds a date (it searches the whole page, which costs time).
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from typing import Any

from briefing.clean.features import strip_site_suffix
from briefing.clean.metadata import find_date, normalise_language, site_from_url

_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "published-date",
    "cxenseparse:recs:publishtime",
)
_AUTHOR_KEYS = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl")
_TITLE_KEYS = ("og:title", "twitter:title", "headline", "dc.title", "parsely-title")
_SITE_KEYS = ("og:site_name", "application-name", "publisher")
_JSON_LD_TYPES = re.compile(r"Article|Posting|Report|WebPage|BlogPosting", re.IGNORECASE)


@dataclass(frozen=True)
class HtmlMetadata:
    title: str | None = None
    site: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    language: str | None = None


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def _meta_values(tree: Any) -> dict[str, str]:
    """Lowercased name/property/itemprop -> first non-empty content."""
    values: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        content = _clean(element.get("content"))
        if key and content:
            values.setdefault(key.strip().lower(), content)
    for element in tree.iter("time"):
        if element.get("itemprop", "").lower() == "datepublished" or element.get("pubdate") is not None:
            when = _clean(element.get("datetime")) or _clean(element.text_content())
            if when:
                values.setdefault("datepublished", when)
    return values


def _json_ld_items(tree: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for element in tree.iter("script"):
        if (element.get("type") or "").lower() != "application/ld+json" or not element.text:
            continue
        try:
            data = json.loads(element.text[:200_000])
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(items) < 50:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item[:50])
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                kind = item.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if any(isinstance(k, str) and _JSON_LD_TYPES.search(k) for k in kinds):
                    items.append(item)
    return items


def _person_name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [name for name in (_person_name(v) for v in value[:5]) if name]
        return "; ".join(names) or None
    if isinstance(value, dict):
        return _clean(value.get("name"))
    name = _clean(value)
    return None if name is None or name.startswith(("http://", "https://")) else name


def _iso_date(value: str | None) -> str | None:
    return find_date(value) if value else None


def _htmldate(tree: Any, url: str | None) -> str | None:
    from htmldate import find_date as search_page

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = search_page(tree, url=url, extensive_search=False, original_date=True)
        except (ValueError, TypeError, AttributeError, RecursionError):
            return None
    return found if isinstance(found, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", found) else None


def read_metadata(tree: Any, url: str | None) -> HtmlMetadata:
    """Title, site, author, date, URL and language of a page: meta tags first, then JSON-LD, then the markup."""
    meta = _meta_values(tree)
    ld_items = _json_ld_items(tree)
    ld = ld_items[0] if ld_items else {}
    page_url = url or _canonical_url(tree) or meta.get("og:url")
    date = _page_date(meta, ld) or _htmldate(tree, page_url)
    site = _site_name(meta, ld) or site_from_url(page_url)
    return HtmlMetadata(
        _page_title(tree, meta, ld), site, _page_author(meta, ld), date, page_url, _page_language(tree, meta)
    )


def _page_title(tree: Any, meta: dict[str, str], ld: dict[str, Any]) -> str | None:
    """og:title and kin, the JSON-LD headline, the <title> less its site suffix, or the first <h1>."""
    title = next((meta[k] for k in _TITLE_KEYS if k in meta), None) or _clean(ld.get("headline"))
    if not title:
        title_element = tree.find(".//title")
        title = _clean(title_element.text_content()) if title_element is not None else None
        title = strip_site_suffix(title) if title else None
    if not title:
        heading = tree.find(".//h1")
        title = _clean(heading.text_content()) if heading is not None else None
    return title


def _site_name(meta: dict[str, str], ld: dict[str, Any]) -> str | None:
    site = next((meta[k] for k in _SITE_KEYS if k in meta), None)
    if not site and isinstance(ld.get("publisher"), dict):
        site = _clean(ld["publisher"].get("name"))
    return site


def _page_author(meta: dict[str, str], ld: dict[str, Any]) -> str | None:
    author = _person_name(ld.get("author")) if ld else None
    if not author:
        author = next((a for a in (_person_name(meta.get(k)) for k in _AUTHOR_KEYS) if a), None)
    if author and author.lower().startswith("by "):
        author = author[3:].strip()
    return author


def _page_date(meta: dict[str, str], ld: dict[str, Any]) -> str | None:
    """From the meta tags or JSON-LD; `_htmldate` (slower: it reads the whole page) is the caller's fallback."""
    date = next((d for d in (_iso_date(meta.get(k)) for k in _DATE_KEYS) if d), None)
    if not date and ld:
        date = _iso_date(_clean(ld.get("datePublished")) or _clean(ld.get("dateCreated")))
    return date


def _canonical_url(tree: Any) -> str | None:
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and (link.get("href") or "").startswith("http"):
            return link.get("href")
    return None


def _page_language(tree: Any, meta: dict[str, str]) -> str | None:
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    return normalise_language(
        root.get("lang") or root.get("xml:lang") or meta.get("content-language") or meta.get("og:locale")
    )
