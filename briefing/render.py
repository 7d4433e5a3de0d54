"""Stage 6, render: Brief -> Markdown, HTML and JSON, written atomically under `OUT/YYYY-MM-DD/`.

JSON comes straight from the records (versioned schema). Markdown comes from a Jinja2 template. HTML is the same
Markdown, rendered with the `markdown` package into a self-contained page, then sanitised with nh3 so no scraped
text can become active content.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import os
import re
import tempfile
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

from briefing.records import Brief

SCHEMA_VERSION = "1.0"


class OutputFormat(str, Enum):
    md = "md"
    html = "html"
    json = "json"


def render(brief: Brief, output_format: OutputFormat) -> str:
    if output_format is OutputFormat.json:
        return json.dumps(brief_to_dict(brief), indent=2, ensure_ascii=False) + "\n"
    if output_format is OutputFormat.md:
        return _markdown(brief, escape_html=False)
    return _html_page(brief)


def write_brief(brief: Brief, out_dir: Path) -> list[Path]:
    """Write brief.md, brief.html and brief.json into `out_dir/YYYY-MM-DD/`; each file appears whole or not at all."""
    folder = out_dir / brief.date.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for output_format in (OutputFormat.json, OutputFormat.md, OutputFormat.html):
        path = folder / f"brief.{output_format.value}"
        atomic_write(path, render(brief, output_format))
        written.append(path)
    return written


def atomic_write(path: Path, content: str) -> None:
    """Write to a temp file beside `path`, fsync, then rename over it: readers never see half a file."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, before the rename
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def brief_to_dict(brief: Brief) -> dict[str, Any]:
    def convert(value: Any) -> Any:
        if dataclasses.is_dataclass(value):
            return {f.name: convert(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, (list, tuple)):
            return [convert(v) for v in value]
        if isinstance(value, dict):
            return {str(k): convert(v) for k, v in value.items()}
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, Enum):
            return value.value
        return value

    return {"schema_version": SCHEMA_VERSION, **convert(brief)}


# --- Markdown --------------------------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def escape_markdown(text: str) -> str:
    """Scraped text must not turn into Markdown structure (links, headings, emphasis) or raw HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def safe_url(url: str | None) -> str | None:
    """Only http(s) links reach the reader; anything else (javascript:, data:, file:) is dropped."""
    if not url:
        return None
    url = url.strip()
    if not re.match(r"^https?://[^\s<>\"'`]+$", url, re.IGNORECASE):
        return None
    return url.replace("(", "%28").replace(")", "%29")


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("briefing", "templates"),
        autoescape=False,  # Markdown is escaped by `escape_markdown`; HTML is produced and sanitised separately
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = escape_markdown
    env.filters["safe_url"] = safe_url
    return env


def _markdown(brief: Brief, escape_html: bool) -> str:
    template = _environment().get_template("brief.md.j2")
    return template.render(brief=brief, escape_html=escape_html)


# --- HTML ------------------------------------------------------------------------------------------------------

_ALLOWED_TAGS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "ul",
    "ol",
    "li",
    "a",
    "em",
    "strong",
    "code",
    "hr",
    "sup",
    "span",
    "nav",
    "small",
    "blockquote",
    "br",
}
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "id", "title"},
    "li": {"id"},
    "h2": {"id"},
    "h3": {"id"},
    "span": {"class"},
    "sup": {"class"},
}


def _html_page(brief: Brief) -> str:
    import markdown
    import nh3

    body = markdown.markdown(_markdown(brief, escape_html=True), extensions=["attr_list", "sane_lists"])
    body = nh3.clean(
        body,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer",
    )
    template = _environment().get_template("brief.html.j2")
    return template.render(title=html.escape(f"{brief.title} — {brief.date.isoformat()}"), body=body)
