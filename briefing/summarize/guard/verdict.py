"""The guard's verdict on one sentence, and the reason a reader sees.

A sentence is unsupported when a number, date or name in it is absent from the article, when it repeats an earlier
summary sentence, when no article sentence matches it (encoder similarity below the support threshold), or when an
adopted sentence-level rule (`rules.ADOPTED_RULES`) or the adopted consistency classifier finds it inconsistent with
the article sentences that match it best. The rules and the classifier can only add flags to today's checks, never
lift one: a corruption type can never be caught less often than before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from briefing.summarize.guard.facts import Fact
from briefing.summarize.guard.rules import WindowFindings

# Calibrated by `python bench/faithfulness.py --calibrate` on CNN/DailyMail dev: human-written highlight sentences
# scored against their own article (faithful paraphrases) vs against another article (unsupported). On the float32
# encoder kept + caught is flat from 0.36 to 0.45 on the 70 tuning articles; 0.44, the 2.5% quantile of true-highlight
# support, sits at its strict end (a missed invention costs more than a flagged paraphrase): 97% kept, 98% caught
# there, 99.1% / 100% on the 30 held-out articles.
SUPPORT_THRESHOLD = 0.44


@dataclass(frozen=True)
class SentenceCheck:
    """The guard's verdict on one generated sentence."""

    text: str
    citations: tuple[int, ...]
    support: float
    missing: tuple[Fact, ...] = ()
    repeat_of: int | None = None  # index of the earlier summary sentence it repeats
    threshold: float = SUPPORT_THRESHOLD
    findings: WindowFindings | None = field(default=None, compare=False, repr=False)  # every rule's finding
    score: float | None = None  # the consistency classifier's P(consistent); None when it is not used
    score_threshold: float = 0.5
    concern: str | None = None  # the classifier's main concern, when it alone flags the sentence
    features: np.ndarray | None = field(default=None, compare=False, repr=False)  # what the classifier read
    window: tuple[int, ...] = ()  # the article sentences it was judged against, best match first

    @property
    def problems(self) -> tuple[str, ...]:
        """What the adopted sentence-level rules found against the best-matching article sentences."""
        return self.findings.problems if self.findings is not None else ()

    @property
    def consistent(self) -> bool:
        """Support at or above the threshold, no adopted rule fired, and the classifier (when used) agrees."""
        if self.problems or self.support < self.threshold:
            return False
        return self.score is None or self.score >= self.score_threshold

    @property
    def supported(self) -> bool:
        return not self.missing and self.repeat_of is None and self.consistent

    @property
    def reason(self) -> str | None:
        if self.supported:
            return None
        reasons = [f"{fact.kind} '{fact.text}' not in article" for fact in self.missing]
        if self.repeat_of is not None:
            reasons.append(f"repeats summary sentence {self.repeat_of + 1}")
        if not self.consistent:
            reasons.extend(self.problems)
            if self.support < self.threshold:
                # Truncated, not rounded, so a support of 0.4399 never reads as "0.44 < 0.44".
                shown = math.floor(self.support * 1000) / 1000
                reasons.append(f"no article sentence says this (best similarity {shown:.3f} < {self.threshold:g})")
            elif not self.problems and self.score is not None and self.concern == "cross_encoder":
                # The cross-encoder's score is P(consistent); the reader sees how likely the fact was changed.
                reasons.append(f"the sentence reads as a changed fact of its best match (score {1 - self.score:.2f})")
            elif not self.problems and self.score is not None:
                worry = CONCERNS.get(self.concern or "", "it does not match what the article says")
                reasons.append(f"the consistency check finds {worry} (score {self.score:.2f})")
        return "; ".join(reasons)


# The classifier's main concern, in words (see consistency.HAND_FEATURES).
CONCERNS = {
    "support": "no article sentence close to it",
    "support_gap": "no article sentence close to it",
    "clause_min_support": "a clause no article sentence says",
    "clauses": "a clause no article sentence says",
    "novel_words": "words the article does not use",
    "novel_words_window": "words the matching article sentences do not use",
    "novel_bigrams_window": "wording the matching article sentences do not have",
    "novel_trigrams_window": "wording the matching article sentences do not have",
    "negation_difference": "a negation the matching article sentence does not have",
    "negation_problem": "a negation the matching article sentence does not have",
    "role_problem": "someone in another role than the article gives them",
    "local_number": "a number the matching article sentences do not have",
    "local_date": "a date the matching article sentences do not have",
    "local_name": "a name the matching article sentences do not have",
    "local_proper_nouns": "a name the matching article sentences do not have",
    "length_ratio": "more than the matching article sentence says",
}
