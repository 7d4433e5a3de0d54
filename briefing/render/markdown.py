"""The view -> brief.md, from the `brief.md.j2` template.

The template is rendered in two flavours of the same text: `markdown` for brief.md (CommonMark escaping, `<a id>`
anchors that work on GitHub and in editors) and `markdown_for_html` (Python-Markdown escaping, attribute lists that
give the HTML page its ids and classes). Escaping is chosen by the flavour, never by the template author.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2

from briefing.render.escape import escape_for_python_markdown, escape_markdown
from briefing.render.layout import page_layout, shown_sources, skipped_by_reason
from briefing.render.view import BriefView


@jinja2.pass_context
def _escape_text(context: jinja2.runtime.Context, value: Any) -> str:
    text = "" if value is None else str(value)
    return escape_for_python_markdown(text) if context.get("html") else escape_markdown(text)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("briefing.render", "templates"),
        autoescape=False,  # Markdown, not HTML: every input value goes through the `t` filter instead
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.do"],
    )
    env.filters["t"] = _escape_text
    return env


def render_markdown(view: BriefView, *, for_html: bool = False) -> str:
    template = environment().get_template("brief.md.j2")
    text = template.render(
        v=view, page=page_layout(view), listed_cites=shown_sources, skipped_by_reason=skipped_by_reason, html=for_html
    )
    # Templates leave runs of blank lines where optional parts are absent; one blank line is all Markdown needs.
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip() or (lines and lines[-1].strip()):
            lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"
