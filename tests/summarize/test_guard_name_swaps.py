"""The name-swap rule (`guard/name_swaps.py`) and the object-role rule (`guard/role_swaps.py`)."""

from __future__ import annotations

import pytest

from briefing.summarize.guard.name_swaps import name_swap_problem, stem
from briefing.summarize.guard.role_swaps import object_role_problem
from briefing.summarize.guard.rules import PARSE_RULES, RULES, find_problems
from briefing.summarize.guard.structure import Structure

NASA = (
    "NASA chief scientist Ellen Stofan said Tuesday that we are close to finding evidence of alien life.",
    "The Dawn spacecraft went into orbit around the dwarf planet Ceres in March.",
)
COAL = (
    "UK Coal said it was making significant progress in shaking up the business.",
    "The company runs mines in Yorkshire and Durham, where 300 miners work.",
)
HASKELL = (
    "England flanker James Haskell dressed in an Iron Man costume and posted the picture on Instagram.",
    "Haskell returned to Wasps for the 2012 season after spells in France and Japan.",
)


@pytest.mark.parametrize(
    ("summary", "article", "proper_nouns", "theirs", "ours"),
    [
        (
            "NASA chief scientist Ceres believes we're close to finding alien life.",
            NASA,
            ("nasa", "ceres"),
            "NASA chief scientist Ellen Stofan",
            "NASA chief scientist Ceres",
        ),
        # One word of a longer name swapped: "UK Coal" -> "Durham Coal" (Durham is elsewhere in the article).
        ("Durham Coal said it was making significant progress.", COAL, ("durham coal",), "UK", "Durham"),
        # Reworded around the name ("dresses" / "dressed", "posts" / "posted").
        (
            "Haskell dresses in Iron Man costume and posts the picture on Wasps.",
            HASKELL,
            ("haskell", "iron man", "wasps"),
            "Instagram",
            "Wasps",
        ),
    ],
)
def test_a_name_put_where_the_article_names_someone_else_is_flagged(
    summary: str, article: tuple[str, ...], proper_nouns: tuple[str, ...], theirs: str, ours: str
) -> None:
    reason = name_swap_problem(summary, article, proper_nouns)
    assert reason is not None
    said, _, not_said = reason.partition("', not '")
    assert theirs in said and ours not in said
    assert ours in not_said


@pytest.mark.parametrize(
    ("summary", "article", "proper_nouns"),
    [
        # The true sentences of the cases above.
        ("NASA chief scientist Ellen Stofan believes we're close to finding life.", NASA, ("nasa", "ellen stofan")),
        ("UK Coal said it was making significant progress in the business.", COAL, ("uk coal",)),
        ("Haskell dresses in Iron Man costume and posts the picture on Instagram.", HASKELL, ("haskell", "instagram")),
        # An alias of the fact check: "RBS" for "Royal Bank of Scotland".
        (
            "RBS has racked up £50billion in losses since it was bailed out by taxpayers.",
            ("The Royal Bank of Scotland has racked up £50billion in losses since it was bailed out by taxpayers.",),
            ("rbs",),
        ),
        # Initials: "LA" for "Los Angeles".
        (
            "Smith, now in LA, says she has been traumatised by the attack.",
            ("Smith, now living in Los Angeles, says she has been traumatised by the attack.", "LA is far away."),
            ("smith", "la"),
        ),
        # The article sentence names both: "for Real Madrid or Barcelona".
        (
            "He dreams of one day playing for Barcelona in the Champions League.",
            ("He dreams of one day playing for Real Madrid or Barcelona in the Champions League.",),
            ("barcelona", "champions league"),
        ),
        # The article puts Y in this context too, in another sentence.
        (
            "Ceres was reached by the Dawn spacecraft in March.",
            (*NASA, "Ceres was reached by the spacecraft in March, after Vesta."),
            ("ceres", "dawn"),
        ),
        # A one-word name after "the" is a title or an event ("the Masters"), no one's name to swap.
        (
            "Casey was due to play at Augusta for the eighth time.",
            ("Casey was due to play at the Masters for the eighth time.", "Augusta National is in Georgia."),
            ("casey", "augusta"),
        ),
    ],
)
def test_a_name_the_article_says_there_or_cannot_be_swapped_is_no_problem(
    summary: str, article: tuple[str, ...], proper_nouns: tuple[str, ...]
) -> None:
    assert name_swap_problem(summary, article, proper_nouns) is None


def test_a_capital_the_tagger_does_not_read_as_a_name_is_no_name() -> None:
    summary = "NASA chief scientist Ceres believes we're close to finding alien life."
    assert name_swap_problem(summary, NASA, ("nasa",)) is None  # the tagger did not take "Ceres" for a name
    assert name_swap_problem(summary, NASA, ()) is None  # no parse: no names


def test_the_stem_joins_forms_of_one_word() -> None:
    assert stem("dressed") == stem("dresses") == stem("dress")
    assert stem("escaped") == stem("escape")
    assert stem("posted") == stem("posts")


def _roles(*roles: tuple[str, str, str]) -> Structure:
    return Structure({}, {}, frozenset(roles), frozenset(), (), (), (), 0)


def test_an_object_the_window_has_only_as_the_subject_is_flagged() -> None:
    sentence = _roles(("file", "obj", "lawsuit"))  # "Lawsuits ... have filed two of the boys" (swapped)
    window = [_roles(("file", "subj", "student"), ("file", "obj", "lawsuit")), _roles(("file", "subj", "lawsuit"))]
    assert object_role_problem(sentence, window) is None  # the window has it as the object too
    window = [_roles(("file", "subj", "lawsuit"), ("file", "obj", "complaint"))]
    reason = object_role_problem(sentence, window)
    assert reason == "the article has 'lawsuit' as the subject of 'file', not its object"


def test_a_subject_or_an_unordered_predicate_is_no_object_role_problem() -> None:
    # A subject here that is the object there: a headline's passive parses so ("McHenry suspended"), left out.
    assert object_role_problem(_roles(("suspend", "subj", "mchenry")), [_roles(("suspend", "obj", "mchenry"))]) is None
    # "A married B" is "B married A".
    assert object_role_problem(_roles(("marry", "obj", "liana")), [_roles(("marry", "subj", "liana"))]) is None


def test_the_rules_are_registered_and_read_the_parse() -> None:
    assert {"name_swaps", "object_roles"} <= set(RULES)
    assert {"name_swaps", "object_roles"} <= PARSE_RULES  # the tagger's proper nouns; the parse's roles


def test_find_problems_reports_the_name_swap() -> None:
    from briefing.summarize.guard.facts import ArticleFacts, sentence_facts

    summary = "NASA chief scientist Ceres believes we're close to finding alien life."
    structure = Structure({}, {}, frozenset(), frozenset(), (), (), ("nasa", "ceres"), 0)
    article = ArticleFacts.of("\n".join(NASA))
    findings = find_problems(
        sentence_facts(summary), article, article, structure, [Structure.empty()], article.words, article.words,
        text=summary, article_text=" ".join(NASA).lower(), article_sentences=NASA,
    )  # fmt: skip
    assert any(rule == "name_swaps" and "Ellen Stofan" in reason for rule, reason in findings.reasons)
