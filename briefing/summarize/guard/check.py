"""The faithfulness guard's checks: every generated summary sentence against its article.

Today's checks: every number, date and name in a sentence must occur in the article (`facts.py`), the sentence must
match an article sentence on the embedded encoder (similarity >= `SUPPORT_THRESHOLD`), and it must not repeat an
earlier summary sentence. On top, the sentence-level rules (`rules.py`) compare it with its *window* (`evidence.py`:
the article sentences that match it best), using spaCy's parse (`structure.py`: negation, subject and object, units,
clauses). Only the rules in `rules.ADOPTED_RULES` flag (and the consistency classifier or the cross-encoder, when
adopted); the others are computed for the benchmark. The verdict and its reason are in `verdict.py`; what is done
with an unsupported sentence (dropped and replaced, or flagged) in `apply.py`.

Speed: one encoder pass over the articles, summaries and clauses; two parser passes (the summary sentences, then
the union of every window), with only the tagger and parser run and the attribute ruler and lemmatizer served from an
exact cache (`parse_pipeline.py`); each distinct text parsed at most once per run (`structure.parse_structures`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from briefing.records import Article, Summary
from briefing.summarize.guard import cross_encoder
from briefing.summarize.guard.consistency import (
    CLASSIFIER_ADOPTED,
    MODEL_SHA256,
    ConsistencyModel,
    load_consistency_model,
)
from briefing.summarize.guard.evidence import ArticleEvidence, Window
from briefing.summarize.guard.rules import ADOPTED_RULES, PARSE_RULES
from briefing.summarize.guard.structure import Structure, parse_structures
from briefing.summarize.guard.verdict import SUPPORT_THRESHOLD, SentenceCheck
from briefing.text import normalize_whitespace, split_sentences, words

if TYPE_CHECKING:
    from briefing.encoder.sentence_encoder import SentenceEncoder

# Two summary sentences this close say the same thing. Distinct sentences of one human CNN/DailyMail highlight set
# never come closer than 0.70 (dev set, 100 summaries); a reworded repeat scores about 0.88.
REPEAT_SIMILARITY = 0.85
# Bump when the rules change: the summary cache keys on it, so old guarded summaries are not reused. The adopted rules
# and the classifier's weights hash are part of it, so changing either invalidates cached summaries.
GUARD_VERSION = (
    f"8:{SUPPORT_THRESHOLD}:{','.join(sorted(ADOPTED_RULES))}:{MODEL_SHA256[:12] if CLASSIFIER_ADOPTED else '-'}"
    f"{':' + cross_encoder.WEIGHTS_SHA256[:12] if cross_encoder.CROSS_ENCODER_ADOPTED else ''}"
)


def guard_needs_parser() -> bool:
    """Whether the adopted rules or classifier read spaCy's parse (otherwise the run never loads it)."""
    return CLASSIFIER_ADOPTED or cross_encoder.CROSS_ENCODER_ADOPTED or bool(ADOPTED_RULES & PARSE_RULES)


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
