"""Compose on real same-event articles (five small Multi-News clusters): stories, citations, ranking, bottom line."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from briefing.compose import compose
from briefing.config import Settings
from briefing.encoder.resolve import EMBEDDED_SHA256
from briefing.models import RunModels
from briefing.pipeline import load_articles
from briefing.records import Article, Brief, BriefSentence, Summary, SummarySentence
from briefing.text import words

CLUSTERS = Path(__file__).parents[1] / "data" / "multinews_clusters.jsonl"  # ids "cNN-dK": cluster NN, document K


def first_sentences(article: Article, count: int = 3) -> Summary:
    """What an extractive summarizer returns, without the model: the lead, each sentence citing itself."""
    sentences = tuple(SummarySentence(s, (i,), support=1.0) for i, s in enumerate(article.sentences[:count]))
    return Summary(article.id, sentences, method="fake", model="fake-model")


def cluster_of(source: str) -> str:
    match = re.search(r"#(c\d+)-d\d+$", source)
    assert match, source
    return match.group(1)


@pytest.fixture(scope="module")
def articles() -> tuple[Article, ...]:
    loaded = load_articles([str(CLUSTERS)], Settings())
    assert len(loaded.articles) == 11, loaded.skipped
    return loaded.articles


@pytest.fixture(scope="module")
def brief(articles: tuple[Article, ...], embedded_encoder, tmp_path_factory: pytest.TempPathFactory) -> Brief:
    settings = Settings(date=dt.date(2026, 11, 25), top=3, cache_dir=tmp_path_factory.mktemp("cache"))
    return compose(
        articles, [first_sentences(a) for a in articles], settings, RunModels(settings, encoder=embedded_encoder)
    )


def all_sentences(brief: Brief) -> list[BriefSentence]:
    return [*brief.bottom_line, *(s for story in brief.stories for s in story.sentences), *brief.also_noted]


def test_same_event_articles_become_one_story_listing_all_their_sources(brief: Brief):
    story_ids = {source.story_id for source in brief.sources}
    assert len(story_ids) == 5  # five events: three shown in full, two under Also noted
    for story_id in story_ids:
        clusters = {cluster_of(s.source) for s in brief.sources if s.story_id == story_id}
        assert len(clusters) == 1, f"story {story_id} mixes events {clusters}"
    for story in brief.stories:
        members = [s for s in brief.sources if s.story_id == story.id]
        assert sorted(story.sources) == sorted(s.number for s in members)


def test_every_brief_sentence_cites_existing_sources_of_its_story(brief: Brief, articles: tuple[Article, ...]):
    by_number = {source.number: source for source in brief.sources}
    text_of = {a.id: set(a.sentences) for a in articles}
    for sentence in all_sentences(brief):
        assert sentence.sources, sentence
        assert all(n in by_number for n in sentence.sources)
        assert {by_number[n].story_id for n in sentence.sources} == {sentence.story_id}
        if sentence.id.startswith("s"):  # a story bullet, extractive: word for word in the first source it cites
            assert sentence.text in text_of[by_number[sentence.sources[0]].article_id]
        else:  # a bottom-line line or an Also-noted headline: its sources' words, only deleted from
            cited = " ".join(" ".join(text_of[by_number[n].article_id]) for n in sentence.sources)
            assert set(words(sentence.text)) <= set(words(cited)), sentence


def test_several_sources_saying_the_same_thing_are_all_cited(brief: Brief, articles: tuple[Article, ...]):
    by_number = {source.number: source for source in brief.sources}
    article_of = {a.id: a for a in articles}
    multi = [s for story in brief.stories for s in story.sentences if len(s.sources) > 1]
    assert multi, "the three Hanford articles share sentences: some must be cited to several sources"
    for sentence in multi:
        own = {w for w in words(sentence.text) if len(w) > 3}
        for number in sentence.sources[1:]:
            article = article_of[by_number[number].article_id]
            best = max(len(own & {w for w in words(s) if len(w) > 3}) for s in article.sentences)
            assert best / len(own) >= 0.6, (sentence.text, number)


def test_sources_are_numbered_in_story_order_and_list_the_sentences_that_quote_them(brief: Brief):
    assert [s.number for s in brief.sources] == list(range(1, len(brief.sources) + 1))
    first = brief.stories[0]
    assert sorted(first.sources) == list(range(1, len(first.sources) + 1))
    cited_by: dict[int, list[str]] = {s.number: [] for s in brief.sources}
    for sentence in all_sentences(brief):
        assert sentence.id
        for number in sentence.sources:
            cited_by[number].append(sentence.id)
    assert {s.number: list(s.quoted_in) for s in brief.sources} == cited_by
    assert len({s.id for s in all_sentences(brief)}) == len(all_sentences(brief))


def test_ranking_puts_the_event_with_most_sources_first(brief: Brief):
    assert len(brief.stories[0].sources) == 3  # the only event reported by three outlets
    assert cluster_of(brief.sources[brief.stories[0].sources[0] - 1].source) == "c19"
    scores = [s.score for s in brief.stories]
    assert scores == sorted(scores, reverse=True)
    assert [s.rank for s in brief.stories] == [1, 2, 3]


def test_top_keeps_n_stories_and_lists_the_rest_as_cited_one_liners(brief: Brief):
    assert len(brief.stories) == 3
    assert len(brief.also_noted) == 2
    shown = {s.id for s in brief.stories}
    for item in brief.also_noted:
        assert item.story_id not in shown
        assert item.text and item.sources and len(item.text.split()) <= 16  # the story's headline, one line


def test_bottom_line_has_one_cited_bullet_per_leading_story(brief: Brief):
    assert 3 <= len(brief.bottom_line) <= 5
    story_ids = [b.story_id for b in brief.bottom_line]
    assert len(set(story_ids)) == len(story_ids)
    assert story_ids[:3] == [s.id for s in brief.stories]
    for bullet, story in zip(brief.bottom_line, brief.stories, strict=False):
        assert set(bullet.sources) <= set(story.sources)


def test_stories_name_their_actors_and_places(brief: Brief):
    hanford = brief.stories[0]
    assert any("Almario" in actor for actor in hanford.actors)
    assert any(place in {"California", "Hanford"} for place in hanford.places)


def test_provenance_records_models_hashes_inputs_and_versions(brief: Brief, articles: tuple[Article, ...]):
    provenance = brief.provenance
    assert provenance.models["encoder"]["weights"][0]["sha256"] == EMBEDDED_SHA256
    ner = provenance.models["ner"]
    assert ner["available"] and all(len(w["sha256"]) == 64 for w in ner["weights"])
    expected = {a.source: hashlib.sha256(a.text.encode()).hexdigest() for a in articles}
    assert {i.source: i.sha256 for i in provenance.inputs} == expected
    assert provenance.packages["spacy"] and provenance.packages["numpy"]
    assert provenance.parameters["grouping"]["linkage"] == "average"
    assert set(provenance.timings) >= {"embed", "entities", "group", "summarize_stories"}


def test_unverified_sentences_stay_flagged_and_cite_only_their_article(embedded_encoder, tmp_path: Path):
    sentences = [
        "The port authority closed the harbour on Monday after a chemical spill from a cargo ship.",
        "Officials said the spill was contained by evening and no one was hurt.",
        "Fishing boats were told to stay in dock until water tests come back.",
    ]
    article = Article(
        id="a1", source="harbour.txt", title="Harbour closed after chemical spill", sentences=tuple(sentences)
    )
    generated = SummarySentence(
        "The mayor resigned over the spill.", (0,), support=0.2, flagged=True, reason="unsupported"
    )
    verified = SummarySentence(sentences[0], (0,), support=1.0)
    summary = Summary("a1", (verified, generated), method="abstractive", model="tiny")
    settings = Settings(date=dt.date(2026, 11, 25), cache_dir=tmp_path)
    brief = compose([article], [summary], settings, RunModels(settings))
    story = brief.stories[0]
    assert brief.bottom_line[0].text == sentences[0]  # the bottom line prefers a verified sentence
    # The story then says what the bottom line did not: the generated sentence, still marked, citing its article.
    assert [(s.text, s.flagged, s.sources) for s in story.sentences] == [
        ("The mayor resigned over the spill.", True, (1,))
    ]


def test_importance_ranks_outlets_then_recency_and_counts_one_site_once():
    from briefing.compose.ranking import DraftStory, rank_stories
    from tests.conftest import make_article

    day = dt.date(2026, 11, 25)
    body = ["A sentence long enough to count as coverage of the event in question here."] * 4
    articles = [
        make_article(body, source="a1", site="Reuters", published=dt.date(2026, 11, 20)),
        make_article(body, source="a2", site="AP", published=dt.date(2026, 11, 20)),
        make_article(body, source="b1", site="BBC", published=dt.date(2026, 11, 25)),
        make_article(body, source="c1", site="CNN"),
        make_article(body, source="d1", site="Le Monde", published=dt.date(2026, 11, 25)),
        make_article(body, source="d2", site="le monde", published=dt.date(2026, 11, 25)),
    ]

    def draft(name: str, members: tuple[int, ...], published: dt.date | None) -> DraftStory:
        return DraftStory(name, members, name, (), centroid=np.zeros(3), published=published)

    stories = [
        draft("undated", (3,), None),
        draft("one-site-twice", (4, 5), dt.date(2026, 11, 25)),
        draft("fresh", (2,), dt.date(2026, 11, 25)),
        draft("two-outlets", (0, 1), dt.date(2026, 11, 20)),
    ]
    ranked = rank_stories(stories, articles, day)
    assert ranked[0].id == "two-outlets"  # two outlets beat one, even five days older
    assert ranked[-1].id == "undated"  # an undated story ranks below fresh ones of the same size
    # The same site twice is one outlet: it ranks with the fresh one-outlet story (more words break the tie).
    assert {ranked[1].id, ranked[2].id} == {"one-site-twice", "fresh"}
    assert ranked[1].score - ranked[2].score < 0.2


def test_story_summary_drops_repeated_facts_and_keeps_to_the_word_budget():
    from briefing.compose.story_summary import Candidate, select_sentences

    vectors = np.eye(4, dtype=np.float32)
    vectors[1] = 0.95 * vectors[0] + 0.05 * vectors[1]  # candidate 1 restates candidate 0 (another outlet's words)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    text = "six words in this one sentence"
    candidates = [Candidate(text, i, vectors[i], i, False) for i in range(4)]
    scores = np.array([1.0, 0.9, 0.5, 0.4])
    assert select_sentences(candidates, vectors, scores, budget=12) == [0, 2]
    assert select_sentences(candidates, vectors, scores, budget=100) == [0, 2, 3]


def test_the_bottom_line_and_a_made_up_headline_prefer_a_sentence_that_stands_alone(embedded_encoder):
    from briefing.compose.headlines import story_headline
    from briefing.compose.ranking import DraftStory, best_sentence
    from briefing.compose.story_summary import DraftSentence
    from briefing.compose.vectors import embed_articles
    from tests.conftest import make_article

    def sentence(text: str, score: float) -> DraftSentence:
        return DraftSentence(text, (0,), False, score)

    leaning = sentence("That landing is scheduled for 1:31 a.m. on Monday.", 0.9)
    alone = sentence("NASA's Curiosity rover is due to land on Mars on Monday.", 0.8)
    story = DraftStory("s", (0,), "h", (leaning, alone), centroid=np.zeros(3))
    assert best_sentence(story) == alone
    only_leaning = DraftStory("s", (0,), "h", (leaning,), centroid=np.zeros(3))
    assert best_sentence(only_leaning) == leaning  # better a bullet that leans than none
    long_alone = sentence("If all goes well, the Curiosity rover will be on Mars at 1:17 a.m. " + "and then " * 20, 0.5)
    assert best_sentence(DraftStory("s", (0,), "h", (leaning, long_alone), centroid=np.zeros(3))) == long_alone

    body = ["NASA's Curiosity rover is due to land on Mars on Monday after an eight-month trip."] * 3
    articles = [
        make_article(body, source="a", title="That landing is scheduled for 1:31 a.m., and officials…"),
        make_article(body, source="b", title="NASA's Curiosity rover is due to land on Mars on…"),
    ]
    summaries = [first_sentences(a) for a in articles]
    vectors = embed_articles(articles, summaries, embedded_encoder)
    centroid = np.mean([v.document for v in vectors], axis=0)
    # Both titles were cut from a sentence: the headline is made again from a lead that stands alone.
    assert story_headline((0, 1), articles, vectors, centroid) == "NASA's Curiosity rover is due to land on Mars"


def test_the_bottom_line_reports_where_a_story_told_over_several_days_stands_now():
    from briefing.compose.ranking import DraftStory, best_sentence
    from briefing.compose.story_summary import DraftSentence

    search = DraftSentence("The search is on to find Kristian Perez.", (0,), False, 0.9, dt.date(2026, 4, 15))
    found = DraftSentence("Kristian Perez was found safe in Orofino.", (1,), False, 0.6, dt.date(2026, 4, 18))
    undated = DraftSentence("Police in Orofino asked the public for help.", (2,), False, 0.95)
    assert best_sentence(DraftStory("s", (0, 1, 2), "h", (search, found, undated), centroid=np.zeros(3))) == found
    same_day = DraftSentence("Kristian Perez was found safe in Orofino.", (1,), False, 0.6, dt.date(2026, 4, 15))
    assert best_sentence(DraftStory("s", (0, 1), "h", (search, same_day), centroid=np.zeros(3))) == search


def test_a_story_told_over_several_days_reads_newest_day_first(embedded_encoder):
    from briefing.compose.story_summary import summarize_story
    from briefing.compose.vectors import embed_articles
    from tests.conftest import make_article

    older = make_article(
        [
            "Police in Orofino are searching for Kristian Perez, a 17-year-old who vanished after his school prom.",
            "Volunteers combed the woods along Highway 12 on Sunday.",
        ],
        source="older",
        published=dt.date(2026, 4, 15),
    )
    newer = make_article(
        [
            "Kristian Perez was found safe at a house on Indio Avenue in Orofino early on Monday.",
            "The house belonged to a 26-year-old man, police said.",
        ],
        source="newer",
        published=dt.date(2026, 4, 18),
    )
    articles = [older, newer]
    summaries = [first_sentences(a) for a in articles]
    vectors = embed_articles(articles, summaries, embedded_encoder)
    drafts = summarize_story((0, 1), articles, summaries, vectors, budget_words=200)
    own = [draft.articles[0] for draft in drafts]
    assert set(own) == {0, 1}
    assert own == sorted(own, reverse=True)  # every sentence of the newer article comes before the older one's
    assert drafts[0].text.startswith("Kristian Perez was found safe")
    undated = [older, replace(newer, published=None)]
    same = summarize_story((0, 1), undated, summaries, vectors, budget_words=200)
    assert same[0].articles[0] == 0  # one dated day only: lead order, the story's first article first


def test_no_bottom_line_bullet_repeats_a_story_bullet(brief: Brief):
    stories = {story.id: story for story in brief.stories}
    for bullet in brief.bottom_line:
        story = stories[bullet.story_id]
        assert bullet.text not in [s.text for s in story.sentences]  # the story starts with what it did not say
        assert len(bullet.text.split()) <= 31


def test_listicles_and_deals_rank_below_news_and_minor_stories_go_to_also_noted():
    from briefing.compose.ranking import DraftStory, full_and_also_noted, is_service_page, rank_stories
    from tests.conftest import make_article

    news = ["The council approved the new budget after a long debate on Tuesday night."] * 4
    listicle = [f"{n}. Visit the old town square and try the local pastries." for n in range(1, 40)]
    articles = [
        make_article(listicle, title="Что посмотреть в Москве", source="l", site="travel.example"),
        make_article(news, title="Council approves budget", source="n", site="Local Paper"),
        *(make_article(news, title=f"Minor item {i}", source=f"m{i}", site=f"site{i}") for i in range(6)),
        make_article(news, title="Two outlets report this", source="t1", site="Reuters"),
        make_article(news, title="Two outlets report this", source="t2", site="AP"),
    ]
    assert is_service_page(articles[0]) and not is_service_page(articles[1])
    assert is_service_page(make_article(news, title="The 10 best air fryers to buy right now"))

    def draft(name: str, members: tuple[int, ...]) -> DraftStory:
        return DraftStory(name, members, name, (), centroid=np.zeros(3), published=dt.date(2026, 11, 25))

    drafts = [draft("listicle", (0,)), draft("news", (1,)), *(draft(f"m{i}", (2 + i,)) for i in range(6))]
    drafts.append(draft("two", (8, 9)))
    ranked = rank_stories(drafts, articles, dt.date(2026, 11, 25))
    assert ranked[0].id == "two" and ranked[-1].id == "listicle"  # 7,800 words of list do not lead
    full, also = full_and_also_noted(ranked, articles, None)
    assert [s.id for s in full][:1] == ["two"] and len(full) == 5
    assert {s.id for s in also} >= {"listicle"} and all(len(s.members) == 1 for s in also)
    assert [len(part) for part in full_and_also_noted(ranked, articles, 2)] == [2, len(ranked) - 2]
