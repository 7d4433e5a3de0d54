"""A hostile network around the text (issue 12): private targets of discovered links, credentials in links, a 3xx
that says nowhere to go, and a reason phrase that is a terminal escape or 50,000 characters long."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest

from briefing.config import Settings
from briefing.errors import SourceError
from briefing.ingest import ingest
from briefing.ingest.addresses import refuse_private_target
from tests.ingest.test_feeds import FEED_TYPE, rss, teaser_item
from tests.local_server import article_page, cnn_articles, page, serve

ARTICLES = cnn_articles()


def fast(**extra: object) -> Settings:
    return Settings(fetch_timeout=0.5, fetch_deadline=2.0, **extra)  # type: ignore[arg-type]


def test_a_feed_link_to_a_loopback_address_is_refused_but_the_typed_feed_url_is_fetched():
    routes = {"/story": page(article_page("Page headline", ARTICLES[1]["article"])), "/feed": None}
    with serve(routes) as server:
        server.routes["/feed"] = page(rss(teaser_item(server.url("/story"))), content_type=FEED_TYPE)
        result = ingest([server.url("/feed")], fast())
        paths = [path for path, _ in server.requests]
    assert paths == ["/feed"], "the discovered link must not be requested at all"
    assert result.documents == ()
    [(source, reason)] = [(s.source, s.reason) for s in result.skipped]
    assert source == server.url("/story")
    assert "points at a loopback address (127.0.0.1); not fetched (--allow-private-urls allows it)" in reason


def test_allow_private_urls_fetches_the_same_discovered_link():
    routes = {"/story": page(article_page("Page headline", ARTICLES[1]["article"])), "/feed": None}
    with serve(routes) as server:
        server.routes["/feed"] = page(rss(teaser_item(server.url("/story"))), content_type=FEED_TYPE)
        result = ingest([server.url("/feed")], fast(allow_private_urls=True))
    assert [document.source for document in result.documents] == [server.url("/story")]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://10.1.2.3/x", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]:8080/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://localhost/", "loopback"),
    ],
)
def test_non_public_targets_are_named_by_kind(url: str, kind: str):
    with pytest.raises(SourceError, match=f"points at an? {kind} address"):
        refuse_private_target(url, url)


def test_a_public_address_passes():
    refuse_private_target("http://93.184.216.34/", "x")  # a literal: resolving it needs no DNS


def test_credentials_in_a_feed_link_are_stripped_before_fetching_and_showing():
    routes = {"/story": page(article_page("Page headline", ARTICLES[1]["article"])), "/feed": None}
    with serve(routes) as server:
        secret_link = server.url("/story").replace("http://", "http://alice:hunter2@")
        server.routes["/feed"] = page(rss(teaser_item(secret_link)), content_type=FEED_TYPE)
        result = ingest([server.url("/feed")], fast(allow_private_urls=True))
        headers = [headers for path, headers in server.requests if path == "/story"]
    [document] = result.documents
    assert "hunter2" not in document.source and "hunter2" not in (document.url or "")
    assert headers and "Authorization" not in headers[0]


def test_credentials_in_a_typed_url_are_used_but_never_shown():
    routes = {"/story": page(article_page("Page headline", ARTICLES[1]["article"]))}
    with serve(routes) as server:
        typed = server.url("/story").replace("http://", "http://alice:hunter2@")
        result = ingest([typed, typed.replace("/story", "/gone")], fast())
    [document] = result.documents
    assert document.source == server.url("/story") and document.url == server.url("/story")
    assert [s.source for s in result.skipped] == [server.url("/gone")]


def test_a_3xx_without_location_skips_that_url_and_the_list_goes_on(tmp_path):
    def not_modified(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(304)
        handler.end_headers()

    routes = {"/304": not_modified, "/story": page(article_page("Page headline", ARTICLES[1]["article"]))}
    with serve(routes) as server:
        url_list = tmp_path / "today.urls"
        url_list.write_text(f"{server.url('/304')}\n{server.url('/story')}\n")
        result = ingest([str(url_list)], fast())
    assert [document.source for document in result.documents] == [server.url("/story")]
    assert [(s.source, s.reason) for s in result.skipped] == [
        (server.url("/304"), "server answered 304 Not Modified with no Location")
    ]


@pytest.mark.parametrize(
    "phrase",
    ["Not Found\x1b]0;pwned\x07\x1b[2J", "Gone\r\nerror: disk on fire", "x" * 50_000],
    ids=["osc-and-clear", "fake-error-line", "50k-characters"],
)
def test_a_hostile_reason_phrase_becomes_one_short_escaped_line(phrase: str):
    def hostile(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response_only(404, phrase)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    with serve({"/bad": hostile}) as server:
        result = ingest([server.url("/bad")], fast())
    [skipped] = result.skipped
    assert skipped.reason.startswith("server answered 404 ")
    assert len(skipped.reason) < 200
    assert not any(ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F for char in skipped.reason)
