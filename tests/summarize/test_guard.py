"""The faithfulness guard on hand-made summaries of a real article, and its fact normalisation rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.clean import clean
from briefing.config import GuardMode
from briefing.records import Article, RawDocument, Summary, SummarySentence
from briefing.summarize.guard import SUPPORT_THRESHOLD, ArticleFacts, check_summaries, guard_summaries, sentence_facts
from briefing.summarize.guard.check import SentenceCheck

FAITHFUL = (
    "Gary Locke will be named Kilmarnock's permanent manager on Friday, eight weeks after taking temporary charge."
)
INVENTED_NAME = "Chairman Peter Hamilton praised Locke for the way he has conducted himself."
WRONG_NUMBER = "Locke was given a five-year deal by the Rugby Park club."  # the article says three-year
FUSED = "Locke's side went unbeaten in his first six games before Ross County beat them 2-1 in Dingwall."
OFF_TOPIC = "The weather in the region was sunny and warm for most of the week."


def load_records(path: Path) -> list[Article]:
    articles = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        record = json.loads(line)
        document = RawDocument(f"{path.name}:{number}", record["article"], "record", title=record.get("title"))
        articles.append(clean(document))
    return articles


@pytest.fixture(scope="module")
def locke(data_dir: Path) -> Article:
    """CNN/DailyMail: Gary Locke to be confirmed as Kilmarnock manager (39 sentences)."""
    return load_records(data_dir / "cnn_sample.jsonl")[0]


def generated(article: Article, *texts: str) -> Summary:
    return Summary(article.id, tuple(SummarySentence(text, ()) for text in texts), "abstractive", "fake-model")


def test_flag_mode_marks_invented_name_and_wrong_number_naming_the_token(locke: Article, embedded_encoder) -> None:
    summary = generated(locke, FAITHFUL, INVENTED_NAME, WRONG_NUMBER)
    [guarded] = guard_summaries([locke], [summary], GuardMode.flag, encoder=embedded_encoder)

    faithful, invented, wrong = guarded.sentences
    assert [s.text for s in guarded.sentences] == [FAITHFUL, INVENTED_NAME, WRONG_NUMBER]
    assert not faithful.flagged and faithful.reason is None
    assert invented.flagged and "Peter Hamilton" in (invented.reason or "")
    assert wrong.flagged and "'five'" in (wrong.reason or "")
    assert "Rugby Park" not in (wrong.reason or "")  # the name is in the article: only the number is blamed


def test_drop_mode_replaces_unsupported_sentences_with_unused_article_sentences(
    locke: Article, embedded_encoder
) -> None:
    summary = generated(locke, FAITHFUL, INVENTED_NAME, WRONG_NUMBER)
    [guarded] = guard_summaries([locke], [summary], GuardMode.drop, encoder=embedded_encoder)

    texts = [s.text for s in guarded.sentences]
    assert len(texts) == 3 and texts[0] == FAITHFUL
    assert "Hamilton" not in " ".join(texts) and "five-year" not in " ".join(texts)
    replacements = guarded.sentences[1:]
    cited = {i for s in guarded.sentences for i in s.citations}
    assert len(cited) == 3  # each replacement is a different sentence, none already cited by the kept one
    for sentence in replacements:
        assert not sentence.flagged
        assert sentence.text == locke.sentences[sentence.citations[0]]
        assert sentence.citations[0] not in guarded.sentences[0].citations


def test_faithful_paraphrase_is_kept_with_citations_that_cover_its_facts(locke: Article, embedded_encoder) -> None:
    summary = generated(locke, FAITHFUL, FUSED)
    [guarded] = guard_summaries([locke], [summary], GuardMode.drop, encoder=embedded_encoder)

    lead, fused = guarded.sentences
    assert (lead.text, fused.text) == (FAITHFUL, FUSED)
    assert lead.citations[0] == 0 and lead.support is not None and lead.support >= SUPPORT_THRESHOLD
    # Ross County, 2-1 and Dingwall are in sentence 21; "six games" is in another sentence, which is cited too.
    assert 21 in fused.citations
    assert any("six" in locke.sentences[i] for i in fused.citations if i != 21)
    assert fused.citations == tuple(sorted(fused.citations)) and len(fused.citations) <= 3


def test_sentence_without_encoder_support_is_caught(locke: Article, embedded_encoder) -> None:
    [(_, [check], _)] = check_summaries([locke], [generated(locke, OFF_TOPIC)], encoder=embedded_encoder)
    assert not check.missing  # no name or number to blame: only the encoder can tell
    assert check.support < SUPPORT_THRESHOLD
    assert "no article sentence says this" in (check.reason or "")


def test_a_repeated_sentence_is_caught(locke: Article, embedded_encoder) -> None:
    summary = generated(locke, FAITHFUL, FAITHFUL.replace("named", "confirmed as"))
    [guarded] = guard_summaries([locke], [summary], GuardMode.flag, encoder=embedded_encoder)
    assert not guarded.sentences[0].flagged
    assert guarded.sentences[1].flagged and "repeats summary sentence 1" in (guarded.sentences[1].reason or "")


def test_sentences_packed_together_are_checked_one_by_one(locke: Article, embedded_encoder) -> None:
    summary = generated(locke, f"{FAITHFUL} {WRONG_NUMBER}")
    [guarded] = guard_summaries([locke], [summary], GuardMode.flag, encoder=embedded_encoder)
    assert [(s.text, s.flagged) for s in guarded.sentences] == [(FAITHFUL, False), (WRONG_NUMBER, True)]


def test_verbatim_article_sentences_never_miss_a_fact(data_dir: Path) -> None:
    """The extractive anchor: real articles' own sentences carry every fact they state (and support 1.0)."""
    articles = load_records(data_dir / "cnn_sample.jsonl") + load_records(data_dir / "brief_articles.jsonl")
    for article in articles:
        facts = ArticleFacts.of(article.title + "\n" + "\n".join(article.sentences))
        for sentence in article.sentences:
            assert [f.text for f in sentence_facts(sentence) if facts.missing(f)] == [], sentence


