"""Size limits on what a brief shows (issue 12): titles, sentences and citation marks are capped; a reason repeated
hundreds of times is told once on stderr."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from typer.testing import CliRunner

from briefing.clean import clean
from briefing.cli import app
from briefing.records import Brief, BriefSentence, RawDocument, Source, Story
from briefing.render import OutputFormat, render
from briefing.text import MAX_TITLE_CHARS

runner = CliRunner()


def huge_brief(count: int = 500) -> Brief:
    title = "Headline " + "word " * 20_000  # 100 KB
    sentence = "The rover " + "landed and rolled " * 6_500 + "safely."  # 110 KB
    sources = tuple(Source(n, f"a{n}", title, f"copy{n}.txt") for n in range(1, count + 1))
    numbers = tuple(range(1, count + 1))
    story = Story("s", title, (BriefSentence(sentence, numbers),), numbers)
    return Brief(date=dt.date(2026, 11, 20), title="Morning", stories=(story,), sources=sources)


def test_a_huge_title_sentence_and_citation_list_are_capped_in_markdown_and_html():
    brief = huge_brief()
    markdown = render(brief, OutputFormat.md)
    page = render(brief, OutputFormat.html)
    for text in (markdown, page):
        assert "word " * 70 not in text, "no 100 KB title"
        assert "landed and rolled " * 70 not in text, "no 110 KB sentence"
    line = next(line for line in markdown.splitlines() if line.startswith("- The rover"))
    assert len(line) < 1_500
    assert re.findall(r"\[\[(\d+)\]\]", line) == [str(n) for n in range(1, 11)]
    assert line.endswith(" +490") and "…" in line
    assert "+490" in page
    # The Sources list still has every source, each title and quote capped: 500 × ~1.4 KB, not 500 × 210 KB.
    assert len(markdown) < 800_000 and 'id="source-500"' in markdown
    one_source = render(huge_brief(count=1), OutputFormat.md)
    assert len(one_source) < 5_000  # was 650 KB for one 110 KB sentence


def test_brief_json_keeps_the_data_whole():
    document = json.loads(render(huge_brief(), OutputFormat.json))
    assert len(document["stories"][0]["sentences"][0]["sources"]) == 500


def test_a_cleaned_article_title_is_capped():
    text = "A sentence that is long enough to be an article sentence, with a verb and an end. " * 20
    article = clean(RawDocument("a.txt", text, "record", title="Big " * 30_000))
    assert len(article.title) <= MAX_TITLE_CHARS and article.title.endswith("…")


def test_many_duplicates_are_one_grouped_line_on_stderr(tmp_path: Path, data_dir: Path, fake_summarizer):
    line = (data_dir / "cnn_sample.jsonl").read_text(encoding="utf-8").splitlines()[0]
    record = json.loads(line)
    copies = [json.dumps({**record, "id": f"copy-{n}"}) for n in range(500)]
    (tmp_path / "dupes.jsonl").write_text("\n".join(copies) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["clean", str(tmp_path / "dupes.jsonl"), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 4
    assert skipped[-1] == "skipped 496 more inputs: duplicate of an article already in this run"
