"""What a day's brief takes in: articles published inside `--window` before `--date`, in `--lang`.

Published dates are calendar days (the publisher's own), so the window is counted in days: `24h` keeps yesterday's
and today's articles, `3d` the three days before the brief date and the date itself. An article dated after the
brief date is outside the window too (a re-run of an old day must not take in later news). Undated articles are
kept and marked: dropping them would silently lose a source whose date the cleaner could not find. Articles whose
detected language differs from `--lang` are left out; those of unknown language are kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.config import Settings, window_days
from briefing.records import Article


def article_day(article: Article) -> dt.date | None:
    """The day an article was published, when known."""
    return article.published


@dataclass(frozen=True)
class Intake:
    """The articles kept, and what the window and the language left out."""

    articles: tuple[Article, ...]
    older: tuple[Article, ...] = ()
    later: tuple[Article, ...] = ()
    other_language: tuple[Article, ...] = ()
    undated: int = 0  # articles kept although their date is unknown (only counted when a window is set)
    window: str | None = None
    first_day: dt.date | None = None  # the oldest day the window keeps

    @property
    def left_out(self) -> int:
        return len(self.older) + len(self.later) + len(self.other_language)

    def report(self) -> list[str]:
        """One line per kind of left-out article, e.g. '12 older articles left out (window 24h: before 2026-11-24)'."""
        lines = []
        if self.older:
            lines.append(
                f"{_count(len(self.older), 'older article')} left out "
                f"(window {self.window}: published before {self.first_day})"
            )
        if self.later:
            lines.append(f"{_count(len(self.later), 'article')} dated after the brief date left out")
        if self.other_language:
            lines.append(f"{_count(len(self.other_language), 'article')} in another language left out")
        if self.undated:
            lines.append(f"{_count(self.undated, 'undated article')} kept (marked undated)")
        return lines

    def provenance(self) -> dict[str, object]:
        return {
            "window": self.window,
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "older": [a.source for a in self.older],
            "later": [a.source for a in self.later],
            "other_language": [a.source for a in self.other_language],
            "undated_kept": self.undated,
        }


def take_in(articles: Sequence[Article], settings: Settings) -> Intake:
    """Split `articles` by the date window and the language of `settings`; with neither set all are kept."""
    if settings.window is None and not settings.lang:
        return Intake(tuple(articles))
    first_day = settings.date - dt.timedelta(days=window_days(settings.window)) if settings.window else None
    kept: list[Article] = []
    older: list[Article] = []
    later: list[Article] = []
    other: list[Article] = []
    undated = 0
    for article in articles:
        if settings.lang and article.language and article.language not in settings.lang:
            other.append(article)
            continue
        day = article_day(article)
        if first_day is not None and day is not None and day < first_day:
            older.append(article)
        elif first_day is not None and day is not None and day > settings.date:
            later.append(article)
        else:
            undated += first_day is not None and day is None
            kept.append(article)
    return Intake(tuple(kept), tuple(older), tuple(later), tuple(other), undated, settings.window, first_day)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
