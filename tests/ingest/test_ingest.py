"""Ingestion of local inputs: files, folders, stdin, encodings, records, binary refusal and size caps."""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
from pathlib import Path

import pytest

from briefing.config import Settings
from briefing.errors import ConfigError
from briefing.ingest import IngestResult, ingest
from briefing.records import RawDocument

FRENCH = "Le président a déclaré à l’AFP : « Nous sommes prêts à négocier », a-t-il ajouté jeudi. Ça coûte 5 €.\n"
GERMAN = "Der Außenminister äußerte sich über die Lage. Die Gespräche würden fortgesetzt, hieß es in Berlin.\n"


def reasons(result: IngestResult) -> dict[str, str]:
    return {item.source: item.reason for item in result.skipped}


def only_document(result: IngestResult) -> RawDocument:
    assert result.skipped == (), result.skipped
    [document] = result.documents
    return document


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (FRENCH.encode("utf-8"), FRENCH),
        (FRENCH.encode("utf-8-sig"), FRENCH),
        (FRENCH.encode("utf-16"), FRENCH),  # with BOM
        (FRENCH.encode("utf-16-be").join([b"\xfe\xff", b""]), FRENCH),
        (FRENCH.encode("utf-16-le"), FRENCH),  # no BOM: recognised by its zero bytes
        (FRENCH.encode("cp1252"), FRENCH),
        (GERMAN.encode("latin-1"), GERMAN),
        ((FRENCH * 3).encode("utf-8") + GERMAN.encode("cp1252"), FRENCH * 3 + GERMAN),  # mixed: glued files
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16be-bom", "utf16le-no-bom", "cp1252", "latin1", "mixed"],
)
def test_encodings_are_decoded_to_the_same_text(tmp_path: Path, raw: bytes, expected: str):
    path = tmp_path / "article.txt"
    path.write_bytes(raw)
    document = only_document(ingest([str(path)], Settings()))
    assert document.content == expected
    assert document.kind == "text"


def test_html_meta_charset_is_honoured_and_a_wrong_declaration_loses_to_valid_utf8(tmp_path: Path):
    russian = "Президент России заявил, что экономика страны будет расти в этом году."
    declared = tmp_path / "ru.html"
    declared.write_bytes(
        f'<html><head><meta charset="windows-1251"></head><body><p>{russian}</p></body></html>'.encode("cp1251")
    )
    mislabelled = tmp_path / "fr.html"
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    mislabelled.write_bytes(f"<html><head>{meta}</head><body><p>{FRENCH}</p></body></html>".encode())
    result = ingest([str(declared), str(mislabelled)], Settings())
    assert result.skipped == ()
    assert russian in result.documents[0].content
    assert FRENCH in result.documents[1].content
    assert all(document.kind == "html" for document in result.documents)


def test_undecodable_bytes_are_replaced_not_fatal(tmp_path: Path):
    path = tmp_path / "odd.txt"
    path.write_bytes(b"The minister spoke \x81\x8d about the budget on Monday.\n" * 3)
    document = only_document(ingest([str(path)], Settings()))
    assert document.content.count("The minister spoke") == 3


@pytest.mark.parametrize(
    ("name", "raw", "reason"),
    [
        (
            "report.pdf",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "binary file (PDF document)",
        ),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(64), "binary file (PNG image)"),
        ("scan.html", b"\xff\xd8\xff\xe0\x00\x10JFIF" + os.urandom(64), "binary file (JPEG image)"),
        (
            "book.txt",
            b"PK\x03\x04\x14\x00\x06\x00" + os.urandom(64),
            "binary file (ZIP archive or Office/EPUB document)",
        ),
        ("noise.txt", bytes(range(256)) * 8, "binary file, not text (NUL or control bytes)"),
    ],
)
def test_binary_files_are_refused_with_their_type(tmp_path: Path, name: str, raw: bytes, reason: str):
    path = tmp_path / name
    path.write_bytes(raw)
    result = ingest([str(path)], Settings())
    assert result.documents == ()
    assert reasons(result)[str(path)].startswith(reason)


