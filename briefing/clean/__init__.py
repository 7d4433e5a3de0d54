"""Stage 2, clean: RawDocument -> Article. Boilerplate goes, the body is split into sentences, metadata is found.

- "html": trafilatura's extraction, checked block by block by a learned model (`briefing/clean/html.py`); the
  text-dump model takes over when trafilatura finds nothing. That text, trafilatura's with its fallbacks and
  readability-lxml's are compared, and the one that agrees most with the others is kept (`candidates.py`).
  Metadata from meta tags, JSON-LD and htmldate.
- "text": a plain-text file. When it is already an article (prose lines, no furniture: `briefing/clean/plain.py`)
  every sentence is kept and a title line is read as the title, its header and credit lines (byline, timestamp,
  labelled headers, Markdown markup, "Reporting by …", "© …") read into the metadata and left out
  (`briefing/clean/headers.py`); otherwise it is a scraped dump of a whole page and a
  learned block classifier keeps the article's lines (`briefing/clean/dump.py`); the headline becomes the title,
  dates and bylines are read from the lines around it.
- "record": JSON/JSONL/feed record text: article text, less its furniture lines (captions, credits, player and
  share widgets: `briefing/clean/furniture.py`) and its header and credit lines (read as for a plain article; the
  record's own fields win).

Whatever the kind, a text that is only a page's notice (a Twitter widget, a web archive's crawl notice, a cookie
wall, a missing page: `briefing/clean/notice.py`) is refused as no article.

Models are retrained with `python scripts/train_cleaner.py` (see that module).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from briefing.clean.dump import MAX_DUMP_CHARS, clean_dump, dump_model, select_blocks
from briefing.clean.features import page_features
from briefing.clean.furniture import drop_furniture_lines, is_foreign_label_line, is_furniture_line
from briefing.clean.headers import HeaderReading, read_headers, without_markdown
from briefing.clean.headline import HEADLINE_WORDS, headline_from_sentence
from briefing.clean.metadata import (
    find_byline,
    find_date,
    guess_language,
    is_truncated,
    site_from_url,
    without_site_name,
)
from briefing.clean.notice import page_notice
from briefing.clean.plain import may_be_plain_article, read_plain_article
from briefing.clean.prose import find_dateline, is_prose, reads_like_title
from briefing.errors import SourceError
from briefing.records import Article, RawDocument
from briefing.shown import usable_url
from briefing.text import (
    MAX_TITLE_CHARS,
    content_hash,
    normalize_whitespace,
    repair_c1_controls,
    shorten,
    split_sentences,
)

MIN_ARTICLE_WORDS = 25
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u0e00-\u0e7f]")
# Control characters, zero-width characters and marks (U+200B-U+200F, U+2060-U+2064, U+FEFF), soft hyphens (U+00AD)
# and the Mongolian vowel separator: invisible, and each one splits a word for every later step.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u180e\u200b-\u200f\u2028\u2029\u2060-\u2064\ufeff]")


@dataclass
class _Found:
    """What one input kind's cleaner found: body paragraphs and whatever metadata it could read."""

    title: str | None
    paragraphs: list[str]
    meta: dict[str, str | None] = field(default_factory=dict)
    cut_off: bool = False  # the page shows the body was cut (a paywall stub such as "All..." right after it)


def clean(document: RawDocument) -> Article:
    """Clean one document, or raise SourceError saying why it holds no article."""
    if document.kind == "html":
        found = _clean_html(document)
    elif document.kind == "text":
        found = _clean_text(document)
    else:
        found = _clean_record(document)
    body = "\n".join(_normalise(paragraph) for paragraph in found.paragraphs)
    sentences = tuple(split_sentences(body))
    word_count = _word_count(body)
    notice = page_notice(body)
    if notice is not None:  # a scraped page that held no article: a widget, a crawl notice, a cookie wall
        raise SourceError(document.source, f"not an article: {notice}, no article prose ({word_count} words)")
    if word_count < MIN_ARTICLE_WORDS:
        if document.kind == "html":
            raise SourceError(document.source, f"HTML page holds no article text ({word_count} words after cleaning)")
        raise SourceError(document.source, f"no article text found ({word_count} words after cleaning)")
    title = normalize_whitespace(without_markdown(_normalise(document.title or found.title or "")))
    if not title:
        title = _title_from(sentences[0])
    meta = found.meta
    url = document.url or meta.get("url")
    if url is not None and not usable_url(url):  # a page's own canonical link can be as malformed as any field
        url = None
    site = document.site or meta.get("site") or site_from_url(url)
    return Article(
        id=content_hash(body),
        source=document.source,
        title=shorten(without_site_name(title, site, url), MAX_TITLE_CHARS),
        sentences=sentences,
        url=url,
        published=_day(_iso_date(document.published) or meta.get("date")),
        author=document.author or meta.get("author"),
        site=site,
        language=meta.get("language") or guess_language(body),
        # A record's teaser or cut content, a text cut at the input cap: the body is the start of the article. (An HTML
        # page cut at the cap has usually lost its footer, not its article: its body says whether it stops short.)
        truncated=(document.truncated and document.kind != "html") or found.cut_off or is_truncated(sentences[-1]),
        dateline=meta.get("dateline"),
    )


