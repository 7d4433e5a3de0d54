"""What makes a report one event and not just one topic: who, where, when, and the words of what happened.

An `EventProfile` per article holds
  who / where   its named people, organisations and places (from the NER model), split by role, and those named in
                its title or lead (the event's own actors, not the background ones of later paragraphs),
  when          its publication day and the calendar dates its text mentions ("Oct. 16", "16 October"),
  what          the numbers it reports (tolls, sums, scores: two events rarely share them) and its lead text (title
                and first LEAD_SENTENCES sentences, compared by TF-IDF in the pair model: the lead says what happened).
The pair model (`briefing.compose.pair_model`) turns two profiles, plus their encoder and TF-IDF vectors, into the
probability that the two articles report the same event.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.clean.metadata import MONTH_NUMBERS
from briefing.compose.entities import ArticleEntities
from briefing.records import Article

LEAD_SENTENCES = 3
PEOPLE = frozenset({"PERSON"})
ORGANISATIONS = frozenset({"ORG"})
PLACES = frozenset({"GPE", "LOC", "FAC"})

_MONTH = r"(?P<month{n}>" + "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day{n}>[0-3]?\d)(?:st|nd|rd|th)?"
# Matched against lower-cased text (three times faster than re.IGNORECASE over a big day).
_DATE = re.compile(
    rf"\b(?:{_MONTH.format(n=1)}\s+{_DAY.format(n=1)}|{_DAY.format(n=2)}\s+(?:of\s+)?{_MONTH.format(n=2)})\b"
)
# A figure: digits with separators and an optional unit ("1,200", "76%", "$1.13bn", "3.5m"). Years and one-digit
# numbers are left out: every article has them.
_NUMBER = re.compile(r"(?<![\w.])\$?\d[\d,.]*(?:%|bn|m|k)?(?![\w])")  # lower-cased text
_YEAR = re.compile(r"^(?:19|20)\d\d$")


@dataclass(frozen=True)
class EventProfile:
    people: frozenset[str]
    organisations: frozenset[str]
    places: frozenset[str]
    lead_names: frozenset[str]  # any of the above named in the title or the lead sentences
    mentioned_dates: frozenset[tuple[int, int]]  # (month, day) the text mentions
    numbers: frozenset[str]
    published: dt.date | None
    lead: str  # title + lead sentences

    @property
    def names(self) -> frozenset[str]:
        return self.people | self.organisations | self.places


def published_day(article: Article) -> dt.date | None:
    """The article's publication day: the one place new grouping code reads `Article.published`."""
    value = article.published
    if isinstance(value, dt.date):
        return value
    if not value or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def mentioned_dates(text: str) -> frozenset[tuple[int, int]]:
    found = set()
    for match in _DATE.finditer(text.lower()):
        month = (match.group("month1") or match.group("month2")).lower()
        day = int(match.group("day1") or match.group("day2"))
        if 1 <= day <= 31:
            found.add((MONTH_NUMBERS[month], day))
    return frozenset(found)


def figures(text: str) -> frozenset[str]:
    found = set()
    for match in _NUMBER.finditer(text.lower()):
        figure = match.group(0).lower().replace(",", "").rstrip(".")
        digits = re.sub(r"\D", "", figure)
        if len(digits) < 2 or _YEAR.match(figure):
            continue
        found.add(figure)
    return frozenset(found)


def event_profile(article: Article, entities: ArticleEntities) -> EventProfile:
    def named(labels: frozenset[str]) -> frozenset[str]:
        return frozenset(m.text.lower() for m in entities.mentions if m.label in labels)

    lead = " ".join((article.title, *article.sentences[:LEAD_SENTENCES]))
    lowered = lead.lower()
    people, organisations, places = named(PEOPLE), named(ORGANISATIONS), named(PLACES)
    return EventProfile(
        people=people,
        organisations=organisations,
        places=places,
        lead_names=frozenset(name for name in people | organisations | places if name in lowered),
        mentioned_dates=mentioned_dates(" ".join(article.sentences[:40])),
        numbers=figures(" ".join(article.sentences[:40])),
        published=published_day(article),
        lead=lead,
    )


def event_profiles(articles: Sequence[Article], entities: Sequence[ArticleEntities]) -> list[EventProfile]:
    return [event_profile(a, e) for a, e in zip(articles, entities, strict=True)]
