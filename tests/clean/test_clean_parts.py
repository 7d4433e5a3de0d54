"""The cleaner's parts: the shingle metric, metadata readers, block features, the shipped models, robustness."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from briefing.clean import clean
from briefing.clean.dump import clean_dump
from briefing.clean.features import BASE_FEATURES, blocks_from_dump, page_features, strip_site_suffix
from briefing.clean.metadata import (
    find_byline,
    find_date,
    guess_language,
    is_truncated,
    normalise_language,
    without_site_name,
)
from briefing.clean.model import DUMP_MODEL_PATH, HTML_MODEL_PATH, BlockModel
from briefing.clean.shingles import PageScore, block_shares, score_corpus, score_page, shingles
from briefing.errors import SourceError
from briefing.records import RawDocument


def test_shingles_are_word_4grams_counted_as_a_multiset():
    assert shingles("A b, c d! e") == {("A", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("one two") == {("one", "two"): 1}
    assert shingles("") == {}
    assert shingles("a b c d a b c d")[("a", "b", "c", "d")] == 2


def test_page_score_counts_shared_missing_and_extra_shingles():
    score = score_page("a b c d e f", "b c d e f g h")
    # gold shingles: abcd bcde cdef; extracted: bcde cdef defg efgh
    assert (score.true_positives, score.false_positives, score.false_negatives) == (2, 2, 1)
    assert score.precision == pytest.approx(0.5)
    assert score.recall == pytest.approx(2 / 3)


def test_corpus_score_averages_pages_and_skips_empty_extractions_for_precision():
    pages = [PageScore(1, 0, 1), PageScore(0, 0, 4)]  # second page: nothing extracted
    score = score_corpus(pages)
    assert score.precision == pytest.approx(1.0)
    assert score.recall == pytest.approx(0.25)
    assert score.f1 == pytest.approx(0.4)


def test_block_shares_use_each_reference_shingle_once_and_need_context_for_short_blocks():
    reference = "the quick brown fox jumps over the lazy dog Facebook"
    shares = block_shares(["the quick brown fox jumps", "the quick brown fox jumps", "Facebook", "Menu"], reference)
    assert shares == [1.0, 0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Nov. 19, 2019 8:03 am ET", "2019-11-19"),
        ("Published 19 November 2019, 10:00", "2019-11-19"),
        ("2019-11-18T08:00:00Z", "2019-11-18"),
        ("11.14.2019 09:00 AM", "2019-11-14"),
        ("Updated Monday, March 3rd, 2024", "2024-03-03"),
        ("February 30, 2020", None),
        ("no date here, only 2019", None),
    ],
)
def test_find_date(text: str, date: str | None):
    assert find_date(text) == date


def test_find_byline_strips_dates_and_titles():
    assert find_byline(["Menu", "By Scott Gordon", "Published Nov 18, 2019"]) == "Scott Gordon"
    assert find_byline(["By JANIE HAR, Associated Press"]) == "JANIE HAR"
    assert find_byline(["By Umair Irfan Updated Nov 13, 2019, 10:28am EST"]) == "Umair Irfan"
    assert find_byline(["Review", "By", "Sarah E. Needleman", "Nov. 19, 2019"]) == "Sarah E. Needleman"
    assert find_byline(["By clicking Accept you agree to our terms."]) is None


def test_language_guess():
    assert guess_language("The council said that it would not be able to meet the deadline for the plan.") == "en"
    assert (
        guess_language("Die Regierung hat sich nicht mit der Opposition auf einen Plan für das Jahr geeinigt.") == "de"
    )
    assert guess_language("商品の改造が商標法違反に！？先日、不正に改造したiPhoneを販売した") == "ja"
    assert guess_language("12 34 56") is None
    assert normalise_language("en-US") == "en"
    assert normalise_language("") is None


@pytest.mark.parametrize(
    ("sentence", "truncated"),
    [
        ("He said it was fine.", False),
        ("“There is no fighting at all.”", False),
        ("packed with Taliban…", True),
        ("All...", True),
        ("and the minister said that the", True),
    ],
)
def test_truncation(sentence: str, truncated: bool):
    assert is_truncated(sentence) is truncated


def test_site_suffix_is_stripped_from_titles():
    assert (
        strip_site_suffix("The Future of Banking Is … You're Broke | WIRED")
        == "The Future of Banking Is … You're Broke"
    )
    assert (
        strip_site_suffix("Sweden drops Assange rape investigation - BBC News")
        == "Sweden drops Assange rape investigation"
    )
    assert strip_site_suffix("Short - Site") == "Short - Site"


@pytest.mark.parametrize(
    ("title", "site", "url", "expected"),
    [
        ("The Impeachment Clock | National Review", "National Review", None, "The Impeachment Clock"),
        (
            "Daily Deals: More Black Friday Deals - IGN",
            None,
            "https://www.ign.com/articles/deals",
            "Daily Deals: More Black Friday Deals",
        ),
        (
            "Hong Kong chaos: China deploys troops — Express",
            "Express.co.uk",
            "https://www.express.co.uk/news/1",
            "Hong Kong chaos: China deploys troops",
        ),
        (
            "Milan Design Week 2018 | Anastassiades' light installation",
            "Inexhibit",
            None,
            "Milan Design Week 2018 | Anastassiades' light installation",
        ),
        ("Brexit | National Review", "National Review", None, "Brexit | National Review"),  # too little would be left
        ("Bubonic plague: Third case in China", "Express", None, "Bubonic plague: Third case in China"),
        ("A headline with no site at all - Reuters", None, None, "A headline with no site at all - Reuters"),
    ],
)
def test_a_trailing_site_name_leaves_the_title(title: str, site: str | None, url: str | None, expected: str):
    assert without_site_name(title, site, url) == expected


def test_features_have_one_row_per_block_and_are_finite():
    blocks = blocks_from_dump("Title of page\n\nHome\nNews\n\nA sentence that is long enough to be prose, surely.\n")
    features = page_features(blocks)
    assert features.rows.shape == (4, len(BASE_FEATURES))
    assert np.isfinite(features.rows).all()
    assert blocks.texts[1:3] == ("Home", "News")
    assert blocks.groups[1] == blocks.groups[2] != blocks.groups[0]


@pytest.mark.parametrize("path", [DUMP_MODEL_PATH, HTML_MODEL_PATH])
def test_shipped_models_load_and_are_small(path):
    model = BlockModel.load(path)
    assert 0 < model.threshold < 1
    assert path.stat().st_size < 50_000
    assert model.info and model.info.get("cv_f1", 0) > 0.8


def test_dump_cleaner_on_a_tiny_page():
    paragraphs = [
        "LONDON — The government announced on Monday a plan to build 300,000 homes a year, the housing minister said.",
        "Critics said the target had been missed for a decade and that planning rules would need to change first.",
        "The minister told parliament that new towns would be built on land released by the defence ministry.",
    ]
    menu = ["Housing plan unveiled | The Daily", "Home", "News", "Sport", "Sign in", "Housing plan unveiled"]
    footer = ["Share on Facebook", "Share on Twitter", "© 2024 The Daily. All rights reserved.", "Privacy Policy"]
    page = "\n".join([*menu, *paragraphs, *footer])
    selection = clean_dump(page)
    assert selection.title == "Housing plan unveiled"
    assert selection.body == tuple(paragraphs)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000), st.sampled_from(["text", "html", "record"]))
def test_any_text_gives_an_article_or_a_source_error(content: str, kind: str):
    try:
        article = clean(RawDocument("fuzz", content, kind))  # type: ignore[arg-type]
    except SourceError as error:
        assert error.reason and "\n" not in error.reason
    else:
        assert article.sentences and article.word_count >= 25


def test_clean_command_prints_what_is_kept(panjshir_dump, data_dir):
    from briefing.cli import app

    runner = CliRunner()
    result = runner.invoke(
        app,
        ["clean", str(panjshir_dump), str(data_dir / "page-dump.txt"), str(data_dir / "page.html.gz"), "-f", "jsonl"],
    )
    assert result.exit_code == 0, result.output
    import json

    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(records) == 3
    panjshir, wsj_dump, wsj_html = records
    assert panjshir["title"] == "Inside the Taliban’s secret war in the Panjshir Valley"
    assert panjshir["truncated"] is True and panjshir["language"] == "en"
    assert "mahjong slot" not in panjshir["text"]
    assert wsj_dump["text"].startswith("Gaming used to be so simple.")
    assert wsj_html["author"] == "Sarah E. Needleman" and wsj_html["published"] == "2019-11-19"
