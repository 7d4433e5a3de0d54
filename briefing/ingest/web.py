"""Fetching http(s) URLs with every limit a daily unattended run needs.

- http and https only, checked for the URL given and again for every redirect target (no `file:`, `ftp:`, `data:`);
- redirects followed by hand, at most `max_redirects`, a loop named as such;
- connect/read timeouts (`fetch_timeout`) and a total time per URL (`fetch_deadline`, checked between hops and
  between received pieces, so a server trickling bytes cannot hold the run);
- the body is streamed and reading stops just past `max_input_mb`: a bigger response is refused, not cut (unlike a
  big file: a server that streams without end sends junk, and no news page is that big); compressed bodies are
  inflated here under the same cap, so a gzip bomb stops there too;
- a User-Agent naming briefing and its version.
Every failure is a SourceError naming the URL with a one-line reason; the batch carries on.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from briefing.config import Settings
from briefing.errors import SourceError
from briefing.ingest.addresses import refuse_private_target
from briefing.shown import for_terminal

if TYPE_CHECKING:
    import httpx

MAX_PARALLEL_FETCHES = 4  # polite to servers, and enough to overlap the waiting on a 2-core machine
_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,"
    "application/json;q=0.8,text/plain;q=0.8,*/*;q=0.1"
)


@dataclass(frozen=True)
class Fetched:
    url: str  # as asked for
    final_url: str  # after redirects
    data: bytes
    media_type: str  # "text/html"; "" when the server sent none
    charset: str | None  # from the Content-Type header
    size: int | None  # Content-Length, when the server gave it


def check_url(url: str) -> str:
    """The URL itself when it is http(s) with a host; else SourceError naming what is wrong with it."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise SourceError(url, "not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise SourceError(url, f"only http and https URLs are fetched ({scheme or 'no'} scheme refused)")
    if not parts.hostname:
        raise SourceError(url, "URL has no host")
    return url


