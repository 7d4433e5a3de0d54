"""The generative model's headline for a story shown in full, kept only when the faithfulness guard supports it.

With `--method abstractive` or `hybrid` and a decoder-only model, each story shown in full whose headline was made
from a lead (no real title) asks the model for a headline of at most WORDS words over the story's first sentences.
The answer is kept only when it reads as a headline (one line, 3 to WORDS words, no ellipsis, no list or quotation
marks around it) and the guard supports it against those sentences, which every source citation already backs;
otherwise the parse headline stays. Answers are kept in the stage store (key: the model's weights, the prompt and the
text), so a re-run of the day asks nothing and loads no model. A model that fails only costs the generated headline.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from briefing.compose.headlines import has_made_up_title
from briefing.compose.ranking import DraftStory
from briefing.config import Settings
from briefing.errors import BriefingError
from briefing.models import RunModels
from briefing.records import Article, Summary, SummarySentence
from briefing.store import code_fingerprint, entry_key
from briefing.text import content_hash

if TYPE_CHECKING:
    from briefing.summarize.prompts import PromptTemplate

log = logging.getLogger(__name__)

WORDS = 12
STORY_SENTENCES = 3  # what the model reads: the story's opening sentences
MAX_NEW_TOKENS = 32
GENERATED_KIND = "generated-headline"  # the stage store's kind: the checked headline ("" when none was supported)
_LABEL = re.compile(r"^\s*(?:#+\s*|\*+\s*)?(?:headline\s*[:\-–]\s*)?", re.IGNORECASE)
_WORD = re.compile(r"\w+(?:['’]\w+)?")
_QUOTES = "\"'“”‘’*_`"


def with_generated_headlines(
    stories: Sequence[DraftStory], articles: Sequence[Article], settings: Settings, models: RunModels
) -> list[DraftStory]:
    """`stories` with the model's headline where it is usable and supported; the others unchanged."""
    from briefing.summarize import GUARDED_METHODS

    if settings.method not in GUARDED_METHODS:
        return list(stories)
    wanted = [i for i, story in enumerate(stories) if _made_from_lead(story, articles) and story.sentences]
    if not wanted:
        return list(stories)
    openings = {i: tuple(s.text for s in stories[i].sentences[:STORY_SENTENCES]) for i in wanted}
    result = list(stories)
    for i, headline in _checked_headlines(openings, settings, models).items():
        if headline:
            result[i] = replace(stories[i], headline=headline)
    return result


def headline_from_answer(answer: str) -> str | None:
    """The model's answer as a headline, or None when it does not read as one."""
    lines = [line.strip() for line in answer.strip().splitlines() if line.strip()]
    if not lines:
        return None
    text = _LABEL.sub("", lines[0]).strip().strip(_QUOTES).strip().rstrip(".").strip()
    words = text.split()
    if not 3 <= len(words) <= WORDS or "…" in text or "..." in text or text.endswith((":", ",", ";")):
        return None
    return text


def _made_from_lead(story: DraftStory, articles: Sequence[Article]) -> bool:
    return all(has_made_up_title(articles[m]) for m in story.members)


def _checked_headlines(openings: dict[int, tuple[str, ...]], settings: Settings, models: RunModels) -> dict[int, str]:
    """Each story opening's headline as checked ("" when the model gave none the guard supports): from the stage
    store, or asked of the model in one batch and checked now. A model that failed is not stored: the next run asks
    again."""
    from briefing.summarize.cache import model_fingerprint
    from briefing.summarize.prompts import load_template

    template = load_template("headline")
    fingerprint = "|".join(
        (
            settings.model,
            model_fingerprint(settings),
            content_hash(f"{template.system}\0{template.user}"),
            code_fingerprint("compose/generated_headline.py", "summarize/guard/*.py"),
        )
    )
    texts = {i: " ".join(sentences) for i, sentences in openings.items()}
    keys = {i: entry_key(fingerprint, text) for i, text in texts.items()}
    store = models.store
    stored = store.get_many(GENERATED_KIND, keys.values()) if store is not None else {}
    headlines = {i: stored[key].decode() for i, key in keys.items() if key in stored}
    missing = [i for i in texts if i not in headlines]
    answers = _generate([texts[i] for i in missing], settings, models, template) if missing else None
    if answers is not None:
        fresh = dict(zip(missing, answers, strict=True))
        supported = set(_supported({i: a for i, a in fresh.items() if a}, openings, models))
        checked = {i: fresh[i] if i in supported else "" for i in missing}
        headlines.update(checked)
        if store is not None:
            store.put_many(GENERATED_KIND, {keys[i]: checked[i].encode() for i in missing})
    return headlines


def _generate(texts: list[str], settings: Settings, models: RunModels, template: PromptTemplate) -> list[str] | None:
    """The model's cleaned answers ("" where one does not read as a headline); None when the model failed."""
    from briefing.summarize.generative import GenerationOptions

    try:
        generator = models.generator
        if generator.kind != "causal":  # a seq2seq summarizer writes a summary, not a headline
            return [""] * len(texts)
        prompts = [generator.render(template, text=text, words=WORDS) for text in texts]
        options = GenerationOptions(MAX_NEW_TOKENS, 1, settings.batch_size)
        outputs = generator.generate(prompts, options)
    except BriefingError as error:
        log.warning("generated headlines skipped: %s", error)
        return None
    return [headline_from_answer(output) or "" for output in outputs]


def _supported(answers: dict[int, str], openings: dict[int, tuple[str, ...]], models: RunModels) -> list[int]:
    """The stories whose answer the guard supports against the sentences the model read."""
    if not answers:
        return []
    from briefing.summarize.guard import check_summaries, guard_needs_parser

    # The guard reads a capitalised word at a sentence's start as no name; a headline opens with its subject, so
    # every capitalised word of it must be a word of what the model read ("Manchester mayor resigns…" is refused).
    answers = {i: a for i, a in answers.items() if _capitalised_words_in(a, " ".join(openings[i]))}
    if not answers:
        return []
    order = sorted(answers)
    sources = [Article(f"story-{i}", "story", "", openings[i]) for i in order]
    summaries = [Summary(f"story-{i}", (SummarySentence(answers[i], ()),), "hybrid", "headline") for i in order]
    parser = models.parser if guard_needs_parser() else None  # the guard's own decision, as in a run's guard
    checked = check_summaries(sources, summaries, models.encoder, parser=parser)
    return [i for i, (_, checks, _) in zip(order, checked, strict=True) if checks and all(c.supported for c in checks)]


def _capitalised_words_in(headline: str, text: str) -> bool:
    words = {word.lower() for word in _WORD.findall(text)}
    return all(word.lower() in words for word in _WORD.findall(headline) if word[:1].isupper())
