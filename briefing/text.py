"""Text helpers shared by the stages: sentence splitting, normalisation, hashing.

The sentence splitter is rule-based (no model) because every stage needs the same split: citations are indexes
into `Article.sentences`, so the splitter must be deterministic and fast.
"""

from __future__ import annotations

import hashlib
import re

# Tokens after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    (
        "mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep pres rev hon "
        "jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun "
        "inc corp co ltd llc plc bros dept univ assn ave blvd rd est no vol fig approx vs etc al "
        "u.s u.k u.n e.g i.e a.m p.m d.c n.y l.a "
        # German, French, Spanish, Russian: "Nr. 5", "z. B.", "Mme. Dupont", "Sra. López", "г. Москва"
        "nr bzw usw ca vgl ggf evtl inkl bspw mme mlle mgr sra srta dña dpto núm pág ee.uu г гг им ул т.е т.д др"
    ).split()
)

# A sentence-ending mark with the closing quotes or brackets that belong to its sentence, then a gap; whether a new
# sentence starts after the gap is decided by the next letter (`_starts_sentence`).
_BOUNDARY = re.compile(r"[.!?…؟۔]+['\"’”)\]»]*(?=\s+)")
# Chinese and Japanese end a sentence with a full-width mark and no space after it: the mark alone is the boundary.
_CJK_BOUNDARY = re.compile(r"[。！？]+[」』”’）)]*")
_OPENERS = "'\"‘“([«¿¡„‹「『"
_WHITESPACE = re.compile(r"\s+")
# A German date's day and month ("am 31. Oktober"): the day, the word before it, and the month's name after the stop.
_MONTH_AFTER = re.compile(
    r"\s+(?:Januar|Jänner|Februar|Feber|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)\b"
)
_DAY_BEFORE = re.compile(r"(?:(?P<word>[^\W\d]+)[\s,]+)?\b\d{1,2}$")
_ENGLISH_MONTH = re.compile(
    r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
    r"september|october|november|december)"
)
# A paragraph opened by a dash or bullet ("— UPDATE: ...", "• Police said ..."): the mark is layout, not text.
_LEADING_BULLET = re.compile(r"^(?:[-–—•*·]+\s+)+")


def normalize_whitespace(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


MAX_TITLE_CHARS = 300  # a headline; a 100 KB "title" is a scraper's mistake, shown three times in a brief
MAX_SHOWN_SENTENCE_CHARS = 1_000  # a sentence as the brief shows it; a 110 KB one would make a 650 KB brief.md


def shorten(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else cut at the last space before it (a word is never split when
    a space is near) and ended with "…"."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit * 0.8 else limit - 1].rstrip() + "…"


def _cp1252_for_c1(code: int) -> str:
    try:
        return bytes([code]).decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: no character in cp1252 either
        return ""


# C1 control characters (U+0080-U+009F) never occur in real text: they are cp1252 punctuation (dashes, curly quotes,
# ellipsis) that an exporter decoded as latin-1. Map them back rather than dropping them, which would glue words.
_C1_REPAIR = str.maketrans({code: _cp1252_for_c1(code) for code in range(0x80, 0xA0)})
_C1 = re.compile("[\x80-\x9f]")


def repair_c1_controls(text: str) -> str:
    """Turn cp1252 punctuation mis-decoded as latin-1 C1 controls ("a\x97b") back into itself ("a—b")."""
    # str.translate with a dict table visits every character in Python-level lookups; most texts hold no C1 control,
    # and a regex search tells so at C speed.
    return text.translate(_C1_REPAIR) if _C1.search(text) else text


def _ends_with_abbreviation(fragment: str) -> bool:
    last = fragment.rsplit(None, 1)[-1] if fragment.strip() else ""
    word = last.rstrip(".").lstrip("('\"‘“").lower()
    if word in _ABBREVIATIONS:
        return True
    # Initials such as "J." or "U.S." and single letters.
    return bool(re.fullmatch(r"(?:[a-z]\.)*[a-z]", word))


def _starts_sentence(text: str, position: int) -> bool:
    """After a gap at `position`: an opening quote or bracket, then a capital, a digit, or a letter of a script with
    no capitals (Arabic, Hebrew, Chinese, Japanese, Devanagari...). A lower-case letter continues the sentence."""
    index = position
    while index < len(text) and (text[index].isspace() or text[index] in _OPENERS):
        index += 1
    if index >= len(text):
        return False
    char = text[index]
    return char.isupper() or char.isdigit() or (char.isalpha() and not char.islower())


def _ordinal_date(paragraph: str, start: int, end: int) -> bool:
    """ "am 31. Oktober", "ab 1. November": German writes a day as an ordinal with a full stop before the month's name.
    Not when a month's name precedes the number ("…by March 31. April saw…": the English date ends a sentence)."""
    if paragraph[start:end] != "." or not _MONTH_AFTER.match(paragraph, end):
        return False
    number = _DAY_BEFORE.search(paragraph, 0, start)
    return number is not None and not _ENGLISH_MONTH.fullmatch(number["word"] or "")


def _cuts(paragraph: str) -> list[int]:
    cuts = {
        match.end()
        for match in _BOUNDARY.finditer(paragraph)
        if _starts_sentence(paragraph, match.end()) and not _ordinal_date(paragraph, match.start(), match.end())
    }
    cuts.update(match.end() for match in _CJK_BOUNDARY.finditer(paragraph) if match.end() < len(paragraph))
    return sorted(cuts)


def split_sentences(text: str) -> list[str]:
    """Split paragraph text into sentences; paragraphs (blank-line or newline separated) never share a sentence.

    Latin, Cyrillic and Greek text ends a sentence on . ! ? … before a capital; Arabic on . or ؟ before any letter
    (the script has no capitals); Chinese and Japanese on 。！？ with or without a space after it."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n+", text):
        paragraph = _LEADING_BULLET.sub("", normalize_whitespace(paragraph))
        if not paragraph:
            continue
        cuts = _cuts(paragraph)
        pieces = [paragraph[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(paragraph)], strict=False)]
        current = ""
        for piece in filter(None, pieces):
            current = f"{current} {piece}".strip() if current else piece
            if not _ends_with_abbreviation(current):
                sentences.append(current)
                current = ""
        if current:
            sentences.append(current)
    return sentences


def content_hash(text: str) -> str:
    """Stable id for a piece of content: sha256 of its normalised text, shortened."""
    return hashlib.sha256(normalize_whitespace(text).encode("utf-8")).hexdigest()[:16]


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())
