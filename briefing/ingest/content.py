"""The hub of ingestion: the bytes of one input (file, stdin, HTTP response) -> RawDocuments and Skipped notes.

A `hint` says what the name or Content-Type suggests ("html", "text", "json", "jsonl", "feed", "xml", "urls", or
"" for unknown); the bytes have the last word where they are clearer (a binary signature, a feed root element).
Feeds and URL lists lead to fetching, which happens here so that `feeds.py` and `web.py` stay free of each other.
"""

from __future__ import annotations

import dataclasses
import logging
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from briefing.config import Settings
from briefing.errors import SourceError
from briefing.ingest import sniff
from briefing.ingest.decode import declared_charset, decode
from briefing.ingest.feeds import FollowLink, feed_items
from briefing.ingest.opml import looks_like_opml, opml_feeds
from briefing.ingest.records import json_documents, jsonl_documents
from briefing.ingest.web import Fetched, Fetcher, check_url
from briefing.records import RawDocument, Skipped
from briefing.shown import for_terminal, without_userinfo

Item = RawDocument | Skipped
log = logging.getLogger(__name__)
MEBIBYTE = 1024 * 1024
# Content-Type -> hint. Anything else (PDF, images, octet-stream) is sniffed, and refused by its signature.
MEDIA_HINTS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "text/plain": "text",
    "text/markdown": "text",
}


@dataclass
class IngestContext:
    """What one ingest run shares: its settings and (created on first use) one HTTP client."""

    settings: Settings
    _fetcher: Fetcher | None = field(default=None, repr=False)

    @property
    def max_bytes(self) -> int:
        return int(self.settings.max_input_mb * MEBIBYTE)

    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = Fetcher(self.settings)
        return self._fetcher

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()
            self._fetcher = None


def guarded(source: str, items: Iterable[Item]) -> Iterator[Item]:
    """Run a nested generator; an error it raises becomes a Skipped and the caller's loop goes on.

    Anything besides SourceError is a bug or a parser failing on hostile input: the unattended run must not die
    of it, so it is reported like any bad input, with the traceback in the log.
    """
    try:
        yield from items
    except SourceError as error:
        yield Skipped(error.source or source, error.reason)
    except Exception as error:
        log.warning("unexpected error while reading %s", for_terminal(source), exc_info=True)
        yield Skipped(source, unexpected_reason(error))


def unexpected_reason(error: Exception) -> str:
    detail = " ".join(str(error).split())[:100]
    return f"could not be read ({type(error).__name__}{': ' + detail if detail else ''})"


def documents_from_bytes(
    ctx: IngestContext,
    source: str,
    data: bytes,
    *,
    hint: str = "",
    charset: str | None = None,
    url: str | None = None,
    size: int | None = None,
    truncated: bool = False,
    follow: bool = True,
) -> Iterator[Item]:
    """Everything in one input. `truncated`: `data` is the first part of something bigger (`size` bytes if known).

    `url` is set for fetched content (a response over the size cap never gets here: web.py refuses it).
    `follow` is False for the pages of feed items: such a page may itself be a feed, but its items' pages are not
    fetched in turn (one level of following, no crawling).
    """
    if data.startswith(sniff.GZIP_MAGIC):
        data, cut = gunzip_capped(source, data, ctx.max_bytes)
        if cut and url is not None:  # fetched: oversized content is refused, as in web.py
            raise SourceError(
                source, f"larger than {ctx.settings.max_input_mb:g} MB once inflated (max_input_mb); not used"
            )
        truncated, size = truncated or cut, None
    if not data:
        raise SourceError(source, "empty file")
    text = decode(source, data, charset or declared_charset(data), partial=truncated)
    if not text.strip():
        raise SourceError(source, "only whitespace")
    kind = _resolve_kind(source, hint, text)
    if kind == "feed":
        yield from _feed_documents(ctx, source, text, url, follow)
    elif kind == "json":
        if truncated:
            raise SourceError(source, f"JSON larger than {_size(len(data))}: cannot be cut; write it as JSONL")
        yield from bounded(ctx, json_documents(source, text))
    elif kind == "jsonl":
        lines = enumerate(text.lstrip("\ufeff").splitlines(), start=1)
        yield from bounded(ctx, jsonl_documents(source, lines))
    elif kind == "opml":
        if url is not None:  # a fetched page never leads to more fetching than its own feed items
            raise SourceError(source, "OPML is read from a local file (or briefing.toml), not fetched")
        yield from opml_documents(ctx, source, text)
    elif kind == "urls" and url is None:  # only a local list is fetched: a fetched page never leads to more pages
        yield from url_list_documents(ctx, source, text)
    elif kind == "html":
        if truncated:
            yield Skipped(source, _cut_note(size, _bytes_kept(ctx, len(data))))
        yield RawDocument(source, text, "html", url=url, truncated=truncated)
    else:
        yield from _text_document(ctx, source, text, url, size, truncated)


def _resolve_kind(source: str, hint: str, text: str) -> str:
    if hint == "opml" or (hint in ("", "xml", "text") and looks_like_opml(text)):
        return "opml"
    if hint == "feed" or (hint in ("", "xml", "text") and sniff.looks_like_feed(text)):
        return "feed"
    if hint == "xml":
        if sniff.looks_like_html(text):
            return "html"
        raise SourceError(source, "XML that is not an RSS or Atom feed")
    if hint in ("json", "jsonl"):
        return "jsonl" if hint == "jsonl" or sniff.looks_like_jsonl(text) else "json"
    if hint == "urls" or (hint in ("", "text") and sniff.url_list(text)):
        return "urls"
    if hint == "text" and sniff.looks_like_html(text):
        return "html"  # page source saved as .txt, or served as text/plain: the markup helps the cleaner
    if hint:
        return hint
    if sniff.looks_like_html(text):
        return "html"
    if sniff.looks_like_json(text):
        return "jsonl" if sniff.looks_like_jsonl(text) else "json"
    return "text"


