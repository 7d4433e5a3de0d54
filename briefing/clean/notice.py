"""Texts that are no article at all, only a page's notice: what a scraper saves when the page it reached held none.

A scraped news set (Multi-News, an aggregator's export, a folder of saved pages) holds such texts beside its articles:
a social widget ("Tweet with a location. You can add location information to your Tweets…"), a web archive's crawl
notice ("The seed for this crawl was a list of every host in the Wayback Machine…"), a video player's error, a cookie
or consent wall, "JavaScript is disabled", a missing page, a subscription or sign-in wall, a robot check. They pass
every other check of the cleaner (they are short lines of well-formed sentences), and a brief that takes them for
articles makes a story of each.

What they share: they are short, and they speak of the page, the site and the reader's device, not of an event. So a
text is refused when it is short (MAX_NOTICE_WORDS words or fewer) and at least MIN_NOTICE_SHARE of its content words
(stopwords and numbers aside) are words of the web itself ("tweet", "location", "browser", "cookies", "crawl",
"page", "links", "subscribe") or sit inside a notice phrase ("page not found", "try again later", "are you a robot").
Article prose, even a short story about the web, is about people and what they did: on the development articles
(CNN/DailyMail and BBC leads of one sentence up to 200 words, short Multi-News stories) the share stays at 0.20 or
under. A short story about the web itself can still reach it ("Facebook said on Monday it would let users delete
their location history from its app"), so a text that reports (said, told, announced, according to, a weekday)
is never a notice: a notice addresses the reader and describes the page, it reports nothing. English vocabulary
only: a text in another language is never refused here.
"""

from __future__ import annotations

import re

from briefing.clean.lexicon import ALL_STOPWORDS

MAX_NOTICE_WORDS = 200  # a notice is short; a longer text is an article whatever its vocabulary
MIN_NOTICE_SHARE = 0.25  # of the content words: words of the web, or inside a notice phrase
MIN_NOTICE_HITS = 5  # that many such words at least: a 25-word text with one "online" in it is no notice

# Words that name the page, the site, the service or the reader's device and actions.
WEB_WORDS = frozenset(
    """
    tweet tweets tweeted retweet retweets twitter facebook instagram youtube location locations web website websites
    webpage homepage site sites page pages url urls link links domain domains browser browsers javascript cookie
    cookies app apps application applications account accounts login logged username password sign signed subscribe
    subscriber subscribers subscription subscriptions newsletter email privacy settings preferences consent enable
    enabled disable disabled click clicking tap download video videos player feature content online internet archive
    archived archives archiving crawl crawls crawled crawler wayback warc embed embeds host hosts seed error
    unavailable delete deleted option options learn notifications rented rating captcha robot verify device devices
    browse ad ads adblock adblocker blocker plugin
    """.split()
)
# Phrases of notices whose own words are everyday words ("not found", "try again").
NOTICE_PHRASE = re.compile(
    r"\b(?:(?:page|file|article|story|content) (?:(?:you (?:are|were) looking for|you requested) )?"
    r"(?:(?:could|can) ?not be found|was not found|not found|does not exist|no longer exists|"
    r"has (?:been )?(?:moved|removed|expired))|(?:please )?try again(?: later)?|"
    r"not available (?:right now|in your (?:country|region))|(?:is|are) (?:not|no longer) available|"
    r"are you (?:a )?(?:robot|human)|(?:confirm|verify|prove) (?:that )?you(?:'re| are) (?:a )?(?:human|not a robot)|"
    r"unusual traffic|access (?:denied|to this page)|(?:already|become) a (?:member|subscriber)|free articles?|"
    r"(?:remaining|left) this month|to continue reading|(?:by continuing|continue) to (?:use|browse)|"
    r"(?:accept|reject) (?:all|cookies)|(?:learn|read|see|find out) more|more info(?:rmation)?|(?:follow|like) us|"
    r"terms of (?:use|service)|all rights reserved|(?:something|an error) went wrong|(?:is|are) turned off|"
    r"location history)\b",
    re.IGNORECASE,
)
# What the notice is, for the reason shown: the first kind whose words it holds.
_KINDS = (
    ("a Twitter widget", re.compile(r"\b(?:tweets?|twitter)\b", re.IGNORECASE)),
    ("a web archive's crawl notice", re.compile(r"\b(?:crawls?|crawled|wayback|warc|seed for|urls)\b", re.IGNORECASE)),
    ("a video player's notice", re.compile(r"\b(?:videos?|player|rented)\b", re.IGNORECASE)),
    ("a cookie or consent notice", re.compile(r"\b(?:cookies?|consent)\b", re.IGNORECASE)),
    ("a browser notice", re.compile(r"\b(?:javascript|browsers?|adblock(?:er)?|plugin)\b", re.IGNORECASE)),
    ("a missing-page notice", re.compile(r"\b(?:not found|404|no longer exists|does not exist)\b", re.IGNORECASE)),
    ("a sign-in or subscription wall", re.compile(r"\b(?:subscri\w+|sign in|log in|login|account)\b", re.I)),
    ("a robot check", re.compile(r"\b(?:robot|captcha|human|unusual traffic)\b", re.IGNORECASE)),
)
_WORD = re.compile(r"\w+")
# What news prose does and a notice never does: report who said what, and when.
_REPORTING = re.compile(
    r"\b(?:said|says|told|announced|reported|according to|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b", re.IGNORECASE
)


def notice_share(text: str) -> tuple[int, float]:
    """How many content words of `text` are words of the web or of a notice phrase, and their share."""
    in_phrases = _content_words(" ".join(match.group(0) for match in NOTICE_PHRASE.finditer(text)))
    rest = _content_words(NOTICE_PHRASE.sub(" ", text))
    hits = len(in_phrases) + sum(1 for word in rest if word in WEB_WORDS)
    total = len(in_phrases) + len(rest)
    return hits, hits / total if total else 0.0


def _content_words(text: str) -> list[str]:
    words = (word.lower() for word in _WORD.findall(text))
    return [word for word in words if word not in ALL_STOPWORDS and not word.isdigit()]


def page_notice(text: str) -> str | None:
    """What kind of notice `text` is when it is one and no article (see the module docstring), else None."""
    if len(text.split()) > MAX_NOTICE_WORDS:
        return None
    hits, share = notice_share(text)
    if hits < MIN_NOTICE_HITS or share < MIN_NOTICE_SHARE or _REPORTING.search(text):
        return None
    return next((kind for kind, words in _KINDS if words.search(text)), "a page's notice")
