"""The summary of one story: a multi-document extractive summary over its articles' summaries.

Candidates are the sentences of each article's summary from the summarize stage (extractive, abstractive or hybrid:
they arrive already checked by the faithfulness guard, `flagged` when unverified). Each candidate is scored by
  centrality      similarity to the story's centroid (what the whole story is about),
  lead position   how early its cited article sentence comes (news puts the event first),
  corroboration   how closely the story's other articles say the same thing (facts several outlets report matter),
then picked greedily with Maximal Marginal Relevance under a word budget, so a fact told by five outlets appears once.
Every picked sentence cites its own article, plus every other article of the story with a sentence that says the same
thing: encoder similarity >= CITE_SIMILARITY and most of its content words shared make it a sentence *about* the same
thing, and `agreement.compare` decides whether it *says* the same (same numbers with their units, dates, negation,
names in the same order). A close sentence that disagrees is not cited; the difference becomes a disagreement of the
sentence ("Sources differ"). Unverified sentences cite only their own article and rank below verified ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from briefing.compose.agreement import Difference, DraftDisagreement, compare, disagreements_of
from briefing.compose.vectors import ArticleVectors, normalize
from briefing.records import Article, Summary
from briefing.text import words

CENTRALITY_WEIGHT = 0.45
POSITION_WEIGHT = 0.35
CORROBORATION_WEIGHT = 0.30
FLAGGED_PENALTY = 0.5  # an unverified sentence is used only when no verified one is left
REDUNDANCY_PENALTY = 0.6  # MMR: how much similarity to an already chosen sentence costs
# A candidate this close to a chosen sentence repeats its fact: never chosen (ROUGE would like 0.85, -0.2 ROUGE-1 here,
# but an analyst reading "arrested in May 2016" three times in one story would not).
DUPLICATE_SIMILARITY = 0.75
CITE_SIMILARITY = 0.75  # another article's sentence this close (and sharing its words) says the same thing
CITE_WORD_SHARE = 0.6  # share of the sentence's content words that the other article's sentence must contain
MIN_WORDS = 5  # shorter candidates (datelines, photo credits) are not summary material


@dataclass(frozen=True)
class DraftSentence:
    """A story sentence before sources are numbered: `articles` are indexes into the day's articles, own first."""

    text: str
    articles: tuple[int, ...]
    flagged: bool
    score: float
    day: dt.date | None = None  # the day its own article was published, when known
    reason: str | None = None  # why the guard flagged it
    disagreements: tuple[DraftDisagreement, ...] = ()  # close sentences of other sources that state other values


@dataclass(frozen=True)
class Candidate:
    text: str
    article: int  # index into the day's articles
    vector: np.ndarray
    position: int  # first cited article sentence (or rank in the summary when it cites none)
    flagged: bool
    reason: str | None = None


def content_words(text: str) -> set[str]:
    return {w for w in words(text) if len(w) > 3}


def candidates_of(members: Sequence[int], summaries: Sequence[Summary], vectors: Sequence[ArticleVectors]) -> list:
    found: list[Candidate] = []
    for member in members:
        for rank, sentence in enumerate(summaries[member].sentences):
            position = min(sentence.citations) if sentence.citations else rank
            vector = vectors[member].summary[rank]
            found.append(Candidate(sentence.text, member, vector, position, sentence.flagged, sentence.reason))
    return found


def score_candidates(candidates: Sequence[Candidate], members: Sequence[int], vectors: Sequence[ArticleVectors]):
    matrix = np.stack([c.vector for c in candidates])
    centroid = normalize(np.stack([vectors[m].document for m in members]).mean(axis=0))
    centrality = matrix @ centroid
    position = np.array([1.0 / np.sqrt(1.0 + c.position) for c in candidates], dtype=np.float32)
    corroboration = np.zeros(len(candidates), dtype=np.float32)
    if len(members) > 1:
        for index, candidate in enumerate(candidates):
            others = [vectors[m].sentences for m in members if m != candidate.article and len(vectors[m].sentences)]
            if others:
                corroboration[index] = float(np.mean([(other @ candidate.vector).max() for other in others]))
    flagged = np.array([c.flagged for c in candidates], dtype=np.float32)
    scores = (
        CENTRALITY_WEIGHT * centrality
        + POSITION_WEIGHT * position
        + CORROBORATION_WEIGHT * corroboration
        - FLAGGED_PENALTY * flagged
    )
    return matrix, scores


