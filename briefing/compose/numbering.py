"""Sources numbered in story order, and every brief sentence given its `[n]` citations and an anchor id.

Within a story, sources are numbered in the order its sentences first cite them (so the first story reads [1], [2],
[3] ...), then any member article that no chosen sentence quotes. Each Source lists the ids of the brief sentences
that cite it, in reading order: bottom line, stories, Also noted.

`number_brief` runs four named steps: number the sources (`Citations`), the bottom line (`bottom_line`, which also
says what each leading story leaves to it), the stories, the Also-noted lines; then the Sources list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from briefing.clean.headline import Parse
from briefing.compose.agreement import DraftDisagreement
from briefing.compose.bottom_line import BottomLineItem, bottom_line
from briefing.compose.ranking import DraftStory
from briefing.compose.story_summary import DraftSentence
from briefing.records import Article, BriefSentence, Disagreement, Reading, Source, Story


@dataclass(frozen=True)
class NumberedBrief:
    stories: tuple[Story, ...]
    sources: tuple[Source, ...]
    bottom_line: tuple[BriefSentence, ...]
    also_noted: tuple[BriefSentence, ...]


def source_order(story: DraftStory) -> list[int]:
    order: list[int] = []
    for sentence in story.sentences:
        order.extend(a for a in sentence.articles if a not in order)
    order.extend(m for m in story.members if m not in order)
    return order


@dataclass
class Citations:
    """Source numbers of the day's articles, and which brief sentences cite each, in the order they are cited."""

    number_of: dict[int, int] = field(default_factory=dict)  # article index -> source number
    story_of: dict[int, str] = field(default_factory=dict)  # article index -> story id
    quoted_in: dict[int, list[str]] = field(default_factory=dict)  # source number -> sentence ids

    @classmethod
    def of(cls, stories: Sequence[DraftStory]) -> Citations:
        citations = cls()
        for story in stories:
            for member in source_order(story):
                number = len(citations.number_of) + 1
                citations.number_of[member] = number
                citations.story_of[member] = story.id
                citations.quoted_in[number] = []
        return citations

    def cite(self, members: Sequence[int], sentence_id: str) -> tuple[int, ...]:
        numbers = tuple(self.number_of[m] for m in members)
        for number in numbers:
            self.quoted_in[number].append(sentence_id)
        return numbers

    def sentence(self, draft: DraftSentence, sentence_id: str, story_id: str, text: str | None = None) -> BriefSentence:
        return BriefSentence(
            text or draft.text,
            self.cite(draft.articles, sentence_id),
            draft.flagged,
            sentence_id,
            story_id,
            reason=draft.reason,
        )


def number_brief(
    full: Sequence[DraftStory], also: Sequence[DraftStory], articles: Sequence[Article], parse: Parse | None = None
) -> NumberedBrief:
    """`parse`: the headlines' parse, for the bottom line's cut of a long sentence (compose.bottom_line)."""
    citations = Citations.of([*full, *also])
    items = bottom_line(full, parse)
    lines = tuple(
        citations.sentence(item.sentence, f"bluf-{index}", item.story.id, item.text)
        for index, item in enumerate(items, start=1)
    )
    shown = {item.story.id: item.story_sentences for item in items}
    bottom_line_id = {item.story.id: f"bluf-{index}" for index, item in enumerate(items, start=1)}
    stories = tuple(
        _story(rank, story, shown.get(story.id, story.sentences), citations, bottom_line_id.get(story.id))
        for rank, story in enumerate(full, 1)
    )
    also_noted = tuple(_also_noted(index, story, citations) for index, story in enumerate(also, start=1))
    return NumberedBrief(stories, _sources(articles, citations), lines, also_noted)


def _story(
    rank: int,
    story: DraftStory,
    sentences: Sequence[DraftSentence],
    citations: Citations,
    bottom_line_id: str | None,
) -> Story:
    numbered = list(enumerate(sentences, start=1))
    # Where sources differ is said under the story even when the sentence went up to the bottom line.
    said_at = {id(s): f"s{rank}-{k}" for k, s in numbered}
    told = [(said_at.get(id(s), bottom_line_id or f"s{rank}"), s) for s in story.sentences]
    return Story(
        id=story.id,
        headline=story.headline,
        sentences=tuple(citations.sentence(s, f"s{rank}-{k}", story.id) for k, s in numbered),
        sources=tuple(citations.number_of[m] for m in source_order(story)),
        actors=story.actors,
        places=story.places,
        status=story.status,
        truncated=story.truncated,
        rank=rank,
        score=story.score,
        published=story.published,
        first_published=story.first_published,
        last_published=story.published,
        previously_briefed=story.previously_briefed,
        new_sources=tuple(sorted(citations.number_of[m] for m in story.new_members)),
        disagreements=tuple(
            _numbered_disagreement(d, citations.number_of, sentence_id)
            for sentence_id, s in told
            for d in s.disagreements
        ),
    )


def _numbered_disagreement(draft: DraftDisagreement, number_of: dict[int, int], sentence_id: str) -> Disagreement:
    """A disagreement with its readings' sources numbered, readings in the order of their first source."""
    readings = [Reading(r.value, tuple(sorted(number_of[a] for a in r.articles)), r.sentence) for r in draft.readings]
    readings.sort(key=lambda r: r.sources[0])
    return Disagreement(draft.kind, draft.about, tuple(readings), sentence_id)


def _also_noted(index: int, story: DraftStory, citations: Citations) -> BriefSentence:
    """One line: the story's headline (its article's title, or its lead's main clause), cited to its articles."""
    sentence_id = f"also-{index}"
    return BriefSentence(story.headline, citations.cite(story.members, sentence_id), False, sentence_id, story.id)


def _sources(articles: Sequence[Article], citations: Citations) -> tuple[Source, ...]:
    return tuple(
        Source(
            number=number,
            article_id=articles[member].id,
            title=articles[member].title,
            source=articles[member].source,
            url=articles[member].url,
            site=articles[member].site,
            published=articles[member].published,
            author=articles[member].author,
            story_id=citations.story_of[member],
            quoted_in=tuple(citations.quoted_in[number]),
        )
        for member, number in sorted(citations.number_of.items(), key=lambda item: item[1])
    )


__all__ = ["BottomLineItem", "Citations", "NumberedBrief", "number_brief", "source_order"]
