"""The words the guard's rules compare: word tokens in any script, content words, n-grams, a clause said verbatim."""

from __future__ import annotations

import re

# Letters of any script: "Jörg Düsterwald" is two words, as in the article's facts (not "j", "rg", "d", "sterwald").
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
STOP = frozenset(
    "the a an and or but of to in on at for with by from as is are was were be been being it its this that these "
    "those he she they we you i his her their our your him them us not no have has had do does did will would can "
    "could should may might must than then there here which who whom what when where why how all any some into about "
    "after before over under more most also just so if said says say told".split()
)


def content_words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w not in STOP]


def ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    tokens = WORD.findall(text.lower())
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def said_verbatim(text: str, article_text: str) -> bool:
    key = " ".join(WORD.findall(text.lower()))
    return bool(key) and bool(article_text) and f" {key} " in f" {article_text} "