def select_sentences(candidates: Sequence[Candidate], matrix: np.ndarray, scores: np.ndarray, budget: int) -> list:
    """Greedy MMR under a word budget; a candidate that no longer fits is passed over for a shorter one."""
    lengths = [len(c.text.split()) for c in candidates]
    open_ = [i for i, c in enumerate(candidates) if lengths[i] >= MIN_WORDS] or list(range(len(candidates)))
    chosen: list[int] = []
    used = 0
    while open_:
        redundancy = (matrix[open_] @ matrix[chosen].T).max(axis=1) if chosen else np.zeros(len(open_))
        fresh = redundancy < DUPLICATE_SIMILARITY
        open_, redundancy = [i for i, keep in zip(open_, fresh, strict=True) if keep], redundancy[fresh]
        if not open_:
            break
        best = open_[int(np.argmax(scores[open_] - REDUNDANCY_PENALTY * redundancy))]
        open_.remove(best)
        if chosen and used + lengths[best] > budget:
            continue
        chosen.append(best)
        used += lengths[best]
        if used >= budget:
            break
    return chosen


def corroborating_articles(
    candidate: Candidate, members: Sequence[int], articles: Sequence[Article], vectors: Sequence[ArticleVectors]
) -> tuple[list[int], tuple[DraftDisagreement, ...]]:
    """The story's other articles with a sentence that says what `candidate` says, and what the others that say it
    differently disagree on."""
    if candidate.flagged:
        return [], ()
    own_words = content_words(candidate.text)
    found = []
    differing: list[tuple[int, str, Difference]] = []
    for member in members:
        if member == candidate.article or not len(vectors[member].sentences) or not own_words:
            continue
        similarity = vectors[member].sentences @ candidate.vector
        close = [
            int(i)
            for i in np.argsort(-similarity)
            if similarity[i] >= CITE_SIMILARITY
            and len(own_words & content_words(articles[member].sentences[i])) / len(own_words) >= CITE_WORD_SHARE
        ]
        if not close:
            continue
        differences = [compare(candidate.text, articles[member].sentences[i]) for i in close]
        if any(difference is None for difference in differences):
            found.append(member)
        # The closest sentence is the one that speaks to it: when it states another value, the source disputes it,
        # even if elsewhere it also says what the candidate says (then it is cited and listed under both values).
        # One that only leaves a value out is not cited for it, and disputes nothing.
        if (difference := differences[0]) is not None and difference.disputed:
            differing.append((member, articles[member].sentences[close[0]], difference))
    return found, disagreements_of(candidate.article, candidate.text, differing, found)


def summarize_story(
    members: Sequence[int],
    articles: Sequence[Article],
    summaries: Sequence[Summary],
    vectors: Sequence[ArticleVectors],
    budget_words: int,
) -> list[DraftSentence]:
    """The story's sentences in reading order, each citing every article that says it (`score` = importance)."""
    candidates = candidates_of(members, summaries, vectors)
    if not candidates:
        return []
    matrix, scores = score_candidates(candidates, members, vectors)
    chosen = select_sentences(candidates, matrix, scores, budget_words)
    # Reading order: earlier article sentences first (the lead facts, then detail), ties in the story's article order.
    # This reads better than score order and scores better on ROUGE-L (bench/brief.py). A story told over several
    # days reads newest day first (undated articles last): "found safe" before "the search goes on".
    day_of = {m: articles[m].published for m in members}
    multi_day = len(set(day_of.values()) - {None}) > 1

    def newest_first(member: int) -> int:
        if not multi_day:
            return 0
        day = day_of[member]
        return -day.toordinal() if day is not None else 1  # days are positive ordinals: undated sorts last

    chosen.sort(
        key=lambda i: (
            newest_first(candidates[i].article),
            candidates[i].position,
            members.index(candidates[i].article),
        )
    )
    drafts = []
    for index in chosen:
        candidate = candidates[index]
        others, disagreements = corroborating_articles(candidate, members, articles, vectors)
        drafts.append(
            DraftSentence(
                candidate.text,
                (candidate.article, *others),
                candidate.flagged,
                float(scores[index]),
                day_of[candidate.article],
                candidate.reason,
                disagreements,
            )
        )
    return drafts
