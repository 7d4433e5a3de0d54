"""Where a discovered link may lead: public internet addresses only, unless `--allow-private-urls`.

A feed or page names links that briefing then fetches by itself. Without a check, a feed item pointing at
`http://127.0.0.1:8080/admin`, `http://169.254.169.254/` (cloud metadata) or `http://10.0.0.5/` makes the machine
running the brief request its own or its network's private services (server-side request forgery). Every discovered
link, and every redirect it takes, is resolved with `socket.getaddrinfo`; a host with any address that is not a
global unicast address (loopback, private, link-local, shared, reserved, multicast, unspecified) is refused. URLs the
user gives on the command line (or in a list of URLs) are theirs to choose and are not checked.

The name is resolved again by the HTTP client when it connects; a hostile DNS server answering differently the
second time (DNS rebinding) is not covered by this check.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from briefing.errors import SourceError


def refuse_private_target(url: str, label: str) -> None:
    """SourceError for `label` when `url`'s host resolves to a non-public address (or does not resolve)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as error:
        reason = getattr(error, "strerror", None) or type(error).__name__
        raise SourceError(label, f"could not resolve {host!r} ({reason}); not fetched") from None
    for answer in answers:
        address = _address(str(answer[4][0]))
        if address is None or not address.is_global or address.is_multicast:
            kind = _kind(address)
            article = "an" if kind[0] in "aeiou" else "a"
            raise SourceError(
                label,
                f"link found in a feed or page points at {article} {kind} address ({address}); not fetched "
                "(--allow-private-urls allows it)",
            )


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id ("fe80::1%eth0")
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:127.0.0.1 is loopback
    return address


def _kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> str:
    if address is None:
        return "unreadable"
    for name in ("unspecified", "loopback", "link_local", "multicast", "private", "reserved"):
        if getattr(address, f"is_{name}"):
            return name.replace("_", "-")
    return "non-public"
