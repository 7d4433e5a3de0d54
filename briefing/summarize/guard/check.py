"""The faithfulness guard: check every generated summary sentence against its article, cite, drop or flag.

Today's checks: every number, date and name in a sentence must occur in the article (`facts.py`), the sentence must
match an article sentence on the embedded encoder (similarity >= `SUPPORT_THRESHOLD`), and it must not repeat an
earlier summary sentence. On top, the sentence-level rules (`rules.py`) compare it with its *window*: the article
sentences that match it best (up to `WINDOW`, within `WINDOW_MARGIN` of the best, plus the best match of each of its
clauses), using spaCy's parse (`structure.py`: negation, subject and object, units, clauses). Only the rules in
`rules.ADOPTED_RULES` flag (and the consistency classifier, when `consistency.CLASSIFIER_ADOPTED`); the others are
computed for the benchmark. The verdict and its reason are in `verdict.py`. Unsupported sentences are dropped and
replaced by the best extractive sentence not yet in the summary (`GuardMode.drop`), or kept with `flagged=True` and
a reason (`GuardMode.flag`). Kept sentences cite the article sentences that support them.

Speed: one encoder pass over the articles, summaries and clauses; two parser passes (the summary sentences, then
the union of every window), with only the tagger, parser and lemmatizer; each article sentence parsed at most once.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from briefing.config import GuardMode
from briefing.records import Article, Summary, SummarySentence
from briefing.summarize.guard import cross_encoder
from briefing.summarize.guard.consistency import (
    CLASSIFIER_ADOPTED,
    MODEL_SHA256,
    ConsistencyModel,
    SentenceSignals,
    feature_vector,
    load_consistency_model,
)
from briefing.summarize.guard.facts import ArticleFacts, Fact, sentence_facts
from briefing.summarize.guard.rules import ADOPTED_RULES, PARSE_RULES, find_problems
from briefing.summarize.guard.structure import Structure, parse_structures
from briefing.summarize.guard.verdict import SUPPORT_THRESHOLD, SentenceCheck
from briefing.text import normalize_whitespace, split_sentences, words

_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")  # as rules._WORD

if TYPE_CHECKING:
    from briefing.encoder.sentence_encoder import SentenceEncoder

# Two summary sentences this close say the same thing. Distinct sentences of one human CNN/DailyMail highlight set
# never come closer than 0.70 (dev set, 100 summaries); a reworded repeat scores about 0.88.
REPEAT_SIMILARITY = 0.85
STRONG_MATCH = 0.80  # article sentences this close are cited even when the facts are already covered
MAX_CITATIONS = 3
WINDOW = 3  # the article sentences closest to a summary sentence are its evidence (plus each clause's closest)
WINDOW_MARGIN = 0.1  # ... as long as they are nearly as close as the best one: a distant sentence is no evidence
FACT_WINDOW = 5  # a fact must be in one of this many closest sentences (or the title) for the window_facts rule
MIN_REPLACEMENT_WORDS = 4  # datelines and captions make poor replacement sentences
# Bump when the rules change: the summary cache keys on it, so old guarded summaries are not reused. The adopted rules
# and the classifier's weights hash are part of it, so changing either invalidates cached summaries.
GUARD_VERSION = (
    f"6:{SUPPORT_THRESHOLD}:{','.join(sorted(ADOPTED_RULES))}:{MODEL_SHA256[:12] if CLASSIFIER_ADOPTED else '-'}"
    f"{':' + cross_encoder.WEIGHTS_SHA256[:12] if cross_encoder.CROSS_ENCODER_ADOPTED else ''}"
)


def guard_needs_parser() -> bool:
    """Whether the adopted rules or classifier read spaCy's parse (otherwise the run never loads it)."""
    return CLASSIFIER_ADOPTED or cross_encoder.CROSS_ENCODER_ADOPTED or bool(ADOPTED_RULES & PARSE_RULES)


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
        self.said = " ".join(" ".join(_WORDS.findall(sentence.lower())) for sentence in article.sentences)

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

    def replacement_scores(self, dropped_vector: np.ndarray | None, summary_vectors: list[np.ndarray]) -> np.ndarray:
        """Rank article sentences as replacements: close to what the dropped sentence tried to say (unless it was a
        repeat), central, early, and not saying again what the summary already says (MMR-style)."""
        count = len(self.article.sentences)
        centroid = self.vectors.mean(axis=0)
        norm = float(np.linalg.norm(centroid))
        centrality = self.vectors @ (centroid / norm) if norm > 0 else np.zeros(count, dtype=np.float32)
        position = 1.0 / np.sqrt(1.0 + np.arange(count, dtype=np.float32))
        intent = self.vectors @ dropped_vector if dropped_vector is not None else np.zeros(count, dtype=np.float32)
        redundancy = (
            (self.vectors @ np.stack(summary_vectors).T).max(axis=1)
            if summary_vectors
            else np.zeros(count, dtype=np.float32)
        )
        return 0.5 * intent + 0.3 * centrality + 0.2 * position - 0.5 * redundancy


