"""The HTML flavour of the brief's Markdown -> a sanitised, self-contained brief.html.

Defence in depth, in order:
1. every input value was escaped for Python-Markdown and every URL restricted to http(s) (`escape`, `view`);
2. the HTML the `markdown` package makes is sanitised by nh3 with an allow-list of tags and attributes (no `script`,
   `style`, `img`, `on*` attributes) and of URL schemes (http, https, and in-page `#anchors`);
3. the page itself carries a Content-Security-Policy that allows no script, no remote resource and no form target,
   so even a sanitiser bug could not load or run anything.
The page holds its CSS inline and references nothing outside itself.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup

from briefing.render.view import BriefView

if TYPE_CHECKING:
    from briefing.store import Store

_ALLOWED_TAGS = {
    "h1", "h2", "h3", "p", "ul", "ol", "li", "a", "em", "strong", "hr", "blockquote", "span", "br",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "id"},
    "h2": {"id"},
    "p": {"class"},
    "span": {"class"},
}
_SECTION_CLASSES = {
    "bottom-line": "bluf",
    "contents": "toc",
    "more-stories": "also-noted",  # the same one-line list
    "also-noted": "also-noted",
    "sources": "sources",
    "skipped": "skipped",
}
_H2_ID = re.compile(r'<h2 id="([a-z0-9-]+)"')  # ids come from the template, never from input


def sanitize(fragment: str) -> str:
    """Only the allowed tags and attributes survive; links only to http(s) or to an anchor in the page."""
    import nh3

    return nh3.clean(
        fragment,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


# Inline syntax the template never writes. Switched off, it cannot be triggered by a slip in escaping (no image, no
# autolink, no reference link can come of input text), and a 2,000-story brief converts about a third faster.
_UNUSED_INLINE = (
    "backtick", "reference", "image_link", "image_reference", "short_reference", "short_image_ref", "autolink",
    "automail", "linebreak",
)  # fmt: skip


def markdown_to_html(markdown_text: str) -> str:
    import markdown

    converter = markdown.Markdown(extensions=["attr_list", "sane_lists"], output_format="html")
    for name in _UNUSED_INLINE:
        if name in converter.inlinePatterns:
            converter.inlinePatterns.deregister(name)
    return converter.convert(markdown_text)


def _sections(body: str) -> str:
    """Wrap each `<h2>` and what follows it in a `<section>`, so the stylesheet can tell the parts apart.

    Runs on sanitised output, where every `<h2` is one the template made: input text reaches here escaped.
    """
    head, *parts = body.split("<h2")
    wrapped = [head]
    for part in parts:
        match = _H2_ID.match("<h2" + part)
        anchor = match.group(1) if match else ""
        css_class = "story" if anchor.startswith("story-") else _SECTION_CLASSES.get(anchor, "part")
        wrapped.append(f'<section class="{css_class}">\n<h2{part.rstrip()}\n</section>\n')
    return "".join(wrapped)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("briefing.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


_QUOTES_OPEN = re.compile(r"(<li>(?:(?!</li>).)*?)\n?<ul>\n", re.DOTALL)


def _fold_quotes(section: str) -> str:
    """In the Sources section, each source's list of quoted sentences goes into a closed <details>.

    Runs on sanitised output: the only lists inside a source item are the template's quote lists (input text
    reaches here escaped, so no `<ul>` of its own).
    """
    section = _QUOTES_OPEN.sub(r"\1\n<details><summary>Quoted in this brief</summary>\n<ul>\n", section)
    return section.replace("</ul>\n</li>", "</ul>\n</details>\n</li>")


def _fold_source_quotes(body: str) -> str:
    start = body.find('<h2 id="sources"')
    if start < 0:
        return body
    end = body.find("<h2", start + 1)
    end = len(body) if end < 0 else end
    head, sources = body[:start], body[start:end]
    list_start = sources.find("<ol>")
    if list_start < 0:
        return body
    return head + sources[:list_start] + _fold_quotes(sources[list_start:]) + body[end:]


def render_page(view: BriefView, markdown_for_html: str, store: Store | None = None) -> str:
    return environment().get_template("brief.html.j2").render(v=view, body=Markup(page_body(markdown_for_html, store)))


def page_body(markdown_for_html: str, store: Store | None = None) -> str:
    """The page's sanitised body of this Markdown; from `store` when the same Markdown was made into HTML before
    (a re-run of the day: the HTML flavour of the Markdown holds no time), keyed by the Markdown text, this module's
    code and the markdown and nh3 versions."""
    if store is None:
        return _body(markdown_for_html)
    from briefing.store import entry_key

    key = entry_key(_body_fingerprint(), markdown_for_html)
    stored = store.get_many(HTML_BODY_KIND, [key]).get(key)
    if stored is not None:
        try:
            return stored.decode("utf-8")
        except UnicodeDecodeError:
            pass  # a damaged entry: made again below, and replaced
    body = _body(markdown_for_html)
    store.put_many(HTML_BODY_KIND, {key: body.encode("utf-8")})
    return body


HTML_BODY_KIND = "html-body"  # the stage store's kind: a brief's sanitised HTML body, keyed by its Markdown


def _body(markdown_for_html: str) -> str:
    return _sections(_fold_source_quotes(sanitize(markdown_to_html(markdown_for_html))))


@lru_cache(maxsize=1)
def _body_fingerprint() -> str:
    import importlib.metadata

    from briefing.store import code_fingerprint

    versions = ",".join(f"{name}={importlib.metadata.version(name)}" for name in ("markdown", "nh3"))
    return f"{code_fingerprint('render/html.py')};{versions}"


def render_html_template(name: str, **values: object) -> str:
    """Any other page (the digest) from the same environment: autoescaped, same stylesheet."""
    return environment().get_template(name).render(**values)
