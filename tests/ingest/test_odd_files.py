"""Odd things in an input folder (issue 12): FIFOs, sockets, undecodable names, symlink loops, unlistable folders.

Each is one `skipped` line naming it, with what really happened; the good article beside it is still read, and
nothing blocks (a FIFO with no writer would hold `open()` for ever).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.config import Settings
from briefing.ingest import ingest

POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, sockets and byte file names are POSIX")


def good_record(data_dir: Path) -> str:
    return (data_dir / "cnn_sample.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n"


def reasons(result) -> dict[str, str]:
    return {item.source: item.reason for item in result.skipped}


@POSIX_ONLY
def test_a_fifo_in_a_folder_is_skipped_without_blocking_in_a_real_process(tmp_path: Path, data_dir: Path):
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "good.jsonl").write_text(good_record(data_dir), encoding="utf-8")
    os.mkfifo(folder / "feed.txt")  # an article suffix: it would be opened and read
    os.mkfifo(folder / "pipe")  # no suffix: the type sniffer would open it to look at its first bytes
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "clean", str(folder), "--format", "jsonl"],
        capture_output=True,
        text=True,
        timeout=120,  # the bug this guards against blocks for ever; well under that is a pass
    )
    assert result.returncode == 0, result.stderr
    sources = [json.loads(line)["source"] for line in result.stdout.splitlines()]
    assert [source.partition(":")[0] for source in sources] == [str(folder / "good.jsonl")]
    for name in ("feed.txt", "pipe"):
        line = f"skipped {folder / name}: not a regular file (a FIFO); not read (pipe it to `-` to read it from stdin)"
        assert line in result.stderr.splitlines()


@POSIX_ONLY
def test_a_socket_and_a_fifo_named_directly_are_skipped(tmp_path: Path):
    fifo = tmp_path / "named.txt"
    os.mkfifo(fifo)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(tmp_path / "wire.sock"))
    try:
        why = reasons(ingest([str(fifo), str(tmp_path / "wire.sock"), "/dev/null"], Settings()))
    finally:
        listener.close()
    assert why[str(fifo)].startswith("not a regular file (a FIFO)")
    assert why[str(tmp_path / "wire.sock")].startswith("not a regular file (a socket)")
    assert why["/dev/null"].startswith("not a regular file (a character device)")


@POSIX_ONLY
def test_an_undecodable_file_name_is_shown_with_replacement_characters_and_the_neighbour_is_read(
    tmp_path: Path, data_dir: Path
):
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "good.jsonl").write_text(good_record(data_dir), encoding="utf-8")
    odd = os.path.join(os.fsencode(folder), b"caf\xe9-report.txt")
    with open(odd, "wb") as handle:
        handle.write(json.loads(good_record(data_dir))["article"].encode())
    result = ingest([str(folder)], Settings())
    sources = sorted(document.source for document in result.documents)
    assert [source.partition(":")[0] for source in sources] == [
        str(folder / "caf\ufffd-report.txt"),
        str(folder / "good.jsonl"),
    ]
    for source in sources:
        source.encode("utf-8")  # a lone surrogate here is what crashed the HTML sanitizer


@POSIX_ONLY
def test_symlink_loops_and_dangling_links_say_what_they_are(tmp_path: Path, data_dir: Path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    (tmp_path / "good.jsonl").write_text(good_record(data_dir), encoding="utf-8")
    direct = reasons(ingest([str(tmp_path / "a.txt"), str(tmp_path / "gone.txt")], Settings()))
    assert direct[str(tmp_path / "a.txt")] == "symlink loop (too many levels of symbolic links); not read"
    assert (
        direct[str(tmp_path / "gone.txt")]
        == f"broken symlink (points at {tmp_path / 'deleted.txt'}, which does not exist)"
    )
    in_folder = ingest([str(tmp_path)], Settings())
    assert len(in_folder.documents) == 1
    assert reasons(in_folder)[str(tmp_path / "b.txt")].startswith("symlink loop")


def _refuse_listing(monkeypatch: pytest.MonkeyPatch, refused: Path) -> None:
    """os.walk lists folders with os.scandir; as root (CI runs as root) chmod 000 does not stop a listing."""
    real_scandir = os.scandir

    def scandir(path=".", *args, **kwargs):
        if Path(os.fspath(path)) == refused:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unlistable_folder_says_so_instead_of_holding_no_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    _refuse_listing(monkeypatch, locked)
    assert reasons(ingest([str(locked)], Settings())) == {str(locked): "cannot list the folder (Permission denied)"}


def test_an_unlistable_subfolder_is_reported_and_the_rest_is_read(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "locked").mkdir()
    (tmp_path / "good.jsonl").write_text(good_record(data_dir), encoding="utf-8")
    _refuse_listing(monkeypatch, tmp_path / "locked")
    result = ingest([str(tmp_path)], Settings())
    assert len(result.documents) == 1
    assert reasons(result) == {
        str(tmp_path / "locked"): "cannot list the folder (Permission denied); its files not read"
    }


def test_a_malformed_url_field_drops_the_url_with_a_note_and_keeps_the_article(tmp_path: Path, data_dir: Path):
    from briefing.clean import clean

    record = json.loads(good_record(data_dir))
    record["url"] = "http://[::1/"
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = ingest([str(path)], Settings())
    [document] = result.documents
    assert document.url is None
    assert [s.reason for s in result.skipped] == ["url 'http://[::1/' is malformed; article kept without it"]
    assert clean(document).sentences[0].startswith("Gary Locke")
