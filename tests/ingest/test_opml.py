"""OPML feed lists (what feed readers export) as a SOURCE: each feed they name is fetched and read."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.config import Settings
from briefing.errors import SourceError
from briefing.ingest import ingest
from briefing.ingest.opml import opml_feeds
from tests.local_server import cnn_articles, page, serve


def title(article: dict[str, str]) -> str:
    return " ".join(article["article"].split()[:6])


def feed_of(articles: list[dict[str, str]]) -> str:
    items = "".join(
        f"<item><title>{title(a)}</title><link>https://news.example/{n}</link>"
        f"<description><![CDATA[<p>{a['article']}</p>]]></description></item>"
        for n, a in enumerate(articles)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'


def opml(*outlines: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head><title>Subscriptions</title></head>'
        f"<body>{''.join(outlines)}</body></opml>"
    )


def test_every_feed_of_an_opml_file_is_read_folders_included(tmp_path: Path):
    articles = cnn_articles()
    routes = {
        "/a.rss": page(feed_of(articles[:2]), "application/rss+xml"),
        "/b.rss": page(feed_of(articles[2:3]), "application/rss+xml"),
    }
    with serve(routes) as server:
        path = tmp_path / "subs.opml"
        path.write_text(
            opml(
                f'<outline text="News"><outline text="A" type="rss" xmlUrl="{server.url("/a.rss")}"/></outline>',
                f'<outline text="B" xmlUrl="{server.url("/b.rss")}"/>',
                '<outline text="Local" xmlUrl="file:///etc/passwd"/>',
            ),
            encoding="utf-8",
        )
        result = ingest([str(path)], Settings())
    assert [d.title for d in result.documents] == [title(a) for a in articles[:3]]
    assert [(s.source, s.reason) for s in result.skipped] == [
        (f"{path}: Local", "file:///etc/passwd: only http and https URLs are fetched (file scheme refused)")
    ]


def test_an_opml_file_named_xml_is_recognised():
    listed = opml_feeds(
        "subs.xml", opml('<outline xmlUrl="https://a.example/rss"/>', '<outline xmlUrl="https://a.example/rss"/>')
    )
    assert listed.urls == ("https://a.example/rss",)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (opml('<outline text="folder only"/>'), "OPML file lists no http(s) feed"),
        ("<opml><body><outline", "malformed OPML"),
        (
            '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body>&a;</body></opml>',
            "OPML file declares XML entities",
        ),
    ],
)
def test_a_bad_opml_file_is_one_reason(tmp_path: Path, text: str, reason: str):
    path = tmp_path / "subs.opml"
    path.write_text(text, encoding="utf-8")
    result = ingest([str(path)], Settings())
    assert result.documents == ()
    assert result.skipped[0].reason.startswith(reason)
    with pytest.raises(SourceError):
        opml_feeds(str(path), text)
