"""Label lines in other languages (briefing/clean/furniture.py): skip links, "read also", sharing and legal labels
are furniture; short lines that say something, and English labels (left to the block model on HTML), are not."""

from __future__ import annotations

import pytest

from briefing.clean.furniture import is_foreign_label_line, is_furniture_line


@pytest.mark.parametrize(
    "line",
    [
        "Zum Hauptinhalt springen",
        "Hauptinhalt",
        "Ähnliche Beiträge",
        "Lire aussi",
        "Partager sur Facebook",
        "Artículos relacionados",
        "Leggi anche",
        "Lees ook",
        "Artigos relacionados",
        "Impressum | Datenschutz",
    ],
)
def test_foreign_labels_are_furniture(line: str) -> None:
    assert is_foreign_label_line(line)
    assert is_furniture_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Mehr Geld für Schulen",  # a subheading: "Geld", "Schulen" are no labels
        "Die Polizei ermittelt.",
        "Le gouvernement recule",
        "Read more",  # English: furniture, but the HTML block model's own vocabulary covers it
        "Share on Facebook",
    ],
)
def test_other_short_lines_are_no_foreign_labels(line: str) -> None:
    assert not is_foreign_label_line(line)


def test_a_subheading_in_another_language_is_kept_as_text() -> None:
    assert not is_furniture_line("Mehr Geld für Schulen")
    assert not is_furniture_line("Le gouvernement recule")
