"""Stage 2, clean: RawDocument -> Article. Boilerplate goes, the body is split into sentences, metadata is found.

HTML goes through trafilatura (body + metadata). Plain-text dumps go through a block filter that decides, line by
line, what belongs to the article. JSON records are already article text and are only normalised.
"""

from __future__ import annotations

import re

from briefing.errors import SourceError
from briefing.records import Article, RawDocument
from briefing.text import content_hash, normalize_whitespace, split_sentences

MIN_ARTICLE_WORDS = 25
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]{2,40}(?:,\s*[A-Z][\w .'-]{2,40})?\s+[—–-]{1,2}\s")
_ENDS_MIDWAY = re.compile(r"(?:…|\.\.\.|[^.!?\"'”’)\]])\s*$")


def clean(document: RawDocument) -> Article:
    """Clean one document, or raise SourceError saying why it holds no article."""
    if document.kind == "html":
        title, body, meta = _clean_html(document)
    elif document.kind == "text":
        title, body = _clean_text_dump(document.content)
        meta = {}
    else:
        title, body, meta = document.title, document.content, {}
    title = normalize_whitespace(document.title or title or meta.get("title") or "")
    sentences = tuple(split_sentences(body))
    word_count = sum(len(s.split()) for s in sentences)
    if word_count < MIN_ARTICLE_WORDS:
        raise SourceError(document.source, f"no article text found ({word_count} words after cleaning)")
    if not title:
        title = _title_from(sentences[0])
    return Article(
        id=content_hash(body),
        source=document.source,
        title=title,
        sentences=sentences,
        url=document.url or meta.get("url"),
        published=document.published or meta.get("date"),
        author=document.author or meta.get("author"),
        site=document.site or meta.get("sitename"),
        language=meta.get("language"),
        truncated=bool(_ENDS_MIDWAY.search(sentences[-1])),
    )


def _title_from(sentence: str, limit: int = 12) -> str:
    words = sentence.split()
    return " ".join(words[:limit]) + ("…" if len(words) > limit else "")


def _clean_html(document: RawDocument) -> tuple[str | None, str, dict[str, str]]:
    import trafilatura

    result = trafilatura.bare_extraction(
        document.content, url=document.url, include_comments=False, with_metadata=True, favor_precision=False
    )
    if result is None:
        raise SourceError(document.source, "HTML page holds no article text")
    data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    body = data.get("text") or ""
    meta = {key: str(value) for key, value in data.items() if value and key != "text"}
    return data.get("title"), body, meta


def _is_article_line(line: str) -> bool:
    words = line.split()
    if len(words) < 8:
        return False
    if not re.search(r"[.!?…\"”’]$", line):
        return False
    lowered = line.lower()
    return not any(marker in lowered for marker in ("cookie", "subscribe", "newsletter", "read more:"))


def _clean_text_dump(content: str) -> tuple[str | None, str]:
    """First line-level filter: keep sentence-like lines, take a short first line as the headline."""
    lines = [normalize_whitespace(line) for line in content.splitlines()]
    lines = [line for line in lines if line]
    title = None
    if lines and len(lines[0].split()) <= 20 and not re.search(r"[.!?]$", lines[0]):
        title = lines[0]
    kept = [line for line in lines if _is_article_line(line) or _DATELINE.match(line)]
    return title, "\n".join(kept)