class Fetcher:
    """One HTTP client for a whole ingest run (connections are reused); create lazily, close when done."""

    def __init__(self, settings: Settings) -> None:
        import httpx

        self.settings = settings
        self.max_bytes = int(settings.max_input_mb * 1024 * 1024)
        self._client = httpx.Client(
            follow_redirects=False,  # followed by hand so every target's scheme is checked
            headers={"User-Agent": settings.user_agent, "Accept": _ACCEPT, "Accept-Encoding": "gzip, deflate"},
            timeout=settings.fetch_timeout,
            limits=httpx.Limits(max_connections=MAX_PARALLEL_FETCHES * 2),
        )

    def close(self) -> None:
        self._client.close()

    def fetch_many(self, urls: Sequence[str], discovered: bool = False) -> list[Fetched | SourceError]:
        """Fetch several URLs a few at a time; results in the order given, failures as SourceError values.

        `discovered`: the links come from a feed or page, not from the user, so private targets are refused.
        """

        def attempt(url: str) -> Fetched | SourceError:
            try:
                return self.fetch(url, discovered)
            except SourceError as error:
                return error

        if len(urls) <= 1:
            return [attempt(url) for url in urls]
        with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_FETCHES, len(urls))) as pool:
            return list(pool.map(attempt, urls))

    def fetch(self, url: str, discovered: bool = False) -> Fetched:
        import httpx

        settings = self.settings
        deadline = time.monotonic() + settings.fetch_deadline
        current = check_url(url)
        visited = [current]
        check_target = discovered and not settings.allow_private_urls
        for _hop in range(settings.max_redirects + 1):
            if check_target:  # every hop: a public link may redirect to a private address
                refuse_private_target(current, url)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SourceError(url, f"took longer than {settings.fetch_deadline:g} s in total (fetch_deadline)")
            wait = min(settings.fetch_timeout, remaining)
            try:
                with self._client.stream("GET", current, timeout=httpx.Timeout(wait)) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "").strip()
                        if not location:  # a 3xx that says nowhere to go (304 Not Modified, a broken server)
                            raise SourceError(
                                url, f"server answered {response.status_code} {_phrase(response)} with no Location"
                            )
                        current = self._redirect_target(url, current, location, visited)
                        continue
                    if response.status_code >= 400:
                        raise SourceError(url, f"server answered {response.status_code} {_phrase(response)}")
                    if not 200 <= response.status_code < 300:
                        raise SourceError(url, f"unexpected answer {response.status_code} {_phrase(response)}")
                    data = self._read_capped(url, response, deadline)
                    content_type = response.headers.get("content-type", "")
                    length = response.headers.get("content-length", "")
                    return Fetched(
                        url,
                        str(response.url),
                        data,
                        content_type.split(";")[0].strip().lower(),
                        response.charset_encoding,
                        int(length) if length.isdigit() else None,
                    )
            except httpx.ConnectTimeout:
                raise SourceError(url, f"could not connect within {wait:g} s (timed out)") from None
            except httpx.TimeoutException:
                raise SourceError(url, f"timed out: no data for {wait:g} s") from None
            except httpx.ConnectError as error:
                raise SourceError(url, f"could not connect ({_short(error)})") from None
            except (httpx.InvalidURL, httpx.UnsupportedProtocol):
                raise SourceError(url, "not a valid URL") from None
            except httpx.HTTPError as error:
                raise SourceError(url, f"download failed ({type(error).__name__}: {_short(error)})") from None
        raise SourceError(url, f"more than {settings.max_redirects} redirects (max_redirects)")

    def _redirect_target(self, url: str, current: str, location: str, visited: list[str]) -> str:
        target = urljoin(current, location.strip())
        scheme = urlsplit(target).scheme.lower()
        if scheme not in ("http", "https"):
            raise SourceError(url, f"redirected to a {scheme or 'schemeless'}: URL; only http and https are fetched")
        if target in visited:
            raise SourceError(url, f"redirect loop: back to {target} after {len(visited)} redirects")
        visited.append(target)
        return target

    def _read_capped(self, url: str, response: httpx.Response, deadline: float) -> bytes:
        """The body, inflated; SourceError once it passes the size cap or the deadline, whichever comes first."""
        too_big = f"response larger than {self.settings.max_input_mb:g} MB (max_input_mb): stopped reading, not used"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise SourceError(url, too_big.replace("stopped reading", "not downloaded"))
        inflater = _Inflater(url, response.headers.get("content-encoding", ""))
        pieces: list[bytes] = []
        size = 0
        for raw in response.iter_raw():  # no chunk_size: pieces as they arrive, so the deadline is checked often
            piece = inflater.inflate(raw, room=self.max_bytes + 1 - size)
            pieces.append(piece)
            size += len(piece)
            if size > self.max_bytes:
                raise SourceError(url, too_big)
            if time.monotonic() > deadline:
                raise SourceError(
                    url, f"still downloading after {self.settings.fetch_deadline:g} s (fetch_deadline); stopped"
                )
        return b"".join(pieces)


class _Inflater:
    """Undo Content-Encoding with bounded output: one compressed piece never yields more than `room` bytes, so a
    gzip bomb stops at the size cap (httpx's own decoder would inflate each piece whole)."""

    def __init__(self, url: str, encoding: str) -> None:
        self.url = url
        self.encoding = encoding.strip().lower()
        if self.encoding in ("", "identity"):
            self._inflater = None
        elif self.encoding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.encoding == "deflate":
            self._inflater = zlib.decompressobj()
        else:
            raise SourceError(url, f"server sent content-encoding {self.encoding!r}, which was not asked for")

    def inflate(self, piece: bytes, room: int) -> bytes:
        if self._inflater is None or not piece:
            return piece
        try:
            return self._inflater.decompress(piece, max(1, room))  # max_length 0 would mean "no limit"
        except zlib.error as error:
            raise SourceError(self.url, f"corrupt {self.encoding} body ({error})") from None


def _phrase(response: httpx.Response) -> str:
    """The reason phrase, which is the server's free text: one capped line, control characters escaped."""
    return for_terminal(" ".join(response.reason_phrase.split()), limit=80)


def _short(error: object) -> str:
    """A server's words (an error, a reason phrase) as one short line with no control characters."""
    text = " ".join(str(error).split()) or type(error).__name__
    return for_terminal(text, limit=160)
