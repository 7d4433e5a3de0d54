"""Hostile input through every output format: nothing from an article may reach the reader as active content.

Articles carry `<script>`, `on*=` handlers, `javascript:` and `data:` links, Markdown links and images, attribute
lists and HTML entities in every field (title, body, url, site, author). The outputs are PARSED, as a browser or a
Markdown viewer would, and checked structurally: no script element, no event-handler attribute, no link or source
with a scheme other than http(s) (or an in-page #anchor), no raw HTML from the input in the Markdown. The payloads
must still be there as visible text (escaped, not silently dropped), and brief.json must carry the text unchanged.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner

from briefing.cli import app

runner = CliRunner()

TITLE = "<script>alert('title')</script> Breaking <img src=x onerror=alert(1)> &lt;b&gt;"
SITE = "<b onmouseover=alert(2)>Evil Site</b>"
AUTHOR = "[me](javascript:alert(3)) &amp; &lt;script&gt;"
BODY_SENTENCES = [
    "Officials said the <script>alert('body')</script> payload was found on the page.",
    "The attacker used <img src=x onerror=alert(4)> and a link [click here](javascript:alert(5)) to test the site.",
    'Another trick is <a href="data:text/html;base64,PHNjcmlwdD4=">data link</a> hidden in the text.',
    "Encoded markup like &lt;script&gt;alert(7)&lt;/script&gt; must stay visible text.",
    "The report ends with ![pixel](http://tracker.example/p.gif) and {: onclick=alert(8) } attribute lists.",
    "A second link <https://ok.example/page> and <javascript:alert(9)> and <svg onload=alert(10)> close it.",
]
HOSTILE_RECORDS = [
    {
        "id": "x1",
        "title": TITLE,
        "url": "javascript:alert(document.cookie)",
        "site": SITE,
        "author": AUTHOR,
        "text": " ".join(BODY_SENTENCES),
    },
    {
        "id": "x2",
        "title": "Second report [x](data:text/html,<script>alert(11)</script>)",
        "url": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxMik8L3NjcmlwdD4=",
        "site": "&#106;avascript:alert(13)",
        "text": "The second report repeats the claims from officials about the hostile page in full detail. "
        'It quotes an "onerror" handler written as onerror=alert(14) inside ordinary prose for the readers. '
        "It also mentions vbscript:msgbox(15) and JaVaScRiPt:alert(16) as schemes that browsers once honoured.",
    },
    {
        "id": "x3",
        "title": "Third report with a quote in its URL",
        "url": 'https://ok.example/a"><script>alert(17)</script>',
        "site": "Wire",
        "text": "The third report is an ordinary article about the same hostile page and what the officials found. "
        "Its address carries a quote character meant to break out of an attribute and start a script element. "
        "Readers should see a working link to the page, and nothing else should happen when they open the brief.",
    },
]
HOSTILE_PAGE = """<!DOCTYPE html><html><head><title>Page <script>alert(20)</script></title>
<meta property="og:url" content="javascript:alert(21)"><script>alert(22)</script></head>
<body onload="alert(23)"><article><h1>A hostile page about the election results</h1>
<p>The election commission published the results of the vote on Sunday evening after a long count in every district.</p>
<p>Turnout was high across the country, with <a href="javascript:alert(24)">long queues</a> reported at many polling
stations, <img src=x onerror="alert(25)"> and officials said the count had gone smoothly despite the weather.</p>
<p>Observers from several countries said the vote had been free and fair, and the losing candidate conceded late at
night, <iframe src="https://evil.example"></iframe> promising to work with the new government.</p>
</article></body></html>"""

DANGEROUS_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "img", "svg", "math", "form", "input",
    "button", "link", "base", "video", "audio", "source", "track", "picture", "template", "noscript",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "background", "data", "cite"}
ANCHOR = re.compile(r"^#[A-Za-z0-9_-]+$")


@pytest.fixture
def hostile_outputs(tmp_path: Path, fake_summarizer) -> Path:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "hostile.jsonl").write_text("\n".join(json.dumps(r) for r in HOSTILE_RECORDS) + "\n", encoding="utf-8")
    (inputs / "hostile.html").write_text(HOSTILE_PAGE, encoding="utf-8")
    out = tmp_path / "out"
    args = [
        "daily",
        str(inputs),
        "--date",
        "2026-11-25",
        "--out",
        str(out),
        "--sentences",
        "10",
        "--story-words",
        "400",
        "--quiet",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    digest = runner.invoke(app, ["digest", "--out", str(out)])
    assert digest.exit_code == 0, digest.output
    return out


class _Page(HTMLParser):
    """What a browser would build: elements, attributes and visible text (character references decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_style = tag == "style"
        self.attributes.extend((tag, name.lower(), value or "") for name, value in attrs)

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            self.text.append(data)

    @property
    def visible_text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text))


def parse_html(page: str) -> _Page:
    parsed = _Page()
    parsed.feed(page)
    parsed.close()
    return parsed


