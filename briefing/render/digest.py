"""`briefing digest`: OUT/index.html and OUT/feed.xml, one entry per dated brief, newest first: each day's story
headlines (a story that continues an earlier day says "day 3" and links where it was last briefed) and bottom line.

Only folders named YYYY-MM-DD (a real date) that hold a readable brief.json are listed; anything else in OUT is left
alone, and a brief.json that cannot be read is reported and skipped. Each day's bottom line is read from its
brief.json (for briefs written before bottom lines existed, its leading headlines stand in). The page is built from
an autoescaped template with the brief's own stylesheet: no script, nothing fetched.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from briefing.errors import ConfigError
from briefing.records import Skipped
from briefing.render import atomic_write, contained_path
from briefing.render.atom import FEED_NAME, file_time, render_atom
from briefing.render.continuity import continuations, read_fingerprints, story_positions
from briefing.render.view import BriefView, SentenceView, build_view

INDEX_NAME = "index.html"
MAX_BRIEF_JSON_BYTES = 32 * 1024 * 1024  # a brief.json is kilobytes; anything this large is not one of ours
FALLBACK_BULLETS = 5
_DATE_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SUPPORTED_MAJOR = "1"


@dataclass(frozen=True)
class Continues:
    """The story was briefed on earlier days: this is its `day_number`th day; `previous_href` is the latest brief
    that showed it (`previous_date`)."""

    day_number: int
    first_date: dt.date
    previous_date: dt.date
    previous_href: str


@dataclass(frozen=True)
class DigestStory:
    story_id: str
    headline: str
    href: str  # "YYYY-MM-DD/brief.html#story-N"
    continues: Continues | None = None


@dataclass(frozen=True)
class DigestEntry:
    date: dt.date
    title: str
    href: str  # relative to index.html: "YYYY-MM-DD/brief.html" (or brief.md when the HTML is missing)
    counts: str
    bottom_line: tuple[SentenceView, ...]
    from_headlines: bool  # no bottom line in that brief: its leading headlines are shown instead
    stories: tuple[DigestStory, ...] = ()
    updated: dt.datetime = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)  # when the brief was composed


@dataclass(frozen=True)
class DigestResult:
    path: Path
    entries: tuple[DigestEntry, ...]
    skipped: tuple[Skipped, ...]
    feed: Path | None = None


def build_digest(out_dir: Path, days: int | None = None, base_url: str | None = None) -> DigestResult:
    """Write `out_dir/index.html` and `feed.xml` listing the dated briefs; `days` keeps the N days ending on the
    newest brief; `base_url` is where the folder is published (the feed's xml:base)."""
    if days is not None and days < 1:
        raise ConfigError(f"--days must be at least 1, got {days}")
    if base_url is not None and not base_url.lower().startswith(("http://", "https://")):
        raise ConfigError(f"--base-url must be an http(s) address, got {base_url!r}")
    if not out_dir.is_dir():
        raise ConfigError(f"output folder {out_dir} does not exist; run `briefing daily` first")
    entries, skipped = read_briefs(out_dir)
    if not entries:
        raise ConfigError(f"no briefs under {out_dir} (looked for {out_dir}/YYYY-MM-DD/brief.json)")
    entries.sort(key=lambda entry: entry.date, reverse=True)
    entries = link_continuing_stories(out_dir, entries)
    if days is not None:
        first_day = entries[0].date - dt.timedelta(days=days - 1)
        entries = [entry for entry in entries if entry.date >= first_day]
    path = contained_path(out_dir, INDEX_NAME)
    feed = contained_path(out_dir, FEED_NAME)
    atomic_write(path, render_digest(entries))
    atomic_write(feed, render_atom(out_dir, entries, base_url))
    return DigestResult(path, tuple(entries), tuple(skipped), feed)


def link_continuing_stories(out_dir: Path, entries: list[DigestEntry]) -> list[DigestEntry]:
    """Each story that continues an earlier day's (by the folder's brief history) gets its day number and a link."""
    found = continuations(read_fingerprints(out_dir))
    positions = story_positions({e.date: [s.story_id for s in e.stories] for e in entries})
    hrefs = {entry.date: entry.href for entry in entries}

    def linked(entry: DigestEntry, story: DigestStory) -> DigestStory:
        continuation = found.get((entry.date, story.story_id))
        if continuation is None:
            return story
        shown = [(day, positions[(day, sid)]) for day, sid in continuation.earlier if (day, sid) in positions]
        if shown:  # the latest brief that showed the story, at its anchor
            before, number = shown[-1]
            href = f"{hrefs[before]}#story-{number}"
        else:  # left out by --new-only every time since (or outside the digest): the latest day's brief
            before = continuation.earlier[-1][0]
            href = hrefs.get(before, f"{before.isoformat()}/brief.html")
        return replace(story, continues=Continues(continuation.day_number, continuation.first_date, before, href))

    return [replace(entry, stories=tuple(linked(entry, story) for story in entry.stories)) for entry in entries]


def read_briefs(out_dir: Path) -> tuple[list[DigestEntry], list[Skipped]]:
    entries: list[DigestEntry] = []
    skipped: list[Skipped] = []
    for folder in sorted(out_dir.iterdir()):
        day = _folder_date(folder)
        if day is None:
            continue
        try:
            entries.append(_entry(out_dir, folder, day))
        except (ConfigError, OSError, ValueError) as error:
            skipped.append(Skipped(str(folder / "brief.json"), _reason(error)))
        except RecursionError:  # a hand-made or hostile brief.json nested thousands deep: not one of ours
            skipped.append(
                Skipped(str(folder / "brief.json"), "brief.json is nested too deeply to be a brief; skipped")
            )
    return entries, skipped


def _folder_date(folder: Path) -> dt.date | None:
    if not _DATE_FOLDER.match(folder.name) or not folder.is_dir():
        return None
    try:
        return dt.date.fromisoformat(folder.name)
    except ValueError:
        return None


def _entry(out_dir: Path, folder: Path, day: dt.date) -> DigestEntry:
    brief_json = contained_path(out_dir, folder.name, "brief.json")  # a symlinked folder may not lead outside OUT
    document = _read_document(brief_json)
    view = build_view(document)
    bottom_line, from_headlines = _bottom_line(view)
    html_file = "brief.html" if (folder / "brief.html").is_file() else "brief.md"
    href = f"{folder.name}/{html_file}"
    ids = [str(story.get("id", "")) if isinstance(story, dict) else "" for story in document.get("stories") or []]
    stories = tuple(
        DigestStory(story_id, story.headline, f"{href}#{story.anchor}")
        for story_id, story in zip(ids, view.stories, strict=False)
    )
    return DigestEntry(
        date=day,
        title=view.title,
        href=f"{folder.name}/{html_file}",
        counts=view.counts,
        bottom_line=bottom_line,
        from_headlines=from_headlines,
        stories=stories,
        updated=_composed_at(document, brief_json),
    )


def _composed_at(document: dict[str, Any], path: Path) -> dt.datetime:
    provenance = document.get("provenance")
    stamp = provenance.get("generated_at") if isinstance(provenance, dict) else None
    try:
        when = dt.datetime.fromisoformat(str(stamp))
    except ValueError:
        return file_time(path)
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def _read_document(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ValueError("no brief.json in this folder")
    if path.stat().st_size > MAX_BRIEF_JSON_BYTES:
        raise ValueError(f"brief.json is larger than {MAX_BRIEF_JSON_BYTES // (1024 * 1024)} MB")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"brief.json is not valid JSON ({error.msg} at line {error.lineno})") from None
    except UnicodeDecodeError:
        raise ValueError("brief.json is not UTF-8 text") from None
    if not isinstance(document, dict):
        raise ValueError("brief.json does not hold a JSON object")
    version = str(document.get("schema_version", ""))
    if version.split(".")[0] != _SUPPORTED_MAJOR:
        raise ValueError(f"brief.json has schema version {version or 'none'}; this briefing reads 1.x")
    return document


def _bottom_line(view: BriefView) -> tuple[tuple[SentenceView, ...], bool]:
    if view.bottom_line:
        return view.bottom_line, False
    headlines = tuple(SentenceView(story.headline, story.sources) for story in view.stories[:FALLBACK_BULLETS])
    return headlines, True


def _reason(error: Exception) -> str:
    return str(error) if not isinstance(error, OSError) else f"cannot read ({error.strerror or error})"


def render_digest(entries: Sequence[DigestEntry]) -> str:
    from briefing.render.html import render_html_template

    generated = dt.datetime.now(dt.timezone.utc).isoformat(timespec="minutes")
    return render_html_template("digest.html.j2", entries=entries, generated=generated)
