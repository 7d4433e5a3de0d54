"""Where exported records keep an article's fields, under the names the common exports give them.

A record is one JSON object. Its fields are looked up by name, case and separators ignored (`fullText`, `full_text`
and `FullText` are one name), in the object itself and then in the objects some exports nest the article under
(the Guardian's `fields`, Elasticsearch's `_source`, JSON:API's `attributes`, GraphQL's `node`). The names, first
match wins:

- body: `text`, `article`, `content`, `body`, `maintext` (news-please), `fullText`, `bodyText`, `articleBody`
  (schema.org), `story`, `html`, `content_html` / `content_text` (JSON Feed), `paragraphs` (a list of paragraphs);
  only when none has text, a teaser: `description`, `summary`, `abstract`, `snippet`, `excerpt`, `lead_paragraph`
  (the article is then marked cut off);
- title: `title`, `headline`, `webTitle`; url: `url`, `link`, `webUrl`, `permalink`, `canonical_url`, `href`;
- published: `published`, `date`, `publishedAt`, `pubDate`, `date_publish`, `datePublished`,
  `webPublicationDate`, `publish_date`, `dateTime`, `isoDate`, `created_at`, `timestamp` (an ISO or RFC 2822 date,
  or seconds / milliseconds since 1970);
- author: `author`, `authors`, `byline`, `creator`, `dc:creator`; site: `site`, `sitename`, `site_name`, `source`,
  `source_domain`, `publisher`, `hostname`, `outlet`; id: `id`, `guid`, `uuid`, `_id`.

A field may hold a string, or the shapes exports wrap one in: WordPress's `{"rendered": …}`, the New York Times'
`{"main": …}` headline and `{"original": …}` byline, `{"name": …}` authors and sources, lists of authors.
NewsAPI's `content` ends "… [+3190 chars]": the marker is dropped and the article marked cut off.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence

BODY_FIELDS = (
    "text",
    "article",
    "content",
    "body",
    "maintext",
    "fulltext",
    "bodytext",
    "articlebody",
    "story",
    "html",
    "contenthtml",
    "contenttext",
    "paragraphs",
)
TEASER_FIELDS = ("description", "summary", "abstract", "snippet", "excerpt", "leadparagraph")
TITLE_FIELDS = ("title", "headline", "webtitle")
URL_FIELDS = ("url", "link", "weburl", "permalink", "canonicalurl", "href")
DATE_FIELDS = (
    "published",
    "date",
    "publishedat",
    "pubdate",
    "datepublish",
    "datepublished",
    "webpublicationdate",
    "publishdate",
    "publicationdate",
    "datetime",
    "isodate",
    "createdat",
    "timestamp",
)
AUTHOR_FIELDS = ("author", "authors", "byline", "creator", "dccreator")
SITE_FIELDS = ("site", "sitename", "source", "sourcedomain", "publisher", "hostname", "outlet")
ID_FIELDS = ("id", "guid", "uuid", "_id")
NESTED_FIELDS = ("fields", "_source", "attributes", "node")  # objects some exports put the article's fields in
# Inside a wrapped value: WordPress {"rendered"}, NYT {"main"} / {"original"}, {"name"} for people and outlets.
# MongoDB's extended JSON {"$date"} / {"$oid"} too.
_WRAPPED_TEXT = ("rendered", "main", "original", "name", "title", "text", "value", "#text", "$date", "$oid")
_CUT_OFF_MARKER = re.compile(r"\s*(?:…|\.\.\.)?\s*\[\+\d[\d,]* chars\]\s*$")  # NewsAPI's "… [+3190 chars]"
_SEPARATORS = re.compile(r"[\s_:\-.]+")
EPOCH_SECONDS = (946_684_800, 4_102_444_800)  # 2000-01-01 .. 2100-01-01: a number outside is no publication time


def field_key(name: str) -> str:
    """A field's name as looked up: lower case, no separators (`fullText`, `full_text` -> `fulltext`)."""
    return _SEPARATORS.sub("", name.lower()) if not name.startswith("_") else "_" + _SEPARATORS.sub("", name.lower())


class RecordFields:
    """One record's fields by their looked-up names: the object's own first, then those of its nested objects."""

    def __init__(self, item: Mapping[str, object]) -> None:
        self.given_names = [str(name) for name in item]  # as the record spells them, for a reader
        self.layers: list[dict[str, object]] = [keyed_fields(item)]
        for nested in NESTED_FIELDS:
            value = self.layers[0].get(nested)
            if isinstance(value, Mapping):
                self.layers.append(keyed_fields(value))

    def values(self, names: Sequence[str]) -> Iterator[object]:
        for name in names:
            for layer in self.layers:
                if name in layer:
                    yield layer[name]

    def text(self, names: Sequence[str]) -> str | None:
        """The first of `names` holding text (a string, a wrapped string, a list of strings joined)."""
        return next((text for value in self.values(names) if (text := as_text(value))), None)

    def has_article_text(self) -> bool:
        """Whether a body field (not only a teaser) holds text: a wrapper object with a feed's description is not
        an article."""
        return self.text(BODY_FIELDS) is not None

    def body(self) -> tuple[str, bool] | None:
        """The article text and whether it is cut off (a teaser, or NewsAPI's truncated content)."""
        for names, teaser in ((BODY_FIELDS, False), (TEASER_FIELDS, True)):
            text = self.text(names)
            if text is None:
                continue
            cut = _CUT_OFF_MARKER.search(text)
            if cut is not None:
                return text[: cut.start()].rstrip() + "…", True
            return text, teaser
        return None

    def date(self) -> str | None:
        for value in self.values(DATE_FIELDS):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if (day := epoch_day(value)) is not None:
                    return day
                continue
            if text := as_text(value):
                return text
        return None


def as_text(value: object, separator: str = "\n\n") -> str | None:
    """A field's text: a string, a number, a wrapped string, or a list of those joined by `separator`."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, Mapping):
        keyed = keyed_fields(value)
        return next((text for name in _WRAPPED_TEXT if (text := as_text(keyed.get(name), separator))), None)
    if isinstance(value, list):
        parts = [text for item in value if (text := as_text(item, separator))]
        return separator.join(parts) or None
    return None


def people(value: object) -> str | None:
    """An author field as one line: "A, B" from a list of names or of {"name": …} objects."""
    return as_text(value, ", ") if isinstance(value, list) else as_text(value)


def epoch_day(value: float) -> str | None:
    """The day of a Unix time in seconds or milliseconds (UTC), when it falls in this century."""
    seconds = value / 1000 if value > EPOCH_SECONDS[1] else value
    if not EPOCH_SECONDS[0] <= seconds < EPOCH_SECONDS[1]:
        return None
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).date().isoformat()


def keyed_fields(item: Mapping[str, object]) -> dict[str, object]:
    """The object's fields under their looked-up names (`field_key`)."""
    keyed: dict[str, object] = {}
    for name, value in item.items():
        keyed.setdefault(field_key(str(name)), value)  # `title` and `Title` in one object: the first
    return keyed
