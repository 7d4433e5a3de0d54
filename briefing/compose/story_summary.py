"""The summary of one story: a multi-document extractive summary over its articles' summaries.

Candidates are the sentences of each article's summary from the summarize stage (extractive, abstractive or hybrid:
they arrive already checked by the faithfulness guard, `flagged` when unverified), then the article's next-best
sentences in the extractive scorer's order, verbatim, up to STORY_CANDIDATES per article. Each candidate is scored by
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
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from briefing.clean.furniture import is_furniture_line
from briefing.clean.lexicon import BYLINE, FURNITURE_PHRASE, FURNITURE_WORDS
from briefing.compose.agreement import Difference, DraftDisagreement, compare, disagreements_of
from briefing.compose.vectors import ArticleVectors, normalize
from briefing.records import Article, Summary
from briefing.summarize.sentence_features import leans_on_context
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
# Candidates per article: its summary sentences plus its next-best sentences (bench/brief.py: 3 summary sentences
# alone leave a story ~70 words short of its budget and below the lead baseline; 10 fill it).
STORY_CANDIDATES = 10
_QUOTE_OPENING = re.compile(r"^[\"'‘“«]")
MIN_WORDS = 5  # shorter candidates (datelines, photo credits) are not summary material
# A related-link or section label opening a line: "PREVIOUS: Orofino police search…", "READ MORE: …", "Related: …".
_LABEL = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z' ]{0,30}?)\s*(?::|»|>>|\|)\s*\S")
_LABEL_WORDS = 4
MAX_BYLINE_WORDS = 8
_QUOTED = re.compile(r"[\"“”«»]([^\"“”«»]+)[\"“”«»]")
MAX_QUOTED_SHARE = 0.5  # a sentence mostly inside quotation marks is a reaction, not a reported fact
# Someone speaking in the first person outside quotation marks (a quote paragraph the cleaner split into sentences).
_FIRST_PERSON = re.compile(r"^(?:i|i'm|i’m|i've|i’ve|i'd|i’d|we|we're|we’re|we've|we’ve|my|our)\b", re.IGNORECASE)


def is_page_furniture(sentence: str) -> bool:
    """A related-link line, a byline, a caption or widget line (the cleaner's furniture rules, `briefing.clean`):
    never story material, whichever candidate list brought it."""
    if is_furniture_line(sentence):
        return True
    if BYLINE.match(sentence) and _names_only(sentence.split()[1:]):
        return True
    label = _LABEL.match(sentence)
    if label is None:
        return False
    label_words = label["label"].lower().split()
    return len(label_words) <= _LABEL_WORDS and (
        all(word in FURNITURE_WORDS for word in label_words) or FURNITURE_PHRASE.fullmatch(label["label"]) is not None
    )


def _names_only(words_after_by: list[str]) -> bool:
    """'By John Smith and Jane Doe, Reuters': capitalised names (and 'and'), not 'By Friday the river had fallen'."""
    if not words_after_by or len(words_after_by) > MAX_BYLINE_WORDS:
        return False
    return all(word[:1].isupper() or word in ("and", "&", "|", "-", "–") for word in words_after_by)


def is_quote_filler(sentence: str) -> bool:
    """Opens with a quotation or in the first person, or says most of its words inside quotation marks."""
    if _QUOTE_OPENING.match(sentence) or _FIRST_PERSON.match(sentence.strip()):
        return True
    quoted = sum(len(match.split()) for match in _QUOTED.findall(sentence))
    return quoted > MAX_QUOTED_SHARE * max(1, len(sentence.split()))


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


def candidates_of(
    members: Sequence[int],
    articles: Sequence[Article],
    summaries: Sequence[Summary],
    vectors: Sequence[ArticleVectors],
    per_article: int = STORY_CANDIDATES,
) -> list[Candidate]:
    """Each article's summary sentences, then its next-best sentences by the extractive scorer's ranking, up to
    `per_article` in all: a story of two short summaries would otherwise stop far short of its word budget.

    The extra candidates are the article's own sentences, verbatim (they cite themselves and need no guard); only
    sentences that were embedded (the first MAX_SENTENCES) can be picked, so no second encoder pass is needed.
    """
    from briefing.summarize.extractive import candidate_order, shipped_scorer

    scorer = shipped_scorer()
    found: list[Candidate] = []
    for member in members:
        summary = summaries[member].sentences
        for rank, sentence in enumerate(summary):
            if is_page_furniture(sentence.text):
                continue
            position = min(sentence.citations) if sentence.citations else rank
            vector = vectors[member].summary[rank]
            found.append(Candidate(sentence.text, member, vector, position, sentence.flagged, sentence.reason))
        room = per_article - len(summary)
        embedded = vectors[member].sentences
        if room <= 0 or not len(embedded):
            continue
        taken = {i for sentence in summary for i in sentence.citations} | {
            i for i, text in enumerate(articles[member].sentences) if text in {s.text for s in summary}
        }
        sentences = articles[member].sentences[: len(embedded)]
        for index in candidate_order(scorer.score(sentences)):
            if room <= 0:
                break
            # A quotation ("We're all along for the ride.") or a sentence that points back ("He said…") is a reaction
            # or leans on a sentence the story may not show: fine inside an article's own summary, not as filler.
            text = sentences[index]
            if index in taken or is_quote_filler(text) or leans_on_context(text) or is_page_furniture(text):
                continue
            found.append(Candidate(sentences[index], member, embedded[index], index, False))
            room -= 1
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
    per_article: int = STORY_CANDIDATES,
) -> list[DraftSentence]:
    """The story's sentences in reading order, each citing every article that says it (`score` = importance)."""
    candidates = candidates_of(members, articles, summaries, vectors, per_article)
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
