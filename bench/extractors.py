"""The extractors `bench/clean.py` compares, each as `(content, url) -> text`, and the trafilatura snippet scoring.

Anchors: trafilatura with its defaults (its fallbacks on: readability-lxml and jusText are tried when its own result
looks poor), trafilatura `fast=True` (no fallbacks: what our HTML path builds on), readability-lxml alone, jusText on
a page's paragraphs (or on a dump's lines), and the raw input.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from briefing.clean import clean
from briefing.errors import SourceError
from briefing.records import RawDocument

Extractor = Callable[[str, str | None], str]
_WHITESPACE = re.compile(r"\s+")
_COUNTS = re.compile(r"\s*\(\d+ words[^)]*\)")


def ours(kind: str, refusals: Counter[str] | None = None) -> Extractor:
    """The product's cleaner; each refusal's reason (its word count left out) is counted in `refusals`."""

    def run(content: str, url: str | None) -> str:
        try:
            article = clean(RawDocument(source="bench", content=content, kind=kind, url=url))  # type: ignore[arg-type]
        except SourceError as error:
            if refusals is not None:
                refusals[refusal_reason(error.reason)] += 1
            return ""
        return "\n".join(article.sentences)

    return run


def refusal_reason(reason: str) -> str:
    """A refusal's reason without its counts: "no article text found (12 words after cleaning)" -> "no article text
    found"."""
    return _COUNTS.sub("", reason).strip()


def raw(content: str, url: str | None) -> str:
    return content


def justext_lines(content: str, url: str | None) -> str:
    import justext

    lines = [line for line in content.splitlines() if line.strip()]
    markup = "<html><body>" + "".join(f"<p>{html.escape(line)}</p>" for line in lines) + "</body></html>"
    paragraphs = justext.justext(markup.encode("utf-8"), justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def justext_html(content: str, url: str | None) -> str:
    import justext

    try:
        paragraphs = justext.justext(content.encode("utf-8", "replace"), justext.get_stoplist("English"))
    except Exception:  # jusText raises on markup lxml cannot parse: an empty answer, as a user would get
        return ""
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def trafilatura_default(content: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(content, url=url) or ""


def trafilatura_no_comments(content: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(content, url=url, include_comments=False) or ""


def trafilatura_fast(content: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(content, url=url, include_comments=False, fast=True) or ""


def readability_lxml(content: str, url: str | None) -> str:
    import lxml.html
    from readability import Document

    try:
        summary = Document(content, url=url).summary(html_partial=True)
        tree = lxml.html.fromstring(summary)
    except Exception:  # readability raises on empty or unparseable markup
        return ""
    try:
        for block in tree.iter("p", "div", "li", "h1", "h2", "h3", "h4", "br", "tr"):
            block.tail = "\n" + (block.tail or "")
    except ValueError:  # a tail holding a control character cannot be set back: the text, without line breaks
        pass
    return tree.text_content()


@dataclass
class SnippetScore:
    """trafilatura's evaluation (tests/eval_common.py): `with` snippets found are true positives, `without` snippets
    found are false positives, after collapsing whitespace."""

    true_positives: int = 0
    false_negatives: int = 0
    false_positives: int = 0
    true_negatives: int = 0

    def add(self, extracted: str, keep: list[str], drop: list[str]) -> None:
        text = _WHITESPACE.sub(" ", extracted)
        for snippet in keep:
            if _WHITESPACE.sub(" ", snippet).strip() in text:
                self.true_positives += 1
            else:
                self.false_negatives += 1
        for snippet in drop:
            if _WHITESPACE.sub(" ", snippet).strip() in text:
                self.false_positives += 1
            else:
                self.true_negatives += 1

    @property
    def precision(self) -> float:
        return self.true_positives / max(1, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return self.true_positives / max(1, self.true_positives + self.false_negatives)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0
