"""A headline for an article that has no title: the main clause of its lead sentence, compressed.

Compression only deletes (it never rewrites a word), in the order a sub-editor would: the dateline ("DARA,
Afghanistan —", "(CNN) --"), parentheses, relative clauses and appositives (", who…,", ", 45,"), attributions
(", police said", "according to…"), then everything after the main clause (a semicolon, a dash, ", but …",
", after …"). A headline longer than HEADLINE_WORDS is cut back at a phrase boundary (a preposition that starts a
modifier, a comma), never mid-phrase, and never ends in an ellipsis.
"""

from __future__ import annotations

import re

HEADLINE_WORDS = 12  # the aim; HEADLINE_MAX_WORDS is the hard cap when no clean phrase boundary comes sooner
HEADLINE_MAX_WORDS = 16
MIN_HEADLINE_WORDS = 4  # a cut that leaves fewer words than this reads as a fragment: cut elsewhere

_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][\w.'’ -]{1,30})?\s*(?:\([^)]{1,30}\))?|\([A-Za-z .]{2,20}\))\s*"
    r"(?:[—–-]{1,2}|:)\s+"
)
# Page furniture that scrapes glue to a lead ("Image copyright AFP/Getty Image caption Mr Macron…").
_FURNITURE_START = re.compile(
    r"^(?:Image copyright\s.{0,60}?\s(?=Image caption\s)|Image caption\s+|Media playback is unsupported on your "
    r"device\s+|(?:Getty Images|AP Photo|Reuters)\s*/?\s+(?=[A-Z]))+"
)
_BYLINE_START = re.compile(r"^(?:By\s+[A-Z][\w.'’ -]{1,40}\.\s+|(?:UPDATED|PUBLISHED):[^.]{1,60}\.\s+)")
_PARENTHESES = re.compile(r"\s*\([^()]{0,80}\)")
_RELATIVE = re.compile(r",\s+(?:who|whom|whose|which|where)\b[^,;:—–]*(?:,|(?=[;:—–])|$)")
_AGE_OR_ROLE = re.compile(r",\s+(?:\d{1,3}|aged \d{1,3}|(?:a|an|the)\s+[^,;:]{1,50}?),(?=\s)")
_ATTRIBUTION_TAIL = re.compile(
    r",?\s+(?:(?:according to|citing)\s+[^,;]{1,60}|(?:[\w.'’-]+\s+){0,5}?"
    r"(?:said|says|reported|reports|announced|told [^,;.]{1,40}|confirmed|claimed)(?:\s+(?:on|late on|early on)"
    r"\s+\w+)?)\s*(?=[.;,]?$)"
)
_ATTRIBUTION_HEAD = re.compile(
    r"^(?:According to [^,]{1,60},\s+|(?:[A-Z][\w.'’-]*\s+){1,5}(?:said|says|announced|reported|confirmed)"
    r"(?:\s+on\s+\w+)?\s+(?:that\s+)?(?=[A-Z]|the\b|a\b|an\b|it\b|he\b|she\b|they\b))"
)
_CLAUSE_END = re.compile(
    r"\s*(?:;|:\s|\s[—–-]\s|\s--\s|,\s+(?:but|and|while|as|after|before|when|because|although|though|amid|despite"
    r"|with|following|prompting|leaving|saying|making|sparking|raising|even|in a|in an|which)\b)"
)
_WEEKDAY = re.compile(
    r"\s+(?:(?:late|early)\s+)?(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"(?:\s+(?:morning|afternoon|evening|night))?\b|\s+(?:yesterday|today|last night|this week|last week)\b",
)
_MODIFIER_START = re.compile(
    r"\s(?=(?:in|at|on|for|from|with|over|after|during|near|amid|since|by|following|before|under|across)\s)"
)
# A caption label before the sentence ("Wanted: Police in Maryland…", "Fighter ace: Douglas Bader's story…").
_LABEL = re.compile(r"^(?:[\w'’-]+\s){0,2}[\w'’-]+:\s+(?=[A-Z])")
MIN_MODIFIER_CUT_WORDS = 6  # a cut before a preposition must leave subject, verb and object, not "Gary Locke was"
# A leading subordinate clause ("With the new Avengers film out, fans…"): the main clause follows its comma.
_LEADING_CLAUSE = re.compile(
    r"^(?:With|As|After|While|When|Although|Though|Despite|Amid|Following|Before|Since|If|Having)\b[^,]{1,80},\s+"
)
# A comma that ends a phrase: one before an appositive, a clause or a name, not one inside a list of adjectives
# ("on-again, off-again battle") or of nouns ("pundits, writers and fans").
_PHRASE_COMMA = re.compile(
    r",\s(?=(?:the|a|an|its|his|her|their|who|which|where|after|as|while|when|but|saying|in|on|at|for)\b|[A-Z0-9])"
)
_TRAILING_JUNK = re.compile(r"[\s,;:—–-]+$|[.!?]+[\"'’”]?$")
_DANGLING_END = re.compile(
    r"\s+(?:and|or|but|the|a|an|of|to|in|on|at|for|with|by|from|that|who|which|is|was|were|are|has|have|had|told|said|says)$",
    re.IGNORECASE,
)