def _word_count(text: str) -> int:
    """Words, counting scripts written without spaces (Japanese, Chinese, Thai) at two characters a word."""
    return len(text.split()) + len(_UNSPACED.findall(text)) // 2


def _normalise(text: str) -> str:
    """NFC, cp1252 punctuation repaired, no control or zero-width characters; newlines kept (paragraph breaks)."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", repair_c1_controls(text)))


def _iso_date(value: str | None) -> str | None:
    return find_date(value) if value else None


def _day(iso: str | None) -> dt.date | None:
    """The day of an ISO date (YYYY-MM-DD, as find_date and htmldate give); anything else is undated."""
    try:
        return dt.date.fromisoformat(iso[:10]) if iso else None
    except ValueError:
        return None


def _title_from(sentence: str) -> str:
    """An untitled article's headline: its lead's main clause, compressed (never the sentence cut off with "…")."""
    return headline_from_sentence(sentence) or " ".join(sentence.split()[:HEADLINE_WORDS])


def _clean_record(document: RawDocument) -> _Found:
    text = drop_furniture_lines(_normalise(document.content))
    headers = read_headers(text.split("\n"))
    lines = list(headers.lines)
    title = headers.title
    if title is None and headers.head_dropped:
        # "Title / By X / Updated …" opening the text: the line above the byline and the date is the headline
        filled = [index for index, line in enumerate(lines) if line.strip()]
        if len(filled) > 1 and reads_like_title(lines[filled[0]].strip()) and is_prose(lines[filled[1]].strip()):
            title = " ".join(lines.pop(filled[0]).split())
    if headers.head_dropped or headers.tail_dropped or headers.lines != tuple(text.split("\n")):
        text = "\n".join(lines)
    first = next((line for line in text.splitlines() if line.strip()), "")
    meta = _header_meta(headers)
    meta["dateline"] = find_dateline(first.strip())
    return _Found(document.title or title, [text], meta)


def _header_meta(headers: HeaderReading) -> dict[str, str | None]:
    """The fields a text's header lines gave; the document's own fields win over them (`clean`)."""
    return {"author": headers.author, "date": headers.date, "url": headers.url, "site": headers.site}


def _clean_text(document: RawDocument) -> _Found:
    content = document.content[:MAX_DUMP_CHARS]
    normalised = _normalise(content)
    plain = read_plain_article(drop_furniture_lines(normalised)) if may_be_plain_article(normalised) else None
    if plain is not None:
        found = _header_meta(plain.headers)
        found["dateline"] = plain.dateline
        return _Found(document.title or plain.title, list(plain.paragraphs), found)
    selection = clean_dump(content, document.title)
    nearby = selection.nearby
    meta: dict[str, str | None] = {
        "date": next((date for date in (find_date(line) for line in nearby) if date), None),
        "author": find_byline(nearby),
        "dateline": find_dateline(selection.body[0]) if selection.body else None,
    }
    # The model reads the page as it is (its furniture lines are evidence of where the article ends); what it keeps
    # still loses any caption or widget line.
    body = [line for line in selection.body if not is_furniture_line(line)]
    return _Found(selection.title, body, meta, selection.cut_off)


def _clean_html(document: RawDocument) -> _Found:
    from briefing.clean.candidates import agreed_paragraphs
    from briefing.clean.html import page_view, select_html

    view = page_view(document.content, document.url)
    if view is None or not view.blocks.texts:
        raise SourceError(document.source, "HTML page holds no text (unparseable or empty markup)")
    features = page_features(view.blocks, view.title)  # both models read the same block features
    selection = select_html(view, features)
    if _word_count("\n".join(selection.body)) < MIN_ARTICLE_WORDS:
        # trafilatura found no article: let the text-dump model read the page's blocks instead.
        model = dump_model()
        probabilities = model.probabilities(features)
        selection = select_blocks(view.blocks, model.keep(probabilities), view.title)
    metadata = view.metadata
    titles = [title for title in (selection.title, metadata.title, view.title) if title]
    paragraphs = agreed_paragraphs(view, list(selection.body), titles)
    # The block model reads English furniture words only: a label line in another language is dropped here.
    paragraphs = [paragraph for paragraph in paragraphs if not is_foreign_label_line(paragraph)]
    nearby = selection.nearby
    meta: dict[str, str | None] = {
        "url": metadata.url,
        "site": metadata.site,
        "author": metadata.author or find_byline(nearby),
        "date": metadata.date or next((date for date in (find_date(line) for line in nearby) if date), None),
        "language": metadata.language,
    }
    return _Found(selection.title or metadata.title, paragraphs, meta, selection.cut_off)
