"""Property-based tests (hypothesis) of the stages that see raw, untrusted text: cleaner, splitter, chunker, renderers.

Each property is one the analyst relies on: no input crashes a stage, a summary can only quote words the source
contains, a chunk never overflows the model's context, and nothing from an article becomes active content in HTML.
Example counts are kept small enough for the whole file to run in well under a minute on two cores.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import unicodedata
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from briefing.clean import clean
from briefing.errors import SourceError
from briefing.records import Article, Brief, BriefSentence, Provenance, RawDocument, Skipped, Source, Story
from briefing.render import OutputFormat, render
from briefing.summarize.chunk import chunk
from briefing.text import repair_c1_controls, split_sentences, words

QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
THOROUGH = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- strategies --------------------------------------------------------------------------------------------------

VOCABULARY = (
    "the minister said on Tuesday that troops had crossed the border near Kherson while talks in Geneva stalled "
    "U.S. Dr. Smith 3.5 million $40bn 12% e.g. Jan. No. 7 O'Neill co-operate naïve Zürich Ålesund 北京 Москва"
).split()
SEPARATORS = [" ", " ", " ", ". ", "! ", "? ", ", ", "\n", "\n\n", "\t", "\u00a0", "… ", '." ', "\r\n", "  "]
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg/onload=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<iframe src=//evil.example></iframe>",
    "![x](data:text/html;base64,PHNjcmlwdD4=)",
    '"><body onload=alert(1)>',
    "<style>body{display:none}</style>",
    "{{ 7*7 }} {% raw %}",
    "\u202e\u200b\ufeff",
    "# heading | table | `code` *em* _u_ \\",
]

word = st.one_of(st.sampled_from(VOCABULARY), st.text(min_size=1, max_size=12))
separator = st.sampled_from(SEPARATORS)


@st.composite
def prose(draw: st.DrawFn, max_words: int = 120) -> str:
    """Word-like runs with sentence and paragraph breaks, so that many examples are long enough to be articles."""
    tokens = draw(st.lists(word, max_size=max_words))
    gaps = draw(st.lists(separator, min_size=len(tokens), max_size=len(tokens)))
    return "".join(token + gap for token, gap in zip(tokens, gaps, strict=True))


@st.composite
def article_like(draw: st.DrawFn) -> str:
    """Several sentence-like lines of 5-20 words: long enough that the cleaner keeps an article, most of the time."""
    sentences = [
        " ".join(draw(st.lists(word, min_size=5, max_size=20))) + draw(st.sampled_from([".", "!", "?", "…", '."', ""]))
        for _ in range(draw(st.integers(3, 10)))
    ]
    gaps = draw(
        st.lists(st.sampled_from([" ", "\n", "\n\n", "\r\n"]), min_size=len(sentences), max_size=len(sentences))
    )
    return "".join(sentence + gap for sentence, gap in zip(sentences, gaps, strict=True))


any_text = st.one_of(st.text(max_size=400), prose(), article_like())
hostile_text = st.one_of(any_text, st.lists(st.one_of(st.sampled_from(HOSTILE), any_text), max_size=4).map(" ".join))


def comparable_words(text: str) -> set[str]:
    """The words a faithful cleaner may produce from `text`, modulo NFKC (ligatures, NBSP) and invisible characters.

    An invisible character inside a word ("0\\x1f0") is a gap by Python's whitespace rules and is dropped by the HTML
    parser ("00"), so both readings count: a run of word characters broken by invisible ones may come out as any run
    of its consecutive pieces, joined.
    """
    allowed: set[str] = set()
    token: list[str] = []  # word-character pieces of the current run, split at invisible characters
    piece = ""
    for ch in unicodedata.normalize("NFKC", text).lower() + " ":
        if re.match(r"\w", ch):
            piece += ch
            continue
        if piece:
            token.append(piece)
            piece = ""
        if _invisible(ch):
            continue
        for start in range(len(token)):
            for end in range(start + 1, len(token) + 1):
                allowed.add("".join(token[start:end]))
        token = []
    return allowed


def kept_words(sentence: str) -> set[str]:
    """The words of an output sentence, invisible characters read as gaps (the reading that invents nothing)."""
    return set(words("".join(" " if _invisible(ch) else ch for ch in unicodedata.normalize("NFKC", sentence))))


def _invisible(ch: str) -> bool:
    return ch not in " \t\n\r" and unicodedata.category(ch)[0] == "C"


def without_whitespace(text: str) -> str:
    return re.sub(r"\s+", "", text)


NAV = "Home | World"

# --- cleaner -----------------------------------------------------------------------------------------------------


def assert_clean_keeps_only_input_words(document: RawDocument, universe: str) -> None:
    try:
        article = clean(document)
    except SourceError as error:
        assert error.source == document.source and error.reason.strip()
        event("no article (SourceError)")
        return
    event("article kept")
    assert isinstance(article, Article)
    assert article.sentences, "an Article must have at least one sentence"
    # C1 controls are read as the cp1252 punctuation they almost always are (\x93 -> “): that is repair, not invention.
    allowed = comparable_words(repair_c1_controls(universe))
    for sentence in article.sentences:
        assert sentence.strip() == sentence and sentence
        invented = kept_words(sentence) - allowed
        assert not invented, f"words not in the input: {sorted(invented)[:5]} in {sentence!r}"


@QUICK
@given(body=any_text, kind=st.sampled_from(["text", "record"]), title=st.none() | st.text(max_size=40))
def test_clean_text_returns_article_or_source_error(body: str, kind: str, title: str | None) -> None:
    assert_clean_keeps_only_input_words(RawDocument("fuzz.txt", body, kind, title=title), body)


@QUICK
@given(paragraphs=st.lists(hostile_text, max_size=8), title=st.text(max_size=60))
def test_clean_html_returns_article_or_source_error(paragraphs: list[str], title: str) -> None:
    page = (
        f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title></head><body>"
        f"<nav>{NAV}</nav><article>"
        + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        + "</article></body></html>"
    )
    assert_clean_keeps_only_input_words(RawDocument("fuzz.html", page, "html"), "\n".join([title, NAV, *paragraphs]))


@QUICK
@given(
    soup=st.lists(
        st.one_of(
            st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<br>", "<li>", "<b>"]),
            word,
            st.sampled_from(HOSTILE),
            separator,
        ),
        max_size=200,
    ).map("".join)
)
def test_clean_arbitrary_markup_returns_article_or_source_error(soup: str) -> None:
    # Unescaped soup: trafilatura decodes entities, so the words it may keep are those of the decoded markup.
    assert_clean_keeps_only_input_words(RawDocument("soup.html", soup, "html"), html.unescape(soup))


# --- sentence splitter -------------------------------------------------------------------------------------------


@THOROUGH
@given(text=any_text)
def test_split_sentences_loses_and_invents_nothing(text: str) -> None:
    sentences = split_sentences(text)
    assert all(sentence and sentence == sentence.strip() for sentence in sentences)
    # Nothing is lost but the dash or bullet that opens a paragraph ("• Police said ..."), which is layout.
    paragraphs = [re.sub(r"^(?:[-–—•*·]+\s+)+", "", " ".join(p.split())) for p in re.split(r"\n+", text)]
    assert without_whitespace("".join(sentences)) == without_whitespace("".join(paragraphs))
    assert all("\n" not in sentence for sentence in sentences), "paragraphs never share a sentence"


# --- chunker -----------------------------------------------------------------------------------------------------


def whitespace_tokens(text: str) -> int:
    return len(text.split())


@pytest.fixture(scope="module")
def wordpiece_tokens():
    """Token counter of the embedded model's own tokenizer (WordPiece), read from its verified folder."""
    from transformers import AutoTokenizer

    from briefing.encoder.resolve import verified_embedded_folder

    tokenizer = AutoTokenizer.from_pretrained(str(verified_embedded_folder()), local_files_only=True)
    return lambda text: len(tokenizer(text, add_special_tokens=False)["input_ids"])