def assert_no_active_content(page: str, where: str, relative: re.Pattern[str] | None = None) -> _Page:
    """`relative`: the in-site links a page may also have (the digest links to the day folders)."""

    def allowed(url: str) -> bool:
        parts = urlsplit(url.strip())
        in_site = relative is not None and relative.fullmatch(url) is not None
        return bool(ANCHOR.match(url) or in_site or (parts.scheme.lower() in {"http", "https"} and parts.netloc))

    parsed = parse_html(page)
    assert not DANGEROUS_TAGS & set(parsed.tags), f"{where}: {DANGEROUS_TAGS & set(parsed.tags)}"
    assert parsed.tags.count("style") <= 1, where  # the page's own stylesheet only
    for tag, name, value in parsed.attributes:
        assert not name.startswith("on"), f"{where}: <{tag} {name}={value!r}>"
        assert name != "style", f"{where}: inline style on <{tag}>"
        if name in URL_ATTRIBUTES:
            assert allowed(value), f"{where}: <{tag} {name}={value!r}>"
        if tag == "meta" and name == "http-equiv":
            assert value.lower() == "content-security-policy", f"{where}: meta http-equiv={value}"
    # The same checks with a second, independent parser (libxml2's HTML parser, as lxml builds it).
    import lxml.html

    tree = lxml.html.document_fromstring(page)
    assert not tree.xpath("//script | //iframe | //img | //svg | //object | //embed | //form"), where
    assert not tree.xpath("//@*[starts-with(translate(name(), 'ON', 'on'), 'on')]"), where
    for href in tree.xpath("//@href | //@src | //@action"):
        assert allowed(href), f"{where}: {href!r}"
    return parsed


def test_html_brief_has_no_active_content_and_shows_the_payloads_as_text(hostile_outputs: Path) -> None:
    page = (hostile_outputs / "2026-11-25" / "brief.html").read_text(encoding="utf-8")
    parsed = assert_no_active_content(page, "brief.html")
    text = parsed.visible_text
    # Escaped, not dropped: the reader sees exactly what the article said.
    assert "<script>alert('body')</script>" in text
    assert "&lt;script&gt;alert(7)&lt;/script&gt;" in text  # entity text stays as written, not decoded into markup
    assert "[click here](javascript:alert(5))" in text
    assert "<script>alert('title')</script> Breaking <img src=x onerror=alert(1)> &lt;b&gt;" in text
    assert SITE in text
    # The one safe URL is linked, percent-encoded so the quote cannot break out.
    hrefs = [value for tag, name, value in parsed.attributes if name == "href" and not value.startswith("#")]
    assert hrefs == ["https://ok.example/a%22%3E%3Cscript%3Ealert(17)%3C/script%3E"] or hrefs == [
        "https://ok.example/a%22%3E%3Cscript%3Ealert%2817%29%3C/script%3E"
    ]
    ids = {value for _, name, value in parsed.attributes if name == "id"}
    assert {href[1:] for _, name, href in parsed.attributes if name == "href" and href.startswith("#")} <= ids


def test_summarize_html_output_is_sanitised_too(tmp_path: Path, fake_summarizer) -> None:
    source = tmp_path / "hostile.jsonl"
    source.write_text(json.dumps(HOSTILE_RECORDS[0]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["summarize", str(source), "--format", "html", "--sentences", "10"])
    assert result.exit_code == 0, result.output
    assert (
        "<script>alert('body')</script>"
        in assert_no_active_content(result.stdout, "summarize --format html").visible_text
    )


def test_digest_page_has_no_active_content(hostile_outputs: Path) -> None:
    page = (hostile_outputs / "index.html").read_text(encoding="utf-8")
    day_link = re.compile(r"\d{4}-\d{2}-\d{2}/brief\.html(#[a-z0-9-]+)?|feed\.xml")  # the days, and the Atom feed
    parsed = assert_no_active_content(page, "index.html", relative=day_link)
    assert "2026-11-25/brief.html" in [value for _, name, value in parsed.attributes if name == "href"]


def _markdown_tokens(markdown_text: str) -> list:
    from markdown_it import MarkdownIt

    tokens = []
    for token in MarkdownIt("commonmark").parse(markdown_text):
        tokens.append(token)
        tokens.extend(token.children or [])
    return tokens


def test_markdown_has_no_raw_html_from_input_and_no_bad_links(hostile_outputs: Path) -> None:
    markdown_text = (hostile_outputs / "2026-11-25" / "brief.md").read_text(encoding="utf-8")
    tokens = _markdown_tokens(markdown_text)
    raw_html = [t.content.strip() for t in tokens if t.type in {"html_inline", "html_block"}]
    # The only raw HTML is the template's own anchors, which come in open/close pairs.
    assert raw_html and all(re.fullmatch(r'<a id="[a-z0-9-]+">|</a>', html) for html in raw_html), raw_html
    assert not [t for t in tokens if t.type == "image"]
    links = [t.attrs.get("href", "") for t in tokens if t.type == "link_open"]
    assert links
    for href in links:
        assert ANCHOR.match(str(href)) or urlsplit(str(href)).scheme in {"http", "https"}, href
    text = " ".join(t.content for t in tokens if t.type == "text")
    assert "<script>alert('body')</script>" in text  # shown as text by a CommonMark viewer
    assert "&lt;script&gt;alert(7)&lt;/script&gt;" in text
    # And rendered by Python-Markdown (another viewer): still nothing active.
    import markdown

    assert_no_active_content(markdown.markdown(markdown_text), "brief.md through Python-Markdown")


def test_json_carries_the_text_unchanged(hostile_outputs: Path) -> None:
    document = json.loads((hostile_outputs / "2026-11-25" / "brief.json").read_text(encoding="utf-8"))
    by_title = {source["title"]: source for source in document["sources"]}
    first = by_title[TITLE]
    assert first["url"] == "javascript:alert(document.cookie)"  # data as found; only renderers decide what to link
    assert first["site"] == SITE
    assert first["author"] == AUTHOR
    sentences = [s["text"] for story in document["stories"] for s in story["sentences"]]
    sentences += [s["text"] for s in [*document.get("also_noted", []), *document.get("bottom_line", [])]]
    for sentence in BODY_SENTENCES[:4]:
        assert any(sentence in text for text in sentences), sentence