def test_empty_whitespace_and_missing_inputs_each_get_a_reason(tmp_path: Path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text(" \n\t\n")
    (tmp_path / "blank.jsonl").write_text("\n\n")
    (tmp_path / "empty.jsonl").write_bytes(b"")
    names = ("empty.txt", "blank.md", "blank.jsonl", "empty.jsonl", "nowhere.txt")
    sources = [str(tmp_path / name) for name in names]
    expected = ["empty file", "only whitespace", "only whitespace", "empty file", "no such file or folder"]
    assert reasons(ingest(sources, Settings())) == dict(zip(sources, expected, strict=True))


def test_folders_are_read_recursively_skipping_hidden_and_reporting_other_types(tmp_path: Path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "a" / "one.txt").write_text(FRENCH)
    (tmp_path / "a" / "b" / "two.md").write_text(GERMAN)
    (tmp_path / "a" / "b" / "three.html.gz").write_bytes(gzip.compress(b"<html><body><p>Three</p></body></html>"))
    (tmp_path / ".git" / "config.txt").write_text("hidden folder: never read")
    (tmp_path / ".notes.txt").write_text("hidden file: never read")
    (tmp_path / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    result = ingest([str(tmp_path)], Settings())
    assert [(Path(d.source).name, d.kind) for d in result.documents] == [
        ("one.txt", "text"),
        ("three.html.gz", "html"),
        ("two.md", "text"),
    ]
    assert reasons(result) == {
        str(tmp_path / "chart.png"): "binary file (PNG image), not an article; not read",
        str(tmp_path / "data.csv"): "not an article file type (.csv); not read",
    }


def test_a_folder_without_articles_says_so(tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    (pictures / "a.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(16))
    why = reasons(ingest([str(empty), str(pictures)], Settings()))
    assert why[str(empty)] == (
        "folder holds no files (briefing reads .txt .md .html .htm .json .jsonl .xml .rss .atom .urls .opml, "
        "also gzip'd)"
    )
    assert why[str(pictures)].startswith("folder holds no article files")
    assert why[str(pictures / "a.jpg")] == "binary file (JPEG image), not an article; not read"


def test_stdin_is_sniffed(monkeypatch: pytest.MonkeyPatch):
    page = "<!DOCTYPE html><html><body><p>From a pipe.</p></body></html>"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(page.encode())))
    document = only_document(ingest(["-"], Settings()))
    assert (document.source, document.kind, document.content) == ("<stdin>", "html", page)


def test_jsonl_broken_line_is_skipped_with_its_number_and_the_rest_read(tmp_path: Path):
    path = tmp_path / "wire.jsonl"
    lines = [
        {"id": "a1", "text": "First story text.", "title": "First", "published": "2025-06-10T08:00:00Z", "site": "W"},
        '{"text": "broken',
        {"article": "Second story text.", "url": "https://w.example/2", "published": "Wed, 11 Jun 2025 09:00:00 GMT"},
        [1, 2],
        {"title": "no body"},
        {"text": "<html><body><p>Markup in a record.</p></body></html>", "published": "yesterday"},
    ]
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    result = ingest([str(path)], Settings())
    assert [(d.source, d.kind, d.title, d.published) for d in result.documents] == [
        (f"{path}:1#a1", "record", "First", "2025-06-10"),
        (f"{path}:3", "record", None, "2025-06-11"),
        (f"{path}:6", "html", None, None),  # a date that cannot be read for sure is left out, not guessed
    ]
    assert result.documents[0].site == "W" and result.documents[1].url == "https://w.example/2"
    why = reasons(result)
    assert why[f"{path}:2"].startswith("broken JSON line (Unterminated string")
    assert why[f"{path}:4"] == "expected a JSON object with a `text` or `article` field"
    assert why[f"{path}:5"] == (
        "record has no article text (no `text`, `article`, `content`, `body` or similar field with text; "
        "it has `title`)"
    )


def test_many_broken_lines_are_summarised_not_listed(tmp_path: Path):
    path = tmp_path / "junk.jsonl"
    path.write_text(json.dumps({"text": "Kept."}) + "\n" + "not json\n" * 40)
    result = ingest([str(path)], Settings())
    assert len(result.documents) == 1
    assert len(result.skipped) == 11
    assert result.skipped[-1].reason == "30 more broken JSON lines skipped (1 lines read)"


@pytest.mark.parametrize(
    "payload",
    [
        [{"text": "One."}, {"article": "Two."}],
        {"articles": [{"text": "One."}, {"article": "Two."}]},
        {"items": [{"text": "One."}, {"content": "Two."}]},
    ],
    ids=["list", "articles-key", "items-key"],
)
def test_json_files_hold_one_or_many_records(tmp_path: Path, payload: object):
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(payload, indent=2))
    result = ingest([str(path)], Settings())
    assert [(d.source, d.content) for d in result.documents] == [(f"{path}[1]", "One."), (f"{path}[2]", "Two.")]


def test_json_lines_named_json_and_gzipped_jsonl_are_streamed(tmp_path: Path):
    named_json = tmp_path / "really-lines.json"
    named_json.write_text('{"text": "One."}\n\n{"text": "Two."}\n')
    packed = tmp_path / "wire.jsonl.gz"
    packed.write_bytes(gzip.compress(b'{"text": "Three."}\n{"text": "Four."}\n'))
    result = ingest([str(named_json), str(packed)], Settings())
    assert [d.content for d in result.documents] == ["One.", "Two.", "Three.", "Four."]
    assert result.documents[1].source == f"{named_json}:3"
    assert result.documents[3].source == f"{packed}:2"


def test_invalid_json_and_a_corrupt_gzip_get_reasons(tmp_path: Path):
    (tmp_path / "bad.json").write_text('{"text": "unterminated')
    (tmp_path / "bad.html.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    why = reasons(ingest([str(tmp_path / "bad.json"), str(tmp_path / "bad.html.gz")], Settings()))
    assert why[str(tmp_path / "bad.json")].startswith("invalid JSON (Unterminated string")
    assert why[str(tmp_path / "bad.html.gz")].startswith("not a valid gzip file")


def test_oversized_inputs_are_cut_with_a_note_and_never_read_whole(tmp_path: Path):
    settings = Settings(max_input_mb=0.1, max_text_chars=50_000)
    text = tmp_path / "big.txt"
    text.write_text(("A sentence of the long report. " * 30 + "\n") * 2000)  # 1.9 MB
    html = tmp_path / "big.html"
    html.write_text("<html><body>" + "<p>Paragraph of a very long page.</p>\n" * 60_000 + "</body></html>")
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<html><body>" + b" " * (30 * 1024 * 1024)))  # 30 MB once inflated
    long_line = tmp_path / "long.jsonl"
    long_line.write_text(json.dumps({"text": "x" * 300_000}) + "\n" + json.dumps({"text": "Short one."}) + "\n")
    result = ingest([str(text), str(html), str(bomb), str(long_line)], settings)
    by_name = {Path(d.source.split(":")[0]).name: d for d in result.documents}
    assert by_name["big.txt"].truncated and len(by_name["big.txt"].content) <= 50_000
    assert by_name["big.txt"].content.endswith("report. ")  # cut at a line break, not mid-word
    assert by_name["big.html"].truncated and len(by_name["big.html"].content.encode()) <= 0.1 * 1024 * 1024
    assert by_name["bomb.html.gz"].truncated
    assert by_name["long.jsonl"].content == "Short one."
    why = reasons(result)
    kept = len(by_name["big.txt"].content)
    assert why[str(text)] == (
        f"too large ({text.stat().st_size / 2**20:.1f} MB): only the first {kept:,} characters kept "
        "(max_text_chars = 50,000); the rest is left out"
    )
    assert why[str(html)] == (
        f"too large ({html.stat().st_size / 2**20:.1f} MB): only the first 0.1 MB read (max_input_mb = 0.1); "
        "the rest is left out"
    )
    assert why[str(bomb)] == "too large: only the first 0.1 MB read (max_input_mb = 0.1); the rest is left out"
    assert why[f"{long_line}:1"] == "line longer than the input size cap (max_input_mb); skipped"


def test_a_record_longer_than_the_text_cap_is_cut_with_a_note(tmp_path: Path):
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"text": "word " * 5_000}) + "\n" + json.dumps({"text": "Short."}) + "\n")
    result = ingest([str(path)], Settings(max_text_chars=1_000))
    assert [(len(d.content), d.truncated) for d in result.documents] == [(1_000, True), (6, False)]
    assert reasons(result) == {
        f"{path}:1": "text too long: only the first 1,000 characters kept (max_text_chars = 1,000); "
        "the rest is left out"
    }


