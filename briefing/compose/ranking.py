"""Story importance, the bottom line up front, and the one-liners of "Also noted".

importance = SOURCES_WEIGHT  * log2(1 + distinct outlets reporting it)
           + RECENCY_WEIGHT  * 1 / (1 + days between its latest article and the brief date)   (0.5 when undated)
           + COVERAGE_WEIGHT * log10(1 + words written about it, at most COVERAGE_WORDS per article) / 4
           - SERVICE_PENALTY when every article of it is a listicle, a deal or a how-to page
An event five outlets report outranks one outlet's scoop; between equals, the fresher and more covered one leads.
Outlets are publishers (briefing.clean.outlets), so a feed's twenty items from twenty sites count twenty, and two
pages of one site count once. Length is capped: a 7,800-word listicle is not more important than a 700-word report.
Ties keep input order, so the brief is deterministic.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from briefing.compose.story_summary import DraftSentence
from briefing.records import Article
from briefing.summarize.sentence_features import leans_on_context

SOURCES_WEIGHT = 1.0
RECENCY_WEIGHT = 0.5
COVERAGE_WEIGHT = 0.3
UNDATED_RECENCY = 0.5
COVERAGE_WORDS = 1200  # words of one article that count towards coverage
SERVICE_PENALTY = 1.0  # as much as a second outlet is worth: service pages lead only when nothing else is reported
BOTTOM_LINE_MAX = 5
FULL_STORIES_MIN = 5  # stories shown in full by default; more only when more are reported by several outlets
BULLET_MAX_WORDS = 30  # a bottom-line bullet longer than this gives way to the story's next-best shorter sentence

# Service journalism, not news: "10 best…", "7 ways to…", "today's best deals", "How to…", "% off", "coupon".
# Not "deal" alone: a trade deal or a nuclear deal is news.
_SERVICE_TITLE = re.compile(
    r"^\s*(?:the\s+)?\d{1,3}\s+(?:best|top|things|ways|reasons|tips|tricks|signs|facts|places|photos|pictures|"
    r"of the best|must|easy|simple|great|amazing|ideas)\b|^\s*how to\b|\b(?:best|top|today's|daily|early)\s+deals?\b"
    r"|\bdeals? of the (?:day|week)\b|\b(?:black friday|cyber monday|prime day)\b|\bcoupons?\b|\bpromo codes?\b"
    r"|\d+\s?% off\b|\bbest\b.{0,40}\b(?:to buy|for 20\d\d|right now|on sale|deals?)\b|\bbuying guide\b",
    re.IGNORECASE,
)
# What a sentence leans on beyond an opening pronoun (sentence_features.leans_on_context), read as the bottom line,
# which stands first and alone on the page: a definite description of someone named before, as the subject of a
# verb ("The two were…", "The 46-year-old recently offered…", but not "The 25-year-old cousin of Prince William…"),
# "The former"/"The latter", a bare "One"/"Another"/"Both" ("One testified that…"), a surname with only a title
# ("Mr Smith said"), adverbs that continue a thread ("Meanwhile", "Instead"), a first- or second-person opening, and
# an opening quotation. For the bottom line only: the scorer's feature and the story bullets keep the narrower check.
_REFERRING_HEAD = (
    r"two|three|four|five|pair|couple|duo|trio|man|woman|men|women|boy|girl|boys|girls|teen|teenager|teens|"
    r"youngster|child|children|baby|victim|victims|suspect|suspects|star|singer|actor|actress|player|pensioner|"
    r"mother|father|mum|dad|son|daughter|wife|husband|family|company|firm|group|move|decision|incident|"
    r"source|sources|official|officials|spokesman|spokeswoman|spokesperson|\d{1,3}-year-old"
)
_VERB = (  # what follows a subject: an auxiliary, a reporting verb, or a past tense that is not a modifier
    r"(?:\w+ly\s+)?(?:is|was|were|are|has|had|have|will|would|could|can|may|might|must|should|did|does|do|said|says|"
    r"told|tells|also|then|later|now|(?!(?:accused|charged|named|known|wanted|arrested|killed|found|shot|injured|"
    r"jailed|held|detained|pictured|believed|involved|based)\b)\w+ed)\b"
)
_LEANS_AS_A_LINE = re.compile(
    rf"^(?:the|both|all)\s+(?:former|latter|same)\b"
    rf"|^the\s+(?:{_REFERRING_HEAD})(?:,\s+\d{{1,3}},)?\s+{_VERB}"
    r"|^(?:one|another|others|both|neither|either|each)\s+(?!of\s+(?:the\s+)?(?:world|country|nation|most|best|"
    r"biggest|largest|first)\b)(?!(?:person|man|woman|child|people|in\s+\d)\b)"
    r"|^(?:mr|mrs|ms|miss|dr)\.?\s+(?-i:[A-Z])[\w'’-]+\s+(?!(?-i:[A-Z]))"
    r"|^(?:such|here|meanwhile|instead|still|nevertheless|nonetheless|moreover|furthermore|additionally|otherwise|"
    r"thus|hence|therefore|indeed|now|then|later|afterwards|separately)\b",
    re.IGNORECASE,
)
_QUOTE_OR_FIRST_PERSON = re.compile(r"^[\"'‘“«]|^(?:i|we|you|him|them|us|our|my|your)\b", re.IGNORECASE)


def leans_as_a_line(sentence: str) -> bool:
    """Does the sentence point back to something said before it, or open on a quotation (a voice, not the fact the
    bottom line states), read as a stand-alone bottom-line line?"""
    text = sentence.strip()
    return bool(leans_on_context(text) or _LEANS_AS_A_LINE.match(text) or _QUOTE_OR_FIRST_PERSON.match(text))


_NUMBERED_ITEM = re.compile(r"^\s*\d{1,3}\s*[.)]\s+\S")
LISTICLE_ITEMS = 5  # sentences opening "1." "2)" … that make a page a list, whatever its language


@dataclass(frozen=True)
class DraftStory:
    """A story before its sources are numbered; `members` index the day's articles."""

    id: str
    members: tuple[int, ...]
    headline: str
    sentences: tuple[DraftSentence, ...]
    centroid: np.ndarray
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    published: dt.date | None = None
    first_published: dt.date | None = None  # the earliest day among its sources: with `published`, its span
    truncated: bool = False
    score: float = 0.0
    status: Literal["new", "update"] = "new"
    previously_briefed: dt.date | None = None
    new_members: tuple[int, ...] = ()


