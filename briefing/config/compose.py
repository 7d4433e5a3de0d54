"""Settings of the compose stage: the brief's title, how many stories in full, --new-only, story length."""

from __future__ import annotations

from dataclasses import dataclass

from briefing.config.fields import Affects, setting
from briefing.errors import ConfigError


@dataclass(frozen=True)
class ComposeSettings:
    title: str = setting("Daily Brief", flag="--title", affects=Affects.brief, help="Headline of the brief.")
    top: int | None = setting(
        None,
        low=1,
        flag="--top",
        affects=Affects.brief,
        help="Show the N most important stories in full; list the rest under 'Also noted'.",
    )
    new_only: bool = setting(
        False,
        flag="--new-only",
        affects=Affects.brief,
        help="Leave out stories briefed on an earlier day; mark those with new sources 'update'.",
    )
    story_words: int = setting(
        80,
        low=20,
        high=2000,
        flag="--story-words",
        affects=Affects.brief,
        help="Word budget of each story's multi-source summary (about three bullets).",
    )

    def _check_compose(self) -> None:
        if not self.title.strip():
            raise ConfigError("--title must not be empty")
