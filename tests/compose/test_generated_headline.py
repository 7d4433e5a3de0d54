"""The generative model's headline: kept only when it reads as a headline and the guard supports it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pytest

from briefing.compose.generated_headline import headline_from_answer, with_generated_headlines
from briefing.compose.ranking import DraftStory
from briefing.compose.story_summary import DraftSentence
from briefing.config import Method, Settings
from briefing.models import RunModels
from tests.conftest import make_article

LEAD = "Police arrested two men on Tuesday over a fire that destroyed a warehouse in Leeds, West Yorkshire Police said."
SECOND = "The blaze sent smoke across the city and closed the M621 for six hours."


class AnsweringModel:
    """A decoder-only model that answers each prompt with the next of its scripted answers."""

    name = "scripted"
    kind = "causal"
    context_tokens = 2048

    def __init__(self, answers: Sequence[str]) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []

    def render(self, template, **values: object) -> str:
        return template.user.format(**values)

    def generate(self, prompts: Sequence[str], options) -> list[str]:
        self.prompts.extend(prompts)
        return [self.answers.pop(0) for _ in prompts]


@pytest.mark.parametrize(
    ("answer", "headline"),
    [
        ("Headline: Two men arrested over Leeds warehouse fire.", "Two men arrested over Leeds warehouse fire"),
        (
            '"Two men arrested over Leeds warehouse fire"\nThis headline is short.',
            "Two men arrested over Leeds warehouse fire",
        ),
        ("## Two men arrested over Leeds fire", "Two men arrested over Leeds fire"),
        ("Police arrest two men over a fire that destroyed a warehouse in Leeds on Tuesday night", None),  # 16 words
        ("Two men arrested over Leeds fire…", None),
        ("Fire", None),
        ("   \n  ", None),
    ],
)
def test_an_answer_reads_as_a_headline_or_is_refused(answer: str, headline: str | None) -> None:
    assert headline_from_answer(answer) == headline


def _day(title: str = "") -> tuple[list[DraftStory], list]:
    article = make_article([LEAD, SECOND], title=title or LEAD[:60])
    sentences = (DraftSentence(LEAD, (0,), False, 1.0), DraftSentence(SECOND, (0,), False, 0.5))
    parse_headline = "Police arrested two men over a fire that destroyed a warehouse in Leeds"
    return [DraftStory("s", (0,), parse_headline, sentences, centroid=np.zeros(3))], [article]


def _models(tmp_path, embedded_encoder, answers: Sequence[str], method: Method = Method.hybrid):
    folder = tmp_path / "scripted-model"  # stands for a local model folder; the generator itself is scripted
    folder.mkdir(exist_ok=True)
    model_name = str(folder) if method is not Method.extractive else Settings().model
    settings = Settings(date=dt.date(2026, 11, 25), cache_dir=tmp_path / "cache", method=method, model=model_name)
    model = AnsweringModel(answers)
    return RunModels(settings, encoder=embedded_encoder, parser=None, generator=model), model


def test_a_supported_answer_becomes_the_headline_and_is_stored(tmp_path, embedded_encoder) -> None:
    stories, articles = _day()
    models, model = _models(tmp_path, embedded_encoder, ["Two men arrested over Leeds warehouse fire"])
    [story] = with_generated_headlines(stories, articles, models.settings, models)
    assert story.headline == "Two men arrested over Leeds warehouse fire"
    assert LEAD in model.prompts[0] and "12 words" in model.prompts[0]
    # A re-run of the day asks the model nothing: the answer comes from the stage store.
    again, silent = _models(tmp_path, embedded_encoder, [])
    [story] = with_generated_headlines(stories, articles, again.settings, again)
    assert story.headline == "Two men arrested over Leeds warehouse fire" and silent.prompts == []
    models.close()
    again.close()


@pytest.mark.parametrize(
    "answer",
    [
        "Manchester mayor resigns after warehouse fire",  # a name the story does not hold, opening the headline
        "Two men arrested over fire at 12 Leeds warehouses",  # a number it does not hold: the guard's check
    ],
)
def test_an_answer_saying_what_the_story_does_not_is_not_kept(tmp_path, embedded_encoder, answer: str) -> None:
    stories, articles = _day()
    models, _ = _models(tmp_path, embedded_encoder, [answer])
    [story] = with_generated_headlines(stories, articles, models.settings, models)
    assert story.headline == stories[0].headline
    # The refusal is stored with the guard's version: a re-run neither asks the model nor checks again.
    again, silent = _models(tmp_path, embedded_encoder, [])
    assert with_generated_headlines(stories, articles, again.settings, again) == stories and silent.prompts == []
    models.close()
    again.close()


def test_no_model_is_asked_for_titled_stories_or_extractive_runs(tmp_path, embedded_encoder) -> None:
    stories, articles = _day(title="Leeds warehouse fire: two men held")
    models, model = _models(tmp_path, embedded_encoder, ["Two men arrested over Leeds warehouse fire"])
    assert with_generated_headlines(stories, articles, models.settings, models) == stories
    untitled, untitled_articles = _day()
    extractive, unused = _models(tmp_path, embedded_encoder, ["x y z"], method=Method.extractive)
    assert with_generated_headlines(untitled, untitled_articles, extractive.settings, extractive) == untitled
    assert model.prompts == [] and unused.prompts == []
    models.close()
    extractive.close()


def test_a_failing_model_keeps_the_parse_headline(tmp_path, embedded_encoder, caplog) -> None:
    from briefing.errors import ModelError

    class Broken(AnsweringModel):
        def generate(self, prompts, options):
            raise ModelError("out of memory")

    stories, articles = _day()
    settings = _models(tmp_path, embedded_encoder, [])[0].settings
    models = RunModels(settings, encoder=embedded_encoder, parser=None, generator=Broken([]))
    [story] = with_generated_headlines(stories, articles, models.settings, models)
    assert story.headline == stories[0].headline
    assert "out of memory" in caplog.text
    # A failure is not stored: the next run asks the model again.
    again, model = _models(tmp_path, embedded_encoder, ["Two men arrested over Leeds warehouse fire"])
    [story] = with_generated_headlines(stories, articles, again.settings, again)
    assert story.headline == "Two men arrested over Leeds warehouse fire" and len(model.prompts) == 1
    models.close()
    again.close()


def test_a_hybrid_days_untitled_story_gets_the_models_checked_headline(tmp_path, embedded_encoder) -> None:
    from briefing.compose import compose
    from briefing.records import Article, Summary, SummarySentence

    sentences = (LEAD, SECOND, "Both men are due to appear before magistrates in Leeds on Thursday.")
    article = Article("a1", "leeds.txt", " ".join(LEAD.split()[:10]), sentences)  # an untitled input's cut title
    summary = Summary(
        "a1", tuple(SummarySentence(s, (i,), support=1.0) for i, s in enumerate(sentences)), "hybrid", "m"
    )
    models, model = _models(tmp_path, embedded_encoder, ["Two men arrested over Leeds warehouse fire"])
    brief = compose([article], [summary], models.settings, models)
    assert brief.stories[0].headline == "Two men arrested over Leeds warehouse fire"
    assert len(model.prompts) == 1
    models.close()
