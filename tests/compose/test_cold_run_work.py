"""Work a cold compose does not repeat: the articles' event profiles (read by grouping and by each story's event) are
computed once per brief, and grouping given them finds the groups it finds computing them itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefing.compose import compose, events
from briefing.compose.entities import ArticleEntities
from briefing.compose.grouping import group_articles
from briefing.compose.vectors import embed_articles
from briefing.config import Settings
from briefing.models import RunModels
from briefing.pipeline import load_articles
from briefing.records import Article, Summary, SummarySentence

CLUSTERS = Path(__file__).parents[1] / "data" / "multinews_clusters.jsonl"


def _lead_summary(article: Article) -> Summary:
    sentences = tuple(SummarySentence(s, (i,), support=1.0) for i, s in enumerate(article.sentences[:3]))
    return Summary(article.id, sentences, "fake", "fake-model")


def test_a_brief_computes_each_articles_event_profile_once(
    embedded_encoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = load_articles([str(CLUSTERS)], Settings()).articles
    summaries = [_lead_summary(a) for a in articles]
    profiled: list[str] = []
    real_profile = events.event_profile

    def counting_profile(article: Article, mentions: ArticleEntities) -> events.EventProfile:
        profiled.append(article.id)
        return real_profile(article, mentions)

    monkeypatch.setattr(events, "event_profile", counting_profile)
    settings = Settings(date=dt.date(2026, 11, 25), top=3, cache_dir=tmp_path / "cache")
    with RunModels(settings, encoder=embedded_encoder) as models:
        brief = compose(articles, summaries, settings, models)
    assert brief.stories
    assert sorted(profiled) == sorted(a.id for a in articles)  # grouping and the story events share one pass


def test_grouping_given_the_profiles_groups_as_it_does_computing_them(embedded_encoder) -> None:
    articles = load_articles([str(CLUSTERS)], Settings()).articles
    vectors = embed_articles(articles, [_lead_summary(a) for a in articles], embedded_encoder)
    mentions = [ArticleEntities(()) for _ in articles]
    groups = group_articles(articles, vectors, mentions)
    assert len(groups) < len(articles)  # some articles do share a story
    assert group_articles(articles, vectors, mentions, profiles=events.event_profiles(articles, mentions)) == groups
