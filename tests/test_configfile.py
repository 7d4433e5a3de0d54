"""briefing.toml: keys from the Settings fields, values checked by Settings' own ranges, errors naming the key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.config import Method, Settings, window_days
from briefing.configfile import find_config, load_config
from briefing.errors import ConfigError
from briefing.window import take_in
from tests.conftest import make_article

runner = CliRunner()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "briefing.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_options_and_source_lists_are_read_with_paths_from_the_files_folder(tmp_path: Path):
    path = write(
        tmp_path,
        '[daily]\nout = "briefs"\ntop = 4\nmethod = "extractive"\nwindow = "3d"\nmax-items-per-feed = 7\n'
        "fetch_timeout = 2.5\n"
        '[sources.world]\nfeeds = ["https://example.com/rss", "local.rss"]\nopml = ["subs.opml"]\n'
        '[sources.desk]\nfolders = ["~/scrapes", "/abs/folder"]\nurls = "https://example.com/a"\n',
    )
    loaded = load_config(path)
    assert loaded.options == {
        "out_dir": tmp_path / "briefs",
        "top": 4,
        "method": Method.extractive,
        "window": "3d",
        "max_items_per_feed": 7,
        "fetch_timeout": 2.5,
    }
    assert loaded.all_sources() == [
        "https://example.com/rss",
        str(tmp_path / "local.rss"),
        str(tmp_path / "subs.opml"),
        str(Path("~/scrapes").expanduser()),
        "/abs/folder",
        "https://example.com/a",
    ]
    assert loaded.all_sources(["desk"])[-1] == "https://example.com/a"
    with pytest.raises(ConfigError, match="no source list named 'sport' \\(lists: world, desk\\)"):
        loaded.all_sources(["sport"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[daily]\ntop = 0\n", r"\[daily\] top must be at least 1, got 0"),
        ("[daily]\nsentences = 99\n", r"\[daily\] sentences must be between 1 and 50, got 99"),
        ("[daily]\ntop = 'ten'\n", r"daily.top must be a whole number, got 'ten'"),
        ("[daily]\nmethod = 'magic'\n", r"daily.method must be one of extractive, abstractive, hybrid"),
        ("[daily]\nwindow = '2w'\n", r"\[daily\] window must be a number of hours or days"),
        ("[daily]\nnew-only = 'yes'\n", r"daily.new-only must be true or false"),
        ("[daily]\ncolour = 'red'\n", r"unknown option daily.colour; known: "),
        ("[daily]\ndate = '2026-01-01'\n", r"unknown option daily.date \(the date is given on the command line\)"),
        ("[dailly]\n", r"unknown table or key 'dailly'"),
        ("[sources.a]\nfeeds = [1]\n", r"sources.a.feeds must be a list of strings"),
        ("[sources.a]\npodcasts = ['x']\n", r"sources.a.podcasts: unknown kind of source"),
        ("[sources.a]\nurls = ['notes.txt']\n", r"sources.a.urls: 'notes.txt' is not an http\(s\) URL"),
        ("[sources.a]\nfolders = ['https://x.org']\n", r"sources.a.folders: 'https://x.org' is a URL"),
        ("[sources.a]\n", r"sources.a lists no sources"),
        ("[daily\n", r"not valid TOML"),
    ],
)
def test_a_wrong_file_is_one_error_naming_the_file_and_key(tmp_path: Path, text: str, message: str):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_the_cli_reports_a_bad_file_in_one_line(tmp_path: Path):
    path = write(tmp_path, "[daily]\ntop = -3\n[sources.a]\nfolders = ['x']\n")
    result = runner.invoke(app, ["daily", "--config", str(path)])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {path}: [daily] top must be at least 1, got -3"


def test_no_source_and_no_file_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["daily"])
    assert result.exit_code == 1
    assert "no SOURCE given and no briefing.toml found" in result.output and "briefing init" in result.output
    missing = runner.invoke(app, ["daily", "--config", "nope.toml"])
    assert missing.exit_code == 1 and "--config nope.toml: no such file" in missing.output


def test_config_is_found_in_the_working_folder_then_the_user_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    user = tmp_path / "xdg" / "briefing" / "briefing.toml"
    user.parent.mkdir(parents=True)
    user.write_text("[daily]\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert find_config(None) == user
    (work / "briefing.toml").write_text("[daily]\n", encoding="utf-8")
    assert find_config(None) == work / "briefing.toml"
    assert find_config(user) == user


def test_init_writes_an_example_that_loads_and_never_overwrites(tmp_path: Path):
    path = tmp_path / "briefing.toml"
    result = runner.invoke(app, ["init", str(path)])
    assert result.exit_code == 0, result.output
    loaded = load_config(path)
    assert loaded.options["window"] == "24h" and loaded.options["out_dir"] == tmp_path / "outputs"
    assert set(loaded.sources) == {"world", "local"}
    assert "# " in path.read_text(encoding="utf-8")  # commented
    again = runner.invoke(app, ["init", str(path)])
    assert again.exit_code == 1 and "already exists; pass --force" in again.output
    assert runner.invoke(app, ["init", str(path), "--force"]).exit_code == 0


def test_command_line_options_win_over_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import briefing.pipeline as pipeline

    seen = {}

    def fake_run(sources, settings, progress):
        seen.update(sources=sources, settings=settings)
        raise ConfigError("stop here")

    monkeypatch.setattr(pipeline, "run_daily", fake_run)
    path = write(tmp_path, '[daily]\ntop = 4\nwindow = "3d"\nout = "briefs"\n[sources.a]\nfolders = ["scrapes"]\n')
    runner.invoke(app, ["daily", "--config", str(path), "--top", "2", "--date", "2026-11-25"])
    settings: Settings = seen["settings"]
    assert (settings.top, settings.window, settings.out_dir) == (2, "3d", tmp_path / "briefs")
    assert settings.date == dt.date(2026, 11, 25) and seen["sources"] == [str(tmp_path / "scrapes")]
    runner.invoke(app, ["daily", "--config", str(path), "given.txt", "--no-cache"])
    assert seen["sources"] == ["given.txt"] and seen["settings"].use_cache is False


@pytest.mark.parametrize(("window", "days"), [("24h", 1), ("1d", 1), ("36h", 2), ("3d", 3), ("7d", 7), ("1h", 1)])
def test_window_days(window: str, days: int):
    assert window_days(window) == days


@pytest.mark.parametrize("window", ["0d", "3w", "d", "-1d", "400d", "3 days"])
def test_a_bad_window_names_the_option(window: str):
    with pytest.raises(ConfigError, match="--window"):
        Settings(window=window)


def test_the_window_leaves_out_older_and_later_articles_and_keeps_undated_ones():
    day = dt.date(2026, 11, 25)
    articles = [
        make_article(["Today's news is here."], source="today", published=dt.date(2026, 11, 25)),
        make_article(["Yesterday's news is here."], source="yesterday", published=dt.date(2026, 11, 24)),
        make_article(["Old news from long ago."], source="old", published=dt.date(2015, 3, 2)),
        make_article(["Tomorrow's news, somehow."], source="later", published=dt.date(2026, 11, 26)),
        make_article(["News of no known date."], source="undated"),
        make_article(["Les nouvelles du jour."], source="french", published=dt.date(2026, 11, 25), language="fr"),
    ]
    intake = take_in(articles, Settings(date=day, window="24h", lang=("en",)))
    assert [a.source for a in intake.articles] == ["today", "yesterday", "undated"]
    assert [a.source for a in intake.older] == ["old"] and [a.source for a in intake.later] == ["later"]
    assert [a.source for a in intake.other_language] == ["french"]
    assert intake.report() == [
        "1 older article left out (window 24h: published before 2026-11-24)",
        "1 article dated after the brief date left out",
        "1 article in another language left out",
        "1 undated article kept (marked undated)",
    ]
    assert take_in(articles, Settings(date=day)).articles == tuple(articles)  # no window, no language: all kept


def test_when_the_window_leaves_nothing_the_run_says_so(tmp_path: Path, fake_summarizer):
    import json

    path = tmp_path / "old.jsonl"
    record = {"title": "Old news", "text": "An old story from long ago. " * 30, "published": "2015-03-02"}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    args = ["daily", str(path), "--date", "2026-11-25", "--window", "7d", "--out", str(tmp_path / "out"), "-q"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "1 older article left out (window 7d: published before 2026-11-18)" in result.output
    assert "error: no article is left after the date window and language; no brief written" in result.output
    assert not (tmp_path / "out" / "2026-11-25").exists()
