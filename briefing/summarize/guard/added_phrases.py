"""The added-phrase rule: a closing phrase, after the sentence's last comma, in words the article does not use.

"Police arrested two men on Friday, despite warnings issued earlier in the year." where the article never speaks of
warnings or of anything issued: the phrase after the last comma (or semicolon, or dash) is a claim of its own, and
half or more of its content words are not in the article. The parse-based clause rules
(`clause_rules.clause_problem`, `clause_rules.clause_words_problem`) split only at verbs' clauses, so a phrase
without a verb of its own ("a move critics described as a setback", "despite warnings issued earlier") stays inside
the sentence's main clause there, where the article's words around it hide it.

Reads only the words. Questions claim nothing; a phrase the article writes word for word is said there; a phrase
with fewer than `MIN_PHRASE_CONTENT` content words ("police said", "depending on other results") is too short to
judge by its words alone. The thresholds were tuned on the training articles (CNN/DailyMail 31-100, BBC 41-140):
with 3 content words true sentences were flagged there, with 4 none.
"""

from __future__ import annotations

import re
from functools import lru_cache

from briefing.summarize.guard.rule_words import WORD, content_words, said_verbatim

MIN_PHRASE_CONTENT = 4  # content words of the closing phrase
MIN_HEAD_WORDS = 4  # words before it: "Yes, said Smith" has no sentence to add a phrase to
NOVEL_SHARE = 0.5  # ... half of which the article never uses
_BREAKS = re.compile(r"[,;]\s+|\s+[-–—]\s+")  # where a closing phrase starts
_CLOSING = " .!?'\"’”"


def closing_phrase(text: str) -> str | None:
    """The words after the sentence's last comma, semicolon or dash, when both sides are long enough to claim."""
    parts = _BREAKS.split(text.rstrip(_CLOSING))
    if len(parts) < 2:
        return None
    phrase = parts[-1].strip()
    head = " ".join(parts[:-1])
    if len(WORD.findall(phrase)) < MIN_HEAD_WORDS or len(WORD.findall(head)) < MIN_HEAD_WORDS:
        return None
    return phrase


def added_phrase_problem(text: str, article_text: str) -> str | None:
    """The reason when the closing phrase of `text` is in words the article does not use. `article_text` is the
    article's words lowercased and joined by single spaces (`ArticleEvidence.said`)."""
    if text.rstrip(" '\"’”").endswith("?") or not article_text:
        return None  # a question's pieces are no claims
    phrase = closing_phrase(text)
    if phrase is None or said_verbatim(phrase, article_text):
        return None
    words = content_words(phrase)
    if len(words) < MIN_PHRASE_CONTENT:
        return None
    article_words = _words_of(article_text)
    absent = [w for w in words if w not in article_words]
    if len(absent) / len(words) < NOVEL_SHARE:
        return None
    return f"the article does not say '{phrase}' (its words {', '.join(dict.fromkeys(absent[:3]))} are not in it)"


@lru_cache(maxsize=16)
def _words_of(article_text: str) -> frozenset[str]:
    """The article's words as a set, once per article (its sentences are checked one after another)."""
    return frozenset(article_text.split())
