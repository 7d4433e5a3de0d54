"""The day's story groups kept in the stage store, so a re-run of the same day does no grouping at all.

Grouping (TF-IDF, candidate pairs, the pair model, Leiden) is a pure function of the articles, their vectors, their
named entities and the pair model; on a re-run all of them come back from the store unchanged, yet recomputing the
groups cost a warm run about a quarter of its time (scipy.sparse's import alone some 0.2 s). The entry is keyed by
a sha256 over every input in full (each article's fields, each vector's bytes, each mention) and over what computes
the groups: the grouping code, the pair model's parameters and the versions of the clustering and index libraries.
Any change to any of them is a miss, never a stale hit.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from briefing.compose.entities import ArticleEntities
from briefing.compose.events import EventProfile
from briefing.compose.grouping import group_articles
from briefing.compose.pair_model import PairModel, shipped_pair_model
from briefing.compose.provenance import package_versions
from briefing.compose.vectors import ArticleVectors
from briefing.records import Article

if TYPE_CHECKING:
    from briefing.store import Store

log = logging.getLogger(__name__)

GROUPS_KIND = "groups"  # the stage store's kind: one day's groups, as JSON [[member, ...], ...]
# What turns the inputs into groups: briefing's grouping code, and the libraries whose results it takes as they come.
GROUPING_CODE = (
    "compose/grouping.py",
    "compose/candidates.py",
    "compose/pair_model.py",
    "compose/events.py",
    "compose/vectors.py",
    "clean/metadata.py",  # events.py reads its month names
)
GROUPING_LIBRARIES = ("leidenalg", "igraph", "faiss-cpu", "scipy", "numpy")


def grouping_fingerprint(model: PairModel) -> str:
    """The grouping code, the pair model's parameters and the libraries' versions."""
    from briefing.store import code_fingerprint

    versions = [f"{name}={version or 'absent'}" for name, version in package_versions(GROUPING_LIBRARIES).items()]
    parameters = json.dumps(model.to_json(), sort_keys=True)
    return f"{code_fingerprint(*GROUPING_CODE)};{';'.join(versions)};{parameters}"


def inputs_digest(
    articles: Sequence[Article], vectors: Sequence[ArticleVectors], entities: Sequence[ArticleEntities]
) -> str:
    """sha256 over every input of grouping, in order: an article's repr holds all its fields, a vector its dtype,
    shape and bytes."""
    digest = hashlib.sha256()
    for article, vector, mentions in zip(articles, vectors, entities, strict=True):
        digest.update(repr(article).encode("utf-8", "surrogatepass") + b"\0")
        for array in (vector.sentences, vector.summary, vector.document):
            digest.update(f"{array.dtype.str}{array.shape}".encode() + b"\0")
            digest.update(array.tobytes())
        digest.update(repr(mentions).encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def stored_groups(
    articles: Sequence[Article],
    vectors: Sequence[ArticleVectors],
    entities: Sequence[ArticleEntities],
    store: Store | None,
    model: PairModel | None = None,
    profiles: Sequence[EventProfile] | None = None,
) -> list[list[int]]:
    """`group_articles(...)`, from the store when this very day was grouped before (and stored there on a miss).
    `profiles` are the articles' event profiles when the caller has them (they follow from articles and entities)."""
    if store is None or len(articles) < 2:
        return group_articles(articles, vectors, entities, model, profiles)
    from briefing.store import entry_key

    model = model or shipped_pair_model()
    key = entry_key(grouping_fingerprint(model), inputs_digest(articles, vectors, entities))
    value = store.get_many(GROUPS_KIND, [key]).get(key)
    if value is not None:
        groups = _parsed(value, len(articles))
        if groups is not None:
            return groups
        log.debug("stage cache: unreadable story groups entry, grouping again")
    groups = group_articles(articles, vectors, entities, model, profiles)
    store.put_many(GROUPS_KIND, {key: json.dumps(groups).encode("utf-8")})
    return groups


def _parsed(value: bytes, count: int) -> list[list[int]] | None:
    """The stored groups, or None when the entry is not a partition of `count` articles (damaged: group again)."""
    try:
        groups = json.loads(value)
    except ValueError:
        return None
    if not isinstance(groups, list) or not all(isinstance(g, list) and g for g in groups):
        return None
    members = [m for g in groups for m in g]
    if not all(type(m) is int for m in members) or sorted(members) != list(range(count)):
        return None
    return groups