def assert_chunks_fit_and_cover(article: Article, count, max_tokens: int, overlap: int) -> None:
    chunks = chunk(article, count, max_tokens, overlap)
    event(
        "a sentence was cut into pieces"
        if any(c.end == c.start + 1 and c.text != article.sentences[c.start] for c in chunks)
        else "whole sentences only"
    )
    covered: set[int] = set()
    previous_start = 0
    for index, piece in enumerate(chunks):
        assert piece.index == index and piece.article_id == article.id
        assert count(piece.text) <= max_tokens, f"chunk of {count(piece.text)} tokens > {max_tokens}: {piece.text!r}"
        assert piece.token_count <= max_tokens
        assert previous_start <= piece.start < piece.end <= len(article.sentences), "chunks keep sentence order"
        previous_start = piece.start
        covered.update(range(piece.start, piece.end))
        if piece.end - piece.start > 1 or piece.text == article.sentences[piece.start]:
            assert piece.text == " ".join(article.sentences[piece.start : piece.end])
    assert covered == set(range(len(article.sentences))), "every sentence lands in a chunk"
    for position, sentence in enumerate(article.sentences):  # sentences cut into pieces come back whole, in order
        pieces = [c.text for c in chunks if (c.start, c.end) == (position, position + 1)]
        if pieces and sentence not in pieces:
            assert without_whitespace("".join(pieces)) == without_whitespace(sentence)


