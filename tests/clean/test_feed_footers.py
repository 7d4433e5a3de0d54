"""The lines feeds and republishers append to an item (briefing/clean/furniture.py): dropped as whole lines only."""

from __future__ import annotations

import pytest

from briefing.clean.furniture import drop_furniture_lines, is_furniture_line


@pytest.mark.parametrize(
    "line",
    [
        "The post Council closes the bridge for repairs appeared first on Wire Daily.",
        "The post Council closes the bridge appeared first on https://wire.example.",
        "This article was originally published on The Conversation. Read the original article.",
        "This story first appeared in The Texas Tribune.",
        "This article is republished from The Conversation",
    ],
)
def test_feed_footers_are_furniture(line: str) -> None:
    assert is_furniture_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "The post office appeared first on the list of closures, officials said on Tuesday.",
        "This article was first published in 1999 and has since been cited by the court in three rulings.",
        "The report, which appeared first on the agency's website, said 12 people had been hurt.",
    ],
)
def test_sentences_that_only_look_like_footers_are_kept(line: str) -> None:
    assert not is_furniture_line(line)


def test_a_feed_item_loses_its_footer_and_keeps_its_body() -> None:
    body = "The council voted on Tuesday to close the bridge.\nWork starts in March, the mayor said."
    text = body + "\nThe post Bridge to close appeared first on Wire Daily."
    assert drop_furniture_lines(text) == body
