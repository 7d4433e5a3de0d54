"""Stage 6, render: Brief -> Markdown, HTML and JSON, written atomically under `OUT/YYYY-MM-DD/`.

brief.json comes straight from the records, stamped with `SCHEMA_VERSION` (schema: `briefing/render/schema/`).
brief.md is rendered from that JSON document through a typed view and a Jinja2 template. brief.html is the same
Markdown, made into HTML by the `markdown` package, sanitised with nh3 and set in a self-contained page.
The pieces live in `briefing/render/`; this module is the stage's entry and the file-writing edge.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import tempfile
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.errors import ConfigError, OutputError
from briefing.records import Article, Brief, Summary
from briefing.render.document import SCHEMA_VERSION, brief_schema, brief_to_dict, brief_to_json, document_to_json
from briefing.render.escape import escape_markdown, safe_url
from briefing.render.view import build_view
from briefing.shown import shown_path

if TYPE_CHECKING:
    from briefing.store import Store

__all__ = [
    "SCHEMA_VERSION",
    "OutputFormat",
    "atomic_write",
    "brief_folder",
    "brief_schema",
    "brief_to_dict",
    "contained_path",
    "escape_markdown",
    "render",
    "render_document",
    "render_summaries",
    "safe_url",
    "write_brief",
]

BRIEF_FILES = ("brief.json", "brief.md", "brief.html")
_DATE_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class OutputFormat(str, Enum):
    """Every output format: a brief is md, html or json; per-article summaries (`summarize`) also jsonl."""

    md = "md"
    html = "html"
    json = "json"
    jsonl = "jsonl"


def render(brief: Brief, output_format: OutputFormat) -> str:
    """The brief as one output format's text."""
    if output_format is OutputFormat.json:
        return brief_to_json(brief)
    return render_document(brief_to_dict(brief), output_format)


def render_summaries(articles: Sequence[Article], summaries: Sequence[Summary], output_format: OutputFormat) -> str:
    """`summarize` output: per article its title and summary sentences with their citations, in one format."""
    from briefing.render import records

    if output_format is OutputFormat.jsonl:
        return records.json_lines([records.summary_record(a, s) for a, s in zip(articles, summaries, strict=True)])
    if output_format is OutputFormat.json:
        return records.json_list([records.summary_record(a, s) for a, s in zip(articles, summaries, strict=True)])
    if output_format is OutputFormat.html:
        return records.summaries_page(articles, summaries)
    return records.summaries_markdown(articles, summaries)


def render_document(document: dict[str, Any], output_format: OutputFormat) -> str:
    """Markdown or HTML from a brief.json document (this version's or an older minor version's)."""
    if output_format not in (OutputFormat.md, OutputFormat.html):
        raise ValueError(f"render_document makes Markdown or HTML, not {output_format.value}")
    return _rendered(document, (output_format,))[output_format]


def _rendered(
    document: dict[str, Any], formats: Sequence[OutputFormat], store: Store | None = None
) -> dict[OutputFormat, str]:
    """Markdown and/or HTML of one document from one view; the HTML body comes from `store` when it has it."""
    from briefing.render.html import render_page
    from briefing.render.markdown import render_markdown

    view = build_view(document)
    texts: dict[OutputFormat, str] = {}
    if OutputFormat.md in formats:
        texts[OutputFormat.md] = render_markdown(view)
    if OutputFormat.html in formats:
        texts[OutputFormat.html] = render_page(view, render_markdown(view, for_html=True), store)
    return texts


