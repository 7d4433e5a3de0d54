"""A summary as people and models write it (Markdown, lists, lead-ins) read as the claims it makes.

Shared by `briefing verify` (a colleague's or an LLM's summary file) and the generative summarizers (the model's
output). What is markup, not a claim, goes: a heading ("## Summary"), a rule ("---"), list markers ("- ", "2. ",
"•"), emphasis ("**", "__", a `*word*`), a Markdown link's target (its text stays), inline code marks, and a lead-in
that only announces what follows ("Here is a summary of the article:", "**Key points:**", or "Summary:" / "TL;DR:"
opening a line). Every other line is kept word for word, to be split into sentences.
"""

from __future__ import annotations

import re

from briefing.text import split_sentences

_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s|$)")
_RULE = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}|(?:=\s*){3,})$")
_LIST_MARKER = re.compile(r"^\s*(?:>\s*)?(?:[-*+•–·▪]+|\(?\d{1,2}[.)]|\(?[a-z][.)](?=\s+[A-Z]))\s+")
_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)([^*_\n]+?)(?<=\S)\1(?![\w*])")
_CODE = re.compile(r"`([^`\n]+)`")
# "Summary:", "In summary,", "TL;DR:", "Key points:" opening a line: a label, then the claim.
_LEAD_IN = re.compile(
    r"^\W*(?:(?:summary|tl;?dr|key (?:points?|facts?|takeaways?)|bottom line)\W*[:—–-]|in summary\W*[:,])\W*", re.I
)


_ENDS_CLAUSE = re.compile(r"[.!?…:;]['\"’”)\]]*$")


def summary_lines(text: str) -> list[str]:
    """The lines of `text` that make claims, markup removed; a line ending in a colon announces and says nothing.

    A text wrapped at a fixed width is read as its sentences: a line that opens in lower case, with no list marker
    and no blank line before it, continues the line above when that one ends no clause."""
    lines: list[str] = []
    joinable = False  # the last kept line may be continued by the next one
    for raw in text.splitlines():
        if not raw.strip() or _HEADING.match(raw) or _RULE.match(raw):
            joinable = False
            continue
        marked = _LIST_MARKER.match(raw) is not None
        line = _LIST_MARKER.sub("", raw)
        line = _CODE.sub(r"\1", _EMPHASIS.sub(r"\2", _STRONG.sub(r"\2", _LINK.sub(r"\1", line))))
        line = _LEAD_IN.sub("", line).strip().strip("*_").strip()
        if not line:
            continue
        if joinable and not marked and line[0].islower():
            lines[-1] = f"{lines[-1]} {line}"
        elif line.endswith(":"):  # "Here is a summary of the article:" says nothing
            joinable = False
            continue
        else:
            lines.append(line)
        joinable = not _ENDS_CLAUSE.search(lines[-1])
    return lines


def claim_sentences(text: str) -> list[str]:
    """The sentences of a written summary: its claim lines (above), each split into sentences."""
    return [sentence for line in summary_lines(text) for sentence in split_sentences(line)]
