"""A source's outlet: who published it. The page's own metadata (og:site_name) when it has one, else the URL's
registered domain (the Public Suffix List's "private suffix": `www.bbc.co.uk` -> `bbc.co.uk`), shown by the
outlet's usual name when it is one of the well-known wires and papers below. A feed's title never names the outlet:
one feed can carry many publishers, and "Local test wire" says nothing of who wrote the story.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

# Registered domain -> the name readers know. Only for display: two domains of one outlet (bbc.co.uk, bbc.com) are
# counted once by ranking because they map to one name here.
OUTLET_NAMES = {
    "apnews.com": "AP",
    "aljazeera.com": "Al Jazeera",
    "bbc.co.uk": "BBC",
    "bbc.com": "BBC",
    "bloomberg.com": "Bloomberg",
    "cnbc.com": "CNBC",
    "cnn.com": "CNN",
    "dailymail.co.uk": "Daily Mail",
    "deccanherald.com": "Deccan Herald",
    "dw.com": "DW",
    "economist.com": "The Economist",
    "foxnews.com": "Fox News",
    "france24.com": "France 24",
    "ft.com": "Financial Times",
    "npr.org": "NPR",
    "nytimes.com": "The New York Times",
    "reuters.com": "Reuters",
    "theguardian.com": "The Guardian",
    "washingtonpost.com": "The Washington Post",
    "wsj.com": "The Wall Street Journal",
}


@lru_cache(maxsize=1)
def _suffix_list() -> Any:
    from publicsuffixlist import PublicSuffixList  # bundles the list: no network

    return PublicSuffixList()


# A Wayback Machine copy names the page it archived: its outlet is that page's, not archive.org.
_WAYBACK = re.compile(r"^https?://(?:web\.)?archive\.org/web/\d{4,14}[a-z_]*/(?P<page>(?:https?://)?[^/\s]+.*)$", re.I)


def registered_domain(url: str | None) -> str | None:
    """`https://edition.cnn.com/x` -> `cnn.com`; an IP address or a one-label host (localhost) stays as it is; a
    Wayback Machine copy (`web.archive.org/web/2015.../http://www.dailymail.co.uk/...`) -> `dailymail.co.uk`."""
    if not url:
        return None
    archived = _WAYBACK.match(url)
    if archived:
        page = archived.group("page")
        url = page if "://" in page else f"http://{page}"
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    return _suffix_list().privatesuffix(host) or host.removeprefix("www.")


def outlet_from_url(url: str | None) -> str | None:
    """The outlet's display name for a URL: its well-known name, else its registered domain."""
    domain = registered_domain(url)
    return OUTLET_NAMES.get(domain, domain) if domain else None
