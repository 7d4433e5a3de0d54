"""Running it every morning: three days from one briefing.toml holding a local feed, an OPML file and a folder.

The window drops old pages with a count, `--new-only` reports what it left out and when it was briefed, the digest
(index.html and feed.xml) lists the three days with their headlines and links a story that continues, and a second
output folder keeps its own history.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.compose.history import HISTORY_FILE, open_history
from tests.local_server import page, serve

CLUSTERS = Path(__file__).parent / "data" / "multinews_clusters.jsonl"
DAY_ONE, DAY_TWO, DAY_THREE = dt.date(2026, 11, 23), dt.date(2026, 11, 24), dt.date(2026, 11, 25)
ATOM = "{http://www.w3.org/2005/Atom}"
runner = CliRunner()


def cluster_text(key: str) -> str:
    for line in CLUSTERS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] == key:
            return record["text"]
    raise KeyError(key)


def rss(items: list[tuple[str, str, dt.date]]) -> str:
    """An RSS 2.0 feed whose items carry their full text (title, link, pubDate, body)."""
    entries = "".join(
        f"<item><title>{title}</title><link>https://news.example/{key}</link>"
        f"<pubDate>{email.utils.format_datetime(dt.datetime.combine(day, dt.time(7), dt.timezone.utc))}</pubDate>"
        f"<description><![CDATA[{''.join(f'<p>{p}</p>' for p in cluster_text(key).split(chr(10)))}]]></description>"
        "</item>"
        for key, title, day in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test Wire</title>{entries}</channel></rss>'


@pytest.fixture
def morning(tmp_path: Path):
    """briefing.toml with a feed on 127.0.0.1, an OPML file naming a second feed, and a folder of scraped records."""
    wire = rss(
        [
            ("c19-d0", "Hanford woman sentenced over newborn", DAY_ONE),
            ("c20-d0", "Curiosity rover set to land on Mars", DAY_TWO),
            ("c57-d0", "Macron pays tribute to Helmut Kohl", dt.date(2015, 6, 1)),  # an old page: out of any window
        ]
    )
    world = rss(
        [
            ("c40-d0", "Survey maps Yellowstone underground", DAY_ONE),
            ("c19-d1", "Teen sentenced to 13 years in Hanford case", DAY_THREE),
        ]
    )
    with serve(
        {"/wire.rss": page(wire, "application/rss+xml"), "/world.rss": page(world, "application/rss+xml")}
    ) as server:
        (tmp_path / "subs.opml").write_text(
            '<?xml version="1.0"?><opml version="2.0"><head><title>My feeds</title></head><body>'
            f'<outline text="World"><outline text="World desk" type="rss" xmlUrl="{server.url("/world.rss")}"/>'
            "</outline></body></opml>",
            encoding="utf-8",
        )
        scrapes = tmp_path / "scrapes"
        scrapes.mkdir()
        records = [
            {
                "id": "c89",
                "title": "Laverne Cox to get wax figure",
                "text": cluster_text("c89-d1"),
                "published": str(DAY_TWO),
            },
            {"id": "c40b", "title": "Yellowstone hydrothermal survey", "text": cluster_text("c40-d1")},  # undated
        ]
        (scrapes / "export.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        config = tmp_path / "briefing.toml"
        config.write_text(
            "[daily]\n"
            'out = "outputs"\n'
            'window = "2d"\n'
            "quiet = true\n"
            f'cache-dir = "{tmp_path / "cache"}"\n'
            "max-items-per-feed = 10\n"
            "[sources.wire]\n"
            f'feeds = ["{server.url("/wire.rss")}"]\n'
            "[sources.world]\n"
            'opml = ["subs.opml"]\n'
            'folders = ["scrapes"]\n',
            encoding="utf-8",
        )
        yield config


def run_day(config: Path, day: dt.date, *extra: str) -> tuple[str, dict]:
    result = runner.invoke(app, ["daily", "--config", str(config), "--date", day.isoformat(), *extra])
    assert result.exit_code == 0, result.output
    out = Path(extra[extra.index("--out") + 1]) if "--out" in extra else config.parent / "outputs"
    return result.output, json.loads((out / day.isoformat() / "brief.json").read_text(encoding="utf-8"))


def story_with(brief: dict, key: str) -> dict:
    """The story of `brief` that cites the feed item `key`."""
    urls = {s["number"]: s.get("url") or "" for s in brief["sources"]}
    return next(s for s in brief["stories"] if any(urls[n].endswith("/" + key) for n in s["sources"]))


def cited_keys(brief: dict) -> set[str]:
    return {s["url"].rsplit("/", 1)[1] if s.get("url") else s["title"] for s in brief["sources"]}


class _Index(HTMLParser):
    """Per day: the story headlines, and the 'day N' continuation links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.days: dict[str, dict[str, list]] = {}
        self._day: str | None = None
        self._in_headlines = False
        self._in_continues = False
        self._capture: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "article":
            self._day = str(attributes["id"]).removeprefix("day-")
            self.days[self._day] = {"headlines": [], "continues": [], "links": []}
        elif tag == "ol" and attributes.get("class") == "headlines":
            self._in_headlines = True
        elif tag == "span" and attributes.get("class") == "continues":
            self._in_continues = True
            self.days[self._day]["continues"].append("")
        elif tag == "a" and self._in_headlines and self._day:
            self.days[self._day]["links"].append(attributes.get("href"))
            if not self._in_continues:
                self.days[self._day]["headlines"].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "ol":
            self._in_headlines = False
        elif tag == "span":
            self._in_continues = False

    def handle_data(self, data: str) -> None:
        if not self._in_headlines or self._day is None:
            return
        target = "continues" if self._in_continues else "headlines"
        if self.days[self._day][target]:
            self.days[self._day][target][-1] += data


