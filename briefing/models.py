"""The models of one run, held by one object the pipeline owns: the sentence encoder, spaCy's NER, the generator,
and the stage store (`briefing.store`) that the encoder and the NER answer from before they load anything.

Each is loaded the first time a stage asks for it and misses the store (a fully cached run loads none, and imports
no torch, transformers or spaCy), and all are released when the run ends, so nothing a run changed on a model (a
batch limit lowered after an out-of-memory, a vector cache) carries into the next run of the same process. Tests and
benchmarks hand in models they loaded once (`RunModels(settings, encoder=...)`).
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

from briefing.config import OPENAI_PREFIX, Settings

if TYPE_CHECKING:
    from briefing.compose.entities import EntityModel
    from briefing.encoder.sentence_encoder import SentenceEncoder
    from briefing.store import Store
    from briefing.summarize.base import TextGenerator

_NOT_LOADED: Any = object()


class RunModels:
    """Lazy holder of a run's models; use as a context manager (or call `close()`) to release them."""

    def __init__(
        self,
        settings: Settings,
        *,
        encoder: SentenceEncoder | None = None,
        ner: Any = _NOT_LOADED,
        parser: Any = _NOT_LOADED,
        generator: TextGenerator | None = None,
    ) -> None:
        self.settings = settings
        self._encoder = encoder
        self._ner = ner
        self._parser = parser
        self._generator = generator
        self._store: Store | None = _NOT_LOADED

    @property
    def store(self) -> Store | None:
        """The stage store in `cache_dir` (None under --no-cache, or when it cannot be opened)."""
        if self._store is _NOT_LOADED:
            from briefing.store import Store

            self._store = Store.open(self.settings.cache_dir) if self.settings.use_cache else None
        return self._store

    @property
    def encoder(self) -> SentenceEncoder:
        """The embedded all-MiniLM-L6-v2 encoder (float32, sha256-checked), used by every stage; its weights load
        the first time a text is in neither its memory cache nor the store."""
        if self._encoder is None:
            from briefing.encoder.sentence_encoder import deferred_embedded_encoder

            self._encoder = deferred_embedded_encoder(self.store)
        return self._encoder

    @property
    def ner(self) -> EntityModel | Any | None:
        """spaCy's NER behind the store (spaCy loads when an article misses it), or None (after one warning) when it
        is not installed. Tests may hand in a loaded spaCy pipeline instead."""
        if self._ner is _NOT_LOADED:
            from briefing.compose.entities import deferred_entity_model

            self._ner = deferred_entity_model(self.store)
        return self._ner

    @property
    def parser(self) -> Any | None:
        """spaCy's tagger, parser and lemmatizer (no NER) for the faithfulness guard and the
        headlines of untitled stories, or None after one warning."""
        if self._parser is _NOT_LOADED:
            from briefing.summarize.guard.structure import load_parser_model

            self._parser = load_parser_model()
        return self._parser

    @property
    def generator(self) -> TextGenerator:
        """The generative model named by `--model` (abstractive and hybrid methods): loaded here, or the
        OpenAI-compatible server at `--endpoint` for `--model openai:NAME`."""
        if self._generator is None and self.settings.model.startswith(OPENAI_PREFIX):
            from briefing.summarize.openai_server import connect_server

            self._generator = connect_server(self.settings)
        if self._generator is None:
            from briefing.summarize.generative import load_generative

            settings = self.settings
            self._generator = load_generative(
                settings.model, settings.device, settings.dtype, settings.allow_unsafe_weights
            )
        return self._generator

    @property
    def loaded(self) -> tuple[str, ...]:
        """Which models this run has loaded so far (for tests and the provenance)."""
        names = ("encoder", "ner", "parser", "generator")
        values = (
            self._encoder,
            None if self._ner is _NOT_LOADED else self._ner,
            None if self._parser is _NOT_LOADED else self._parser,
            self._generator,
        )
        return tuple(
            name
            for name, value in zip(names, values, strict=True)
            if value is not None and getattr(value, "loaded", True)  # a deferred model counts once it has loaded
        )

    def close(self) -> None:
        self._encoder = None
        self._ner = _NOT_LOADED
        self._parser = _NOT_LOADED
        self._generator = None
        if self._store is not _NOT_LOADED and self._store is not None:
            self._store.close()
        self._store = _NOT_LOADED

    def __enter__(self) -> RunModels:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
