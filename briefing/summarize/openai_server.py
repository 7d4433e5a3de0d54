"""Generation on an OpenAI-compatible model server: `--model openai:NAME --endpoint http://HOST:PORT/v1`.

vLLM, Hugging Face TGI, the llama.cpp server (and llama-cpp-python's) and Ollama all serve `/v1/models` and
`/v1/chat/completions` for Hugging Face models. This backend offers the same interface as the in-process model
(`TextGenerator` in base.py), so the prompts, map-reduce/refine and the faithfulness guard are the ones of a local run:
only the forward pass moves to the server.

What the server does not tell us, we bound from above:
- Tokens. The server tokenizes with its model's tokenizer, which we may not have. Chunk budgets count every digit as a
  token (Llama-family tokenizers split numbers into digits) and every other `BYTES_PER_TOKEN` UTF-8 bytes as one;
  English news runs at about 4.5 bytes per token, so a chunk always fits, at the price of some unused context.
- The context window. vLLM reports `max_model_len` and the llama.cpp server `n_ctx`; otherwise the `server_context`
  setting (4096) is assumed. A server with less refuses the request, and its reason is shown.

Requests go out `--concurrency` at a time. Greedy decoding (temperature 0, a fixed seed): the same article gives the
same summary, as the summary cache and the analyst expect. 429 and 5xx answers, dropped connections and timeouts are
retried with exponential backoff (a `Retry-After` header is honoured); anything else fails the run with the server's
reason in one line.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import httpx

from briefing.config import API_KEY_VARIABLES, OPENAI_PREFIX, Settings
from briefing.errors import ModelError
from briefing.summarize.generative import GenerationOptions, input_budget
from briefing.summarize.prompts import PromptTemplate

log = logging.getLogger(__name__)

BYTES_PER_TOKEN = 3  # an upper bound on tokens for English text (BPE vocabularies average 4-5 bytes a token)
MESSAGE_TOKENS = 8  # what a chat template adds around each message (role markers, separators)
REPLY_TOKENS = 8  # the assistant header the template opens the reply with
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
BACKOFF_SECONDS = 0.5  # first wait; doubled after each failed try
MAX_BACKOFF_SECONDS = 30.0
CONTEXT_FIELDS = ("max_model_len", "n_ctx", "context_length", "max_context_length")  # vLLM, llama.cpp, others


def estimate_tokens(text: str) -> int:
    """An upper bound on the tokens of `text` for the tokenizers servers use (see the module docstring)."""
    digits = sum(character.isdigit() for character in text)
    rest = len(text.encode("utf-8")) - digits
    return digits + -(-rest // BYTES_PER_TOKEN)


class ServerModel:
    """A model served behind an OpenAI-compatible endpoint, used exactly like a local decoder-only chat model."""

    kind: Literal["seq2seq", "causal"] = "causal"

    def __init__(
        self,
        served_name: str,
        endpoint: str,
        *,
        api_key: str | None = None,
        concurrency: int = 4,
        timeout: float = 120.0,
        retries: int = 4,
        context: int = 4096,
        backoff: float = BACKOFF_SECONDS,
    ) -> None:
        self.served_name = served_name
        self.name = OPENAI_PREFIX + served_name
        self.endpoint = endpoint.rstrip("/")
        self.concurrency = concurrency
        self.retries = retries
        self.backoff = backoff
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout), headers=headers, limits=httpx.Limits(max_connections=concurrency + 1)
        )
        self._timeout = timeout
        entry = self._find_model()
        reported = next((int(v) for f in CONTEXT_FIELDS if isinstance(v := _field(entry, f), int) and v > 0), None)
        self.context_tokens = min(reported, context) if reported else context

    # -- the interface condense uses (base.TextGenerator) -----------------------------------------------------------

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    def prompt_tokens(self, prompt: str) -> int:
        messages = json.loads(prompt)
        return REPLY_TOKENS + sum(MESSAGE_TOKENS + estimate_tokens(message["content"]) for message in messages)

    def render(self, template: PromptTemplate, **values: object) -> str:
        """The chat messages as JSON: the server applies its own model's chat template to them."""
        return json.dumps(template.messages(**values), ensure_ascii=False)

    def input_budget(
        self, template: PromptTemplate, options: GenerationOptions, values: Mapping[str, object], reserve: int = 0
    ) -> int:
        return input_budget(self, template, options, reserve, **values)

    def generate(self, prompts: Sequence[str], options: GenerationOptions) -> list[str]:
        """One reply per prompt, in order, with up to `concurrency` requests in flight; the first failure ends it."""
        if not prompts:
            return []
        if self.concurrency == 1 or len(prompts) == 1:
            return [self._complete(prompt, options) for prompt in prompts]
        pool = ThreadPoolExecutor(max_workers=min(self.concurrency, len(prompts)), thread_name_prefix="openai")
        try:
            futures = [pool.submit(self._complete, prompt, options) for prompt in prompts]
            return [future.result() for future in futures]
        finally:
            pool.shutdown(wait=True, cancel_futures=True)  # a failed request: the queued ones are not sent

    def close(self) -> None:
        self._client.close()

    # -- HTTP ---------------------------------------------------------------------------------------------------

    def _find_model(self) -> dict[str, Any]:
        """The server's entry for our model: a clear error when the server is down or does not serve it."""
        body = self._request("GET", "/models")
        entries = body.get("data") if isinstance(body, dict) else None
        if not isinstance(entries, list):
            raise ModelError(f"{self.endpoint}/models: the answer has no model list; is this an OpenAI-compatible API?")
        served = [str(entry.get("id")) for entry in entries if isinstance(entry, dict)]
        for entry in entries:
            if isinstance(entry, dict) and entry.get("id") == self.served_name:
                return entry
        listed = ", ".join(served[:10]) or "none"
        raise ModelError(f"{self.endpoint} does not serve model {self.served_name!r}; it serves: {listed}")

    def _complete(self, prompt: str, options: GenerationOptions) -> str:
        payload = {
            "model": self.served_name,
            "messages": json.loads(prompt),
            "max_tokens": options.max_new_tokens,
            "temperature": 0.0,
            "top_p": 1.0,
            "seed": 0,
            "n": 1,
            "stream": False,
        }
        body = self._request("POST", "/chat/completions", payload)
        try:
            content = body["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise ModelError(
                f"{self.endpoint}/chat/completions: the answer has no choices[0].message.content"
            ) from None
        if content is None:
            return ""
        if not isinstance(content, str):
            raise ModelError(f"{self.endpoint}/chat/completions: message.content is not text")
        return content.strip()

    def _request(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        url = self.endpoint + path
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self._client.request(method, url, json=payload)
            except httpx.TimeoutException:
                if last:
                    raise ModelError(
                        f"{url}: no answer within {self._timeout:g}s ({attempt + 1} tries); "
                        "the server is overloaded or the request too long (lower --concurrency)"
                    ) from None
                self._wait(attempt, None, "timed out")
                continue
            except httpx.TransportError as error:
                if last:
                    raise ModelError(
                        f"cannot reach the model server at {self.endpoint} ({type(error).__name__}: {error}); "
                        "is it running, and is --endpoint right?"
                    ) from None
                self._wait(attempt, None, type(error).__name__)
                continue
            if response.status_code in RETRY_STATUSES and not last:
                self._wait(attempt, response.headers.get("retry-after"), f"HTTP {response.status_code}")
                continue
            if response.status_code >= 400:
                raise ModelError(self._refusal(url, response))
            try:
                return response.json()
            except ValueError:
                raise ModelError(f"{url}: the server answered with malformed JSON ({response.text[:80]!r})") from None
        raise AssertionError("unreachable: the last try returns or raises")

    def _wait(self, attempt: int, retry_after: str | None, why: str) -> None:
        delay = min(self.backoff * 2**attempt, MAX_BACKOFF_SECONDS)
        if retry_after is not None:
            with contextlib.suppress(ValueError):  # an HTTP date: keep our own backoff
                delay = min(max(float(retry_after), 0.0), MAX_BACKOFF_SECONDS)
        log.info("%s: %s; retrying in %.1fs", self.endpoint, why, delay)
        time.sleep(delay)

    def _refusal(self, url: str, response: httpx.Response) -> str:
        reason = _error_message(response)
        status = response.status_code
        if status in (401, 403):
            names = " or ".join(f"${name}" for name in API_KEY_VARIABLES)
            return f"{url}: HTTP {status}, the server refused the API key ({reason}); set {names}"
        if status == 404 and "/chat/" in url:
            return f"{url}: HTTP 404, model {self.served_name!r} not found on the server ({reason})"
        if status in RETRY_STATUSES:
            return (
                f"{url}: HTTP {status} after {self.retries + 1} tries ({reason}); the server is overloaded or failing"
            )
        return f"{url}: HTTP {status}, the server refused the request ({reason})"


def connect_server(settings: Settings) -> ServerModel:
    """The `--model openai:NAME` backend for this run (`RunModels.generator` holds it), checked against the server."""
    assert settings.endpoint is not None  # Settings refuses openai: without --endpoint
    api_key = next((os.environ[name] for name in API_KEY_VARIABLES if os.environ.get(name)), None)
    return ServerModel(
        settings.model[len(OPENAI_PREFIX) :],
        settings.endpoint,
        api_key=api_key,
        concurrency=settings.concurrency,
        timeout=settings.request_timeout,
        retries=settings.request_retries,
        context=settings.server_context,
    )


def _field(entry: dict[str, Any], name: str) -> Any:
    """A model-list field at the top level or under llama.cpp's `meta`."""
    meta = entry.get("meta")
    return entry.get(name, meta.get(name) if isinstance(meta, dict) else None)


def _error_message(response: httpx.Response) -> str:
    """The server's own reason, from an OpenAI-style `{"error": {"message": ...}}` body or the raw text."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:200] or response.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])[:200]
    if isinstance(error, str):
        return error[:200]
    detail = body.get("detail") or body.get("message") if isinstance(body, dict) else None
    return str(detail)[:200] if detail else json.dumps(body)[:200]
