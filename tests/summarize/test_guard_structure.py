"""The guard's sentence-level rules: negation, roles, units and facts judged against the best-matching sentences."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from briefing.errors import ModelError
from briefing.records import Article, Summary, SummarySentence
from briefing.summarize.guard import check_summaries, rule_words, rules
from briefing.summarize.guard.clause_rules import copied_clause_problem
from briefing.summarize.guard.consistency import (
    HAND_FEATURES,
    MODEL_PATH,
    MODEL_SHA256,
    load_consistency_model,
)
from briefing.summarize.guard.facts import ArticleFacts, number_facts
from briefing.summarize.guard.predicate_rules import (
    argument_problem,
    negation_problem,
    negation_problems,
    role_problem,
    unit_problem,
)
from briefing.summarize.guard.structure import load_parser_model, parse_structures
from tests.conftest import make_article

ARTICLE = [
    "Police arrested a 24-year-old man in Leeds on Friday after a break-in at a jewellery shop.",
    "Federer beat Nadal in the final at Wimbledon on Sunday.",
    "The new bridge is 198 metres long and opened in March.",
    "The storm killed 12 people along the coast, officials said.",
    "Rescue teams worked for 27 hours to reach the villages cut off by the floods.",
    "The mayor thanked volunteers who cleared the roads.",
]


@pytest.fixture(scope="module")
def parser() -> Any:
    nlp = load_parser_model()
    assert nlp is not None, "spaCy's en_core_web_sm is a core dependency"
    return nlp


@pytest.fixture(scope="module")
def article() -> Article:
    return make_article(ARTICLE, title="Storm and arrests")


@pytest.fixture
def adopt_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sentence-level rule flags (whatever the shipped `ADOPTED_RULES` holds)."""
    monkeypatch.setattr(rules, "ADOPTED_RULES", frozenset(rules.RULES))


def check(article: Article, text: str, encoder: Any, parser: Any, model: Any = False):
    summary = Summary(article.id, (SummarySentence(text, ()),), "abstractive", "fake")
    [(_evidence, [result], _vectors)] = check_summaries([article], [summary], encoder, parser=parser, model=model)
    return result


def structure(parser: Any, text: str):
    return parse_structures(parser, [text])[0]


def test_negation_parity_names_both_forms(parser: Any) -> None:
    article = structure(parser, "Police arrested the man.")
    denied = structure(parser, "Police questioned but did not arrest the man.")
    assert negation_problem(denied, [article]) == "the article says 'arrested', not 'did not arrest'"
    assert negation_problem(article, [structure(parser, "Police did not arrest the man.")]) is not None
    assert negation_problem(article, [article]) is None


def test_subject_and_object_swapped_is_a_role_problem(parser: Any) -> None:
    said = structure(parser, "Federer beat Nadal in the final.")
    assert role_problem(structure(parser, "Nadal beat Federer in the final."), [said]) is not None
    assert role_problem(structure(parser, "Nadal was beaten by Federer in the final."), [said]) is None
    assert role_problem(said, [said]) is None


def test_a_number_bound_to_another_noun_is_a_unit_problem(parser: Any) -> None:
    said = structure(parser, "Rescue teams worked for 27 hours.")
    assert unit_problem(structure(parser, "The storm killed 27 people."), [said]) == (
        "the article says '27 hours', not '27 people'"
    )
    assert unit_problem(structure(parser, "Teams worked 27 hours."), [said]) is None


def test_clauses_are_split_at_relative_and_coordinated_clauses(parser: Any) -> None:
    parsed = structure(parser, "Federer beat Nadal in the final, which officials said would be announced next week.")
    assert len(parsed.clauses) == 2
    assert parsed.clauses[0].startswith("Federer beat Nadal")
    assert structure(parser, "Federer beat Nadal in the final.").clauses == ()


def test_198m_is_read_as_metres_or_million() -> None:
    [fact] = number_facts("The bridge is 198m long.")
    assert not ArticleFacts.of("The new bridge is 198 metres long.").missing(fact)
    assert not ArticleFacts.of("It cost 198 million dollars.").missing(fact)
    assert ArticleFacts.of("It is 200 metres long.").missing(fact)


def test_guard_flags_a_denied_fact_with_the_article_wording(
    article: Article, embedded_encoder, parser, adopt_all
) -> None:
    result = check(article, "Police did not arrest a 24-year-old man in Leeds on Friday.", embedded_encoder, parser)
    assert not result.supported
    assert "the article says 'arrested', not 'did not arrest'" in (result.reason or "")
    faithful = check(article, "Police arrested a 24-year-old man in Leeds on Friday.", embedded_encoder, parser)
    assert faithful.supported, faithful.reason


