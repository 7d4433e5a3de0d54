"""A small HTTP server on 127.0.0.1 for fetch and feed tests: real sockets, real misbehaviour, no internet.

Routes are functions of the request handler; `serve(routes)` runs the server in a thread for one test.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

Route = Callable[[BaseHTTPRequestHandler], None]
DATA = Path(__file__).parent / "data"


def cnn_articles() -> list[dict[str, str]]:
    with (DATA / "cnn_sample.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def article_page(title: str, body: str) -> str:
    """A news page as trafilatura expects one: head, navigation, the article's paragraphs, a footer."""
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in body.split(". ") if sentence)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article><footer>© Test News</footer></body></html>"
    )


def send(
    handler: BaseHTTPRequestHandler,
    body: bytes | str,
    status: int = 200,
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    data = body.encode("utf-8") if isinstance(body, str) else body
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(data)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(data)


def redirect(location: str, status: int = 302) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, b"", status=status, headers={"Location": location})

    return route


def page(body: bytes | str, content_type: str = "text/html; charset=utf-8", status: int = 200) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, body, status=status, content_type=content_type)

    return route


def gzipped(body: str, content_type: str = "text/html; charset=utf-8") -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        send(
            handler,
            gzip.compress(body.encode("utf-8")),
            content_type=content_type,
            headers={"Content-Encoding": "gzip"},
        )

    return route


def sleeps(seconds: float) -> Route:
    """Accepts the connection, then says nothing for `seconds`: a server that hangs."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        send(handler, "<html><body><p>too late</p></body></html>")

    return route


def endless(piece: bytes, pause: float = 0.0, give_up_after: float = 30.0) -> Route:
    """Streams `piece` again and again without a Content-Length, until the client hangs up (or a safety timeout)."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.end_headers()
        stop = time.monotonic() + give_up_after
        try:
            while time.monotonic() < stop:
                handler.wfile.write(piece)
                handler.wfile.flush()
                if pause:
                    time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass  # the client stopped reading: what the test wants
        handler.close_connection = True

    return route


@dataclass
class LocalServer:
    routes: dict[str, Route]
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    base: str = ""

    def url(self, path: str) -> str:
        return self.base + path


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[LocalServer]:
    server_state = LocalServer(routes)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            server_state.requests.append((path, dict(self.headers.items())))
            route = server_state.routes.get(path)
            if route is None:
                send(self, "<html><body>not here</body></html>", status=404)
            else:
                route(self)

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output quiet

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server_state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()
