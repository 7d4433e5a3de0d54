"""The render stage: escaping, the view of brief.json, Markdown/HTML/JSON output, schema and safe file writing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from briefing.errors import ConfigError
from briefing.records import Brief, BriefSentence, InputRecord, Provenance, Skipped, Source, Story
from briefing.render import (
    SCHEMA_VERSION,
    OutputFormat,
    atomic_write,
    brief_folder,
    brief_schema,
    brief_to_dict,
    contained_path,
    render,
    render_document,
    write_brief,
)
from briefing.render.escape import escape_for_python_markdown, escape_markdown, plain_text, safe_url
from briefing.render.view import build_view

DATE = dt.date(2026, 11, 25)


def sample_brief(**changes: object) -> Brief:
    """A brief using every field the renderer shows: two stories, bottom line, also noted, update, flag, excerpt."""
    sources = (
        Source(1, "a1", "Rover lands on Mars", "feeds/nasa.xml#3", url="https://example.org/rover", site="Agency"),
        Source(
            2, "a2", "Curiosity is down", "wire.jsonl:2", site="Wire", published=dt.date(2026, 11, 24), author="J. Doe"
        ),
        Source(3, "a3", "Teen found safe", "local.txt"),
        Source(4, "a4", "Dollar gains", "markets.html", url="javascript:alert(1)"),
    )
    stories = (
        Story(
            "st-1",
            "Curiosity rover lands on Mars",
            (
                BriefSentence("The rover landed at 1:31 a.m.", (1, 2), id="s1-1"),
                BriefSentence("Engineers cheered in mission control.", (2,), flagged=True, id="s1-2"),
            ),
            (1, 2),
            actors=("NASA", "Adam Steltzner"),
            places=("Mars", "Pasadena"),
        ),
        Story(
            "st-2",
            "Missing teen found safe in Orofino",
            (BriefSentence("Kristian Perez was found at a residence.", (3,), id="s2-1"),),
            (3,),
            status="update",
            truncated=True,
            previously_briefed="2026-11-24",
            new_sources=(3,),
        ),
    )
    brief = Brief(
        date=DATE,
        title="Morning Brief",
        stories=stories,
        sources=sources,
        bottom_line=(
            BriefSentence("Curiosity is on Mars.", (1, 2), id="bluf-1"),
            BriefSentence("The Idaho teen is safe.", (3,), id="bluf-2"),
        ),
        also_noted=(BriefSentence("The dollar rose against the euro.", (4,), id="also-1", label="Dollar gains"),),
        skipped=(Skipped("empty.txt", "empty file"),),
        provenance=Provenance(
            model="embedded",
            weights_sha256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab519d5e0",
            method="extractive",
            seconds=2.345,
            briefing_version="0.1.0",
            inputs=(InputRecord("a", "1"), InputRecord("b", "2")),
        ),
    )
    return dataclasses.replace(brief, **changes)


# --- escaping ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words, 3.5% up", "plain words, 3.5% up"),
        ("[click](javascript:x)", r"\[click\](javascript:x)"),
        ("<script>alert(1)</script>", r"\<script\>alert(1)\</script\>"),
        ("&lt;b&gt; and AT&T", r"\&lt;b\&gt; and AT&T"),
        ("*bold* _it_ `code` # h | t ~s~", r"\*bold\* \_it\_ \`code\` \# h \| t \~s\~"),
        ("- not a list", r"\- not a list"),
        ("1. not a list", r"1\. not a list"),
        ("1.8 s", "1.8 s"),
        ("two\nlines\u202e  here\u200b", "two lines here"),
    ],
)
def test_escape_markdown(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected


def test_escape_for_python_markdown_round_trips_through_markdown() -> None:
    import markdown

    hostile = "<img src=x onerror=alert(1)> [x](javascript:y) &lt;script&gt; *b* {: onclick=z } #1 - a"
    html_text = markdown.markdown("- " + escape_for_python_markdown(hostile), extensions=["attr_list"])
    assert "<img" not in html_text and "<em>" not in html_text and "onclick=" not in html_text.replace("onclick=z", "")
    parser = _TextCollector()
    parser.feed(html_text)
    assert parser.tags == ["ul", "li"]
    assert parser.text.strip() == hostile  # shown exactly as written


_TRICKY = [
    *"ab 1.-+*_`[]()<>!#&;:/\\{}|~=\"'\n\tx0é",
    "&lt;",
    "&amp;",
    "&#106;",
    "<script>",
    "javascript:",
    "1. ",
    "> ",
    "---",
]


@given(st.lists(st.sampled_from(_TRICKY), max_size=30).map("".join))
@hyp_settings(max_examples=300, deadline=None)
def test_escaped_text_renders_back_to_exactly_the_text(text: str) -> None:
    """Whatever the input, each viewer shows the text as written and builds no element from it."""
    import markdown
    from markdown_it import MarkdownIt

    commonmark = MarkdownIt("commonmark")
    for prefix in ("- ", "## ", "1. "):
        for html_text in (
            markdown.markdown(prefix + escape_for_python_markdown(text)),  # how brief.html is made
            commonmark.render(prefix + escape_markdown(text)),  # how a CommonMark viewer shows brief.md
        ):
            parsed = _TextCollector()
            parsed.feed(html_text)
            assert set(parsed.tags) <= {"ul", "ol", "li", "h2"}, html_text
            assert parsed.text.strip() == plain_text(text), html_text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1&c=2#frag", "https://example.org/a?b=1&c=2#frag"),
        ("HTTP://Example.org/x", "http://Example.org/x"),
        ("https://example.org/a(b)c", "https://example.org/a%28b%29c"),
        ('https://example.org/a\\b]c"d', "https://example.org/a%5Cb%5Dc%22d"),
        ("https://bücher.example/straße", "https://xn--bcher-kva.example/stra%C3%9Fe"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        (" data:text/html;base64,PHNjcmlwdD4=", None),
        ("file:///etc/passwd", None),
        ("//evil.example/x", None),
        ("/relative/path", None),
        ("https://exa mple.org", None),
        ("https://example.org/\u202ex", None),
        ("https://[::1/x", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url(url: str | None, expected: str | None) -> None:
    assert safe_url(url) == expected


# --- the view of brief.json ---------------------------------------------------------------------------------------


def test_view_reads_every_rendered_field() -> None:
    view = build_view(brief_to_dict(sample_brief()))
    assert view.long_date == "Wednesday 25 November 2026"
    assert view.counts == "2 stories · 1 also noted · 4 sources · 1 input skipped"
    first, second = view.stories
    assert first.sites == ("Agency", "Wire")
    assert first.sentences[1].flagged
    assert second.is_update and second.update_note == "first briefed 2026-11-24" and second.new_sources == (3,)
    assert view.sources[3].url is None  # javascript: dropped
    assert [q.story_number for q in view.sources[1].quotes] == [1, 1]
    assert [q.story_number for q in view.sources[3].quotes] == [None]
    assert view.provenance == (
        "model embedded (sha256 53aa51172d14)",
        "method extractive",
        "2 inputs",
        "2.3 s",
        "briefing 0.1.0",
    )


def test_view_tolerates_missing_unknown_and_broken_fields() -> None:
    document = {
        "schema_version": "1.9",
        "date": "2026-11-25",
        "stories": [
            {"headline": "Only a headline", "sentences": [{"text": "A claim.", "sources": [1, 7, "x", True]}]},
            "not a story",
        ],
        "sources": [{"number": 1, "title": "T", "a_future_field": {"nested": True}}, {"number": "two"}],
        "provenance": "not a mapping",
        "something_new": [1, 2, 3],
    }
    view = build_view(document)
    assert view.title == "Brief"
    assert [s.headline for s in view.stories] == ["Only a headline"]
    assert view.stories[0].sentences[0].sources == (1,)  # 7 has no source entry, "x" and True are not numbers
    assert [s.number for s in view.sources] == [1]
    assert view.provenance == ()
    assert "Only a headline" in render_document(document, OutputFormat.md)


# --- Markdown -----------------------------------------------------------------------------------------------------


def test_markdown_layout() -> None:
    markdown = render(sample_brief(), OutputFormat.md)
    lines = markdown.splitlines()
    assert lines[0] == "# Morning Brief — 2026-11-25"
    assert lines[2] == "**Wednesday 25 November 2026** · 2 stories · 1 also noted · 4 sources · 1 input skipped"
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == [
        '## <a id="bottom-line"></a>Bottom line',
        '## <a id="contents"></a>Contents',
        '## <a id="story-1"></a>1. Curiosity rover lands on Mars',
        '## <a id="story-2"></a>2. Missing teen found safe in Orofino',
        '## <a id="also-noted"></a>Also noted',
        '## <a id="sources"></a>Sources',
        '## <a id="skipped"></a>Skipped inputs',
    ]
    assert "- Curiosity is on Mars.\u00a0[[1]](#source-1) [[2]](#source-2)" in lines
    assert "1. [Curiosity rover lands on Mars](#story-1)\u00a0· 2\u00a0sources" in lines
    assert "*2 sources: Agency, Wire*" in lines
    assert "**Actors:** NASA, Adam Steltzner · **Places:** Mars, Pasadena" in lines
    assert "- Engineers cheered in mission control.\u00a0[[2]](#source-2) **(unverified)**" in lines
    assert "*1 source · **Update** (first briefed 2026-11-24; new: [3]) · excerpt*" in lines
    assert any(line.startswith("> *Excerpt:*") for line in lines)
    assert "- **Dollar gains** — The dollar rose against the euro.\u00a0[[4]](#source-4)" in lines
    # Sources are compact: outlet · date · link (or where it was read from); quotes are left to brief.json and the page.
    assert '1. <a id="source-1"></a>Agency · [link](https://example.org/rover)' in lines
    assert '2. <a id="source-2"></a>Wire · 2026-11-24 · wire.jsonl:2' in lines
    assert '4. <a id="source-4"></a>markets.html' in lines  # javascript: URL not linked
    assert not any("Engineers cheered in mission control.”" in line for line in lines)
    assert "- empty.txt — empty file" in lines
    assert lines[-3].startswith("*Provenance:* model embedded (sha256 53aa51172d14) · method extractive")
    assert lines[-1].startswith("*Unverified* marks a sentence the faithfulness check could not tie to its source")


def test_markdown_leaves_out_empty_sections() -> None:
    brief = sample_brief(bottom_line=(), also_noted=(), skipped=())
    markdown = render(brief, OutputFormat.md)
    assert "Bottom line" not in markdown and "Also noted" not in markdown and "Skipped inputs" not in markdown
    assert "\n[Sources](#sources)\n" in markdown
    assert "\n\n\n" not in markdown


def test_every_citation_and_contents_link_has_its_anchor() -> None:
    import re

    markdown = render(sample_brief(), OutputFormat.md)
    anchors = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', markdown))
    targets = set(re.findall(r"\]\(#([a-z0-9-]+)\)", markdown))
    assert targets and targets <= anchors


# --- HTML ---------------------------------------------------------------------------------------------------------


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.ids: set[str] = set()
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attributes.append((tag, name, value))
            if name == "id" and value:
                self.ids.add(value)

    def handle_data(self, data: str) -> None:
        self.text += data


def test_html_page_is_self_contained_with_contents_and_anchors() -> None:
    page = render(sample_brief(), OutputFormat.html)
    parsed = _TextCollector()
    parsed.feed(page)
    assert parsed.tags.count("style") == 1
    assert not {"script", "link", "img", "iframe", "object", "embed", "base"} & set(parsed.tags)
    csp = [
        value
        for tag, name, value in parsed.attributes
        if tag == "meta" and name == "content" and "default-src" in (value or "")
    ]
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'"]
    hrefs = [value or "" for tag, name, value in parsed.attributes if name == "href"]
    assert {h[1:] for h in hrefs if h.startswith("#")} <= parsed.ids
    assert [h for h in hrefs if not h.startswith("#")] == ["https://example.org/rover"]
    assert {"bottom-line", "contents", "story-1", "story-2", "also-noted", "sources", "skipped"} <= parsed.ids
    assert "@media (prefers-color-scheme: dark)" in page and "@media print" in page and "@import" not in page
    assert "url(" not in page  # no font, image or stylesheet fetched by CSS
    sections = [value for tag, name, value in parsed.attributes if tag == "section" and name == "class"]
    assert sections == ["bluf", "toc", "story", "story", "also-noted", "sources", "skipped"]
    assert "Provenance" in parsed.text and "53aa51172d14" in parsed.text


# --- JSON and its schema ------------------------------------------------------------------------------------------


def test_json_is_the_records_with_a_schema_version() -> None:
    brief = sample_brief()
    document = json.loads(render(brief, OutputFormat.json))
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["date"] == "2026-11-25"
    assert document["stories"][1]["status"] == "update"
    assert document["sources"][3]["url"] == "javascript:alert(1)"  # data as found; renderers decide what to link
    assert document["also_noted"][0]["label"] == "Dollar gains"
    assert document == json.loads(json.dumps(brief_to_dict(brief)))


def test_produced_json_validates_against_the_shipped_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = brief_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    validator.validate(brief_to_dict(sample_brief()))
    broken = brief_to_dict(sample_brief())
    broken["stories"][0]["sentences"][0]["sources"] = ["one"]
    assert not validator.is_valid(broken)
    broken = brief_to_dict(sample_brief())
    broken["stories"][0]["undocumented"] = 1
    assert not validator.is_valid(broken)


def test_schema_documents_every_record_field() -> None:
    """A field added to a record must be added to the schema (and SCHEMA_VERSION bumped) in the same change."""
    schema = brief_schema()
    definitions = {"story": Story, "source": Source, "sentence": BriefSentence, "skipped": Skipped}
    for name, record in definitions.items():
        documented = set(schema["$defs"][name]["properties"])
        assert {f.name for f in dataclasses.fields(record)} == documented, name
    top = set(schema["properties"]) - {"schema_version"}
    assert {f.name for f in dataclasses.fields(Brief)} == top
    assert schema["$id"].endswith(SCHEMA_VERSION)
    assert schema["properties"]["schema_version"]["pattern"].startswith("^" + SCHEMA_VERSION.split(".")[0])


def test_markdown_and_html_render_from_a_saved_brief_json(tmp_path: Path) -> None:
    brief = sample_brief()
    write_brief(brief, tmp_path)
    document = json.loads((tmp_path / "2026-11-25" / "brief.json").read_text(encoding="utf-8"))
    assert render_document(document, OutputFormat.md) == (tmp_path / "2026-11-25" / "brief.md").read_text()
    assert render_document(document, OutputFormat.html) == (tmp_path / "2026-11-25" / "brief.html").read_text()


# --- files --------------------------------------------------------------------------------------------------------


def test_write_brief_writes_three_whole_files(tmp_path: Path) -> None:
    written = write_brief(sample_brief(), tmp_path / "out")
    assert [p.name for p in written] == ["brief.json", "brief.md", "brief.html"]
    assert all(p.parent == tmp_path / "out" / "2026-11-25" for p in written)
    assert sorted(p.name for p in (tmp_path / "out" / "2026-11-25").iterdir()) == sorted(p.name for p in written)
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in written)


def test_a_render_error_leaves_the_previous_brief_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_brief(sample_brief(), tmp_path)
    before = {p.name: p.read_bytes() for p in (tmp_path / "2026-11-25").iterdir()}

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("template bug")

    monkeypatch.setattr("briefing.render.html.render_page", broken)
    with pytest.raises(RuntimeError):
        write_brief(sample_brief(title="Changed"), tmp_path)
    assert {p.name: p.read_bytes() for p in (tmp_path / "2026-11-25").iterdir()} == before


def test_atomic_write_leaves_no_temp_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "brief.md"
    target.write_text("old")

    with pytest.raises(TypeError):
        atomic_write(target, 42)  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.md"]


@pytest.mark.parametrize("parts", [("..", "x"), ("a", "..", "..", "x"), ("/etc/passwd",)])
def test_contained_path_refuses_escapes(tmp_path: Path, parts: tuple[str, ...]) -> None:
    with pytest.raises(ConfigError, match="would leave the output folder"):
        contained_path(tmp_path, *parts)


def test_contained_path_refuses_a_symlink_leading_out(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "out"
    root.mkdir()
    os.symlink(outside, root / "2026-11-25")
    with pytest.raises(ConfigError):
        write_brief(sample_brief(), root)
    assert list(outside.iterdir()) == []


def test_brief_folder_is_the_iso_date(tmp_path: Path) -> None:
    assert brief_folder(tmp_path, DATE) == tmp_path / "2026-11-25"
    with pytest.raises(ConfigError):
        brief_folder(tmp_path, "../../etc")  # type: ignore[arg-type]
