"""Metadata found in plain text: dates, bylines, language, site, and whether a body stops mid-sentence.

HTML pages get most of theirs from trafilatura and htmldate (`html.py`); text dumps and JSON records only have their
words, so this module reads dates and bylines out of the lines around the article, and guesses the language from
which stopwords dominate (no language model: a handful of frequent words per language separate them well enough for
a metadata field).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlsplit

from briefing.clean.lexicon import STOPWORDS

MONTH_NUMBERS = {  # month names and abbreviations, lower-cased -> 1..12 (compose/events.py reads them too)
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True))
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_MONTH_FIRST = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)(?!\d)", re.IGNORECASE)
_DAY_FIRST = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\.?,?\s+((?:19|20)\d\d)(?!\d)", re.IGNORECASE
)
_US_NUMERIC = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./]((?:19|20)\d\d)(?!\d)")
_BYLINE = re.compile(r"^(?:written\s+)?by\s+(.+)$", re.IGNORECASE)
_BYLINE_TAIL = re.compile(
    r"\s*(?:[|,•·]|\s[-–—]\s|\bupdated\b|\bpublished\b|\bposted\b|\bon\s+(?:" + _MONTH + r")\b|\d).*$", re.IGNORECASE
)
_NAME = re.compile(r"^[A-ZÀ-Ý][\w.'’-]*(?:\s+(?:[A-ZÀ-Ý][\w.'’-]*|and|de|van|von|da|di|al|bin|el)){0,5}$")
_COMPLETE_END = re.compile(r"[.!?。！？][\"'”’»)\]]*$")
_ELLIPSIS_END = re.compile(r"(?:…|\.\.\.)[\"'”’»)\]]*$")


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> str | None:
    """The first complete calendar date in `text`, as YYYY-MM-DD ('Nov. 19, 2019', '19 November 2019', '2019-11-19',
    '11/19/2019' read month first), or None."""
    candidates: list[tuple[int, str]] = []
    for match in _ISO_DATE.finditer(text):
        date = _valid(int(match[1]), int(match[2]), int(match[3]))
        if date:
            candidates.append((match.start(), date))
    for match in _MONTH_FIRST.finditer(text):
        date = _valid(int(match[3]), MONTH_NUMBERS[match[1].lower()], int(match[2]))
        if date:
            candidates.append((match.start(), date))
    for match in _DAY_FIRST.finditer(text):
        date = _valid(int(match[3]), MONTH_NUMBERS[match[2].lower()], int(match[1]))
        if date:
            candidates.append((match.start(), date))
    for match in _US_NUMERIC.finditer(text):
        date = _valid(int(match[3]), int(match[1]), int(match[2])) or _valid(
            int(match[3]), int(match[2]), int(match[1])
        )
        if date:
            candidates.append((match.start(), date))
    return min(candidates)[1] if candidates else None


def find_byline(lines: Iterable[str]) -> str | None:
    """The author named by a short 'By First Last' line (or a lone 'By' line and the name on the next), without
    its trailing date or job title."""
    previous = ""
    for line in lines:
        line = line.strip()
        candidate = f"By {line}" if previous.lower() in ("by", "by:") else line
        previous = line
        if len(candidate) > 120:
            continue
        match = _BYLINE.match(candidate)
        if not match:
            continue
        name = _BYLINE_TAIL.sub("", match[1]).strip(" .,:;")
        name = re.sub(r"\s+(?:and|&)\s+", " and ", name)
        if name and _NAME.match(name):
            return name
    return None


def site_from_url(url: str | None) -> str | None:
    """The outlet named by a URL: its registered domain, or the outlet's usual name (briefing.clean.outlets)."""
    from briefing.clean.outlets import outlet_from_url

    return outlet_from_url(url)


# What sites put between a headline and their own name ("Headline | Site", "Headline - Site"). Not ':', which
# headlines use themselves ("Bubonic plague: third case in China").
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—»·-]|::)\s+")
_NOT_ALNUM = re.compile(r"\W+|_")


def _squash(text: str) -> str:
    return _NOT_ALNUM.sub("", text.lower())


