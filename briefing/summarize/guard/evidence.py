"""The evidence a summary sentence is judged against: an article prepared once (its sentences' vectors, facts and
parses) and each sentence's *window*, the article sentences that match it best (up to `WINDOW`, within
`WINDOW_MARGIN` of the best, plus the best match of each of its clauses). `ArticleEvidence.check` gives one
sentence's verdict (`verdict.SentenceCheck`) from today's checks and the sentence-level rules (`rules.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from briefing.records import Article
from briefing.summarize.guard.consistency import ConsistencyModel, SentenceSignals, feature_vector
from briefing.summarize.guard.facts import ArticleFacts, Fact, sentence_facts
from briefing.summarize.guard.rule_words import WORD
from briefing.summarize.guard.rules import find_problems
from briefing.summarize.guard.structure import Structure, parse_structures
from briefing.summarize.guard.verdict import SentenceCheck

STRONG_MATCH = 0.80  # article sentences this close are cited even when the facts are already covered
MAX_CITATIONS = 3
WINDOW = 3  # the article sentences closest to a summary sentence are its evidence (plus each clause's closest)
WINDOW_MARGIN = 0.1  # ... as long as they are nearly as close as the best one: a distant sentence is no evidence
FACT_WINDOW = 5  # a fact must be in one of this many closest sentences (or the title) for the window_facts rule


@dataclass
class Window:
    """The article sentences one summary sentence is judged against."""

    similarities: np.ndarray
    order: list[int]  # the window: best match first
    clause_supports: list[float]
    fact_order: list[int]  # the wider window of the window_facts rule
    clause_best: list[int]  # each clause's best-matching article sentence


class ArticleEvidence:
    """An article prepared for checking: its sentences' vectors, facts and parses, each computed once."""

    def __init__(self, article: Article, vectors: np.ndarray, parser: Any | None = None) -> None:
        self.article = article
        self.vectors = vectors
        self.parser = parser
        self.facts = ArticleFacts.of(article.title + "\n" + "\n".join(article.sentences))
        self._sentence_facts: dict[int, ArticleFacts] = {}
        self._title_facts = ArticleFacts.of(article.title)
        self.parsed: dict[int, Structure] = {}
        # The article's words in order, for "is this said word for word" (sentences and clauses).
        self.said = " ".join(" ".join(WORD.findall(sentence.lower())) for sentence in article.sentences)

    def sentence_facts(self, index: int) -> ArticleFacts:
        """One article sentence's facts, computed once (windows of one article share most of their sentences)."""
        facts = self._sentence_facts.get(index)
        if facts is None:
            facts = self._sentence_facts[index] = ArticleFacts.of(self.article.sentences[index])
        return facts

    def window_facts(self, indices: Sequence[int]) -> ArticleFacts:
        """The facts of the title and these sentences together."""
        return ArticleFacts.union([self._title_facts, *(self.sentence_facts(i) for i in indices)])

    def structures(self, indices: Sequence[int]) -> list[Structure]:
        """Parses of these article sentences (those not parsed yet, in one batch)."""
        todo = sorted({i for i in indices if i not in self.parsed})
        if todo:
            parsed = parse_structures(self.parser, [self.article.sentences[i] for i in todo])
            self.parsed.update(zip(todo, parsed, strict=True))
        return [self.parsed[i] for i in indices]

    def window(self, vector: np.ndarray, clause_vectors: np.ndarray) -> Window:
        """Similarities, the best-matching sentences (the sentence's and each clause's), and each clause's support."""
        similarities = self.vectors @ vector
        ranked = np.argsort(-similarities)
        top = float(similarities[ranked[0]])
        order = [int(i) for i in ranked[:WINDOW] if similarities[i] >= top - WINDOW_MARGIN]
        clause_supports: list[float] = []
        clause_best: list[int] = []
        if len(clause_vectors):
            clause_similarities = clause_vectors @ self.vectors.T
            for row in clause_similarities:
                best = int(np.argmax(row))
                clause_supports.append(float(row[best]))
                clause_best.append(best)
                if best not in order:
                    order.append(best)
        fact_order = list(dict.fromkeys([*order, *(int(i) for i in ranked[:FACT_WINDOW])]))
        return Window(similarities, order, clause_supports, fact_order, clause_best)

    def check(
        self,
        text: str,
        vector: np.ndarray,
        threshold: float,
        structure: Structure | None = None,
        window: Window | None = None,
        model: ConsistencyModel | None = None,
    ) -> SentenceCheck:
        if not len(self.article.sentences):
            return SentenceCheck(text, (), 0.0, tuple(sentence_facts(text)), threshold=threshold)
        structure = structure or Structure.empty()
        window = window or self.window(vector, np.zeros((0, len(vector)), np.float32))
        similarities = window.similarities
        best = window.order[0]
        facts = sentence_facts(text)
        missing = tuple(fact for fact in facts if self.facts.missing(fact))
        window_text = "\n".join([self.article.title, *(self.article.sentences[i] for i in window.order)])
        window_facts = self.window_facts(window.fact_order)
        window_structures = self.structures(window.order)
        findings = find_problems(
            facts,
            self.facts,
            window_facts,
            structure,
            window_structures,
            self.facts.words,
            self.window_facts(window.order).words,
            window.clause_supports,
            [self.parsed[i] for i in window.clause_best] if self.parser is not None else (),
            text,
            self.said,
            self.article.sentences,
        )
        citations = self._citations(similarities, best, [f for f in facts if f not in missing])
        ranked = np.sort(similarities)[::-1]
        signals = SentenceSignals(
            text=text,
            vector=vector,
            best_vector=self.vectors[best],
            support=float(ranked[0]),
            second_support=float(ranked[1]) if len(ranked) > 1 else 0.0,
            clause_supports=tuple(window.clause_supports),
            missing=missing,
            findings=findings,
            structure=structure,
            best_structure=window_structures[0],
            window_text=window_text,
            best_text=self.article.sentences[best],
            article_words=self.facts.words,
        )
        score = concern = None
        score_threshold = 0.5
        features = feature_vector(signals)
        if model is not None:
            score = float(model.probabilities(features[None, :])[0])
            score_threshold = model.threshold
            concern = model.main_concern(features)
        return SentenceCheck(
            text,
            citations,
            float(similarities[best]),
            missing,
            threshold=threshold,
            findings=findings,
            score=score,
            score_threshold=score_threshold,
            concern=concern,
            features=features,
            window=tuple(window.order),
        )

    def _citations(self, similarities: np.ndarray, best: int, facts: list[Fact]) -> tuple[int, ...]:
        """The best match, then the closest sentences that hold the facts it lacks, then other strong matches."""
        cited = [best]
        for fact in facts:
            if len(cited) >= MAX_CITATIONS:
                break
            if any(not self.sentence_facts(i).missing(fact) for i in cited):
                continue
            holders = [i for i in range(len(similarities)) if not self.sentence_facts(i).missing(fact)]
            if holders:  # a name split across sentences ("Gary" ... "Locke") may have no single holder
                cited.append(max(holders, key=lambda i: similarities[i]))
        for index in np.argsort(-similarities):
            if len(cited) >= MAX_CITATIONS or similarities[index] < STRONG_MATCH:
                break
            if int(index) not in cited:
                cited.append(int(index))
        return tuple(sorted(cited))
