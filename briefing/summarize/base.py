"""The one protocol every summarizer implements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from briefing.records import Article, Summary

if TYPE_CHECKING:
    from briefing.summarize.generative import GenerationOptions
    from briefing.summarize.prompts import PromptTemplate


@runtime_checkable
class Summarizer(Protocol):
    """Summarize articles; every summary sentence cites the article sentences it came from.

    Implementations are built as `cls(settings, models)`: the run's `Settings` and its `RunModels` (from which they
    take the encoder or the generative model the first time they need it).
    """

    name: str

    def summarize(self, articles: Sequence[Article]) -> list[Summary]: ...


class TextGenerator(Protocol):
    """What condense (map-reduce, refine) needs of a generative backend: an in-process model (generative.py) or an
    OpenAI-compatible server (openai_server.py). The same prompts, chunking and guard run on either."""

    name: str
    kind: Literal["seq2seq", "causal"]
    context_tokens: int

    def count_tokens(self, text: str) -> int: ...

    def prompt_tokens(self, prompt: str) -> int: ...

    def render(self, template: PromptTemplate, **values: object) -> str: ...

    def input_budget(
        self, template: PromptTemplate, options: GenerationOptions, values: Mapping[str, object], reserve: int = 0
    ) -> int: ...

    def generate(self, prompts: Sequence[str], options: GenerationOptions) -> list[str]: ...