def test_three_mornings_from_one_briefing_toml(morning: Path, fake_summarizer, embedded_encoder):
    out = morning.parent / "outputs"

    # Day 1: the window (2d) keeps 21-23 November; the 2015 page and the later items are left out, with counts.
    said, first = run_day(morning, DAY_ONE)
    assert "1 older article left out (window 2d: published before 2026-11-21)" in said
    assert "3 articles dated after the brief date left out" in said
    assert "1 undated article kept (marked undated)" in said
    assert cited_keys(first) == {"c19-d0", "c40-d0", "Yellowstone hydrothermal survey"}
    markdown = (out / DAY_ONE.isoformat() / "brief.md").read_text(encoding="utf-8")
    assert "1 older article left out (window 2d: published before 2026-11-21)" in markdown
    assert "undated" in markdown
    assert first["provenance"]["intake"]["older"] == ["https://news.example/c57-d0"]

    # Day 2 with --new-only: what day 1 covered (nothing new in it) is left out, and the run says so and when.
    said, second = run_day(morning, DAY_TWO, "--new-only")
    covered = second["provenance"]["history"]["already_covered"]
    assert {item["first_briefed"] for item in covered} == {DAY_ONE.isoformat()}
    assert len(covered) >= 2
    final_line = said.strip().splitlines()[-1]
    assert final_line.startswith("wrote ") and "already covered: " in final_line
    assert f"(first briefed {DAY_ONE.isoformat()})" in final_line
    assert {"c20-d0", "Laverne Cox to get wax figure"} <= cited_keys(second)
    assert "c19-d0" not in cited_keys(second)
    markdown = (out / DAY_TWO.isoformat() / "brief.md").read_text(encoding="utf-8")
    assert '## <a id="already-covered"></a>Already covered' in markdown
    for item in covered:
        assert f"{item['headline']} — first briefed {DAY_ONE.isoformat()}" in markdown

    # Day 3: the Hanford story continues (its day-1 article is still in the window, joined by a new one).
    _, third = run_day(morning, DAY_THREE)
    assert "c19-d1" in cited_keys(third)

    result = runner.invoke(app, ["digest", "--out", str(out)])
    assert result.exit_code == 0, result.output
    index = _Index()
    index.feed((out / "index.html").read_text(encoding="utf-8"))
    assert list(index.days) == [DAY_THREE.isoformat(), DAY_TWO.isoformat(), DAY_ONE.isoformat()]
    for day, brief in ((DAY_ONE, first), (DAY_TWO, second), (DAY_THREE, third)):
        assert [h.strip() for h in index.days[day.isoformat()]["headlines"]] == [
            s["headline"] for s in brief["stories"]
        ]
    hanford = story_with(third, "c19-d1")
    assert hanford["headline"] in [h.strip() for h in index.days[DAY_THREE.isoformat()]["headlines"]]
    continuing = index.days[DAY_THREE.isoformat()]["continues"]
    assert any(text.startswith("day 3: last shown 2026-11-23") for text in continuing), continuing
    # The link goes to the last brief that showed it: day 1 (day 2 left it out as already covered).
    position = 1 + first["stories"].index(story_with(first, "c19-d0"))
    assert f"{DAY_ONE.isoformat()}/brief.html#story-{position}" in index.days[DAY_THREE.isoformat()]["links"]

    # feed.xml: valid Atom, one entry per day, each with its headlines.
    feed = ET.parse(out / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [
        f"{d.isoformat()}/brief.html" for d in (DAY_THREE, DAY_TWO, DAY_ONE)
    ]
    assert len({e.find(f"{ATOM}id").text for e in entries}) == 3
    for entry, brief in zip(entries, (third, second, first), strict=True):
        dt.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)  # RFC 3339
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html"
        for story in brief["stories"]:
            assert story["headline"].replace("&", "&amp;") in content.text
    third_entry = entries[0].find(f"{ATOM}content").text
    link = f'<a href="{DAY_ONE.isoformat()}/brief.html#story-{position}">last shown 2026-11-23</a>'
    assert f"day 3: {link}" in third_entry
    import feedparser

    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not parsed.bozo and parsed.version == "atom10" and len(parsed.entries) == 3

    # A second output folder has its own history: day 2 there, --new-only, leaves nothing out.
    other = morning.parent / "other"
    said, separate = run_day(morning, DAY_TWO, "--new-only", "--out", str(other))
    assert separate["provenance"]["history"]["already_covered"] == []
    assert "already covered" not in said
    with open_history(other) as history:
        assert history.dates() == [DAY_TWO]
    with open_history(out) as history:
        assert history.dates() == [DAY_ONE, DAY_TWO, DAY_THREE]
    assert (out / HISTORY_FILE).is_file() and not (morning.parent / "cache" / HISTORY_FILE).exists()