def article_from(text: str) -> Article:
    return Article(id="fuzz", source="fuzz.txt", title="t", sentences=tuple(split_sentences(text)))


@THOROUGH
@given(text=any_text, max_tokens=st.integers(1, 40), overlap=st.integers(0, 3))
def test_chunks_fit_whitespace_token_limit(text: str, max_tokens: int, overlap: int) -> None:
    assert_chunks_fit_and_cover(article_from(text), whitespace_tokens, max_tokens, overlap)


@QUICK
@given(text=any_text, max_tokens=st.integers(4, 64), overlap=st.integers(0, 2))
def test_chunks_fit_wordpiece_token_limit(wordpiece_tokens, text: str, max_tokens: int, overlap: int) -> None:
    assert_chunks_fit_and_cover(article_from(text), wordpiece_tokens, max_tokens, overlap)


# --- renderers ---------------------------------------------------------------------------------------------------

ACTIVE_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "frame",
    "frameset",
    "applet",
    "base",
    "form",
    "svg",
    "math",
    "img",
    "video",
    "audio",
    "link",
    "input",
    "button",
    "textarea",
    "template",
}


class ActiveContent(HTMLParser):
    """Collects what a browser could execute or load: active tags, event handlers, non-http(s) URLs, extra styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.styles = 0
        self.metas: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ACTIVE_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "style":
            self.styles += 1
        if tag == "meta":
            self.metas.append(dict(attrs))
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in {"href", "src", "action", "formaction", "xlink:href", "srcset", "background", "poster"}:
                target = re.sub(r"[\x00-\x20]", "", value or "").lower()
                if not target.startswith(("http://", "https://", "#")):
                    self.problems.append(f"{tag} {name}={value!r}")
            if name == "style":
                self.problems.append(f"{tag} style=")

    handle_startendtag = handle_starttag


@st.composite
def briefs(draw: st.DrawFn) -> Brief:
    text = hostile_text
    url = st.one_of(
        st.none(),
        st.sampled_from(
            [
                "https://example.org/a?b=1&c=<2>",
                "javascript:alert(1)",
                "data:text/html,<script>",
                " JaVaScRiPt:alert(1)",
                "http://x.test/(a)",
                "file:///etc/passwd",
            ]
        ),
        st.text(max_size=30),
    )
    story_count = draw(st.integers(1, 3))
    sources = tuple(
        Source(
            n,
            f"a{n}",
            draw(text),
            draw(text),
            url=draw(url),
            site=draw(st.none() | text),
            published=draw(st.none() | st.text(max_size=12)),
        )
        for n in range(1, story_count + 1)
    )
    stories = tuple(
        Story(
            id=f"story{n}",
            headline=draw(text),
            sentences=tuple(
                BriefSentence(draw(text), (n,), flagged=draw(st.booleans()), id=f"s{n}-{i}", story_id=f"story{n}")
                for i in range(1, draw(st.integers(1, 3)) + 1)
            ),
            sources=(n,),
            rank=n,
        )
        for n in range(1, story_count + 1)
    )
    skipped = tuple(Skipped(draw(text), draw(text)) for _ in range(draw(st.integers(0, 2))))
    return Brief(
        date=draw(st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))),
        title=draw(text.map(lambda title: title if title.strip() else "Daily Brief")),  # Settings refuses blank
        stories=stories,
        sources=sources,
        skipped=skipped,
        provenance=Provenance(briefing_version="0", model=draw(text), method="extractive", seconds=1.0),
    )


@QUICK
@given(brief=briefs())
def test_renderers_never_fail_and_html_has_no_active_content(brief: Brief) -> None:
    document = json.loads(render(brief, OutputFormat.json))
    assert document["title"] == brief.title
    assert [s["headline"] for s in document["stories"]] == [s.headline for s in brief.stories]
    assert [x["text"] for s in document["stories"] for x in s["sentences"]] == [
        x.text for s in brief.stories for x in s.sentences
    ]

    markdown = render(brief, OutputFormat.md)
    assert brief.date.isoformat() in markdown

    page = render(brief, OutputFormat.html)
    assert page.rstrip().endswith("</html>")
    parser = ActiveContent()
    parser.feed(page)
    parser.close()
    assert not parser.problems, parser.problems
    assert parser.styles <= 1, "only the page's own stylesheet"
    policies = [
        meta.get("content") or ""
        for meta in parser.metas
        if (meta.get("http-equiv") or "").lower() == "content-security-policy"
    ]
    assert len(policies) == 1 and "script-src" not in policies[0] and "default-src 'none'" in policies[0]
