"""Per-article output: what `summarize` prints (one summary per article) and what `clean --format json` prints.

`summarize` is not a brief: each article shows its title, its summary sentences and, after each, the article
sentences it stands on (`(s4)`: the article's fourth sentence), and nothing else (no bottom line, contents or
sources). The same records feed every format, so JSON and Markdown never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from briefing.records import Article, Summary
from briefing.render.escape import escape_for_python_markdown, escape_markdown, plain_text


def summary_record(article: Article, summary: Summary) -> dict[str, Any]:
    """One article's summary as JSON values; citations are 0-based indexes into the article's sentences."""
    return {
        "source": article.source,
        "title": article.title,
        "summary": [s.text for s in summary.sentences],
        "citations": [list(s.citations) for s in summary.sentences],
        # --guard flag keeps unsupported generated sentences: say which, and why
        "flagged": [s.flagged for s in summary.sentences],
        "reasons": [s.reason for s in summary.sentences],
    }


def article_record(article: Article) -> dict[str, Any]:
    """What the cleaner kept of one source, and the metadata it found (`clean --format json/jsonl`)."""
    return {
        "source": article.source,
        "title": article.title,
        "text": "\n".join(article.sentences),
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "author": article.author,
        "site": article.site,
        "language": article.language,
        "word_count": article.word_count,
        "truncated": article.truncated,
    }


def json_lines(records: Sequence[dict[str, Any]]) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def json_list(records: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"


def summaries_markdown(articles: Sequence[Article], summaries: Sequence[Summary], *, for_html: bool = False) -> str:
    """Per article: `## title`, then its summary sentences as a list, each followed by its citations."""
    escape = escape_for_python_markdown if for_html else escape_markdown
    blocks = []
    for article, summary in zip(articles, summaries, strict=True):
        lines = [f"## {escape(article.title) or escape(article.source)}", ""]
        for sentence in summary.sentences:
            cited = ", ".join(f"s{i + 1}" for i in sentence.citations)
            mark = f" ({cited})" if cited else ""
            unverified = (
                f" **(unverified{': ' + escape(sentence.reason) if sentence.reason else ''})**"
                if sentence.flagged
                else ""
            )
            lines.append(f"- {escape(sentence.text)}{mark}{unverified}")
        if not summary.sentences:
            lines.append("*(no summary)*")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def summaries_page(articles: Sequence[Article], summaries: Sequence[Summary]) -> str:
    """The same list as a self-contained, sanitised HTML page (same sanitiser and stylesheet as brief.html)."""
    from markupsafe import Markup

    from briefing.render.html import markdown_to_html, render_html_template, sanitize

    body = sanitize(markdown_to_html(summaries_markdown(articles, summaries, for_html=True)))
    title = plain_text(articles[0].title) if len(articles) == 1 else f"{len(articles)} article summaries"
    return render_html_template("summaries.html.j2", title=title, body=Markup(body))