def test_a_value_from_another_sentence_is_no_support(
    article: Article, embedded_encoder, parser, adopt_all, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.summarize.guard import evidence as evidence_module

    monkeypatch.setattr(evidence_module, "FACT_WINDOW", 1)  # the test article is short: only the best match counts
    result = check(article, "The storm killed 27 people along the coast, officials said.", embedded_encoder, parser)
    assert not result.supported
    assert not result.missing  # 27 is in the article, so today's rule passed it
    assert any("27" in problem for problem in result.problems), result.problems


def test_a_role_swap_is_flagged(article: Article, embedded_encoder, parser, adopt_all) -> None:
    result = check(article, "Nadal beat Federer in the final at Wimbledon on Sunday.", embedded_encoder, parser)
    assert not result.supported
    reason = result.reason or ""
    assert "as the subject of 'beat', not its object" in reason or "as the object of 'beat', not its subject" in reason


def test_names_in_lowercased_text_and_at_sentence_start_are_checked(
    article: Article, embedded_encoder, parser, adopt_all
) -> None:
    lowered = check(article, "john smith thanked volunteers who cleared the roads.", embedded_encoder, parser)
    assert any("john smith" in p for p in lowered.problems), lowered.problems
    started = check(article, "Hamilton thanked volunteers who cleared the roads.", embedded_encoder, parser)
    assert any("hamilton" in p for p in started.problems), started.problems


def test_without_a_parser_the_word_level_rules_still_run(
    article: Article, embedded_encoder, adopt_all, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.summarize.guard import evidence as evidence_module

    monkeypatch.setattr(evidence_module, "FACT_WINDOW", 1)
    result = check(article, "The storm killed 27 people along the coast, officials said.", embedded_encoder, None)
    assert not result.supported and any("'27'" in problem for problem in result.problems)


def test_the_shipped_classifier_is_verified_and_matches_the_features(tmp_path: Path) -> None:
    model = load_consistency_model()
    assert model is not None, "consistency_model.json is shipped with the package"
    assert hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest() == MODEL_SHA256
    assert model.mean.shape == (len(HAND_FEATURES),) and model.hidden_weights.shape[0] == len(HAND_FEATURES)
    assert 0.0 <= model.threshold < 1.0
    tampered = tmp_path / "consistency_model.json"
    tampered.write_bytes(MODEL_PATH.read_bytes().replace(b'"threshold":', b'"threshold": '))
    with pytest.raises(ModelError, match="sha256"):
        load_consistency_model(tampered)


def test_the_classifier_only_adds_flags(article: Article, embedded_encoder, parser) -> None:
    model = load_consistency_model()
    assert model is not None
    result = check(article, "Police arrested a 24-year-old man in Leeds on Friday.", embedded_encoder, parser, model)
    assert result.score is not None and result.support >= result.threshold
    assert result.supported == (result.score >= model.threshold)
    foreign = check(article, "The central bank raised interest rates in Tokyo.", embedded_encoder, parser, model)
    assert not foreign.supported  # no article sentence says it: flagged whatever the classifier scores


def test_a_rule_that_is_not_adopted_is_reported_but_does_not_flag(
    article: Article, embedded_encoder, parser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rules, "ADOPTED_RULES", frozenset())
    denied = "Police did not arrest a 24-year-old man in Leeds on Friday."
    result = check(article, denied, embedded_encoder, parser)
    assert result.findings is not None and any(rule == "negation" for rule, _ in result.findings.reasons)
    assert result.supported and not result.problems
    monkeypatch.setattr(rules, "ADOPTED_RULES", frozenset({"negation"}))
    assert not check(article, denied, embedded_encoder, parser).supported


def test_percent_and_per_cent_are_one_unit(parser: Any) -> None:
    said = structure(parser, "Prices rose 12 per cent last year.")
    assert unit_problem(structure(parser, "Prices rose 12% last year."), [said]) is None
    assert unit_problem(structure(parser, "Prices rose 12 percent last year."), [said]) is None
    assert unit_problem(structure(parser, "Some 12 people died."), [said]) is not None


def test_a_question_denies_nothing(parser: Any) -> None:
    said = structure(parser, "She was wrong to act that way.")
    assert negation_problem(structure(parser, "Aren't we too quick to judge?"), [said]) is None
    assert negation_problem(structure(parser, "She was not wrong to act that way."), [said]) is not None


def test_a_headline_passive_keeps_its_subject_as_the_object(parser: Any) -> None:
    said = structure(parser, "ESPN suspended Britt McHenry for one week.")
    assert role_problem(structure(parser, "Britt McHenry suspended for one week by ESPN."), [said]) is None
    assert role_problem(structure(parser, "Britt McHenry suspended ESPN for one week."), [said]) is not None


def test_another_name_in_the_predicates_role_is_an_argument_problem(parser: Any) -> None:
    said = structure(parser, "Kilmarnock appointed Gary Locke as manager on Friday.")
    swapped = structure(parser, "Hibernian appointed Gary Locke as manager on Friday.")
    assert "kilmarnock" in (argument_problem(swapped, [said]) or "")
    assert argument_problem(said, [said]) is None
    acronym = structure(parser, "ISIS claimed the attack.")
    assert argument_problem(acronym, [structure(parser, "Islamic State claimed the attack.")]) is None
    # Another event of the same verb: its other role is filled by someone else.
    beaten = structure(parser, "Newcastle were beaten 2-1 by Sunderland on Sunday.")
    assert argument_problem(beaten, [structure(parser, "Ferguson beat Shearer to the manager's office.")]) is None


def test_a_clause_copied_with_another_subject_is_flagged(parser: Any) -> None:
    source = structure(parser, "Hibernian are currently eighth in the Premiership.")
    copied = structure(parser, "Locke praised his players, and Kilmarnock are currently eighth in the Premiership.")
    assert "hibernian" in (copied_clause_problem(copied, [0.5, 0.9], [source, source]) or "")
    assert copied_clause_problem(copied, [0.5, 0.5], [source, source]) is None  # not taken from that sentence


def test_a_sentence_the_article_says_word_for_word_fires_no_rule(
    article: Article, embedded_encoder, parser, adopt_all
) -> None:
    for sentence in ARTICLE:
        result = check(article, sentence, embedded_encoder, parser)
        assert result.supported and result.findings is not None and not result.findings.reasons, result.reason


def test_a_denial_is_bound_to_its_predicate(parser: Any) -> None:
    assert set(structure(parser, "The driver failed to stop after the crash.").negated) == {"stop"}
    assert set(structure(parser, "They left without paying the bill.").negated) == {"pay"}
    assert "hurt" in structure(parser, "No one was hurt in the blast.").negated
    # "not only", "not until now" and a neg-raising "I don't think" deny nothing of their own predicate.
    assert structure(parser, "He is not only fast but strong.").negated == {}
    assert structure(parser, "The men were not charged until this month.").negated == {}
    assert "think" not in structure(parser, "I don't think she should stop.").negated
    # ... but "does not believe X" denies X.
    assert "close" in structure(parser, "She does not believe the team is close.").negated


def test_a_denial_said_another_way_in_the_article_is_no_negation_problem(parser: Any) -> None:
    failed = structure(parser, "The driver failed to stop after the crash.")
    assert negation_problem(structure(parser, "The driver did not stop after the crash."), [failed]) is None
    text = "Frank isn't an experienced sailor."
    said = "Frank is an inexperienced sailor."
    assert negation_problems(structure(parser, text), [structure(parser, said)])[0] is not None
    lexical = negation_problems(structure(parser, text), [structure(parser, said)], ArticleFacts.of(said).words, text)
    assert lexical == (None, None)


def test_a_plain_not_the_matching_sentences_lack_is_added(parser: Any) -> None:
    questioned = structure(parser, "Police questioned the man on Friday.")
    paired, added = negation_problems(structure(parser, "Police did not question the man on Friday."), [questioned])
    assert paired == "the article says 'questioned', not 'did not question'"
    _, added = negation_problems(structure(parser, "Police did not arrest the man."), [questioned])
    assert added == "the article sentences that match say it without 'did not arrest'"
    charged = structure(parser, "Police questioned the man but never charged him.")
    assert negation_problems(structure(parser, "Police did not arrest the man."), [charged]) == (
        None,
        None,
    )


def test_a_not_inside_a_noun_phrase_denies_no_predicate(parser: Any) -> None:
    # The "not" belongs to the phrase it modifies, not to the sentence's verb.
    assert structure(parser, "Homes near a branch cost 12% more than those not near a branch.").negated == {}
    assert structure(parser, "A not insignificant sum was paid.").negated == {}
    assert structure(parser, "He arrived in no time.").negated == {}
    cost = structure(parser, "Homes near a branch cost 12% more.")
    sentence = structure(parser, "Homes near a branch cost 12% more than those not near a branch.")
    assert negation_problems(sentence, [cost]) == (None, None)
    # "no" on a subject or object still denies the verb.
    assert "find" in structure(parser, "Investigators found no evidence of a crime.").negated
    assert "hurt" in structure(parser, "No one was hurt.").negated


def test_a_denial_of_someone_else_s_deed_is_no_negation_parity(parser: Any) -> None:
    won = structure(parser, "Villegas won the title on Sunday.")
    other = negation_problems(structure(parser, "Nicklaus did not win the title on Sunday."), [won])[0]
    assert other is None
    same = negation_problems(structure(parser, "Villegas did not win the title on Sunday."), [won])[0]
    assert same == "the article says 'won', not 'did not win'"


def test_a_denied_ability_is_no_added_negation(parser: Any) -> None:
    recorded = structure(parser, "Camilo Villegas recorded two holes-in-one on Wednesday.")
    sentence = structure(parser, "Nicklaus hit a hole-in-one, but he couldn't match Camilo Villegas.")
    assert negation_problems(sentence, [recorded]) == (None, None)
    assert negation_problems(structure(parser, "Villegas did not record two holes-in-one."), [recorded])[1]


def test_names_with_accents_are_whole_words(parser: Any) -> None:
    assert rule_words.content_words("Jörg Düsterwald painted them") == ["jörg", "düsterwald", "painted"]
    assert ("paint", "subj", "jörg düsterwald") in structure(parser, "Jörg Düsterwald painted the pieces.").roles
