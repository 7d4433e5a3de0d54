"""Fetching URLs and files of URLs against a real local HTTP server that misbehaves on purpose."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pytest

from briefing import __version__
from briefing.config import Settings
from briefing.ingest import ingest
from briefing.records import RawDocument
from tests.local_server import article_page, cnn_articles, endless, gzipped, page, redirect, serve, sleeps

ARTICLES = cnn_articles()
ARTICLE_HTML = article_page("Kilmarnock name Locke as manager", ARTICLES[0]["article"])


@pytest.fixture
def fast() -> Settings:
    """Short limits, so that a hanging server costs the test well under a second or two."""
    return Settings(fetch_timeout=0.5, fetch_deadline=2.0, max_input_mb=0.25, max_redirects=5)


def reasons(result) -> dict[str, str]:
    return {item.source: item.reason for item in result.skipped}


def test_fetches_a_page_as_html_with_its_final_url_and_a_polite_user_agent(fast: Settings):
    with serve({"/news/locke": page(ARTICLE_HTML), "/short": redirect("/news/locke", 301)}) as server:
        result = ingest([server.url("/short")], fast)
    assert result.skipped == ()
    [document] = result.documents
    assert document.kind == "html"
    assert document.source == server.url("/short")
    assert document.url == server.url("/news/locke")  # where the redirect led
    assert "Gary Locke" in document.content
    user_agents = {headers.get("User-Agent", "") for _path, headers in server.requests}
    assert user_agents == {f"briefing/{__version__} (news brief builder)"}


def test_404_and_500_are_skipped_with_the_status_and_the_batch_carries_on(fast: Settings):
    routes = {
        "/gone": page("<h1>Not Found</h1>", status=404),
        "/broken": page("oops", status=500),
        "/ok": page(ARTICLE_HTML),
    }
    with serve(routes) as server:
        result = ingest([server.url("/gone"), server.url("/broken"), server.url("/ok")], fast)
    assert [d.source for d in result.documents] == [server.url("/ok")]
    why = reasons(result)
    assert why[server.url("/gone")] == "server answered 404 Not Found"
    assert why[server.url("/broken")] == "server answered 500 Internal Server Error"


def test_redirect_loop_and_too_many_redirects_are_named(fast: Settings):
    routes = {"/loop-a": redirect("/loop-b"), "/loop-b": redirect("/loop-a")}
    routes.update({f"/hop{n}": redirect(f"/hop{n + 1}") for n in range(10)})
    with serve(routes) as server:
        result = ingest([server.url("/loop-a"), server.url("/hop0")], fast)
    assert result.documents == ()
    why = reasons(result)
    assert why[server.url("/loop-a")] == f"redirect loop: back to {server.url('/loop-a')} after 2 redirects"
    assert why[server.url("/hop0")] == "more than 5 redirects (max_redirects)"


def test_redirect_to_another_scheme_is_refused_before_following(fast: Settings):
    routes = {"/to-file": redirect("file:///etc/passwd"), "/to-ftp": redirect("ftp://127.0.0.1/x")}
    with serve(routes) as server:
        result = ingest([server.url("/to-file"), server.url("/to-ftp")], fast)
    why = reasons(result)
    assert "redirected to a file: URL" in why[server.url("/to-file")]
    assert "redirected to a ftp: URL" in why[server.url("/to-ftp")]


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/a.txt", "data:text/html,<p>x</p>", "gopher://x"]
)
def test_only_http_and_https_urls_are_fetched(url: str):
    result = ingest([url], Settings())
    assert result.documents == ()
    [skipped] = result.skipped
    assert skipped.source == url
    assert "only http and https URLs are fetched" in skipped.reason


def test_a_server_that_hangs_times_out_and_the_next_url_is_still_read(fast: Settings):
    with serve({"/hang": sleeps(5), "/ok": page(ARTICLE_HTML)}) as server:
        started = time.monotonic()
        result = ingest([server.url("/hang"), server.url("/ok")], fast)
        waited = time.monotonic() - started
    assert reasons(result)[server.url("/hang")] == "timed out: no data for 0.5 s"
    assert [d.source for d in result.documents] == [server.url("/ok")]
    assert waited < 5  # it gave up on its own timeout, not when the server finally answered


def test_an_endless_stream_is_refused_once_past_the_size_cap(fast: Settings):
    with serve({"/forever": endless(b"<p>" + b"word " * 200 + b"</p>\n"), "/ok": page(ARTICLE_HTML)}) as server:
        result = ingest([server.url("/forever"), server.url("/ok")], fast)
    assert [d.source for d in result.documents] == [server.url("/ok")]
    assert reasons(result) == {
        server.url("/forever"): "response larger than 0.25 MB (max_input_mb): stopped reading, not used"
    }


def test_a_trickling_stream_stops_at_the_total_deadline():
    settings = Settings(fetch_timeout=0.5, fetch_deadline=1.0, max_input_mb=50)
    with serve({"/trickle": endless(b"<p>a</p>", pause=0.05)}) as server:
        result = ingest([server.url("/trickle")], settings)
    assert result.documents == ()
    assert reasons(result)[server.url("/trickle")] == "still downloading after 1 s (fetch_deadline); stopped"


def test_gzip_bodies_are_inflated_and_a_gzip_bomb_is_refused_at_the_cap(fast: Settings):
    bomb = gzip.compress(b"<html><body><p>" + b"spam " * (10 * 1024 * 1024))  # 50 MB inflated, 50 kB sent

    def send_bomb(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(bomb)))
        handler.end_headers()
        handler.wfile.write(bomb)

    with serve({"/gz": gzipped(ARTICLE_HTML), "/bomb": send_bomb}) as server:
        result = ingest([server.url("/gz"), server.url("/bomb")], fast)
    [page_document] = result.documents
    assert page_document.source == server.url("/gz") and "Gary Locke" in page_document.content
    assert reasons(result) == {
        server.url("/bomb"): "response larger than 0.25 MB (max_input_mb): stopped reading, not used"
    }


def test_content_type_and_content_decide_what_a_response_is(fast: Settings):
    cp1252_page = article_page("Déclaration", "Le président a déclaré à l’AFP qu’il était prêt. " * 5).replace(
        "utf-8", "x"
    )
    routes = {
        "/plain": page(ARTICLES[1]["article"], content_type="text/plain"),
        "/record": page(json.dumps({"title": "T", "text": ARTICLES[2]["article"]}), content_type="application/json"),
        "/pdf": page(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)), content_type="application/octet-stream"),
        "/latin": page(cp1252_page.encode("cp1252"), content_type="text/html; charset=windows-1252"),
        "/html-as-text": page(ARTICLE_HTML, content_type="text/plain"),
    }
    with serve(routes) as server:
        result = ingest([server.url(path) for path in routes], fast)
    kinds = {d.source.rsplit("/", 1)[1]: d for d in result.documents}
    assert kinds["plain"].kind == "text"
    assert kinds["record"].kind == "record" and kinds["record"].title == "T"
    assert kinds["html-as-text"].kind == "html"
    assert "Le président a déclaré à l’AFP" in kinds["latin"].content
    assert reasons(result)[server.url("/pdf")] == "binary file (PDF document), not text"


def test_a_file_of_urls_is_fetched_line_by_line(tmp_path: Path, fast: Settings):
    with serve({"/a": page(ARTICLE_HTML), "/b": page(article_page("B", ARTICLES[1]["article"]))}) as server:
        listing = tmp_path / "today.urls"
        listing.write_text(f"# morning sources\n{server.url('/a')}\n\nftp://example.com/x\n{server.url('/missing')}\n")
        as_txt = tmp_path / "links.txt"
        as_txt.write_text(f"{server.url('/b')}\n")
        result = ingest([str(listing), str(as_txt)], fast)
    assert [d.source for d in result.documents] == [server.url("/a"), server.url("/b")]
    why = reasons(result)
    assert why[f"{listing}:4"] == "ftp://example.com/x: only http and https URLs are fetched (ftp scheme refused)"
    assert why[server.url("/missing")] == "server answered 404 Not Found"


def test_a_text_file_with_a_url_among_prose_is_an_article_not_a_url_list(tmp_path: Path):
    notes = tmp_path / "notes.txt"
    notes.write_text("https://example.com/story\nThe minister said the talks would resume on Monday.\n")
    result = ingest([str(notes)], Settings())
    assert result.skipped == ()
    assert result.documents == (RawDocument(str(notes), notes.read_text(), "text"),)


def test_unreachable_host_is_a_one_line_reason(fast: Settings):
    with serve({}) as server:
        dead = server.url("/x")
    result = ingest([dead], fast)  # the server is gone: connection refused
    [skipped] = result.skipped
    assert skipped.reason.startswith("could not connect (")
    assert "\n" not in skipped.reason


def test_a_url_list_served_by_a_url_is_not_fetched_in_turn(fast: Settings):
    with serve({"/a": page(ARTICLE_HTML)}) as server:
        server.routes["/list"] = page(f"{server.url('/a')}\n", content_type="text/plain")
        result = ingest([server.url("/list")], fast)
    [document] = result.documents
    assert (document.source, document.kind) == (server.url("/list"), "text")  # read as text, not followed
    assert "/a" not in [path for path, _ in server.requests]


def test_a_declared_length_over_the_cap_is_refused_before_downloading(fast: Settings):
    big = b"<html><body>" + b"<p>long page</p>" * 40_000  # 0.6 MB, over the 0.25 MB cap of `fast`
    with serve({"/big": page(big)}) as server:
        result = ingest([server.url("/big")], fast)
    assert reasons(result) == {
        server.url("/big"): "response larger than 0.25 MB (max_input_mb): not downloaded, not used"
    }
