"""`briefing digest`: OUT/index.html lists every dated brief, newest first, with each day's bottom line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.records import Brief, BriefSentence, Source, Story
from briefing.render import write_brief
from briefing.render.escape import plain_text

runner = CliRunner()


class _Index(HTMLParser):
    """Days as the reader sees them: each <article class="day"> with its heading link, its story headlines
    (<ol class="headlines">), its bottom-line bullet texts (<ul class="bottom-line">) and every link in them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.days: list[dict] = []
        self._list: str | None = None
        self._in_li = False
        self._in_h2 = False
        self._in_span = False
        self._in_article = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "article":
            self._in_article = True
            self.days.append({"id": attributes.get("id"), "href": None, "bullets": [], "headlines": [], "links": []})
        elif tag == "h2" and self.days:
            self._in_h2 = True
        elif tag in ("ol", "ul") and self.days:
            self._list = {"headlines": "headlines", "bottom-line": "bullets"}.get(attributes.get("class") or "")
        elif tag == "span":
            self._in_span = True
        elif tag == "a" and self._in_article:
            if self._in_h2:
                self.days[-1]["href"] = attributes.get("href")
            else:
                self.days[-1]["links"].append(attributes.get("href"))
        elif tag == "li" and self.days and self._list:
            self._in_li = True
            self.days[-1][self._list].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self._in_li = False
        elif tag == "h2":
            self._in_h2 = False
        elif tag == "article":
            self._in_article = False
        elif tag in ("ol", "ul"):
            self._list = None
        elif tag == "span":
            self._in_span = False

    def handle_data(self, data: str) -> None:
        if self._in_li and self._list and not self._in_span:
            self.days[-1][self._list][-1] += data


def read_index(out: Path) -> list[dict]:
    parser = _Index()
    parser.feed((out / "index.html").read_text(encoding="utf-8"))
    for day in parser.days:
        for key in ("bullets", "headlines"):  # keeps no-break spaces
            day[key] = [re.sub(r"[ \t\r\n]+", " ", b).strip() for b in day[key]]
    return parser.days


def bottom_line_texts(folder: Path) -> list[str]:
    document = json.loads((folder / "brief.json").read_text(encoding="utf-8"))
    bullets = document["bottom_line"] or [{"text": s["headline"]} for s in document["stories"][:5]]
    return [plain_text(b["text"]) for b in bullets]  # as displayed: control characters removed


@pytest.fixture
def two_days(tmp_path: Path, data_dir: Path, fake_summarizer) -> Path:
    """Two real daily briefs, written on different days from different articles."""
    out = tmp_path / "outputs"
    runs = {"2026-11-24": ["panjshir-valley-scraped.txt", "page.html.gz"], "2026-11-25": ["brief_articles.jsonl"]}
    for day, names in runs.items():
        args = ["daily", *(str(data_dir / n) for n in names), "--date", day, "--out", str(out), "--quiet"]
        args += ["--cache-dir", str(tmp_path / "cache")]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return out


def test_digest_lists_days_newest_first_with_their_bottom_lines(two_days: Path) -> None:
    (two_days / "notes").mkdir()  # not a dated folder: ignored
    (two_days / "2026-13-01").mkdir()  # looks dated, is not a date: ignored
    result = runner.invoke(app, ["digest", "--out", str(two_days)])
    assert result.exit_code == 0, result.output
    assert f"wrote {two_days / 'index.html'} and {two_days / 'feed.xml'} (2 briefs, newest first)" in result.stderr
    days = read_index(two_days)
    assert [d["id"] for d in days] == ["day-2026-11-25", "day-2026-11-24"]
    assert [d["href"] for d in days] == ["2026-11-25/brief.html", "2026-11-24/brief.html"]
    for day in days:
        folder = two_days / day["href"].split("/")[0]
        assert (two_days / day["href"]).is_file()
        expected = bottom_line_texts(folder)
        assert expected and [b.split("\u00a0[")[0] for b in day["bullets"]] == expected
        document = json.loads((folder / "brief.json").read_text(encoding="utf-8"))
        assert day["headlines"] == [plain_text(story["headline"]) for story in document["stories"]]
        # Each bullet's citation marks link into that day's brief, to an anchor that exists there.
        page = (folder / "brief.html").read_text(encoding="utf-8")
        for link in day["links"]:
            target, anchor = link.split("#")
            assert target == day["href"] and f'id="{anchor}"' in page


def test_digest_days_limits_to_the_newest(two_days: Path) -> None:
    result = runner.invoke(app, ["digest", "--out", str(two_days), "--days", "1"])
    assert result.exit_code == 0, result.output
    assert [d["id"] for d in read_index(two_days)] == ["day-2026-11-25"]
    result = runner.invoke(app, ["digest", "--out", str(two_days), "--days", "2"])
    assert [d["id"] for d in read_index(two_days)] == ["day-2026-11-25", "day-2026-11-24"]


def test_digest_shows_the_bottom_line_from_brief_json(tmp_path: Path) -> None:
    story = Story("s", "Rover lands", (BriefSentence("The rover landed safely.", (1,)),), (1,))
    brief = Brief(
        date=dt.date(2026, 11, 20),
        title="Morning Brief",
        stories=(story,),
        sources=(Source(1, "a", "Rover", "rover.txt"),),
        bottom_line=(BriefSentence("Curiosity is on Mars, NASA says.", (1,)),),
    )
    write_brief(brief, tmp_path)
    write_brief(dataclasses.replace(brief, date=dt.date(2026, 11, 21), bottom_line=()), tmp_path)
    result = runner.invoke(app, ["digest", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    newer, older = read_index(tmp_path)
    assert newer["bullets"] == [] and newer["headlines"] == ["Rover lands"]  # no bottom line: its headlines only
    assert older["bullets"] == ["Curiosity is on Mars, NASA says.\u00a0[1]"]
    assert older["links"] == ["2026-11-20/brief.html#story-1", "2026-11-20/brief.html#source-1"]


def test_digest_skips_an_unreadable_brief_and_says_why(two_days: Path) -> None:
    broken = two_days / "2026-11-23"
    broken.mkdir()
    (broken / "brief.json").write_text("{not json", encoding="utf-8")
    future = two_days / "2026-11-22"
    future.mkdir()
    (future / "brief.json").write_text(json.dumps({"schema_version": "2.0"}), encoding="utf-8")
    result = runner.invoke(app, ["digest", "--out", str(two_days)])
    assert result.exit_code == 0, result.output
    assert "2026-11-23/brief.json: brief.json is not valid JSON" in result.stderr
    assert "2026-11-22/brief.json: brief.json has schema version 2.0" in result.stderr
    assert len(read_index(two_days)) == 2


def test_digest_without_briefs_fails_clearly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["digest", "--out", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
    result = runner.invoke(app, ["digest", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "no briefs under" in result.stderr
    result = runner.invoke(app, ["digest", "--out", str(tmp_path), "--days", "0"])
    assert result.exit_code == 2
