"""The shapes of header and credit lines (`headers.py` reads them): labels, bylines, timestamps, outlets, credits,
Markdown markup. Patterns and word lists only."""

from __future__ import annotations

import re

from briefing.clean.metadata import MONTH_NUMBERS
from briefing.clean.outlets import OUTLET_NAMES

MAX_BYLINE_WORDS = 16  # words after "By", a job title and an outlet included ("By Jane Doe, Senior Writer, CNN")
MAX_SITE_WORDS = 5  # "Source: The Associated Press"; a longer source is a sentence or a credit, not an outlet
LINK = re.compile(r"(?<!!)\[([^\]\n]{1,300})\]\(([^()\s]{0,2000})\)")
IMAGE = re.compile(r"!\[[^\]\n]{0,300}\]\([^()\s]{0,2000}\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)(?:\s+#+)?$")
WRAPPED = re.compile(r"^(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1$")
LETTER_OR_DIGIT = re.compile(r"[^\W_]")
URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
# Labels of a header block, and the field each one fills ("" for e-mail lines that name no field we keep).
LABEL_FIELDS = {
    "title": "title",
    "headline": "title",
    "subject": "title",
    "author": "author",
    "authors": "author",
    "byline": "author",
    "by": "author",
    "writer": "author",
    "from": "author",
    "date": "date",
    "published": "date",
    "updated": "date",
    "posted": "date",
    "sent": "date",
    "dateline": "",
    "source": "site",
    "publication": "site",
    "publisher": "site",
    "url": "url",
    "link": "url",
    "to": "",
    "cc": "",
    # Markdown front matter and CMS fields ("---", "title: …", "tags: …", "---"): read or left out, never the lead
    "tags": "",
    "keywords": "",
    "category": "",
    "categories": "",
    "section": "",
    "layout": "",
    "slug": "",
    "draft": "",
    "permalink": "",
}
LABELLED = re.compile(rf"^(?P<label>{'|'.join(LABEL_FIELDS)})\s*:\s*(?P<value>\S.*)$", re.IGNORECASE)
CREDIT_PARTS = re.compile(r"[/|;]")
SUBJECT_PREFIX = re.compile(r"^(?:(?:re|fwd?|aw|tr)\s*:\s*)+", re.IGNORECASE)
EMAIL = re.compile(r"<?[\w.+-]+@[\w-]+(?:\.[\w-]+)+>?")
BYLINE_OPENING = re.compile(r"^(?:(?:written|story|words|text|reported)\s+)?by\s*:?\s+(?P<rest>\S.*)$", re.IGNORECASE)
# What ends a byline's names: a comma, a bar or bullet, a dash, a timestamp's first word or figure.
BYLINE_SEPARATOR = re.compile(
    r"\s*[,|•·]\s*|\s+[-–—]\s+|\s+(?=(?:updated|published|posted|on|for)\b|\d)", re.IGNORECASE
)
# Outlets a byline or a line of its own names ("By Jane Doe, CNN", "BBC News, Washington"): the well-known names of
# `outlets.py` and the wires and broadcasters that sign copy.
OUTLETS = sorted(
    {
        *OUTLET_NAMES.values(),
        "Associated Press",
        "The Associated Press",
        "AFP",
        "Agence France-Presse",
        "UPI",
        "Press Association",
        "PA Media",
        "MailOnline",
        "Mail Online",
        "Sky News",
        "ABC News",
        "NBC News",
        "CBS News",
        "USA Today",
        "The Times",
        "The Telegraph",
        "The Independent",
        "Los Angeles Times",
        "Al Jazeera English",
    },
    key=len,
    reverse=True,
)
OUTLET = rf"(?:{'|'.join(re.escape(name) for name in OUTLETS)})(?:\s+(?:News|Sport|Online|Business|Staff))?"
OUTLET_ENDING = re.compile(rf"\s+{OUTLET}\s*$", re.IGNORECASE)
# An outlet on a line of its own, with the desk or place after it: "BBC News, Washington", "Reuters", "CNN".
OUTLET_LINE = re.compile(rf"^(?P<outlet>{OUTLET})(?:\s*(?:,|\||\s[-–—])\s*[A-Z][\w .'’-]{{1,40}})?$")
# "Jane Doe in London" over a timestamp (the Guardian's byline, without "By"): two or three capitalised names.
PLACE_BYLINE = re.compile(
    r"^(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2}(?:\s+and\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})?)"
    r"\s+in\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}$"
)
# Lower-case words a byline's names may hold: connectors and name particles.
BYLINE_SMALL_WORDS = frozenset("and of for the in at on de van von da di al bin el la le du".split())
WEEKDAYS = "mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat saturday sun sunday"
TIME_ZONES = "et est edt ct cst cdt mt mst mdt pt pst pdt gmt utc bst cet cest ist jst aest aedt hkt sgt z"
# Words a timestamp line is made of besides its date: the verb, a weekday, a time, a zone, connectors.
TIMESTAMP_WORDS = frozenset(
    f"{WEEKDAYS} {TIME_ZONES} updated update last first published posted modified created on at of the am pm a m p "
    "h hrs uhr".split()
) | frozenset(MONTH_NUMBERS)
RELATIVE_WORDS = frozenset("ago just now minute minutes min mins hour hours hr hrs day days an a".split())
TIMESTAMP_NUMBER = re.compile(r"^\d{1,4}(?:st|nd|rd|th|t\d\d|z|h\d\d)?$", re.IGNORECASE)
CLOCK = re.compile(r"\b\d{1,2}[:.h]\d\d\b")
TOKEN = re.compile(r"[^\W_]+")
# Credit lines closing a story (and, rarely, opening one): who reported, wrote and edited it, its copyright, the
# outlet's "follow us" line.
CREDIT = re.compile(
    r"^[(\[]?(?:(?:additional|further)\s+)?(?:reporting|writing|editing|research|compiled|produced|photos?|"
    r"graphics?|illustrations?)(?:\s+and\s+\w+)?\s+by\b|^[(\[]?(?:copyright\b|©|\(c\)\s*\d{4})|"
    r"^follow\s+(?:us|\S+(?:\s+\S+){0,3}\s+on)\b|^contact\s+(?:the\s+)?(?:author|reporter|writer)s?\b|"
    r"^all rights reserved\b",
    re.IGNORECASE,
)
# The reporter named by a wire credit ("Reporting by Jane Doe in London; Editing by John Smith"): the story's author.
REPORTER = re.compile(r"^[(\[]?(?:reporting|writing|reported)\s+by\s+(?P<rest>.+)$", re.IGNORECASE)
REPORTER_END = re.compile(r"\s*[;)\]]|\s+in\s+(?=[A-Z])|,\s*(?=(?:additional|editing|writing)\b)", re.IGNORECASE)
# A wire service's credit line, however long: "(Reporting by Jane Doe in London and Tom Li; Additional reporting by
# Ann Bo; Editing by Ed Wu)". Its clauses name people (capitalised words), so a sentence never reads as one.
CREDIT_NAMES = r"[A-Z][\w.'’-]*(?:,?\s+(?:[A-Z][\w.'’-]*|and|in|at|de|van|von|da|di|al|bin|el))*"
CREDIT_CLAUSE = (
    r"(?i:(?:(?:additional|further)\s+)?(?:reporting|writing|editing|research|compiled|produced|photos?|"
    rf"graphics?)(?:\s+and\s+\w+)?\s+by)\s+{CREDIT_NAMES}"
)
WIRE_CREDIT = re.compile(rf"^[(\[]?{CREDIT_CLAUSE}(?:\s*[;,]\s*{CREDIT_CLAUSE})*[)\]]?\.?$")
# A copyright notice may end in a full stop and so pass for prose: its year right after the mark tells it apart
# ("Copyright 2026 Reuters. All rights reserved."; "Copyright law changed in 2026." is a sentence).
COPYRIGHT_NOTICE = re.compile(
    r"^(?:copyright|©|\(c\))(?:\s*(?:©|\(c\)))?\s*(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?[,.]?"
    r"(?:\s+[\w&'’-]+\.?){0,6}(?:\s*all rights reserved\.?)?$",
    re.IGNORECASE,
)
