"""What a line of text is: prose (a sentence of an article), a title, a dateline. Shared by the plain-article reader
(`plain.py`), the header reader (`headers.py`), the headline finder and the HTML candidates."""

from __future__ import annotations

import re

MAX_TITLE_WORDS = 25
PROSE_MIN_WORDS = 6  # a line that ends a sentence and has this many words is prose
LONG_LINE_WORDS = 16  # a line this long is prose even without a closing mark (a cut-off last line, a list sentence)
_SENTENCE_END = re.compile(r"[.!?…。！？؟][\"'”’»)\]]*$")
_TITLE_END = re.compile(r"[.,;:]$")
_WORD = re.compile(r"\w+")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
# "DARA, Afghanistan —", "WASHINGTON (Reuters) -", "LONDON, March 3 (AP) --": a place in capitals, an optional region
# or date and agency, then a dash. The place must be in capitals: "He said — " is no dateline. The place part is the
# headline's too (`headline.py`), which also strips an agency alone ("(CNN) --") and a colon: no place, no metadata.
DATELINE_PLACE = r"[A-ZÀ-Ý][A-ZÀ-Ý.'’ -]{1,30}[A-ZÀ-Ý.](?:,\s*[A-ZÀ-Ý][\w.'’ -]{1,30})?"
_DATELINE = re.compile(rf"^(?P<dateline>{DATELINE_PLACE})(?:\s*\([A-Za-z .]{{1,20}}\))?\s*(?:—|–|--?)\s+(?=\S)")


def word_count(line: str) -> int:
    return len(_WORD.findall(line)) + len(_UNSPACED.findall(line)) // 2


def is_prose(line: str) -> bool:
    words = word_count(line)
    return words >= LONG_LINE_WORDS or (words >= PROSE_MIN_WORDS and bool(_SENTENCE_END.search(line)))


def reads_like_title(line: str) -> bool:
    """Short, and no closing full stop (or comma, colon): a headline, not the article's first sentence."""
    return 0 < word_count(line) <= MAX_TITLE_WORDS and not _TITLE_END.search(line) and not _DATELINE.match(line)


def find_dateline(paragraph: str) -> str | None:
    match = _DATELINE.match(paragraph)
    return match.group("dateline").strip() if match else None