def _generated_sentences(summary: Summary) -> list[str]:
    """Every sentence, also when a model packed several into one SummarySentence."""
    texts: list[str] = []
    for sentence in summary.sentences:
        texts.extend(split_sentences(sentence.text) or ([sentence.text] if sentence.text.strip() else []))
    return texts


def check_summary(
    evidence: ArticleEvidence,
    texts: Sequence[str],
    vectors: np.ndarray,
    threshold: float,
    structures: Sequence[Structure] | None = None,
    windows: Sequence[Window] | None = None,
    model: ConsistencyModel | None = None,
) -> list[SentenceCheck]:
    """Check each sentence against the article, and against the summary's earlier sentences (no repeats)."""
    checks: list[SentenceCheck] = []
    seen: list[int] = []
    for index, (text, vector) in enumerate(zip(texts, vectors, strict=True)):
        check = evidence.check(
            text,
            vector,
            threshold,
            structures[index] if structures is not None else None,
            windows[index] if windows is not None else None,
            model,
        )
        key = " ".join(words(text))
        repeat = next(
            (j for j in seen if " ".join(words(texts[j])) == key or float(vectors[j] @ vector) >= REPEAT_SIMILARITY),
            None,
        )
        if repeat is not None:
            check = dataclasses.replace(check, repeat_of=repeat)
        else:
            seen.append(index)
        checks.append(check)
    return checks


def _apply(
    evidence: ArticleEvidence, summary: Summary, checks: list[SentenceCheck], vectors: np.ndarray, mode: GuardMode
) -> Summary:
    if mode is GuardMode.flag:
        sentences = [
            SummarySentence(c.text, c.citations, c.support, flagged=not c.supported, reason=c.reason) for c in checks
        ]
        return Summary(summary.article_id, tuple(sentences), summary.method, summary.model)
    used = {i for c in checks if c.supported for i in c.citations}
    summary_vectors = [vector for check, vector in zip(checks, vectors, strict=True) if check.supported]
    kept: list[SummarySentence] = []
    for check, vector in zip(checks, vectors, strict=True):
        if check.supported:
            kept.append(SummarySentence(check.text, check.citations, check.support))
            continue
        intent = None if check.repeat_of is not None else vector  # a repeat's content is already in the summary
        replacement = _best_replacement(evidence, intent, summary_vectors, used)
        if replacement is not None:
            used.add(replacement)
            summary_vectors.append(evidence.vectors[replacement])
            kept.append(SummarySentence(evidence.article.sentences[replacement], (replacement,), 1.0))
    return Summary(summary.article_id, tuple(kept), summary.method, summary.model)


def _best_replacement(
    evidence: ArticleEvidence, intent: np.ndarray | None, summary_vectors: list[np.ndarray], used: set[int]
) -> int | None:
    sentences = evidence.article.sentences
    candidates = [i for i in range(len(sentences)) if i not in used]
    long_enough = [i for i in candidates if len(sentences[i].split()) >= MIN_REPLACEMENT_WORDS]
    candidates = long_enough or candidates
    if summary_vectors:  # a replacement must not repeat what the summary already says
        closest = (evidence.vectors @ np.stack(summary_vectors).T).max(axis=1)
        candidates = [i for i in candidates if closest[i] < REPEAT_SIMILARITY]
    if not candidates:
        return None
    scores = evidence.replacement_scores(intent, summary_vectors)
    return max(candidates, key=lambda i: scores[i])