def headline_from_sentence(sentence: str, limit: int = HEADLINE_WORDS) -> str:
    """The main clause of `sentence` in at most about `limit` words (never more than HEADLINE_MAX_WORDS)."""
    text = " ".join(sentence.split())
    text = _FURNITURE_START.sub("", text)
    text = _FURNITURE_START.sub("", text)
    text = _BYLINE_START.sub("", text)
    text = _without(text, _DATELINE)
    text = _without(text, _LABEL)
    text = _without(text, _LEADING_CLAUSE, fewest=MIN_MODIFIER_CUT_WORDS)
    text = _PARENTHESES.sub("", text)
    text = _RELATIVE.sub(lambda m: "," if m.group(0).endswith(",") and _continues(text, m.end()) else "", text)
    text = _without(text, _ATTRIBUTION_HEAD)
    text = _TRAILING_JUNK.sub("", text)
    text = _without(text, _ATTRIBUTION_TAIL)
    text = _main_clause(text)
    text = _AGE_OR_ROLE.sub("", text)
    text = _WEEKDAY.sub("", text) if len(text.split()) > limit else text
    text = _shorten(text, limit)
    text = _TRAILING_JUNK.sub("", text).strip(" ,;:'\"‘“")
    return text[:1].upper() + text[1:] if text else ""


def _continues(text: str, end: int) -> bool:
    """After a relative clause closed by a comma, does the sentence go on (", who is 45, said …")?"""
    return bool(text[end:].strip())


def _without(text: str, pattern: re.Pattern[str], fewest: int = MIN_HEADLINE_WORDS) -> str:
    """`text` less the match, unless that leaves too little to be a headline."""
    shorter = pattern.sub("", text, count=1).strip()
    return shorter if len(shorter.split()) >= fewest else text


def _main_clause(text: str) -> str:
    for match in _CLAUSE_END.finditer(text):
        head = text[: match.start()]
        if len(head.split()) >= MIN_HEADLINE_WORDS:
            return head
    return text


def _shorten(text: str, limit: int) -> str:
    """Cut at the last phrase boundary (a modifier's preposition, then a comma) that leaves at most `limit` words."""
    words = text.split()
    if len(words) <= limit:
        return text
    boundaries = ((_MODIFIER_START, MIN_MODIFIER_CUT_WORDS), (_PHRASE_COMMA, MIN_HEADLINE_WORDS))
    for cap in (limit, limit + 2, HEADLINE_MAX_WORDS):
        fitting = [
            match.start()
            for boundary, fewest in boundaries
            for match in boundary.finditer(text)
            if fewest <= len(text[: match.start()].split()) <= cap
        ]
        if fitting:
            return _tidy(text[: max(fitting)])
    return _tidy(" ".join(words[:HEADLINE_MAX_WORDS]))


def _tidy(text: str) -> str:
    """No headline ends on "and", "the", "of" or an auxiliary verb: the last word of a cut must close a phrase."""
    previous = None
    while previous != text and len(text.split()) > MIN_HEADLINE_WORDS:
        previous = text
        text = _DANGLING_END.sub("", _TRAILING_JUNK.sub("", text))
    return text


def is_made_up_title(title: str, first_sentence: str) -> bool:
    """True for a title that was cut from the lead (an old "…" title, or the lead's own first words)."""
    stripped = title.rstrip("…").rstrip(".").strip()
    if title.endswith("…") or not stripped:
        return True
    lead = " ".join(first_sentence.split())
    return lead.startswith(stripped) or stripped == headline_from_sentence(first_sentence)
