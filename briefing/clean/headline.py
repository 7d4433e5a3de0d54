"""A headline for an article that has no title: the main clause of its lead sentence, compressed.

Compression only deletes (it never rewrites a word), in the order a sub-editor would: the dateline ("DARA,
Afghanistan —", "(CNN) --"), parentheses, relative clauses and appositives (", who…,", ", 45,"), attributions
(", police said", "according to…"), then everything after the main clause (a semicolon, a dash, ", but …",
", after …"). A headline longer than HEADLINE_WORDS is cut back at a phrase boundary (a preposition that starts a
modifier, a comma), never mid-phrase, and never ends in an ellipsis.

Given a dependency parse of the compressed text (`parse`, spaCy's in a run: `briefing.compose.headlines`), the cut
is instead the longest prefix that is a complete phrase: every word kept has its head kept (so "to an extremist" is
never left of "to an extremist group"), no word kept loses an object it needs, and the last word is not a
preposition, determiner, conjunction, auxiliary or possessive. What a prefix drops is always whole subtrees on the
right: trailing prepositional phrases, conjoined clauses, adverbials.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from briefing.clean.prose import DATELINE_PLACE

HEADLINE_WORDS = 12  # the aim; HEADLINE_MAX_WORDS is the hard cap when no clean phrase boundary comes sooner
HEADLINE_MAX_WORDS = 16
MIN_HEADLINE_WORDS = 4  # a cut that leaves fewer words than this reads as a fragment: cut elsewhere

# The dateline's place as the metadata reads it (`plain.py`), or an agency alone ("(CNN) --"), then a dash or a colon.
_DATELINE = re.compile(rf"^(?:{DATELINE_PLACE}\s*(?:\([^)]{{1,30}}\))?|\([A-Za-z .]{{2,20}}\))\s*(?:[—–-]{{1,2}}|:)\s+")
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
# An attribution after the reported clause, with more after it (", said Conner Dilbeck in an interview with…"):
# the reported clause is the news. Not "said to be" (a participle: "…, said to be worth £2m").
_ATTRIBUTION_CLAUSE = re.compile(
    r",\s+(?:[\w.'’-]+\s+){0,4}?(?:said|says|told|claimed|added|reported|announced|revealed)\b(?!\s+to\s+(?:be|have)\b).*$"
)
_ATTRIBUTION_HEAD = re.compile(
    r"^(?:According to [^,]{1,60},\s+|(?:[A-Z][\w.'’-]*\s+){1,5}(?:said|says|announced|reported|confirmed)"
    r"(?:\s+on\s+\w+)?\s+(?:that\s+)?(?=[A-Z]|the\b|a\b|an\b|it\b|he\b|she\b|they\b))"
)
_CLAUSE_END = re.compile(
    r"\s*(?:;|:\s|\s[—–-]\s|\s--\s|,\s+(?:but|and|while|as|after|before|when|because|although|though|amid|despite"
    r"|with|following|prompting|leaving|saying|making|sparking|raising|even|in a|in an|which)\b)"
)
# A day named as a possessive ("Tuesday's closing session", "yesterday's vote") belongs to the phrase: kept.
_WEEKDAY = re.compile(
    r"\s+(?:(?:late|early)\s+)?(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"(?:\s+(?:morning|afternoon|evening|night))?\b(?!['’]s\b)"
    r"|\s+(?:yesterday|today|last night|this week|last week)\b(?!['’]s\b)",
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
    r"\s+(?:and|or|but|the|a|an|of|to|in|on|at|for|with|by|from|that|who|which|is|was|were|are|has|have|had|told|said|says"
    r"|will|would|can|could|may|might|must|shall|should|be|been|being|his|her|their|its|our|my|your|where|when)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedWord:
    """One token of a dependency parse: where it ends in the text, its head (an index; itself for a root), its
    universal part of speech, fine tag and dependency label."""

    end: int  # character offset just after the token
    head: int
    pos: str
    tag: str
    dep: str
    space_after: bool


Parse = Callable[[str], Sequence[ParsedWord]]

# A word that cannot end a headline: it opens a phrase whose rest would be cut.
_OPEN_POS = frozenset({"ADP", "DET", "CCONJ", "SCONJ", "AUX", "PART"})
_OPEN_TAGS = frozenset({"PRP$", "WDT", "WP", "WP$", "WRB", "POS", "TO", "HYPH"})
# Dependents a word needs: dropping one leaves "was arrested for" or "has urged" without its object.
_NEEDED = frozenset({"dobj", "pobj", "attr", "acomp", "oprd", "dative", "agent", "pcomp", "prt", "neg", "case"})
_PREDICATIVE = frozenset({"acomp", "attr", "oprd", "conj", "ROOT", "advmod"})  # an adjective that may end a headline
_BARE = frozenset({"pcomp", "acl", "amod"})
_NEEDED_BY_LAST = _NEEDED | {"xcomp", "ccomp", "auxpass", "aux"}


def headline_from_sentence(sentence: str, limit: int = HEADLINE_WORDS, parse: Parse | None = None) -> str:
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
    text = _without(text, _ATTRIBUTION_CLAUSE, fewest=MIN_MODIFIER_CUT_WORDS)
    text = _main_clause(text)
    text = _AGE_OR_ROLE.sub("", text)
    text = _WEEKDAY.sub("", text) if len(text.split()) > limit else text
    text = _shorten(text, limit, parse)
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


def _shorten(text: str, limit: int, parse: Parse | None = None) -> str:
    """Cut at the last phrase boundary (a modifier's preposition, then a comma) that leaves at most `limit` words."""
    words = text.split()
    if len(words) <= limit:
        return text
    if parse is not None:
        cut = syntactic_cut(text, parse(text), limit)
        if cut is not None:
            return cut
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


def syntactic_cut(text: str, words: Sequence[ParsedWord], limit: int) -> str | None:
    """The longest prefix of `text` (at most `limit` words, else `limit` + 2, else HEADLINE_MAX_WORDS) that is a
    complete phrase of its parse, or None when no prefix of at least MIN_HEADLINE_WORDS words is. When none keeps
    every needed object, the prefix need only keep every kept word's head and not end on an open word."""
    lowered = _word_texts(text, words)
    for strict in (True, False):
        complete = [
            (len(text[: words[index].end].split()), words[index].end)
            for index in range(len(words))
            if _is_complete(words, lowered, index, strict)
        ]
        for cap in (limit, limit + 2, HEADLINE_MAX_WORDS):
            fitting = [end for count, end in complete if MIN_HEADLINE_WORDS <= count <= cap]
            if fitting:
                return _TRAILING_JUNK.sub("", text[: max(fitting)])
    return None


def _word_texts(text: str, words: Sequence[ParsedWord]) -> list[str]:
    """Each parsed word's text, lowercased (a stored parse keeps only where each word ends)."""
    texts, start = [], 0
    for word in words:
        texts.append(text[start : word.end].strip().lower())
        start = word.end
    return texts


def _is_complete(words: Sequence[ParsedWord], lowered: Sequence[str], index: int, strict: bool) -> bool:
    """Is words[: index + 1] a complete phrase: heads kept, the last word neither open nor missing what it needs
    (strict: no kept word misses what it needs)?"""
    if any(word.head > index for word in words[: index + 1]):
        return False  # a kept word's head would be cut
    if not (words[index].space_after or index == len(words) - 1):
        return False  # the cut would split "Mail's"
    last = _last_content(words, index)
    if last is None or words[last].pos in _OPEN_POS or words[last].tag in _OPEN_TAGS:
        return False
    if words[last].pos == "ADJ" and words[last].dep not in _PREDICATIVE:
        return False  # an adjective that modifies what would be cut
    if words[last].pos == "VERB" and words[last].dep in _BARE and not any(w.head == last for w in words):
        return False  # a bare participle reads as a fragment: "a set of inspiring", "a complaint unsealed"
    if not any(word.pos in ("VERB", "AUX") for word in words[: index + 1]):
        return False  # a headline is a clause: not "In the early hours of June 30, a fire" (a mis-parsed root)
    if _in_appositive(words, last):
        return False  # "…to find Kristian Perez, a teen": the appositive goes, not half of it
    dropped = words[index + 1 :]
    if strict and any(word.head <= index and word.dep in _NEEDED for word in dropped):
        return False  # an object cut off
    if any(word.head == last and word.dep in _NEEDED_BY_LAST for word in dropped):
        return False  # never "…has revealed" or "…was arrested for"
    last_loses_a_dependent = any(w.head == last for w in dropped)
    if last_loses_a_dependent and any(words[i].head == last and lowered[i] == "as" for i in range(last)):
        return False  # an equative needs its second half: not "…would return as soon" for "…as soon as possible"
    # A subordinate verb keeps its whole phrase: not "…it should come" for "…it should come as no surprise".
    return not (words[last].pos == "VERB" and words[last].head != last and last_loses_a_dependent)


def _in_appositive(words: Sequence[ParsedWord], index: int) -> bool:
    """Is the word an appositive, or inside one (following heads up to the root)?"""
    seen: set[int] = set()
    while index not in seen:
        seen.add(index)
        if words[index].dep == "appos":
            return True
        index = words[index].head
    return False


def _last_content(words: Sequence[ParsedWord], index: int) -> int | None:
    """The last word at or before `index` that is not punctuation."""
    for position in range(index, -1, -1):
        if words[position].pos not in ("PUNCT", "SPACE"):
            return position
    return None


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
