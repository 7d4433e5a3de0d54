"""The one protocol every summarizer implements, and the name -> class registry the CLI's `--method` picks from."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from briefing.config import Settings
from briefing.errors import ConfigError
from briefing.records import Article, Summary


@runtime_checkable
class Summarizer(Protocol):
    """Summarize articles; every summary sentence cites the article sentences it came from."""

    name: str

    def summarize(self, articles: Sequence[Article]) -> list[Summary]: ...


SummarizerFactory = Callable[[Settings], Summarizer]
_REGISTRY: dict[str, type] = {}


def register(name: str) -> Callable[[type], type]:
    """Class decorator: `@register("extractive")` makes the class available as `--method extractive`."""

    def decorate(cls: type) -> type:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise ValueError(f"summarizer {name!r} is already registered by {_REGISTRY[name].__name__}")
        _REGISTRY[name] = cls
        cls.name = name
        return cls

    return decorate


def registered_names() -> list[str]:
    _load_builtin_summarizers()
    return sorted(_REGISTRY)


def create_summarizer(name: str, settings: Settings) -> Summarizer:
    _load_builtin_summarizers()
    try:
        cls = _REGISTRY[name]
    except KeyError:
        raise ConfigError(f"unknown method {name!r}; choose one of {', '.join(sorted(_REGISTRY))}") from None
    return cls(settings)


def _load_builtin_summarizers() -> None:
    # Imported here, not at module top, so that registering stays free of import cycles and torch stays lazy.
    import briefing.summarize.abstractive
    import briefing.summarize.extractive  # noqa: F401