def latest_published(members: Sequence[int], articles: Sequence[Article]) -> dt.date | None:
    dates = [day for m in members if (day := articles[m].published) is not None]
    return max(dates) if dates else None


def earliest_published(members: Sequence[int], articles: Sequence[Article]) -> dt.date | None:
    """The first day among these articles' publication days, when any is known (a story's span starts there)."""
    days = [day for m in members if (day := articles[m].published) is not None]
    return min(days) if days else None


def outlet_count(members: Sequence[int], articles: Sequence[Article]) -> int:
    """Distinct outlets: two articles from one site count once; an article of unknown site counts on its own."""
    sites = {site.lower() for m in members if (site := articles[m].site)}
    return len(sites) + sum(1 for m in members if not articles[m].site)


def is_service_page(article: Article) -> bool:
    """A listicle, a deal or a how-to page: by its title, or by a body that is a numbered list."""
    if _SERVICE_TITLE.search(article.title):
        return True
    return sum(1 for sentence in article.sentences if _NUMBERED_ITEM.match(sentence)) >= LISTICLE_ITEMS


def importance(story: DraftStory, articles: Sequence[Article], brief_date: dt.date) -> float:
    latest = story.published
    recency = UNDATED_RECENCY if latest is None else 1.0 / (1.0 + max(0, (brief_date - latest).days))
    words = sum(min(articles[m].word_count, COVERAGE_WORDS) for m in story.members)
    service = all(is_service_page(articles[m]) for m in story.members)
    return (
        SOURCES_WEIGHT * math.log2(1 + outlet_count(story.members, articles))
        + RECENCY_WEIGHT * recency
        + COVERAGE_WEIGHT * math.log10(1 + words) / 4
        - (SERVICE_PENALTY if service else 0.0)
    )


def rank_stories(stories: Sequence[DraftStory], articles: Sequence[Article], brief_date: dt.date) -> list[DraftStory]:
    """Most important first; each story carries its score."""
    scored = [replace(s, score=round(importance(s, articles, brief_date), 4)) for s in stories]
    order = sorted(range(len(scored)), key=lambda i: (-scored[i].score, scored[i].members[0]))
    return [scored[i] for i in order]


def best_sentence(story: DraftStory) -> DraftSentence | None:
    """The story's bottom-line sentence: its highest-scoring verified sentence that reads as one line and stands alone
    (`leans_as_a_line`: it does not open with "He", "The two" or "But", which point back to a sentence the bullet
    does not show); failing
    that, a verified one up to twice as long that stands alone; then a short one that leans; then its best.

    When the story's articles were published on different days, a standing-alone sentence from the newest day comes
    first: the bottom line says where the event stands now ("found safe"), not where it stood ("the search is on").
    """
    if not story.sentences:
        return None
    ranked = sorted(story.sentences, key=lambda s: (s.flagged, -s.score))
    verified = [s for s in ranked if not s.flagged]
    alone = [s for s in verified if not leans_as_a_line(s.text) and len(s.text.split()) <= 2 * BULLET_MAX_WORDS]
    short = [s for s in verified if len(s.text.split()) <= BULLET_MAX_WORDS]
    short_alone = [s for s in alone if len(s.text.split()) <= BULLET_MAX_WORDS]
    days = {s.day for s in story.sentences if s.day is not None}
    if len(days) > 1:
        newest = max(days)
        for pool in (short_alone, alone):
            latest = [s for s in pool if s.day == newest]
            if latest:
                return latest[0]
    return (short_alone or alone or short or ranked)[0]


def bottom_line_stories(ranked: Sequence[DraftStory]) -> list[DraftStory]:
    """The leading stories that get a bottom-line bullet: up to five, one each."""
    return [s for s in ranked if s.sentences][:BOTTOM_LINE_MAX]


def full_and_also_noted(
    ranked: Sequence[DraftStory], articles: Sequence[Article], top: int | None
) -> tuple[list[DraftStory], list[DraftStory]]:
    """Which stories are shown in full and which are one line under "Also noted", each list in rank order.

    `--top N`: the N most important in full. By default the FULL_STORIES_MIN most important, and after them every
    story several outlets report; the single-source minor stories are listed under "Also noted".
    """
    if top is not None:
        return list(ranked[:top]), list(ranked[top:])
    full: list[DraftStory] = []
    also: list[DraftStory] = []
    for story in ranked:
        leading = len(full) < FULL_STORIES_MIN
        (full if leading or outlet_count(story.members, articles) > 1 else also).append(story)
    return full, also