def guard_summaries(
    articles: Sequence[Article],
    summaries: Sequence[Summary],
    mode: GuardMode,
    encoder: SentenceEncoder,
    threshold: float = SUPPORT_THRESHOLD,
    parser: Any | None = None,
) -> list[Summary]:
    """Check every sentence of every summary against its article (same order); drop or flag the unsupported.

    `parser` is spaCy's parser (`RunModels.parser`); without it the negation, role, clause and unit rules are off."""
    checked = check_summaries(articles, summaries, encoder, threshold, parser)
    return [
        _apply(evidence, summary, checks, vectors, mode)
        for summary, (evidence, checks, vectors) in zip(summaries, checked, strict=True)
    ]


def check_summaries(
    articles: Sequence[Article],
    summaries: Sequence[Summary],
    encoder: SentenceEncoder,
    threshold: float = SUPPORT_THRESHOLD,
    parser: Any | None = None,
    model: ConsistencyModel | cross_encoder.CrossEncoder | bool | None = True,
) -> list[tuple[ArticleEvidence, list[SentenceCheck], np.ndarray]]:
    """The verdicts without acting on them (for benchmarks and reports): one encoder pass over everything.

    `model=True` uses the shipped cross-encoder or consistency classifier when adopted, `False` neither, or pass a
    `ConsistencyModel` or `CrossEncoder` (the benchmark and the training scripts do)."""
    cross = cross_encoder.adopted() if model is True else model
    if isinstance(cross, cross_encoder.CrossEncoder):
        checked = check_summaries(articles, summaries, encoder, threshold, parser, model=False)
        return cross_encoder.score_checks(cross, checked)
    if len(articles) != len(summaries):
        raise ValueError(f"{len(articles)} articles but {len(summaries)} summaries")
    classifier = (load_consistency_model() if CLASSIFIER_ADOPTED else None) if model is True else (cross or None)
    generated = [[normalize_whitespace(s) for s in _generated_sentences(summary)] for summary in summaries]
    flat = [s for sentences in generated for s in sentences]
    structures = parse_structures(parser, flat)
    texts: list[str] = []
    for article, sentences in zip(articles, generated, strict=True):
        texts.extend(article.sentences)
        texts.extend(sentences)
    texts.extend(clause for structure in structures for clause in structure.clauses)
    vectors = encoder.embed(texts)
    clause_offset = len(texts) - sum(len(s.clauses) for s in structures)
    clause_vectors: list[np.ndarray] = []
    for structure in structures:
        clause_vectors.append(vectors[clause_offset : clause_offset + len(structure.clauses)])
        clause_offset += len(structure.clauses)
    prepared = []
    offset = sentence_offset = 0
    for article, sentences in zip(articles, generated, strict=True):
        article_vectors = vectors[offset : offset + len(article.sentences)]
        offset += len(article.sentences)
        summary_vectors = vectors[offset : offset + len(sentences)]
        offset += len(sentences)
        own = slice(sentence_offset, sentence_offset + len(sentences))
        sentence_offset += len(sentences)
        evidence = ArticleEvidence(article, article_vectors, parser)
        windows = (
            [evidence.window(v, c) for v, c in zip(summary_vectors, clause_vectors[own], strict=True)]
            if len(article.sentences)
            else None
        )
        prepared.append((evidence, sentences, summary_vectors, own, windows))
    _parse_windows(parser, [(evidence, windows) for evidence, _, _, _, windows in prepared])
    results: list[tuple[ArticleEvidence, list[SentenceCheck], np.ndarray]] = []
    for evidence, sentences, summary_vectors, own, windows in prepared:
        checks = check_summary(evidence, sentences, summary_vectors, threshold, structures[own], windows, classifier)
        results.append((evidence, checks, summary_vectors))
    return results


def _parse_windows(parser: Any | None, prepared: Sequence[tuple[ArticleEvidence, list[Window] | None]]) -> None:
    """Every article sentence that is in some window, parsed in one batch across all articles."""
    wanted = [
        (evidence, index)
        for evidence, windows in prepared
        for index in sorted({i for window in windows or () for i in window.order})
    ]
    parsed = parse_structures(parser, [evidence.article.sentences[index] for evidence, index in wanted])
    for (evidence, index), structure in zip(wanted, parsed, strict=True):
        evidence.parsed[index] = structure
