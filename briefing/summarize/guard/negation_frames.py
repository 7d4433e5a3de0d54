"""The frames rule's denials: a "not" inserted into (or taken out of) words an article sentence says."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from briefing.summarize.guard.frame_tokens import MIN_CONTENT, is_content, tokenize

# Negation in a copied span: "he was not apparently well enough to sign" where the article says "he was apparently
# well enough to sign" (or the reverse). Contractions are spelt out first, so "wasn't" meets "was not".
NEGATION_SIDE = 2  # words of the frame on each side of the denial
_NEGATORS = frozenset({"not", "never"})
_HELPERS = frozenset({"do", "does", "did"})  # "did not escape" for the article's "escaped"
_CONTRACTED = {"won't": ("will", "not"), "can't": ("can", "not"), "cannot": ("can", "not"), "shan't": ("shall", "not")}


@lru_cache(maxsize=8192)
def polarity_keys(text: str) -> tuple[str, ...]:
    """The sentence's words, lowercased, contractions spelt out: "didn't" -> "did", "not"."""
    keys: list[str] = []
    for token in tokenize(text):
        key = token.key.replace("’", "'")
        if key in _CONTRACTED:
            keys.extend(_CONTRACTED[key])
        elif key.endswith("n't") and len(key) > 3:
            keys.extend((key[:-3], "not"))
        else:
            keys.append(key)
    return tuple(keys)


@lru_cache(maxsize=64)
def _said(sentences: tuple[str, ...]) -> str:
    """Every article sentence's polarity keys, one sentence between bars: " a b c | d e f "."""
    return " " + " | ".join(" ".join(polarity_keys(sentence)) for sentence in sentences) + " "


def _content(words: Sequence[str]) -> int:
    return sum(1 for word in words if is_content(word))


def negation_frame_problem(text: str, article_sentences: Sequence[str]) -> str | None:
    """A denial inserted into (or taken out of) words an article sentence says, with no article sentence saying
    them this sentence's way."""
    if not article_sentences or text.rstrip(" '\"’”").endswith("?"):
        return None  # a question denies nothing
    ours = polarity_keys(text)
    said = _said(tuple(article_sentences))
    side = NEGATION_SIDE
    for at, key in enumerate(ours):
        if key not in _NEGATORS:
            continue
        start = at - 1 if at and ours[at - 1] in _HELPERS else at
        left, right = ours[max(0, start - side) : start], ours[at + 1 : at + 1 + side]
        if len(left) < side or len(right) < side or _content([*left, *right]) < MIN_CONTENT:
            continue
        if f" {' '.join(ours[start - side : at + 1 + side])} " in said:
            continue  # the article says it with the denial too
        if start == at:
            theirs = f"{' '.join(left)} {' '.join(right)}"
            found = f" {theirs} " in said
        else:  # "did not escape prosecution": the article's verb is "escaped", "escapes"
            stem = right[0][:-1] if right[0].endswith("e") else right[0]
            pattern = rf" {re.escape(' '.join(left))} ([^\s|]+) {re.escape(' '.join(right[1:]))} "
            match = re.search(pattern, said)
            found = match is not None and len(stem) >= 3 and match.group(1).startswith(stem)
            theirs = f"{' '.join(left)} {match.group(1)} {' '.join(right[1:])}" if match else ""
        if found:
            return f"the article says '{theirs}', not '{' '.join(ours[start - side : at + 1 + side])}'"
    mine = f" {' '.join(ours)} "
    for sentence in article_sentences:
        theirs_keys = polarity_keys(sentence)
        for at, key in enumerate(theirs_keys):
            if key not in _NEGATORS or at < side:
                continue
            left, right = theirs_keys[at - side : at], theirs_keys[at + 1 : at + 1 + side]
            plain = f"{' '.join(left)} {' '.join(right)}"
            if len(right) < side or _content([*left, *right]) < MIN_CONTENT or f" {plain} " not in mine:
                continue
            if f" {plain} " in said:
                continue  # the article says it without the denial too
            return f"the article says '{' '.join(theirs_keys[at - side : at + 1 + side])}', not '{plain}'"
    return None
