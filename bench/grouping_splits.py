"""Why Multi-News clusters split: a table bench/brief.py prints under its grouping tables (issue 17).

Each development cluster is one Multi-News "event", but not every cluster's documents report one event: some hold a
page that is not the article (an archive notice, a paper's two-sentence abstract, a link page) or an outlet's piece on
another event of the same topic (a shoplifting essay next to a celebrity's arrest). Such a document has no close
neighbour in its own cluster. Per half, the table gives the clusters' coherence (mean encoder cosine of their same-
cluster pairs, the share of those pairs below STRAY_COSINE, the clusters holding a stray document: one whose closest
same-cluster document is below STRAY_COSINE) and, for the pooled grouping, how many split clusters hold a stray
document and the split share among the clusters that do not. The cut is the encoder's, so the split clusters it
names were read by hand too (README); it describes the data, it does not grade the grouping.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from grouping_data import Corpus, draw_pools

STRAY_COSINE = 0.5


def stray_clusters(corpus: Corpus, calibration: bool) -> tuple[set[int], list[float], int]:
    """The half's Multi-News clusters holding a stray document, its same-cluster pair cosines, its 2+-document count."""
    events = sorted(
        {e for e, o, c in zip(corpus.events, corpus.origin, corpus.calibration, strict=True) if o == "multi_news"}
        & {e for e, c in zip(corpus.events, corpus.calibration, strict=True) if c == calibration}
    )
    stray: set[int] = set()
    cosines: list[float] = []
    multi = 0
    for event in events:
        members = [i for i, e in enumerate(corpus.events) if e == event]
        if len(members) < 2:
            continue
        multi += 1
        documents = np.stack([corpus.vectors[i].document for i in members])
        similarity = documents @ documents.T
        cosines += similarity[np.triu_indices(len(members), 1)].tolist()
        np.fill_diagonal(similarity, -1.0)
        if (similarity.max(axis=1) < STRAY_COSINE).any():
            stray.add(event)
    return stray, cosines, multi


GroupPool = Callable[[Corpus, list[int], str], list[list[int]]]


def split_reasons_table(
    corpus: Corpus, group_pool: GroupPool, method: str, clusters: int, singletons: int, draws: int
) -> None:
    """Print the table of the module docstring for `method`'s grouping of the CNN/DailyMail pools of each half."""
    print(
        f"\n### Why clusters split ({method}, CNN/DailyMail pools; stray document: best same-cluster cosine < "
        f"{STRAY_COSINE})\n"
    )
    print(
        "| half | same-cluster cosine mean | pairs < cut | clusters with a stray document | split clusters "
        "(with a stray document) | split share of clusters without one |"
    )
    print("|---|---|---|---|---|---|")
    for calibration, half in ((True, "calibration"), (False, "held-out")):
        stray, cosines, multi = stray_clusters(corpus, calibration)
        split = split_stray = coherent = coherent_split = 0
        for members in draw_pools(corpus, calibration, draws, clusters, singletons, "cnn"):
            groups = group_pool(corpus, members, method)
            story = {member: label for label, group in enumerate(groups) for member in group}
            stories: dict[int, list[int]] = {}
            for position, index in enumerate(members):
                if corpus.origin[index] == "multi_news":
                    stories.setdefault(corpus.events[index], []).append(story[position])
            for event, labels in stories.items():
                if len(labels) < 2:
                    continue
                apart = len(set(labels)) > 1
                split += apart
                split_stray += apart and event in stray
                if event not in stray:
                    coherent += 1
                    coherent_split += apart
        values = np.array(cosines)
        print(
            f"| {half} | {values.mean():.3f} | {100 * (values < STRAY_COSINE).mean():.0f}% | {len(stray)} of {multi} "
            f"| {split} ({split_stray}) | {100 * coherent_split / max(1, coherent):.1f}% |"
        )