@pytest.mark.parametrize(
    ("article", "claim"),
    [
        ("He paid five dollars.", "He paid $5."),
        ("The deal is worth $5m.", "The deal is worth 5 million dollars."),
        ("Sales rose 12 per cent.", "Sales rose 12%."),
        ("About 1,500 people came.", "About 1500 people came."),
        ("It has twenty-five members.", "It has 25 members."),
        ("The firm lost £3.2bn in 2015.", "In 2015 the firm lost 3.2 billion pounds."),
        ("Kilmarnock’s manager spoke.", "He spoke to Kilmarnock's manager."),
        ("Talks with the United States stalled.", "Talks with the U.S. stalled."),
        ("The Federal Bureau of Investigation said so.", "Officials at the FBI said so."),
        ("Officials at the FBI said so.", "The Federal Bureau of Investigation said so."),
        ("Americans voted on Tuesday.", "Voters in America cast ballots on Tuesday."),
        ("Police in China said.", "Chinese police said."),
        ("The vote is on Jan. 5.", "The vote is on 5 January."),
        ("Locke met Jim Mann.", "Mann met Locke."),
    ],
)
def test_normalised_facts_are_found(article: str, claim: str) -> None:
    facts = ArticleFacts.of(article)
    assert [fact.text for fact in sentence_facts(claim) if facts.missing(fact)] == []


@pytest.mark.parametrize(
    ("article", "claim", "missing"),
    [
        ("He paid $5m.", "He paid $5bn.", "5bn"),
        ("The deal is worth 5 million.", "The deal is worth 6 million.", "6 million"),
        ("Three people died.", "Four people died.", "four"),
        ("It happened on Monday.", "It happened on Friday.", "Friday"),
        ("It happened in March 2014.", "It happened in March 2015.", "2015"),
        ("Gary Locke spoke.", "The manager, John Locke, spoke.", "John Locke"),
        ("The FBI said so.", "The CIA said so.", "CIA"),
        ("Gary Locke spoke.", "The coach, Gina Lamb, spoke.", "Gina Lamb"),  # same initials, another name
        ("Talks in Paris stalled.", "Talks stalled, said officials in Berlin.", "Berlin"),
    ],
)
def test_facts_absent_from_the_article_are_missing(article: str, claim: str, missing: str) -> None:
    facts = ArticleFacts.of(article)
    assert [fact.text for fact in sentence_facts(claim) if facts.missing(fact)] == [missing]


def test_a_lone_capitalised_word_at_sentence_start_is_not_a_name() -> None:
    assert [f.text for f in sentence_facts("Officials said the plan works.")] == []
    assert [f.text for f in sentence_facts("He said: 'Nobody knew.'")] == []
    assert [f.text for f in sentence_facts("Yesterday Smith said the plan works.")] == ["Smith"]


@settings(max_examples=60, deadline=None)
@given(
    # Vowel-free strings: never an English function word ("She", "The"), which rightly ends a name.
    first=st.text("bcdfghjklmnpqrstvwxz", min_size=3, max_size=9),
    last=st.text("bcdfghjklmnpqrstvwxz", min_size=3, max_size=9),
    amount=st.integers(min_value=40, max_value=10**9),
)
def test_no_invented_name_or_number_passes_the_fact_check(first: str, last: str, amount: int) -> None:
    """The target: a name or number that is not in the article is always reported missing."""
    article = "Gary Locke will be confirmed as Kilmarnock's manager on Friday, eight weeks after taking charge."
    facts = ArticleFacts.of(article)
    name = f"{first.capitalize()} {last.capitalize()}"
    if all(word in facts.words for word in (first, last)):
        return
    claim = f"Kilmarnock chairman {name} said the club had paid {amount:,} pounds."
    missing = {fact.text for fact in sentence_facts(claim) if facts.missing(fact)}
    assert name in missing
    assert f"{amount:,}" in missing


def test_the_reason_never_shows_a_support_equal_to_the_threshold() -> None:
    check = SentenceCheck("A claim.", citations=(), support=0.43996, threshold=0.44)
    assert not check.supported
    assert check.reason == "no article sentence says this (best similarity 0.439 < 0.44)"
