"""The Reliability table: every kind of bad input the README lists, run through `briefing daily`, and what each gives.

    python bench/bad_inputs.py                 # prints a Markdown table (input | exit | what briefing said | s | MB)
    python bench/bad_inputs.py --keep DIR      # keep the generated inputs and outputs in DIR

Each input is made here (files, a local HTTP server for the URL cases, a corrupt model folder, a GGUF of the wrong
kind) and given to the real CLI in its own process, alone: the exit code is then that of a run with nothing usable
(1) or of a run that still wrote a brief (0). The stderr lines shown are the CLI's own (`skipped …`, `error: …`),
with the temp folder cut from the paths. A last row runs all the file inputs together with one good article: the
batch must carry on and write the brief. Wall time and the child's peak RSS (from wait4) show the caps at work on the
50 MB files.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
GOOD_ARTICLES = REPO / "tests" / "data" / "cnn_sample.jsonl"
DATE = "2026-01-01"
FIFTY_MB = 50 * 1024 * 1024


@dataclass(frozen=True)
class Case:
    label: str
    sources: list[str]
    extra: list[str] = field(default_factory=list)
    in_batch: bool = True  # also part of the "all together with a good article" run
    prepare: Callable[[Path], None] | None = None  # makes the run's output folder hostile first (given OUT)


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    lines: list[str]
    seconds: float
    peak_mb: float
    replacement_chars: int | None  # U+FFFD in the written brief.md (undecodable bytes); None when none was written


# --- inputs -------------------------------------------------------------------------------------------------------


def good_records() -> list[dict[str, str]]:
    return [json.loads(line) for line in GOOD_ARTICLES.read_text(encoding="utf-8").splitlines() if line.strip()]


def article_text(index: int = 0) -> str:
    """A sample article as a plain-text file holds it: paragraphs of whole sentences (the sample's last, cut-off
    fragment dropped), so that only the bad property under test can make the cleaner refuse it."""
    sentences = re.split(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])", good_records()[index]["article"])
    if not re.search(r"[.!?”\"]$", sentences[-1]):
        sentences = sentences[:-1]
    return "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))


def write(path: Path, data: bytes | str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def fifty_mb_text() -> bytes:
    """A headline, then the sample articles' paragraphs over and over: 50 MB of article-like text."""
    block = "\n\n".join(article_text(i) for i in range(5)).encode() + b"\n\n"
    return b"A very long file\n\n" + block * (FIFTY_MB // len(block) + 1)


def fifty_mb_html() -> bytes:
    head = b"<!DOCTYPE html><html><head><title>Endless page</title></head><body><article><h1>Endless page</h1>\n"
    block = "".join(f"<p>{p}</p>\n" for i in range(5) for p in article_text(i).split("\n\n")).encode()
    return head + block * (FIFTY_MB // len(block) + 1) + b"</article></body></html>\n"


def no_article_html() -> str:
    links = "".join(f'<li><a href="/section/{n}">Section {n}</a></li>' for n in range(40))
    return (
        "<!DOCTYPE html><html><head><title>Home</title></head><body><nav><ul>"
        + links
        + "</ul></nav><div class='cookie'>This website uses cookies. Accept all?</div>"
        "<footer>© 2026 Example Media. All rights reserved.</footer></body></html>"
    )


def deeply_nested_html(depth: int = 100_000) -> str:
    return (
        "<!DOCTYPE html><html><body>"
        + "<div>" * depth
        + "".join(f"<p>{p}</p>" for p in article_text(3).split("\n\n"))
        + "</div>" * depth
        + "</body></html>"
    )


def broken_jsonl() -> str:
    records = good_records()[:3]
    lines = [
        json.dumps(records[0]),
        '{"title": "cut off", "article": "The line ends in the middle of',
        json.dumps(records[2]),
    ]
    return "\n".join(lines) + "\n"


def malformed_rss() -> str:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        "<item><title>First item</title><description>Text <b>unclosed</description></item><item><title>Second"
    )


def entity_expansion_rss() -> str:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel><title>Wire</title>'
        "<item><title>&lol9;</title><description>&lol9;</description></item></channel></rss>"
    )


