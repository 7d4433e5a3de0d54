"""Acting on the guard's verdicts: an unsupported sentence is dropped and replaced by the best article sentence not
yet in the summary (`GuardMode.drop`), or kept with `flagged=True` and its reason (`GuardMode.flag`); kept sentences
cite the article sentences that support them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from briefing.config import GuardMode
from briefing.records import Article, Summary, SummarySentence
from briefing.summarize.guard.check import REPEAT_SIMILARITY, check_summaries
from briefing.summarize.guard.evidence import ArticleEvidence
from briefing.summarize.guard.verdict import SUPPORT_THRESHOLD, SentenceCheck

if TYPE_CHECKING:
    from briefing.encoder.sentence_encoder import SentenceEncoder

MIN_REPLACEMENT_WORDS = 4  # datelines and captions make poor replacement sentences


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
        _apply_verdicts(evidence, summary, checks, vectors, mode)
        for summary, (evidence, checks, vectors) in zip(summaries, checked, strict=True)
    ]


def _apply_verdicts(
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
    scores = _replacement_scores(evidence, intent, summary_vectors)
    return max(candidates, key=lambda i: scores[i])


def _replacement_scores(
    evidence: ArticleEvidence, dropped_vector: np.ndarray | None, summary_vectors: list[np.ndarray]
) -> np.ndarray:
    """Rank article sentences as replacements: close to what the dropped sentence tried to say (unless it was a
    repeat), central, early, and not saying again what the summary already says (MMR-style)."""
    count = len(evidence.article.sentences)
    centroid = evidence.vectors.mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    centrality = evidence.vectors @ (centroid / norm) if norm > 0 else np.zeros(count, dtype=np.float32)
    position = 1.0 / np.sqrt(1.0 + np.arange(count, dtype=np.float32))
    intent = evidence.vectors @ dropped_vector if dropped_vector is not None else np.zeros(count, dtype=np.float32)
    redundancy = (
        (evidence.vectors @ np.stack(summary_vectors).T).max(axis=1)
        if summary_vectors
        else np.zeros(count, dtype=np.float32)
    )
    return 0.5 * intent + 0.3 * centrality + 0.2 * position - 0.5 * redundancy
