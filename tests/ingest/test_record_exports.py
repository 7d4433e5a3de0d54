"""Records as the common exports and APIs write them (briefing/ingest/record_fields.py): the article's text and
metadata under their names and wrappers, the list found inside the response, and teasers marked cut off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.config import Settings
from briefing.ingest import ingest
from briefing.ingest.record_fields import epoch_day, field_key
from briefing.records import RawDocument

BODY = "The council voted on Tuesday to close the bridge for repairs. Work starts in March."


def _read(tmp_path: Path, payload: object, name: str = "export.json") -> tuple[list[RawDocument], dict[str, str]]:
    path = tmp_path / name
    path.write_text(json.dumps(payload), encoding="utf-8")
    result = ingest([str(path)], Settings())
    return list(result.documents), {item.source.removeprefix(str(path)): item.reason for item in result.skipped}


def _fields(document: RawDocument) -> tuple[str, str | None, str | None, str | None, str | None, str | None, bool]:
    return (
        document.content,
        document.title,
        document.url,
        document.published,
        document.author,
        document.site,
        document.truncated,
    )


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        pytest.param(  # NewsAPI: a wrapper, `source.name`, `publishedAt`, content cut with "[+N chars]"
            {
                "status": "ok",
                "totalResults": 1,
                "articles": [
                    {
                        "source": {"id": None, "name": "Wire Daily"},
                        "author": "Ann Lee",
                        "title": "Bridge to close",
                        "description": "A teaser.",
                        "url": "https://wire.example/bridge",
                        "publishedAt": "2026-11-30T08:00:00Z",
                        "content": BODY + " The mayor said… [+2190 chars]",
                    }
                ],
            },
            (
                BODY + " The mayor said…",
                "Bridge to close",
                "https://wire.example/bridge",
                "2026-11-30",
                "Ann Lee",
                "Wire Daily",
                True,
            ),
            id="newsapi",
        ),
        pytest.param(  # the Guardian: response.results, the article under `fields`
            {
                "response": {
                    "status": "ok",
                    "results": [
                        {
                            "webTitle": "Bridge to close",
                            "webUrl": "https://paper.example/bridge",
                            "webPublicationDate": "2026-11-29T10:00:00Z",
                            "fields": {"bodyText": BODY, "byline": "Ann Lee"},
                        }
                    ],
                }
            },
            (BODY, "Bridge to close", "https://paper.example/bridge", "2026-11-29", "Ann Lee", None, False),
            id="guardian",
        ),
        pytest.param(  # the New York Times: response.docs, wrapped headline and byline, only an abstract
            {
                "response": {
                    "docs": [
                        {
                            "abstract": BODY,
                            "web_url": "https://times.example/bridge",
                            "headline": {"main": "Bridge to close", "kicker": "Metro"},
                            "pub_date": "2026-11-28T05:00:00+0000",
                            "byline": {"original": "By Ann Lee"},
                        }
                    ]
                }
            },
            (BODY, "Bridge to close", "https://times.example/bridge", "2026-11-28", "By Ann Lee", None, True),
            id="nyt-abstract",
        ),
        pytest.param(  # WordPress REST: {"rendered": …} wrappers, HTML content
            [
                {
                    "id": 7,
                    "date": "2026-11-27T09:00:00",
                    "link": "https://blog.example/bridge",
                    "title": {"rendered": "Bridge to close"},
                    "content": {"rendered": f"<p>{BODY}</p>", "protected": False},
                }
            ],
            (f"<p>{BODY}</p>", "Bridge to close", "https://blog.example/bridge", "2026-11-27", None, None, False),
            id="wordpress",
        ),
        pytest.param(  # Elasticsearch: hits.hits[]._source, news-please's field names, a list of authors
            {
                "hits": {
                    "total": 1,
                    "hits": [
                        {
                            "_id": "x1",
                            "_source": {
                                "maintext": BODY,
                                "title": "Bridge to close",
                                "date_publish": "2026-11-26 07:00:00",
                                "authors": ["Ann Lee", "Bo Chan"],
                                "source_domain": "wire.example",
                            },
                        }
                    ],
                }
            },
            (BODY, "Bridge to close", None, "2026-11-26", "Ann Lee, Bo Chan", "wire.example", False),
            id="elasticsearch-news-please",
        ),
        pytest.param(  # JSON Feed 1.1: its own description is no article; items with content_text
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": "Wire feed",
                "description": "Everything the wire sends.",
                "items": [
                    {
                        "id": "1",
                        "url": "https://wire.example/1",
                        "title": "Bridge to close",
                        "content_text": BODY,
                        "date_published": "2026-11-25T06:00:00Z",
                        "authors": [{"name": "Ann Lee"}],
                    }
                ],
            },
            (BODY, "Bridge to close", "https://wire.example/1", "2026-11-25", "Ann Lee", None, False),
            id="json-feed",
        ),
        pytest.param(  # camelCase, a list of paragraphs, a Unix time in milliseconds, a source given as a URL
            {
                "Headline": "Bridge to close",
                "paragraphs": BODY.split(". "),
                "timestamp": 1764460800000,
                "source": "https://www.wire.example/feed",
            },
            (BODY.replace(". ", "\n\n", 1), "Bridge to close", None, "2025-11-30", None, "wire.example", False),
            id="paragraphs-epoch",
        ),
    ],
)
def test_exports_give_their_article_and_metadata(tmp_path: Path, payload: object, expected: tuple[object, ...]) -> None:
    documents, skipped = _read(tmp_path, payload)
    assert skipped == {}
    [document] = documents
    assert _fields(document) == expected


def test_the_list_inside_a_wrapper_is_read_record_by_record(tmp_path: Path) -> None:
    payload = {"data": {"articles": [{"text": BODY}, {"title": "no text", "description": ""}, {"fullText": BODY}]}}
    documents, skipped = _read(tmp_path, payload)
    assert [d.source.rsplit("[", 1)[1] for d in documents] == ["1]", "3]"]
    assert skipped == {
        "[2]": "record has no article text (no `text`, `article`, `content`, `body` or similar field with text; "
        "it has `title`, `description`)"
    }


def test_a_record_with_text_and_a_teaser_keeps_its_text_whole(tmp_path: Path) -> None:
    [document], _ = _read(tmp_path, {"summary": "Short.", "article": BODY, "title": "T", "source": "cnn"})
    assert (document.content, document.truncated, document.site) == (BODY, False, "cnn")


def test_field_names_are_matched_without_case_or_separators() -> None:
    assert {field_key(name) for name in ("fullText", "full_text", "Full-Text", "FULLTEXT")} == {"fulltext"}
    assert field_key("_source") == "_source" and field_key("dc:creator") == "dccreator"


@pytest.mark.parametrize(
    ("value", "day"),
    [(1764460800, "2025-11-30"), (1764460800000, "2025-11-30"), (12, None), (9e18, None)],
)
def test_unix_times_in_seconds_or_milliseconds(value: float, day: str | None) -> None:
    assert epoch_day(value) == day


def test_a_teaser_record_is_an_excerpt_in_the_brief(tmp_path: Path) -> None:
    from briefing.clean import clean

    long_body = (
        BODY
        + " The mayor said the closure would last six weeks and cost shops on the bridge road a third of their trade."
    )
    documents, _ = _read(tmp_path, {"title": "Bridge to close", "description": long_body})
    assert clean(documents[0]).truncated  # the brief marks the story "excerpt"
    documents, _ = _read(tmp_path, {"title": "Bridge to close", "text": long_body})
    assert not clean(documents[0]).truncated
