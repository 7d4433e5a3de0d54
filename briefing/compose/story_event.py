"""A story's event, as the history of earlier briefs keeps it: so that a later day's story is matched to an earlier
one by the same pair model that grouped the articles (briefing.compose.pair_model), not by a bare centroid cosine.

A story is compared as if it were one article: its names, figures and mentioned dates are those of all its
articles, its text their titles and first sentences (STORY_TEXT_SENTENCES each, at most STORY_TEXT_CHARACTERS), its
vectors the mean of its articles' document and lead vectors.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from briefing.compose.events import EventProfile
from briefing.compose.grouping import lead_vector, tfidf_matrix
from briefing.compose.pair_model import MODEL_LANGUAGES, DayVectors, PairModel, pair_features, shipped_pair_model
from briefing.compose.vectors import ArticleVectors, normalize
from briefing.records import Article

STORY_TEXT_SENTENCES = 12
STORY_TEXT_CHARACTERS = 6000


@dataclass(frozen=True)
class StoryEvent:
    profile: EventProfile
    document: np.ndarray  # unit-length mean of its articles' document vectors
    lead: np.ndarray  # unit-length mean of their lead vectors
    text: str
    other_language: bool = False  # an article of it is in a language the models do not read (MODEL_LANGUAGES)

    def to_json(self) -> str:
        p = self.profile
        return json.dumps(
            {
                "people": sorted(p.people),
                "organisations": sorted(p.organisations),
                "places": sorted(p.places),
                "lead_names": sorted(p.lead_names),
                "dates": sorted(p.mentioned_dates),
                "figures": sorted(p.numbers),
                "lead_text": p.lead,
                "text": self.text,
                "document": np.round(self.document.astype(float), 5).tolist(),
                "lead": np.round(self.lead.astype(float), 5).tolist(),
                "other_language": self.other_language,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> StoryEvent | None:
        """None for a record written before stories kept their event (or an unreadable one): match it by centroid."""
        try:
            data = json.loads(text)
            profile = EventProfile(
                people=frozenset(data["people"]),
                organisations=frozenset(data["organisations"]),
                places=frozenset(data["places"]),
                lead_names=frozenset(data["lead_names"]),
                mentioned_dates=frozenset((int(m), int(d)) for m, d in data["dates"]),
                numbers=frozenset(data["figures"]),
                published=None,
                lead=str(data["lead_text"]),
            )
            document = np.array(data["document"], dtype=np.float32)
            lead = np.array(data["lead"], dtype=np.float32)
            # Records written before the key: read as English, as they were matched then.
            return cls(profile, document, lead, str(data["text"]), bool(data.get("other_language", False)))
        except (ValueError, KeyError, TypeError):
            return None


def story_event(
    members: Sequence[int],
    articles: Sequence[Article],
    profiles: Sequence[EventProfile],
    vectors: Sequence[ArticleVectors],
) -> StoryEvent:
    chosen = [profiles[m] for m in members]

    def union(field: str) -> frozenset:
        return frozenset().union(*(getattr(p, field) for p in chosen))

    profile = EventProfile(
        people=union("people"),
        organisations=union("organisations"),
        places=union("places"),
        lead_names=union("lead_names"),
        mentioned_dates=union("mentioned_dates"),
        numbers=union("numbers"),
        published=None,
        lead=" ".join(p.lead for p in chosen)[:STORY_TEXT_CHARACTERS],
    )
    text = " ".join(" ".join((articles[m].title, *articles[m].sentences[:STORY_TEXT_SENTENCES])) for m in members)[
        :STORY_TEXT_CHARACTERS
    ]
    document = normalize(np.stack([vectors[m].document for m in members]).mean(axis=0)).astype(np.float32)
    lead = normalize(np.stack([lead_vector(vectors[m]) for m in members]).mean(axis=0)).astype(np.float32)
    other_language = any(
        articles[m].language is not None and articles[m].language not in MODEL_LANGUAGES for m in members
    )
    return StoryEvent(profile, document, lead, text, other_language)


def same_event_probabilities(
    story: StoryEvent, earlier: Sequence[StoryEvent], model: PairModel | None = None
) -> np.ndarray:
    """P(same event) of `story` and each earlier story (whose vectors must have the same dimension)."""
    if not earlier:
        return np.zeros(0)
    model = model or shipped_pair_model()
    events = [story, *earlier]
    day = DayVectors(
        documents=np.stack([e.document for e in events]),
        leads=np.stack([e.lead for e in events]),
        body_tfidf=tfidf_matrix([e.text for e in events]),
        lead_tfidf=tfidf_matrix([e.profile.lead for e in events]),
        profiles=[e.profile for e in events],
        other_language=np.array([e.other_language for e in events]),
    )
    others = np.arange(1, len(events))
    return model.probability(pair_features(day, np.zeros(len(others), dtype=np.int64), others))