def without_site_name(title: str, site: str | None, url: str | None) -> str:
    """'The Impeachment Clock | National Review' -> 'The Impeachment Clock': drop a trailing part that names the site
    (its name, or its domain with or without the suffix), so story headlines read as headlines. Anything else after a
    separator ('Milan Design Week | Anastassiades' light installation') is part of the headline and stays."""
    from briefing.clean.outlets import registered_domain

    names = {_squash(site)} if site else set()
    host = (urlsplit(url).hostname or "").removeprefix("www.") if url else ""
    if host:
        names |= {_squash(host), _squash(host.split(".")[0])}
        domain = registered_domain(url) or ""
        names |= {_squash(domain), _squash(domain.split(".")[0])}
    names.discard("")
    matches = list(_TITLE_SEPARATOR.finditer(title))
    if not names or not matches:
        return title
    last = matches[-1]
    head, tail = title[: last.start()].strip(), _squash(title[last.end() :])
    if len(head.split()) >= 3 and (tail in names or _names_outlet(tail, names)):
        return head
    return title


# Words an outlet adds to its name in a title suffix ("BBC News", "Reuters.com", "The Hindu Online").
_OUTLET_WORDS = ("news", "online", "com", "live", "world", "uk", "us", "the", "daily", "today", "sport", "tv")


def _names_outlet(tail: str, names: set[str]) -> bool:
    """'bbcnews' names 'bbc'; 'thehindu' names 'thehindu.com': a site name plus the words outlets add to it."""
    for name in (n for n in names if len(n) >= 3):
        rest = tail.removeprefix("the").removeprefix(name) if tail.removeprefix("the").startswith(name) else None
        if rest is None:
            continue
        while rest:
            word = next((w for w in _OUTLET_WORDS if rest.startswith(w)), None)
            if word is None:
                break
            rest = rest[len(word) :]
        if not rest:
            return True
    return False


_SCRIPTS = {
    "kana": re.compile(r"[\u3040-\u30ff]"),
    "hangul": re.compile(r"[\u1100-\u11ff\uac00-\ud7af]"),
    "han": re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]"),
    "arabic": re.compile(r"[\u0600-\u06ff]"),
    "hebrew": re.compile(r"[\u0590-\u05ff]"),
    "thai": re.compile(r"[\u0e00-\u0e7f]"),
    "greek": re.compile(r"[\u0370-\u03ff]"),
}
_LETTER = re.compile(r"[^\W\d_]")


def _script_language(text: str) -> str | None:
    """Languages told apart by their script alone."""
    sample = text[:5000]
    letters = max(1, len(_LETTER.findall(sample)))
    share = {script: len(pattern.findall(sample)) / letters for script, pattern in _SCRIPTS.items()}
    if share["kana"] > 0.05:
        return "ja"
    if share["hangul"] > 0.2:
        return "ko"
    if share["han"] > 0.3:
        return "zh"
    for script, language in (("arabic", "ar"), ("hebrew", "he"), ("thai", "th"), ("greek", "el")):
        if share[script] > 0.3:
            return language
    return None


def guess_language(text: str) -> str | None:
    """ISO 639-1 code from the script, else from the language whose stopwords cover most of the words; None when
    neither is convincing (too little text, or a language we hold no stopwords for)."""
    sample = text[:20_000]
    by_script = _script_language(sample)
    if by_script:
        return by_script
    words = re.findall(r"\w+", sample.lower())
    if len(words) < 8:
        return None
    counts = Counter(words)  # each distinct word looked up once per language, not each occurrence
    coverage = {
        language: sum(count for word, count in counts.items() if word in stopwords) / len(words)
        for language, stopwords in STOPWORDS.items()
    }
    language = max(coverage, key=lambda key: coverage[key])
    return language if coverage[language] >= 0.12 else None


def normalise_language(code: str | None) -> str | None:
    """'en-US' / 'en_GB' / 'EN' -> 'en'."""
    if not code:
        return None
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


def is_truncated(last_sentence: str) -> bool:
    """The body stops on an ellipsis or mid-sentence (no closing punctuation): an excerpt, not the whole story."""
    text = last_sentence.strip()
    return bool(_ELLIPSIS_END.search(text)) or not _COMPLETE_END.search(text)