def test_the_one_argument_call_still_works_and_limits_are_validated(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_text(FRENCH)
    assert only_document(ingest([str(path)], Settings())).content == FRENCH
    for bad in ({"max_input_mb": 0}, {"fetch_timeout": 0}, {"fetch_deadline": 1, "fetch_timeout": 5},
                {"max_redirects": 50}, {"max_items_per_feed": 0}, {"user_agent": "evil\r\nX-Injected: 1"}):  # fmt: skip
        with pytest.raises(ConfigError):
            Settings(**bad)


def test_stdin_jsonl_is_streamed_record_by_record(monkeypatch: pytest.MonkeyPatch):
    lines = b'{"text": "One."}\n{"text": "Two."}\nnot json\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines)))
    result = ingest(["-"], Settings())
    assert [(d.source, d.content) for d in result.documents] == [("<stdin>:1", "One."), ("<stdin>:2", "Two.")]
    assert reasons(result) == {"<stdin>:3": "broken JSON line (Expecting value at column 1); other lines read"}


def test_a_parser_crash_on_one_input_is_reported_and_the_rest_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import briefing.ingest.content as content

    def explode(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(content, "feed_items", explode)
    (tmp_path / "a.rss").write_text("<rss version='2.0'><channel><title>x</title></channel></rss>")
    (tmp_path / "b.txt").write_text(FRENCH)
    result = ingest([str(tmp_path / "a.rss"), str(tmp_path / "b.txt")], Settings())
    assert [Path(d.source).name for d in result.documents] == ["b.txt"]
    assert reasons(result) == {
        str(tmp_path / "a.rss"): "could not be read (RecursionError: maximum recursion depth exceeded)"
    }


def test_an_article_longer_than_the_text_cap_keeps_its_lead_with_a_note():
    from briefing.clean.bound import bound_article
    from briefing.records import Article

    sentences = tuple(f"Sentence number {n} of a very long report." for n in range(10_000))
    article = Article(id="x", source="long.html", title="Long", sentences=sentences)
    cut, note = bound_article(article, Settings(max_text_chars=10_000))
    assert cut.truncated and cut.sentences == sentences[: len(cut.sentences)]
    assert (
        sum(len(s) + 1 for s in cut.sentences) <= 10_000 < sum(len(s) + 1 for s in sentences[: len(cut.sentences) + 1])
    )
    assert note is not None and note.source == "long.html"
    kept_chars = sum(len(s) + 1 for s in cut.sentences)
    assert note.reason == (
        f"article too long ({sum(len(s) + 1 for s in sentences):,} characters after cleaning): only the first "
        f"{kept_chars:,} characters ({len(cut.sentences)} of 10,000 sentences) kept (max_text_chars = 10,000); "
        "the rest is left out"
    )
    short = Article(id="y", source="s.txt", title="S", sentences=sentences[:3])
    assert bound_article(short, Settings()) == (short, None)
    run_on = Article(id="z", source="spam.html", title="Spam", sentences=("spam " * 100_000,))
    cut, note = bound_article(run_on, Settings(max_text_chars=10_000))
    assert len(cut.sentences) == 1 and 5_000 < len(cut.sentences[0]) <= 10_000
    assert cut.sentences[0].endswith("spam") and note is not None