def pdf_bytes() -> bytes:
    stream = bytes(random.Random(1).randrange(256) for _ in range(2048))
    return (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 2048 /Filter /FlateDecode >>\nstream\n"
        + stream
        + (b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
    )


def png_bytes() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = zlib.compress(
        b"".join(b"\x00" + bytes(random.Random(row).randrange(256) for _ in range(48)) for row in range(16))
    )
    header = struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def legacy_text(encoding: str) -> bytes:
    text = "Arsenal and the summer transfer window\n\n" + article_text(4)
    if encoding == "latin-1":  # latin-1 has no curly quotes or dashes: the plain forms, plus accented names
        text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-"}))
        text = "Zürich and Montréal desks report. " + text
    return text.encode(encoding, errors="replace")


def mixed_encoding_text() -> bytes:
    paragraphs = [p.encode("utf-8") for p in article_text(0).split("\n\n")]
    cp1252 = ("Le café “Chez José” à Zürich — déjà fermé, a reporter wrote in the note. " * 3).encode("cp1252")
    middle = len(paragraphs) // 2
    return b"\n\n".join([b"A headline", *paragraphs[:middle], cp1252, *paragraphs[middle:]])


def corrupt_model_folder(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    config = {"model_type": "t5", "architectures": ["T5ForConditionalGeneration"], "d_model": 32, "num_layers": 1}
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "model.safetensors").write_bytes(os.urandom(4096))  # not a safetensors file at all
    return str(folder)


def wrong_kind_gguf(path: Path) -> str:
    """A valid GGUF file holding a vision encoder (arch 'clip'), not a text model."""
    import gguf
    import numpy as np

    writer = gguf.GGUFWriter(str(path), arch="clip")
    writer.add_tensor("v.patch_embd.weight", np.zeros((8, 8), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return str(path)


def make_cases(work: Path, server: str) -> list[Case]:
    inputs = work / "inputs"
    good = write(inputs / "good" / "article.jsonl", json.dumps(good_records()[0]) + "\n")
    empty_folder = inputs / "empty-folder"
    empty_folder.mkdir(parents=True)
    no_articles = inputs / "no-articles"
    write(no_articles / "logo.png", png_bytes())
    write(no_articles / "notes.docx", b"PK\x03\x04" + os.urandom(512))
    abstractive = ["--method", "abstractive"]
    return [
        Case("empty file", [write(inputs / "empty.txt", b"")]),
        Case("whitespace only", [write(inputs / "blank.txt", " \n\t\n   \n")]),
        Case("PDF file", [write(inputs / "report.pdf", pdf_bytes())]),
        Case("PNG image", [write(inputs / "photo.png", png_bytes())]),
        Case("random bytes (.txt)", [write(inputs / "random.txt", random.Random(7).randbytes(8192))]),
        Case("cp1252 text", [write(inputs / "cp1252.txt", legacy_text("cp1252"))]),
        Case("latin-1 text", [write(inputs / "latin1.txt", legacy_text("latin-1"))]),
        Case("UTF-16 text with BOM", [write(inputs / "utf16.txt", ("Story\n\n" + article_text(3)).encode("utf-16"))]),
        Case("mixed UTF-8 + cp1252 bytes", [write(inputs / "mixed.txt", mixed_encoding_text())]),
        Case("50 MB text file", [write(inputs / "huge.txt", fifty_mb_text())]),
        Case("50 MB HTML file", [write(inputs / "huge.html", fifty_mb_html())]),
        Case("HTML with no article", [write(inputs / "menu.html", no_article_html())]),
        Case("deeply nested HTML (100,000 divs)", [write(inputs / "nested.html", deeply_nested_html())]),
        Case("JSONL with a broken line", [write(inputs / "export.jsonl", broken_jsonl())]),
        Case("malformed RSS feed", [write(inputs / "broken.rss", malformed_rss())]),
        Case("feed with entity expansion", [write(inputs / "lol.rss", entity_expansion_rss())]),
        Case("gzip that is not gzip", [write(inputs / "page.html.gz", b"\x1f\x8b" + os.urandom(64))]),
        Case("missing path", [str(inputs / "does-not-exist.txt")]),
        Case("empty folder", [str(empty_folder)]),
        Case("folder with no articles", [str(no_articles)]),
        Case("URL answering 404", [f"{server}/missing"], in_batch=False),
        Case("URL answering 500", [f"{server}/error"], in_batch=False),
        Case("URL redirecting in a loop", [f"{server}/loop"], in_batch=False),
        Case("URL that never answers (timeout)", [f"{server}/hang"], in_batch=False),
        Case("URL streaming without end", [f"{server}/endless"], in_batch=False),
        Case("file: URL", ["file:///etc/passwd"], in_batch=False),
        Case("unknown model id", [good], ["--model", "nobody/no-such-model", *abstractive], in_batch=False),
        Case(
            "corrupt model folder",
            [good],
            ["--model", corrupt_model_folder(work / "corrupt-model"), *abstractive],
            in_batch=False,
        ),
        Case(
            "GGUF of the wrong kind (clip)",
            [good],
            ["--model", wrong_kind_gguf(work / "clip.gguf"), *abstractive],
            in_batch=False,
        ),
        *environment_cases(work, server),
    ]


def environment_cases(work: Path, server: str) -> list[Case]:
    from bench.hostile_environment import environment_cases as cases

    return cases(work, server)


# --- a local server for the URL cases ------------------------------------------------------------------------------


class Hostile(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/missing":
            self.send_error(404)
        elif self.path == "/error":
            self.send_error(500)
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif self.path == "/feed":
            host = f"http://127.0.0.1:{self.server.server_address[1]}"
            feed = (
                '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>Teaser</title>'
                f"<link>{host}/admin</link><description>Only the first lines…</description></item></channel></rss>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(feed)))
            self.end_headers()
            self.wfile.write(feed)
        elif self.path == "/no-location":
            self.send_response(304)
            self.end_headers()
        elif self.path == "/long-reason":
            self.send_response_only(404, "x" * 50_000)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/hang":
            time.sleep(120)
        elif self.path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            block = b"<p>" + b"more and more text " * 500 + b"</p>\n"
            try:
                while True:
                    self.wfile.write(block)
            except OSError:
                return
        else:
            self.send_error(404)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def hostile_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


# --- running -------------------------------------------------------------------------------------------------------


def run_cli(
    sources: list[str], extra: list[str], work: Path, name: str, prepare: Callable[[Path], None] | None = None
) -> Outcome:
    out_dir = work / "out" / name
    if prepare is not None:
        prepare(out_dir)
    command = [
        sys.executable,
        "-m",
        "briefing",
        "daily",
        *sources,
        "--out",
        str(out_dir),
        "--date",
        DATE,
        "--cache-dir",
        str(work / "cache"),
        "--quiet",
        *extra,
    ]
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost", "HF_HUB_OFFLINE": "1"}
    stderr_path = work / "logs" / f"{name}.stderr"
    stderr_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, env=env, cwd=REPO)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    peak_mb = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    prefix = str(work) + os.sep
    lines = [
        line.replace(prefix, "")
        for line in stderr_path.read_text(encoding="utf-8", errors="replace").splitlines()
        if line.strip()
    ]
    brief = out_dir / DATE / "brief.md"
    replacements = brief.read_text(encoding="utf-8").count("\ufffd") if brief.is_file() else None
    return Outcome(process.returncode, lines, seconds, peak_mb, replacements)


def said(outcome: Outcome, limit: int = 3) -> str:
    """The lines a user reads: skips, errors, warnings and the final 'wrote' line; a traceback is called one."""
    if any(line.startswith("Traceback") or "Traceback (most recent call last)" in line for line in outcome.lines):
        return "CRASH: " + outcome.lines[-1]
    keep = [
        line for line in outcome.lines if line.split(" ", 1)[0].rstrip(":") in {"skipped", "error", "wrote", "warning"}
    ]
    shown = keep[:limit] + ([f"… {len(keep) - limit} more"] if len(keep) > limit else [])
    if outcome.replacement_chars is not None:
        shown.append(f"brief.md has {outcome.replacement_chars} U+FFFD")
    return " / ".join(shown or outcome.lines[-1:]).replace("|", "\\|")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="keep the generated inputs, outputs and logs in this folder")
    parser.add_argument(
        "--only", action="append", help="run only the cases whose label contains this text (repeat for several)"
    )
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="briefing-bad-inputs-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        with hostile_server() as server:
            cases = make_cases(work, server)
            print("| input | exit | what briefing says (stderr) | s | peak MB |")
            print("|---|---:|---|---:|---:|")
            for number, case in enumerate(cases):
                if args.only and not any(text.lower() in case.label.lower() for text in args.only):
                    continue
                outcome = run_cli(case.sources, case.extra, work, f"case-{number:02d}", case.prepare)
                print(
                    f"| {case.label} | {outcome.exit_code} | {said(outcome)} | {outcome.seconds:.1f} | "
                    f"{outcome.peak_mb:.0f} |",
                    flush=True,
                )
            if not args.only:
                batch = [source for case in cases if case.in_batch for source in case.sources]
                good = str(work / "inputs" / "good" / "article.jsonl")
                outcome = run_cli([*batch, good], [], work, "all-together")
                skipped = sum(line.startswith("skipped") for line in outcome.lines)
                last = [line for line in outcome.lines if line.startswith(("wrote", "error"))] or outcome.lines[-1:]
                wrote = " / ".join(last).replace("|", "\\|")
                print(
                    f"| all file inputs above + 1 good article | {outcome.exit_code} | {skipped} skipped lines; "
                    f"{wrote} | {outcome.seconds:.1f} | {outcome.peak_mb:.0f} |"
                )
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
