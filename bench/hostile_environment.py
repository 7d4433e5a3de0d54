"""The hostile-environment rows of the Reliability table (issue 12): what `bench/bad_inputs.py` adds to its cases.

Each builder makes one input or one hostile output/cache folder; `environment_cases` lists them as `Case`s. The URL
cases use routes of the bench's local server (`/feed`, `/no-location`, `/long-reason`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from bench.bad_inputs import DATE, Case, article_text, good_records, write


def hostile_ids_jsonl() -> str:
    ids = ["\x1b]0;owned\x07", "\x1b[2J\x1b[H", "x\nerror: the disk is on fire", "y" * 50_000]
    return "".join(json.dumps({"id": i, "title": "t", "text": "Too short to be an article."}) + "\n" for i in ids)


def fifo_folder(folder: Path) -> str:
    write(folder / "good.jsonl", json.dumps(good_records()[1]) + "\n")
    os.mkfifo(folder / "feed.txt")
    return str(folder)


def odd_name_folder(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    with open(os.path.join(os.fsencode(folder), b"r\xe9sum\xe9.txt"), "wb") as handle:
        handle.write(("A headline\n\n" + article_text(2)).encode())
    return str(folder)


def symlink_loop(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.txt").symlink_to(folder / "b.txt")
    (folder / "b.txt").symlink_to(folder / "a.txt")
    return str(folder / "a.txt")


def record_with(**fields: str) -> str:
    return json.dumps({**good_records()[3], **fields}) + "\n"


def unclosed_svg_html() -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in article_text(4).split("\n\n"))
    head = "<!DOCTYPE html><html><head><title>Transfers</title></head>"
    return f"{head}<body><svg><path d='M0 0'>{paragraphs}</body></html>"


def duplicates_jsonl(count: int = 500) -> str:
    return "".join(json.dumps({**good_records()[0], "id": f"copy-{n}"}) + "\n" for n in range(count))


def symlinked_lock(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    victim = out.parent / "precious.txt"
    victim.write_text("must survive\n")
    (out / f".{DATE}.lock").symlink_to(victim)


def folder_in_place_of_brief_md(out: Path) -> None:
    (out / DATE / "brief.md").mkdir(parents=True)


def broken_history(cache: Path, kind: str) -> str:
    import sqlite3

    cache.mkdir(parents=True, exist_ok=True)
    path = cache / "history.sqlite3"
    if kind == "not a database":
        path.write_bytes(b"this is not a database" * 100)
    else:
        with sqlite3.connect(path) as connection:
            connection.execute(
                "CREATE TABLE story (date TEXT, story_id TEXT, headline TEXT, article_ids TEXT, centroid BLOB)"
            )
            connection.executemany(
                "INSERT INTO story VALUES (?, ?, ?, ?, ?)",
                [
                    ("2025-12-30", "bad-json", "x", "[not json", b"\0" * 16),
                    ("2025-02-30", "bad-date", "x", "[]", b"\0" * 16),
                    ("2025-12-31", "short", "x", "[]", b"\0" * 7),
                ],
            )
    return str(cache)


def environment_cases(work: Path, server: str) -> list[Case]:
    inputs = work / "inputs"
    good = str(inputs / "good" / "article.jsonl")
    huge_title = record_with(title="Headline " + "word " * 20_000)
    huge_sentence = record_with(
        article="The rover " + "landed and rolled " * 6_500 + "safely. " + good_records()[3]["article"]
    )
    return [
        Case("symlinked lock file (OUT/.DATE.lock -> another file)", [good], in_batch=False, prepare=symlinked_lock),
        Case("JSONL ids with ESC/OSC, newline, 50,000 characters", [write(inputs / "ids.jsonl", hostile_ids_jsonl())]),
        Case("feed linking to 127.0.0.1 (discovered link)", [f"{server}/feed"], in_batch=False),
        Case("URL answering 304 without Location", [f"{server}/no-location"], in_batch=False),
        Case("URL with a 50,000-character reason phrase", [f"{server}/long-reason"], in_batch=False),
        Case("FIFO in a folder", [fifo_folder(inputs / "with-fifo")]),
        Case("non-UTF-8 file name", [odd_name_folder(inputs / "odd-name")]),
        Case("symlink loop", [symlink_loop(inputs / "loop")]),
        Case("malformed url field (http://[::1/)", [write(inputs / "bad-url.jsonl", record_with(url="http://[::1/"))]),
        Case("unclosed <svg> early in <body>", [write(inputs / "svg.html", unclosed_svg_html())]),
        Case("output brief.md is a folder", [good], in_batch=False, prepare=folder_in_place_of_brief_md),
        Case(
            "history.sqlite3 not a database",
            [good],
            ["--cache-dir", broken_history(work / "cache-corrupt", "not a database")],
            in_batch=False,
        ),
        Case(
            "history rows: bad JSON, impossible date, short vector",
            [good],
            ["--cache-dir", broken_history(work / "cache-bad-rows", "bad rows")],
            in_batch=False,
        ),
        Case("--model with the extractive method", [good], ["--model", "some/model"], in_batch=False),
        Case("--model /etc/passwd", [good], ["--model", "/etc/passwd", "--method", "abstractive"], in_batch=False),
        Case("100 KB title", [write(inputs / "title.jsonl", huge_title)]),
        Case("110 KB sentence", [write(inputs / "sentence.jsonl", huge_sentence)]),
        Case("500 duplicates", [write(inputs / "dupes.jsonl", duplicates_jsonl())]),
    ]
