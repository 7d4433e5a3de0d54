"""RSS/Atom feeds, as files and as URLs: full-text items read, teaser items followed, hostile feeds refused."""

from __future__ import annotations

import tracemalloc
from html import escape
from pathlib import Path

import pytest

from briefing.config import Settings
from briefing.ingest import ingest
from tests.local_server import article_page, cnn_articles, page, serve

ARTICLES = cnn_articles()
FEED_TYPE = "application/rss+xml"


def rss(items: str, title: str = "Test Wire") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{title}</title><link>https://wire.example/</link><description>News</description>"
        f"{items}</channel></rss>"
    )


def full_item(base: str) -> str:
    body = "".join(f"<p>{escape(sentence)}.</p>" for sentence in ARTICLES[0]["article"].split(". "))
    return (
        f"<item><title>Locke to be confirmed</title><link>{base}/full</link>"
        "<pubDate>Tue, 10 Jun 2025 08:00:00 GMT</pubDate><dc:creator>Ann Writer</dc:creator>"
        "<description>Gary Locke is set to be confirmed.</description>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
    )


def teaser_item(link: str, title: str = "Teaser story") -> str:
    return (
        f"<item><title>{title}</title><link>{link}</link>"
        "<pubDate>Wed, 11 Jun 2025 23:30:00 -0200</pubDate><dc:creator>Bob Editor</dc:creator>"
        "<description>Only the first lines of the story are in the feed, the rest is on the page…</description></item>"
    )


@pytest.fixture
def fast() -> Settings:
    # The feeds are served on 127.0.0.1: their item links are private addresses, allowed here on purpose.
    return Settings(fetch_timeout=0.5, fetch_deadline=2.0, allow_private_urls=True)


def test_feed_url_reads_full_items_follows_teasers_and_reports_dead_links(fast: Settings):
    routes = {"/story": page(article_page("Page headline", ARTICLES[1]["article"])), "/feed": None}
    with serve(routes) as server:
        feed = rss(
            full_item(server.base) + teaser_item(server.url("/story")) + teaser_item(server.url("/gone"), "Gone")
        )
        server.routes["/feed"] = page(feed, content_type=FEED_TYPE)
        result = ingest([server.url("/feed")], fast)
    full, followed = result.documents
    assert full.kind == "record"  # the feed carried the whole article: no page fetched for it
    assert (full.title, full.url, full.published, full.author, full.site) == (
        "Locke to be confirmed",
        server.url("/full"),
        "2025-06-10",
        "Ann Writer",
        None,  # the feed's title ("Test Wire") is not the outlet: clean takes it from the item's URL
    )
    assert "Gary Locke will be confirmed" in full.content and "<p>" not in full.content
    assert followed.kind == "html"  # the teaser's page, fetched
    assert followed.source == followed.url == server.url("/story")
    assert ARTICLES[1]["article"][:60] in followed.content
    # The feed's metadata wins over the page's; the date is the publisher's calendar day (23:30 at UTC-2).
    assert (followed.title, followed.published, followed.author) == ("Teaser story", "2025-06-11", "Bob Editor")
    assert [(s.source, s.reason) for s in result.skipped] == [(server.url("/gone"), "server answered 404 Not Found")]
    assert "/full" not in [path for path, _ in server.requests]


def test_feed_file_and_atom_file(tmp_path: Path, fast: Settings):
    with serve({"/story": page(article_page("Page", ARTICLES[2]["article"]))}) as server:
        feed_file = tmp_path / "wire.rss"
        feed_file.write_text(rss(teaser_item(server.url("/story"))), encoding="utf-8")
        atom_file = tmp_path / "wire.atom"
        content = escape("".join(f"<p>{s}.</p>" for s in ARTICLES[3]["article"].split(". ")))
        atom_file.write_text(
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title>'
            "<id>urn:wire</id><updated>2025-06-12T10:00:00Z</updated><entry><title>Atom story</title>"
            '<link href="https://wire.example/atom-story"/><id>urn:1</id><updated>2025-06-12T10:00:00Z</updated>'
            f'<author><name>Cy Reporter</name></author><content type="html">{content}</content></entry></feed>',
            encoding="utf-8",
        )
        result = ingest([str(feed_file), str(atom_file)], fast)
    assert result.skipped == ()
    followed, atom = result.documents
    assert followed.kind == "html" and followed.title == "Teaser story"
    assert (atom.kind, atom.title, atom.url, atom.published, atom.author, atom.site) == (
        "record",
        "Atom story",
        "https://wire.example/atom-story",
        "2025-06-12",
        "Cy Reporter",
        None,
    )
    from briefing.clean import clean

    assert clean(atom).site == "wire.example"  # the outlet is the URL's registered domain, never "Atom Wire"


