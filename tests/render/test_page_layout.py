"""The page shows the leading stories in full and the rest one line each; brief.json keeps every story whole."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

from briefing.records import Brief, BriefSentence, Provenance, Skipped, Source, Story
from briefing.render import OutputFormat, brief_to_dict, render, render_document
from briefing.render.layout import FULL_STORIES, SHORT_STORIES, SHORT_STORY_BULLETS

STORIES = 12


def many_story_brief(top: int | None = None, skipped: tuple[Skipped, ...] = ()) -> Brief:
    """Twelve two-source stories of three sentences each, as a Multi-News day of multi-document stories makes."""
    sources, stories = [], []
    for rank in range(1, STORIES + 1):
        numbers = (2 * rank - 1, 2 * rank)
        for number in numbers:
            sources.append(
                Source(number, f"a{number}", f"Title {number}", f"day.jsonl:{number}", site=f"Outlet{number}")
            )
        sentences = tuple(
            BriefSentence(f"Story {rank} fact {k} happened.", numbers[:1] if k > 1 else numbers, id=f"s{rank}-{k}")
            for k in (1, 2, 3)
        )
        stories.append(Story(f"st-{rank}", f"Headline of story {rank}", sentences, numbers, rank=rank))
    return Brief(
        date=dt.date(2026, 11, 25),
        title="Daily Brief",
        stories=tuple(stories),
        sources=tuple(sources),
        bottom_line=(BriefSentence("Bottom line of story 1.", (1,), id="bluf-1"),),
        skipped=skipped,
        provenance=Provenance(parameters={"top": top}),
    )


def test_the_leading_stories_are_in_full_the_next_with_fewer_bullets_and_the_rest_one_line_each() -> None:
    brief = many_story_brief()
    markdown = render(brief, OutputFormat.md)
    shown = FULL_STORIES + SHORT_STORIES
    for rank in range(1, STORIES + 1):
        heading = f'## <a id="story-{rank}"></a>{rank}. Headline of story {rank}'
        bullets = len(re.findall(rf"^- Story {rank} fact \d", markdown, flags=re.MULTILINE))
        if rank <= FULL_STORIES:
            assert heading in markdown and bullets == 3
        elif rank <= shown:
            assert heading in markdown and bullets == SHORT_STORY_BULLETS
        else:  # one line: its headline, its outlets and a citation of each source, with the anchor quotes lead to
            assert heading not in markdown and bullets == 0
            line = next(line for line in markdown.splitlines() if f"Headline of story {rank}" in line)
            assert line.startswith(f'- <a id="story-{rank}"></a>Headline of story {rank} · ')
            assert f"Outlet{2 * rank - 1}, Outlet{2 * rank}" in line
            assert f"[[{2 * rank - 1}]](#source-{2 * rank - 1}) [[{2 * rank}]](#source-{2 * rank})" in line
    contents = markdown.split('## <a id="contents"></a>Contents')[1].split("\n## ")[0]
    assert contents.count("](#story-") == shown  # the contents list what is in full; More stories is linked
    assert "[More stories](#more-stories)" in contents
    assert markdown.index('<a id="more-stories"></a>More stories') < markdown.index('<a id="sources"></a>Sources')


def test_brief_json_keeps_every_story_and_every_sentence() -> None:
    document = brief_to_dict(many_story_brief())
    assert len(document["stories"]) == STORIES
    assert all(len(story["sentences"]) == 3 for story in document["stories"])


def test_a_run_given_top_shows_every_story_of_brief_json_in_full() -> None:
    markdown = render(many_story_brief(top=STORIES), OutputFormat.md)
    assert "More stories" not in markdown
    assert len(re.findall(r"^- Story \d+ fact \d", markdown, flags=re.MULTILINE)) == 3 * STORIES


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and (values.get("href") or "").startswith("#"):
            self.links.add((values["href"] or "")[1:])


def test_the_page_links_every_listed_story_and_source_to_an_anchor_that_exists() -> None:
    html_page = render_document(brief_to_dict(many_story_brief()), OutputFormat.html)
    parsed = _Ids()
    parsed.feed(html_page)
    assert {f"story-{rank}" for rank in range(1, STORIES + 1)} <= parsed.ids  # the Sources' "story 12" links land
    assert "more-stories" in parsed.ids
    assert parsed.links <= parsed.ids
    assert '<section class="also-noted">\n<h2 id="more-stories">' in html_page


def test_skipped_inputs_are_one_line_per_reason() -> None:
    skipped = tuple(Skipped(f"day.jsonl:{n}", "duplicate of an article already in this run") for n in (3, 9, 26))
    markdown = render(many_story_brief(skipped=(*skipped, Skipped("empty.txt", "empty file"))), OutputFormat.md)
    assert "- duplicate of an article already in this run (3): day.jsonl:3, day.jsonl:9, day.jsonl:26" in markdown
    assert "- empty.txt — empty file" in markdown