def write_brief(
    brief: Brief, out_dir: Path, template_cache: Path | None = None, store: Store | None = None
) -> list[Path]:
    """Write brief.json, brief.md and brief.html into `out_dir/YYYY-MM-DD/`; each file appears whole or not at all.

    All three are rendered before the first is written, so a rendering error leaves the previous brief untouched.
    With `template_cache` (the run's cache folder) the compiled templates are kept there for the next run, and with
    `store` the HTML made of the same Markdown before is taken from it (`briefing.render.html.render_page`).
    """
    if template_cache is not None:
        from briefing.render.template_cache import use_template_cache

        use_template_cache(template_cache)
    folder = brief_folder(out_dir, brief.date)
    document = brief_to_dict(brief)
    rendered = _rendered(document, (OutputFormat.md, OutputFormat.html), store)
    texts = {
        "brief.json": document_to_json(document),
        "brief.md": rendered[OutputFormat.md],
        "brief.html": rendered[OutputFormat.html],
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{shown_path(folder)}: cannot create the day folder ({error.strerror or error})") from None
    paths = [contained_path(folder, name) for name in BRIEF_FILES]
    # All three targets are checked before anything is renamed: a rename that fails after another succeeded would
    # leave a brief.json of today beside a brief.md of yesterday.
    for path in paths:
        if path.is_dir():
            raise OutputError(f"{shown_path(path)} is a folder, not a file; nothing written (move it away)")
    # Stage all three (written and fsynced) before the first rename, so the renames follow back to back: a kill
    # leaves old and new files side by side only in the microseconds between them, and the next run rewrites all.
    staged: list[Path] = []
    renamed = 0
    try:
        for path in paths:
            staged.append(_stage(path, texts[path.name]))
        for temp, path in zip(staged, paths, strict=True):
            os.replace(temp, path)
            renamed += 1
    except OSError as error:
        kept = "the previous brief is untouched" if renamed == 0 else f"only {renamed} of 3 files replaced; run again"
        raise OutputError(_write_failure(folder, error, kept)) from None
    finally:
        for temp in staged:
            temp.unlink(missing_ok=True)  # only left when something failed before its rename
    _fsync_folder(folder)
    return paths


def brief_folder(out_dir: Path, date: dt.date) -> Path:
    """`out_dir/YYYY-MM-DD`, refusing anything that is not a real date, so the folder cannot leave `out_dir`."""
    if not isinstance(date, dt.date):
        raise ConfigError(f"brief date must be a date, got {date!r}")
    name = date.isoformat()
    if not _DATE_FOLDER.match(name):  # defence in depth: the folder name is exactly YYYY-MM-DD, nothing else
        raise ConfigError(f"brief date {name!r} cannot name an output folder")
    return contained_path(out_dir, name)


def contained_path(root: Path, *parts: str) -> Path:
    """`root/parts...`, or ConfigError when the result (symlinks resolved) would lie outside `root`.

    Every output path derived from data (a date, a name) is built through here.
    """
    base = Path(root).resolve()
    candidate = base.joinpath(*parts).resolve()
    if candidate != base and base not in candidate.parents:
        raise ConfigError(f"output path {'/'.join(parts)!r} would leave the output folder {root}")
    return Path(root).joinpath(*parts)


def atomic_write(path: Path, content: str) -> None:
    """Write to a temp file beside `path`, fsync, then rename over it: readers never see half a file.

    OutputError (one line) when the folder is missing, `path` is a folder, or the disk is full; `path` is then as it
    was.
    """
    check_writable_target(path)
    try:
        temp = _stage(path, content)
    except OSError as error:
        raise OutputError(_write_failure(path, error, "the previous file is untouched")) from None
    try:
        os.replace(temp, path)
    except BaseException as error:
        temp.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(_write_failure(path, error, "the previous file is untouched")) from None
        raise
    _fsync_folder(path.parent)


def check_writable_target(path: Path) -> None:
    """OutputError unless `path` can be written as a file: its folder exists and it is not itself a folder.

    Called before the work that makes the content, so a long run never ends in "no such folder"."""
    if path.is_dir():
        raise OutputError(f"{shown_path(path)} is a folder; give a file name to write to")
    if not path.parent.is_dir():
        raise OutputError(f"{shown_path(path.parent)}: no such folder to write {path.name} in")


def _write_failure(target: Path, error: OSError, consequence: str) -> str:
    if error.errno == errno.ENOSPC:
        what = "the disk is full (no space left on device)"
    elif error.errno == errno.EDQUOT:
        what = "the disk quota is exceeded"
    else:
        what = error.strerror or str(error)
    return f"{shown_path(target)}: cannot write ({what}); {consequence}"


def _stage(path: Path, content: str) -> Path:
    """`content` in a fsynced temp file beside `path` (`.NAME.*.tmp`), ready to be renamed over it."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, before the rename
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o644)  # temp files are created 0600; a brief is meant to be read (and served)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return Path(handle.name)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable, where the platform allows opening a folder."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