def test_a_feed_with_many_items_is_read_up_to_the_cap_with_a_note(tmp_path: Path):
    feed_file = tmp_path / "big.xml"
    items = "".join(f"<item><title>T{n}</title><description>Teaser {n}</description></item>" for n in range(30))
    feed_file.write_text(rss(items))
    result = ingest([str(feed_file)], Settings(max_items_per_feed=5))
    assert result.documents == ()
    reasons = [s.reason for s in result.skipped]
    assert reasons[:5] == ["feed item has only a short summary and no http(s) link to its page"] * 5
    assert reasons[5:] == ["25 more feed items not read (max_items_per_feed = 5)"]


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">\n' for n in range(1, 10)
    )
    + ']>\n<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    '<rss version="2.0"><channel><title>x</title><item><title>&secret;</title>'
    "<description>&secret;</description></item></channel></rss>"
)


@pytest.mark.parametrize("feed", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_entity_tricks_are_refused_before_parsing_without_using_memory(tmp_path: Path, feed: str):
    feed_file = tmp_path / "evil.rss"
    feed_file.write_text(feed)
    tracemalloc.start()
    try:
        result = ingest([str(feed_file)], Settings())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.documents == ()
    [skipped] = result.skipped
    assert skipped.source == str(feed_file)
    assert skipped.reason == "feed declares XML entities (<!ENTITY>, DTD subset): refused as an expansion attack"
    assert peak < 20 * 1024 * 1024  # a billion laughs expanded would need gigabytes


def test_entity_tricks_served_by_url_are_refused_too(fast: Settings):
    with serve({"/evil": page(BILLION_LAUGHS, content_type="text/xml")}) as server:
        result = ingest([server.url("/evil")], fast)
    assert [s.reason for s in result.skipped] == [
        "feed declares XML entities (<!ENTITY>, DTD subset): refused as an expansion attack"
    ]


def test_an_old_rss_091_doctype_is_harmless_and_accepted(tmp_path: Path):
    feed_file = tmp_path / "old.rss"
    body = escape(ARTICLES[4]["article"])
    feed_file.write_text(
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        ' "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"><channel><title>Old</title>'
        f"<item><title>Caf\xe9 story</title><link>https://old.example/1</link><description>{body}</description></item>"
        "</channel></rss>",
        encoding="latin-1",
    )
    result = ingest([str(feed_file)], Settings())
    assert result.skipped == ()
    [document] = result.documents
    assert document.title == "Café story" and document.kind == "record"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("<rss version='2.0'><channel><title>Broken <<< &&& </rss", "malformed feed ("),
        ("<?xml version='1.0'?><catalog><book>Not a feed</book></catalog>", "XML that is not an RSS or Atom feed"),
        (rss(""), "feed has no items"),
    ],
    ids=["malformed", "not-a-feed", "no-items"],
)
def test_broken_feeds_get_a_one_line_reason(tmp_path: Path, content: str, reason: str):
    feed_file = tmp_path / "feed.xml"
    feed_file.write_text(content)
    result = ingest([str(feed_file)], Settings())
    [skipped] = result.skipped
    assert skipped.source == str(feed_file)
    assert skipped.reason.startswith(reason)
    assert "\n" not in skipped.reason


def test_a_page_fetched_for_a_feed_item_that_is_itself_a_feed_is_not_followed_further(fast: Settings):
    with serve({"/story": page(article_page("x", ARTICLES[0]["article"]))}) as server:
        inner = rss(teaser_item(server.url("/story")), title="Inner")
        server.routes["/inner"] = page(inner, content_type=FEED_TYPE)
        server.routes["/outer"] = page(rss(teaser_item(server.url("/inner"))), content_type=FEED_TYPE)
        result = ingest([server.url("/outer")], fast)
    assert result.documents == ()
    assert [s.reason for s in result.skipped] == [
        "feed item has only a short summary; pages of a fetched feed are not followed"
    ]
    assert "/story" not in [path for path, _ in server.requests]