def _text_document(
    ctx: IngestContext, source: str, text: str, url: str | None, size: int | None, truncated: bool
) -> Iterator[Item]:
    limit = ctx.settings.max_text_chars
    if len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        text = text[: cut if cut > limit * 0.9 else limit]
        kept = f"only the first {len(text):,} characters kept (max_text_chars = {limit:,})"
        yield Skipped(source, _cut_note(size, kept))
        truncated = True
    elif truncated:
        yield Skipped(source, _cut_note(size, _bytes_kept(ctx, len(text.encode()))))
    yield RawDocument(source, text, "text", url=url, truncated=truncated)


def bounded(ctx: IngestContext, items: Iterable[Item]) -> Iterator[Item]:
    """Records and feed items whose text passes `max_text_chars` are cut there, with a note."""
    limit = ctx.settings.max_text_chars
    for item in items:
        if isinstance(item, RawDocument) and item.kind != "html" and len(item.content) > limit:
            kept = f"text too long: only the first {limit:,} characters kept (max_text_chars = {limit:,})"
            yield Skipped(item.source, f"{kept}; the rest is left out")
            item = dataclasses.replace(item, content=item.content[:limit], truncated=True)
        yield item


def _cut_note(size: int | None, kept: str) -> str:
    whole = f"too large ({_size(size)})" if size else "too large"
    return f"{whole}: {kept}; the rest is left out"


def _bytes_kept(ctx: IngestContext, count: int) -> str:
    return f"only the first {_size(count)} read (max_input_mb = {ctx.settings.max_input_mb:g})"


def _size(count: int) -> str:
    return f"{count / MEBIBYTE:.1f} MB" if count >= MEBIBYTE // 10 else f"{count:,} bytes"


def gunzip_capped(source: str, data: bytes, cap: int) -> tuple[bytes, bool]:
    """Inflate gzip data to at most `cap` bytes (a gzip bomb stops there); True when there was more."""
    try:
        inflated = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, cap + 1)
    except zlib.error as error:
        raise SourceError(source, f"not a valid gzip file ({error})") from None
    return inflated[:cap], len(inflated) > cap


def url_list_documents(ctx: IngestContext, source: str, text: str) -> Iterator[Item]:
    """A file of URLs: one http(s) URL a line; blank lines and `# comments` ignored; each URL fetched and read."""
    urls: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        candidate = line.strip()
        if not candidate or candidate.startswith("#"):
            continue
        try:
            urls.append(check_url(candidate))
        except SourceError as error:
            yield Skipped(f"{source}:{number}", f"{candidate[:80]}: {error.reason}")
    if not urls:
        raise SourceError(source, "list of URLs holds no http(s) URL")
    for result in ctx.fetcher().fetch_many(urls):
        yield from fetched_documents(ctx, result, follow=True)


def opml_documents(ctx: IngestContext, source: str, text: str) -> Iterator[Item]:
    """An OPML subscription list: every feed it names is fetched and read as a feed URL given on its own."""
    listed = opml_feeds(source, text)
    yield from listed.skipped
    for result in ctx.fetcher().fetch_many(list(listed.urls)):
        yield from fetched_documents(ctx, result, follow=True)


def url_documents(ctx: IngestContext, url: str) -> Iterator[Item]:
    yield from fetched_documents(ctx, ctx.fetcher().fetch_many([url])[0], follow=True)


def fetched_documents(ctx: IngestContext, result: Fetched | SourceError, follow: bool) -> Iterator[Item]:
    if isinstance(result, SourceError):
        yield Skipped(without_userinfo(result.source), result.reason)
        return
    hint = MEDIA_HINTS.get(result.media_type, "")
    label = without_userinfo(result.url)  # a password in a URL was for the fetch: it is never shown or stored
    documents = documents_from_bytes(
        ctx,
        label,
        result.data,
        hint=hint,
        charset=result.charset,
        url=without_userinfo(result.final_url),
        size=result.size,
        follow=follow,
    )
    yield from guarded(label, documents)


def _feed_documents(ctx: IngestContext, source: str, text: str, url: str | None, follow: bool) -> Iterator[Item]:
    items = feed_items(source, text, ctx.settings.max_items_per_feed, base_url=url)
    links = [item for item in items if isinstance(item, FollowLink)] if follow else []
    fetched = ctx.fetcher().fetch_many([link.url for link in links], discovered=True) if links else []
    pages = {id(link): page for link, page in zip(links, fetched, strict=True)}
    for item in items:
        if isinstance(item, RawDocument):
            yield from bounded(ctx, [item])
        elif isinstance(item, Skipped):
            yield item
        elif not follow:
            yield Skipped(item.url, "feed item has only a short summary; pages of a fetched feed are not followed")
        else:
            for document in fetched_documents(ctx, pages[id(item)], follow=False):
                yield _with_feed_metadata(document, item)


def _with_feed_metadata(item: Item, link: FollowLink) -> Item:
    """The feed's title, date and author are cleaner than what a page's markup yields: they win."""
    if not isinstance(item, RawDocument):
        return item
    return dataclasses.replace(
        item,
        title=link.title or item.title,
        published=link.published or item.published,
        author=link.author or item.author,
        site=link.site or item.site,
    )
