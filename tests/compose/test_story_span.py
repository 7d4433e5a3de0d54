"""An event that runs for days shows its span: "since <first day>" beside its headline, and the span in brief.json."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from briefing.compose import compose
from briefing.config import Settings
from briefing.models import RunModels
from briefing.pipeline import load_articles
from briefing.records import Brief, Story
from briefing.render import OutputFormat, brief_schema, brief_to_dict, render
from tests.compose.test_compose import cluster_of, first_sentences
from tests.render.test_render import sample_brief

CLUSTERS = Path(__file__).parents[1] / "data" / "multinews_clusters.jsonl"
FIRST, LAST = dt.date(2026, 10, 16), dt.date(2026, 10, 18)


def spanning(story: Story, first: dt.date | None, last: dt.date | None) -> Story:
    return dataclasses.replace(story, published=last, first_published=first, last_published=last)


def span_brief() -> Brief:
    """Story 1 told on two days, story 2 on one."""
    brief = sample_brief()
    two_days, one_day = brief.stories
    return dataclasses.replace(brief, stories=(spanning(two_days, FIRST, LAST), spanning(one_day, LAST, LAST)))


def story_meta_lines(markdown: str) -> list[str]:
    """The line under each story heading (sources, span, latest day)."""
    lines = markdown.splitlines()
    return [
        next(line for line in lines[index + 1 :] if line.strip())
        for index, line in enumerate(lines)
        if re.match(r"^## <a id=\"story-\d+\"></a>", line)
    ]


def test_a_story_over_two_days_shows_since_its_first_day_and_a_one_day_story_does_not():
    two_days, one_day = story_meta_lines(render(span_brief(), OutputFormat.md))
    assert "since 2026-10-16" in two_days
    assert "latest 2026-10-18" in two_days
    assert "since" not in one_day
    assert "latest 2026-10-18" in one_day


def test_the_html_page_shows_the_span_of_the_two_day_story_only():
    page = render(span_brief(), OutputFormat.html)
    assert page.count("since 2026-10-16") == 1
    assert "since 2026-10-18" not in page


def test_brief_json_gives_every_story_its_span_and_validates():
    jsonschema = pytest.importorskip("jsonschema")
    document = brief_to_dict(span_brief())
    two_days, one_day = document["stories"]
    assert (two_days["first_published"], two_days["last_published"]) == ("2026-10-16", "2026-10-18")
    assert (one_day["first_published"], one_day["last_published"]) == ("2026-10-18", "2026-10-18")
    assert document["schema_version"] == "1.3"
    jsonschema.Draft202012Validator(brief_schema(), format_checker=jsonschema.FormatChecker()).validate(document)
    assert {"first_published", "last_published"} <= set(brief_schema()["$defs"]["story"]["properties"])


def test_compose_gives_a_story_the_first_and_last_day_of_its_sources(embedded_encoder, tmp_path: Path):
    articles = load_articles([str(CLUSTERS)], Settings()).articles
    clusters = sorted({cluster_of(a.source) for a in articles})
    spread, single = clusters[0], clusters[1]
    dated = []
    for article in articles:
        cluster = cluster_of(article.source)
        same_cluster = [a.id for a in articles if cluster_of(a.source) == cluster]
        day = LAST
        if cluster == spread and article.id == same_cluster[0]:
            day = FIRST  # the event's first report, two days before the others
        dated.append(dataclasses.replace(article, published=day))
    settings = Settings(date=dt.date(2026, 10, 18), top=5, cache_dir=tmp_path)
    brief = compose(dated, [first_sentences(a) for a in dated], settings, RunModels(settings, encoder=embedded_encoder))
    story_of_cluster = {
        cluster_of(source.source): next(s for s in brief.stories if s.id == source.story_id)
        for source in brief.sources
        if any(s.id == source.story_id for s in brief.stories)
    }
    assert (story_of_cluster[spread].first_published, story_of_cluster[spread].last_published) == (FIRST, LAST)
    assert (story_of_cluster[single].first_published, story_of_cluster[single].last_published) == (LAST, LAST)
    assert "since 2026-10-16" in render(brief, OutputFormat.md)
