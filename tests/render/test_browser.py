"""brief.html as a reader sees it: opened in headless Chromium, driven over the Chrome DevTools Protocol.

The page must load with no console error and no network request (everything is inline), every in-page link must
point at an anchor that exists, and screenshots are taken at desktop and phone widths, light and dark.
Skipped, with the reason, only where no Chromium binary can be found (`.ci/run` installs Debian's `chromium`).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from briefing.cli import app

pytestmark = pytest.mark.browser

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # the test may run as root (CI containers), where the sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
)
PAGE_TIMEOUT_S = 20


def find_chromium() -> str | None:
    if explicit := os.environ.get("BRIEFING_CHROMIUM"):
        return explicit if Path(explicit).is_file() else None
    for name in CHROMIUM_CANDIDATES:
        if found := shutil.which(name):
            return found
    return None


class DevTools:
    """A minimal CDP client: one browser, one page session, events collected as they arrive."""

    def __init__(self, chromium: str, profile: Path) -> None:
        import websocket

        self.process = subprocess.Popen(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + PAGE_TIMEOUT_S
        while not (port_file.is_file() and len(port_file.read_text().splitlines()) >= 2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"chromium did not start (exit code {self.process.returncode})")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        self.socket = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=PAGE_TIMEOUT_S)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]

    def call(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self.socket.send(json.dumps(message))
        while True:
            reply = json.loads(self.socket.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def page(self, method: str, **params: Any) -> dict[str, Any]:
        return self.call(method, session=True, **params)

    def wait_for(self, event: str) -> None:
        deadline = time.monotonic() + PAGE_TIMEOUT_S
        while not any(e.get("method") == event for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {event} within {PAGE_TIMEOUT_S} s")
            self.events.append(json.loads(self.socket.recv()))

    def open(self, url: str) -> None:
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.page(f"{domain}.enable")
        self.events.clear()
        self.page("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluation failed: {result['exceptionDetails']}")
        return result["result"]["value"]

    def console_errors(self) -> list[str]:
        errors = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                errors.append(str(params.get("exceptionDetails", {}).get("text")))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in {"error", "assert"}:
                errors.append(json.dumps(params.get("args")))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                errors.append(str(params["entry"].get("text")))
        return errors

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def screenshot(self, path: Path, width: int, height: int | None, dark: bool, mobile: bool = False) -> None:
        """`height` None: the whole page, however long."""
        metrics = {"width": width, "deviceScaleFactor": 1, "mobile": mobile}
        self.page("Emulation.setDeviceMetricsOverride", height=height or 800, **metrics)
        scheme = "dark" if dark else "light"
        self.page("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": scheme}])
        if height is None:
            full = self.evaluate("document.documentElement.scrollHeight")
            self.page("Emulation.setDeviceMetricsOverride", height=int(full), **metrics)
        shot = self.page("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        try:
            if getattr(self, "socket", None):
                self.call("Browser.close")
                self.socket.close()
        except Exception:  # the browser may already be gone; the process is ended below anyway
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def devtools() -> Iterator[DevTools]:
    chromium = find_chromium()
    if chromium is None:
        pytest.skip(
            "no Chromium binary found (looked for chromium, chromium-browser, google-chrome; set BRIEFING_CHROMIUM)"
        )
    pytest.importorskip("websocket", reason="websocket-client (the `test` extra) drives Chromium over CDP")
    with tempfile.TemporaryDirectory(prefix="briefing-chromium-") as profile:
        client = DevTools(chromium, Path(profile))
        try:
            yield client
        finally:
            client.close()


# Everything in-page is checked from the DOM Chromium built, not from the file's text.
PAGE_FACTS = """(() => {
  const links = [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'));
  const internal = links.filter(h => h.startsWith('#'));
  return {
    title: document.title,
    internal: internal,
    missing: internal.filter(h => !document.getElementById(decodeURIComponent(h.slice(1)))),
    external: links.filter(h => !h.startsWith('#')),
    citations: internal.filter(h => h.startsWith('#source-')).length,
    stories: document.querySelectorAll('section.story').length,
    scripts: document.querySelectorAll('script').length,
    bluf: document.querySelectorAll('section.bluf li').length,
    toc: document.querySelectorAll('section.toc a').length,
    textWidth: document.querySelector('main').getBoundingClientRect().width,
    overflowX: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    darkBackground: getComputedStyle(document.documentElement).backgroundColor,
    headlines: [...document.querySelectorAll('section.story h2')].map(h => h.textContent.replace(/^\\d+\\.\\s*/, '')),
    blufLines: [...document.querySelectorAll('section.bluf li')].map(li => li.textContent),
    firstBullets: [...document.querySelectorAll('section.story ul')].map(ul => ul.querySelector('li')?.textContent),
    folded: document.querySelectorAll('section.sources details').length,
    openFolds: document.querySelectorAll('section.sources details[open]').length,
    sourceItems: document.querySelectorAll('section.sources > ol > li').length,
  };
})()"""


def test_brief_html_in_chromium(devtools: DevTools, tmp_path: Path, data_dir: Path, fake_summarizer) -> None:
    out = tmp_path / "outputs"
    sources = [str(data_dir / name) for name in ("brief_articles.jsonl", "page.html.gz", "panjshir-valley-scraped.txt")]
    result = CliRunner().invoke(app, ["daily", *sources, "--date", "2026-11-25", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    page = out / "2026-11-25" / "brief.html"
    url = page.resolve().as_uri()

    devtools.open(url)
    facts = devtools.evaluate(PAGE_FACTS)

    assert devtools.console_errors() == []
    assert [request for request in devtools.requests() if request != url] == []
    assert facts["title"] == "Daily Brief — 2026-11-25"
    assert facts["scripts"] == 0
    assert facts["stories"] >= 1
    assert facts["citations"] >= facts["stories"]
    assert facts["toc"] >= facts["stories"]
    assert facts["missing"] == [], "in-page links without an anchor"
    assert all(href.startswith(("https://", "http://")) for href in facts["external"])
    assert not facts["overflowX"]
    # A morning brief: headlines are short and whole, the bottom line is short and never a story's first bullet,
    # and each source's quoted sentences are folded away.
    assert facts["headlines"] and all(
        not h.endswith(("…", "...")) and len(h.split()) <= 16 for h in facts["headlines"]
    ), facts["headlines"]
    assert facts["bluf"] >= 1 and all(len(line.split()) <= 36 for line in facts["blufLines"]), facts["blufLines"]
    assert not set(facts["blufLines"]) & set(filter(None, facts["firstBullets"]))
    assert facts["folded"] >= 1 and facts["openFolds"] == 0 and facts["folded"] <= facts["sourceItems"]

    take_screenshots(devtools, tmp_path, "brief")


def take_screenshots(devtools: DevTools, folder: Path, name: str) -> None:
    """Desktop and phone, light and dark; on a phone nothing overflows sideways. BRIEFING_SCREENSHOTS=/tmp/shots
    keeps them to look at."""
    shots = {
        "desktop-light": (1280, 1600, False, False),
        "desktop-dark": (1280, 1600, True, False),
        "phone-light": (390, 1400, False, True),
        "phone-dark": (390, 1400, True, True),
    }
    for shot, (width, height, dark, mobile) in shots.items():
        path = folder / f"{name}-{shot}.png"
        devtools.screenshot(path, width, height, dark, mobile)
        assert path.read_bytes().startswith(b"\x89PNG"), shot
        if dark:
            # The dark scheme is really applied: the page background is dark, not the light paper colour.
            background = devtools.evaluate("getComputedStyle(document.documentElement).backgroundColor")
            assert background == "rgb(17, 20, 24)", background
        if mobile:
            assert not devtools.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    if keep := os.environ.get("BRIEFING_SCREENSHOTS"):
        Path(keep).mkdir(parents=True, exist_ok=True)
        for path in folder.glob(f"{name}-*.png"):
            shutil.copy(path, Path(keep) / path.name)


MORE_STORIES = "document.querySelectorAll('section.also-noted li a[id^=\"story-\"]').length"


def test_a_day_of_many_stories_shows_the_leading_ones_in_full_and_lists_the_rest(devtools: DevTools, tmp_path: Path):
    from briefing.render import write_brief
    from briefing.render.layout import FULL_STORIES, SHORT_STORIES
    from tests.render.test_page_layout import STORIES, many_story_brief

    write_brief(many_story_brief(), tmp_path / "outputs")
    url = (tmp_path / "outputs" / "2026-11-25" / "brief.html").resolve().as_uri()
    devtools.open(url)
    facts = devtools.evaluate(PAGE_FACTS)

    assert devtools.console_errors() == []
    assert [request for request in devtools.requests() if request != url] == []
    assert facts["missing"] == [], "in-page links without an anchor"
    assert facts["stories"] == FULL_STORIES + SHORT_STORIES
    assert devtools.evaluate(MORE_STORIES) == STORIES - FULL_STORIES - SHORT_STORIES
    assert not facts["overflowX"]
    take_screenshots(devtools, tmp_path, "condensed")
