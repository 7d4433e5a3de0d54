"""The article span after the block vote: list lines inside the article kept, teaser runs for other stories dropped."""

from __future__ import annotations

import numpy as np

from briefing.clean import clean
from briefing.clean.features import Blocks, page_features
from briefing.clean.span import refine_keep
from briefing.records import RawDocument

MENU = ["Home", "News", "Recipes", "Videos", "Shop", "Contact us", "Sign in"]
PROSE = [
    "This spiced pear jam is the easiest preserve I make every autumn, and it keeps for a year in the pantry.",
    "The pears should be ripe but still firm, so that the pieces hold their shape while the jam cooks down slowly.",
    "Start by washing the jars in hot soapy water and keeping them warm in a low oven until you need them.",
]
INGREDIENTS = ["4 cups diced pears", "1 cup honey", "2 tbsp lemon juice", "1 tsp cinnamon", "1 box pectin"]
METHOD = [
    "Bring the pears, honey and lemon juice to a boil in a large pot, stirring often so nothing sticks to the bottom.",
    "Stir in the pectin and cinnamon, boil hard for one minute, then ladle the jam into the warm jars and seal them.",
    "Process the jars in a water bath for ten minutes and let them cool on a towel overnight before storing them.",
]


def test_short_list_lines_inside_the_article_are_kept_and_menus_are_not():
    page = "\n".join(
        ["Spiced honey pear jam recipe | Kitchen Notes", "", *MENU, "", *PROSE, *INGREDIENTS, *METHOD, "", *MENU]
    )
    article = clean(RawDocument("jam.txt", page, "text"))
    for line in (*PROSE, *INGREDIENTS, *METHOD):
        assert line in article.sentences
    assert not set(MENU) & set(article.sentences)


def test_a_kept_run_that_shares_no_headline_word_is_dropped():
    story = [
        "Michigan health officials report a sixth fatality linked to eastern equine encephalitis this year.",
        "The encephalitis victim was one of two people who contracted the virus in Berrien County, officials said.",
    ]
    teasers = [
        "The 4 Best Vegan Spots In Detroit Hoodline crunched the numbers to find the top vegan spots around town.",
        "Say Cheese? Detroit's Top 3 Cheese Shops Wondering where to find the best cheese near you this winter?",
    ]
    texts = (*teasers, *[f"Link {number}" for number in range(14)], *story)
    blocks = Blocks(tuple(texts), tuple(range(len(texts))))
    keep = np.array([True, True, *[False] * 14, True, True])
    title = "Michigan officials: 6th fatality linked to eastern equine encephalitis"
    refined = refine_keep(blocks, page_features(blocks, title), keep, title)
    assert refined.tolist() == [False, False, *[False] * 14, True, True]


def _refined(texts: list[str], kept: set[int], title: str) -> list[bool]:
    blocks = Blocks(tuple(texts), tuple(range(len(texts))))
    keep = np.array([index in kept for index in range(len(texts))])
    return refine_keep(blocks, page_features(blocks, title), keep, title).tolist()


def test_a_long_list_that_repeats_the_articles_own_lines_is_kept():
    """A meal plan lists the same items day after day, and the model keeps the odd line of it: gaps of 12+ such
    lines between kept lines, repeating each other, are the article."""
    day = ["Breakfast", "Eat within an hour of waking", "2 eggs, 1 slice rye toast", "Lunch", "Lentil soup, 1 cup"]
    texts = [PROSE[0], *[line for number in range(1, 6) for line in (f"Day {number}", *day)], METHOD[0]]
    kept = {0, 16, len(texts) - 1}
    assert 16 - 1 > 12 and len(texts) - 1 - 16 - 1 > 12
    assert all(_refined(texts, kept, "A five-day meal plan"))


def test_a_long_list_repeated_only_within_itself_is_not_filled_in():
    """Twins must be outside the gap: a related-stories list repeats its section labels within itself."""
    related = [line for number in range(8) for line in ("Nutrition", f"Why breakfast matters, part {number}")]
    texts = [PROSE[0], *related, METHOD[0]]
    assert not any(_refined(texts, {0, len(texts) - 1}, "Spiced honey pear jam")[1:-1])


def test_a_results_table_between_kept_lines_is_kept():
    rows = [
        f"{place} Driver Name{place} {5040 - 31 * place} {place % 4} {place % 3} {20 - place}" for place in range(30)
    ]
    texts = [PROSE[0], "Pos. Driver Points Wins Poles Top 5", *rows, METHOD[0]]
    assert all(_refined(texts, {0, len(texts) - 1}, "Final standings after 36 races"))


def test_a_long_run_of_other_headlines_is_not_filled_in():
    headlines = [
        f"{town} council votes on {topic}"
        for town in ("Leeds", "York", "Bath", "Hull")
        for topic in ("bus lanes", "school meals", "new homes", "park fees")
    ]
    texts = [PROSE[0], *headlines, METHOD[0]]
    refined = _refined(texts, {0, len(texts) - 1}, "Spiced honey pear jam")
    assert not any(refined[1:-1])
