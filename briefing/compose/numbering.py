"""Sources numbered in story order, and every brief sentence given its `[n]` citations and an anchor id.

Within a story, sources are numbered in the order its sentences first cite them (so the first story reads [1], [2],
[3] ...), then any member article that no chosen sentence quotes. Each Source lists the ids of the brief sentences
that cite it, in reading order: bottom line, stories, Also noted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from briefing.compose.ranking import DraftStory, best_sentence, bottom_line_stories
from briefing.records import Article, BriefSentence, Source, Story


@dataclass(frozen=True)
class NumberedBrief:
    stories: tuple[Story, ...]
    sources: tuple[Source, ...]
    bottom_line: tuple[BriefSentence, ...]
    also_noted: tuple[BriefSentence, ...]


def _source_order(story: DraftStory) -> list[int]:
    order: list[int] = []
    for sentence in story.sentences:
        order.extend(a for a in sentence.articles if a not in order)
    order.extend(m for m in story.members if m not in order)
    return order


def number_brief(full: Sequence[DraftStory], also: Sequence[DraftStory], articles: Sequence[Article]) -> NumberedBrief:
    number_of: dict[int, int] = {}
    story_of: dict[int, str] = {}
    for story in [*full, *also]:
        for member in _source_order(story):
            number_of[member] = len(number_of) + 1
            story_of[member] = story.id
    quoted_in: dict[int, list[str]] = {n: [] for n in number_of.values()}

    def cite(members: Sequence[int], sentence_id: str) -> tuple[int, ...]:
        numbers = tuple(number_of[m] for m in members)
        for number in numbers:
            quoted_in[number].append(sentence_id)
        return numbers

    bottom_line = []
    for index, story in enumerate(bottom_line_stories([*full, *also]), start=1):
        best = best_sentence(story)
        if best is not None:
            sentence_id = f"bluf-{index}"
            sources = cite(best.articles, sentence_id)
            bottom_line.append(BriefSentence(best.text, sources, best.flagged, sentence_id, story.id))

    stories = []
    for rank, story in enumerate(full, start=1):
        sentences = tuple(
            BriefSentence(s.text, cite(s.articles, f"s{rank}-{k}"), s.flagged, f"s{rank}-{k}", story.id)
            for k, s in enumerate(story.sentences, start=1)
        )
        stories.append(
            Story(
                id=story.id,
                headline=story.headline,
                sentences=sentences,
                sources=tuple(number_of[m] for m in _source_order(story)),
                actors=story.actors,
                places=story.places,
                status=story.status,
                truncated=story.truncated,
                rank=rank,
                score=story.score,
                published=story.published,
                since=story.since,
                previously_briefed=story.previously_briefed,
                new_sources=tuple(sorted(number_of[m] for m in story.new_members)),
            )
        )

    also_noted = []
    for index, story in enumerate(also, start=1):
        sentence_id = f"also-{index}"
        best = best_sentence(story)
        if best is not None:
            sources = cite(best.articles, sentence_id)
            also_noted.append(BriefSentence(best.text, sources, best.flagged, sentence_id, story.id, story.headline))
        else:  # no summary sentence: the headline itself, cited to the articles that carry it
            sources = cite(story.members, sentence_id)
            also_noted.append(BriefSentence(story.headline, sources, False, sentence_id, story.id, None))

    sources = tuple(
        Source(
            number=number,
            article_id=articles[member].id,
            title=articles[member].title,
            source=articles[member].source,
            url=articles[member].url,
            site=articles[member].site,
            published=articles[member].published,
            author=articles[member].author,
            story_id=story_of[member],
            quoted_in=tuple(quoted_in[number]),
        )
        for member, number in sorted(number_of.items(), key=lambda item: item[1])
    )
    return NumberedBrief(tuple(stories), sources, tuple(bottom_line), tuple(also_noted))
