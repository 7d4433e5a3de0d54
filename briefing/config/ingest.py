"""Settings of the ingest stage (and what a day takes in): read caps, fetch timeouts, languages, date window."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from briefing.config.fields import Affects, setting
from briefing.errors import ConfigError


def default_user_agent() -> str:
    """A polite User-Agent: names the tool and its version, so site owners can tell what is fetching."""
    from briefing import __version__

    return f"briefing/{__version__} (news brief builder)"


@dataclass(frozen=True)
class IngestSettings:
    max_input_mb: float = setting(
        4.0,
        low=0.001,
        high=1024,
        flag="--max-input-mb",
        help="Megabytes read from one file or stdin (the rest is cut off, with a note); bigger URL answers refused.",
    )
    max_text_chars: int = setting(
        200_000,
        low=1_000,
        high=100_000_000,
        help="Longest text kept from one document (~30k words): bounds the work per input.",
    )
    fetch_timeout: float = setting(
        10.0,
        low=0.01,
        high=600,
        flag="--fetch-timeout",
        help="Seconds to connect, and to wait for each piece of a response.",
    )
    fetch_deadline: float = setting(
        30.0, low=0.01, high=3600, help="Seconds one URL may take in total, redirects included."
    )
    max_redirects: int = setting(5, low=0, high=20, help="Redirects followed per URL, each target re-checked.")
    max_items_per_feed: int = setting(
        50,
        low=1,
        high=1000,
        flag="--max-items-per-feed",
        help="Items read from one feed; those without full text are fetched from their page.",
    )
    allow_private_urls: bool = setting(
        False,
        flag="--allow-private-urls",
        help="Also fetch links found in feeds that lead to loopback, private or link-local addresses.",
    )
    user_agent: str = setting(default_factory=default_user_agent, help="The User-Agent header sent with every fetch.")

    lang: tuple[str, ...] = setting(
        (),
        flag="--lang",
        affects=Affects.brief,
        help="Keep only articles in these languages (ISO 639-1 codes, comma-separated: en,de); the others are "
        "skipped, with their language. Default: every language.",
    )
    window: str | None = setting(
        None,
        flag="--window",
        affects=Affects.brief,
        help="Keep articles published in this window before --date: 24h, 3d, 7d (N h or N d). Older and later "
        "ones are left out and counted; undated ones are kept and marked.",
    )

    def _check_ingest(self) -> None:
        if not self.fetch_timeout <= self.fetch_deadline:
            raise ConfigError(
                f"fetch_deadline must be at least fetch_timeout ({self.fetch_timeout}), got {self.fetch_deadline}"
            )
        for code in self.lang:
            if not re.fullmatch(r"[a-z]{2,3}", code):
                raise ConfigError(f"--lang takes ISO 639-1 codes such as en or de, comma-separated; got {code!r}")
        # The User-Agent goes into an HTTP header: no control characters (header injection), printable ASCII only.
        if not self.user_agent.strip() or not all(" " <= c <= "~" for c in self.user_agent):
            raise ConfigError(f"user_agent must be non-empty printable ASCII, got {self.user_agent!r}")
        if self.window is not None:
            window_days(self.window)  # raises ConfigError naming --window


def parse_languages(value: str | None) -> tuple[str, ...]:
    """`--lang en,DE, fr` -> ('en', 'de', 'fr'); None or '' -> () (every language)."""
    if not value:
        return ()
    return tuple(dict.fromkeys(code.strip().lower() for code in value.split(",") if code.strip()))


_WINDOW = re.compile(r"^(\d{1,4})([hd])$")
MAX_WINDOW_DAYS = 366


def window_days(window: str) -> int:
    """Calendar days before the brief date that `--window` reaches back (published dates are days, not times).

    `24h` and `1d` reach back one day (yesterday and today are kept), `36h` two, `3d` three: a morning run keeps
    what was published since the previous morning whatever time the publisher stamped it.
    """
    match = _WINDOW.match(window.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise ConfigError(f"--window must be a number of hours or days such as 24h, 3d or 7d, got {window!r}")
    amount, unit = int(match.group(1)), match.group(2)
    days = math.ceil(amount / 24) if unit == "h" else amount
    if days > MAX_WINDOW_DAYS:
        raise ConfigError(f"--window reaches back at most {MAX_WINDOW_DAYS} days, got {window!r}")
    return days
