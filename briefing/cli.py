"""The command line: parse options, build Settings, call the pipeline, report. No pipeline logic lives here."""

from __future__ import annotations

import dataclasses
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from briefing import __version__
from briefing.config import Device, DType, GuardMode, Method, ReduceMode, Settings, parse_date, setting_spec
from briefing.errors import BriefingError
from briefing.records import Skipped
from briefing.render import OutputFormat

app = typer.Typer(
    name="briefing",
    help="Turn a day's news articles into a dated, cited intelligence brief, on a local Hugging Face model.",
    rich_markup_mode="rich",
    no_args_is_help=True,
    add_completion=False,
)


def _option(name: str, *aliases: str, help: str | None = None) -> Any:
    """A Typer option built from the Settings field `name`: its flag, help text and range are written once there."""
    meta = setting_spec(name).metadata
    bounds = {key: meta[limit] for key, limit in (("min", "low"), ("max", "high")) if meta[limit] is not None}
    return typer.Option(meta["flag"], *aliases, help=help or meta["help"], **bounds)


# The Settings defaults, so a CLI default never drifts from the dataclass (fields with a factory have none here).
DEFAULT: dict[str, Any] = {spec.name: spec.default for spec in dataclasses.fields(Settings)}


class CleanFormat(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


SourcesArg = Annotated[
    list[str],
    typer.Argument(help="Article files, folders (searched recursively), or - for stdin.", show_default=False),
]
ModelOption = Annotated[str, _option("model", "-m")]
MethodOption = Annotated[Method, _option("method")]
SentencesOption = Annotated[int, _option("sentences", "-n")]
GuardOption = Annotated[GuardMode, _option("guard")]
NoCacheOption = Annotated[
    bool, typer.Option("--no-cache", help="Summarize everything again; neither read nor write the summary cache.")
]
CacheDirOption = Annotated[
    Path | None, _option("cache_dir", help="Folder of the summary cache (default: $XDG_CACHE_HOME/briefing).")
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"briefing {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """briefing: ingest -> clean -> chunk -> summarize -> compose -> render."""


def _fail(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def _report_skipped(skipped: tuple[Skipped, ...]) -> None:
    for item in skipped:
        typer.secho(f"skipped {item.source}: {item.reason}", fg=typer.colors.YELLOW, err=True)


def _settings(**values: object) -> Settings:
    try:
        return Settings(**values)  # type: ignore[arg-type]
    except BriefingError as error:
        raise _fail(str(error)) from None


DeviceOption = Annotated[Device, _option("device")]
DTypeOption = Annotated[DType, _option("dtype")]
MaxNewTokensOption = Annotated[int, _option("max_new_tokens")]
BeamsOption = Annotated[int, _option("num_beams")]
BatchSizeOption = Annotated[int, _option("batch_size")]
ReduceOption = Annotated[ReduceMode, _option("reduce_mode")]
UnsafeWeightsOption = Annotated[bool, _option("allow_unsafe_weights")]


def _generation_values(
    device: Device, dtype: DType, max_new_tokens: int, beams: int, batch_size: int, reduce: ReduceMode, unsafe: bool
) -> dict[str, object]:
    return {
        "device": device,
        "dtype": dtype,
        "max_new_tokens": max_new_tokens,
        "num_beams": beams,
        "batch_size": batch_size,
        "reduce_mode": reduce,
        "allow_unsafe_weights": unsafe,
    }


def _cache_values(no_cache: bool, cache_dir: Path | None) -> dict[str, object]:
    values: dict[str, object] = {"use_cache": not no_cache}
    if cache_dir is not None:
        values["cache_dir"] = cache_dir
    return values


@app.command()
def summarize(
    sources: SourcesArg,
    sentences: SentencesOption = DEFAULT["sentences"],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format: per article, its title and summary.")
    ] = OutputFormat.md,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
    model: ModelOption = DEFAULT["model"],
    method: MethodOption = DEFAULT["method"],
    guard: GuardOption = DEFAULT["guard"],
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
    device: DeviceOption = DEFAULT["device"],
    dtype: DTypeOption = DEFAULT["dtype"],
    max_new_tokens: MaxNewTokensOption = DEFAULT["max_new_tokens"],
    beams: BeamsOption = DEFAULT["num_beams"],
    batch_size: BatchSizeOption = DEFAULT["batch_size"],
    reduce: ReduceOption = DEFAULT["reduce_mode"],
    allow_unsafe_weights: UnsafeWeightsOption = DEFAULT["allow_unsafe_weights"],
    quiet: Annotated[bool, _option("quiet", "-q")] = DEFAULT["quiet"],
) -> None:
    """Summarize each article: its title, then its summary sentences, each citing the article sentences it uses."""
    from briefing.pipeline import run_summarize
    from briefing.progress import progress_bars
    from briefing.render import atomic_write, render_summaries

    settings = _settings(
        sentences=sentences,
        model=model,
        method=method,
        guard=guard,
        quiet=quiet,
        **_cache_values(no_cache, cache_dir),
        **_generation_values(device, dtype, max_new_tokens, beams, batch_size, reduce, allow_unsafe_weights),
    )
    try:
        with progress_bars(enabled=not settings.quiet) as progress:
            result = run_summarize(sources, settings, progress)
        loaded, summaries = result.loaded, result.summaries
    except BriefingError as error:
        raise _fail(str(error)) from None
    _report_skipped(loaded.skipped)
    if not loaded.articles:
        raise _fail("no article could be read from the sources given")
    text = render_summaries(loaded.articles, summaries, output_format)
    if out is None:
        sys.stdout.write(text)
    else:
        atomic_write(out, text)
        typer.echo(f"wrote {out}", err=True)


@app.command()
def daily(
    sources: SourcesArg,
    date: Annotated[str | None, typer.Option("--date", help="Brief date, YYYY-MM-DD (default: today).")] = None,
    out: Annotated[Path, _option("out_dir", "-o")] = DEFAULT["out_dir"],
    title: Annotated[str, _option("title")] = DEFAULT["title"],
    model: ModelOption = DEFAULT["model"],
    method: MethodOption = DEFAULT["method"],
    sentences: SentencesOption = DEFAULT["sentences"],
    guard: GuardOption = DEFAULT["guard"],
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
    device: DeviceOption = DEFAULT["device"],
    dtype: DTypeOption = DEFAULT["dtype"],
    max_new_tokens: MaxNewTokensOption = DEFAULT["max_new_tokens"],
    beams: BeamsOption = DEFAULT["num_beams"],
    batch_size: BatchSizeOption = DEFAULT["batch_size"],
    reduce: ReduceOption = DEFAULT["reduce_mode"],
    allow_unsafe_weights: UnsafeWeightsOption = DEFAULT["allow_unsafe_weights"],
    quiet: Annotated[bool, _option("quiet", "-q")] = DEFAULT["quiet"],
    top: Annotated[int | None, _option("top")] = DEFAULT["top"],
    new_only: Annotated[bool, _option("new_only")] = DEFAULT["new_only"],
    story_words: Annotated[int, _option("story_words")] = DEFAULT["story_words"],
) -> None:
    """Build the daily brief: OUT/YYYY-MM-DD/brief.md, brief.html and brief.json."""
    from briefing.pipeline import run_daily
    from briefing.progress import progress_bars

    try:
        brief_date = parse_date(date) if date else None
    except BriefingError as error:
        raise _fail(str(error)) from None
    values: dict[str, object] = {
        "out_dir": out,
        "title": title,
        "model": model,
        "method": method,
        "sentences": sentences,
        "quiet": quiet,
        "guard": guard,
        "top": top,
        "new_only": new_only,
        "story_words": story_words,
        **_cache_values(no_cache, cache_dir),
        **_generation_values(device, dtype, max_new_tokens, beams, batch_size, reduce, allow_unsafe_weights),
    }
    if brief_date:
        values["date"] = brief_date
    settings = _settings(**values)
    try:
        with progress_bars(enabled=not settings.quiet) as progress:
            result = run_daily(sources, settings, progress)
    except BriefingError as error:
        raise _fail(str(error)) from None
    _report_skipped(result.brief.skipped)
    if not result.written:
        raise _fail("no article could be read from the sources given; no brief written")
    stories = len(result.brief.stories)
    noun = "story" if stories == 1 else "stories"
    typer.echo(f"wrote {stories} {noun} to {result.written[0].parent}/ (brief.md, brief.html, brief.json)", err=True)


@app.command("clean")
def clean_command(
    sources: SourcesArg,
    output_format: Annotated[CleanFormat, typer.Option("--format", "-f", help="Output format.")] = CleanFormat.text,
) -> None:
    """Show what the cleaner keeps of each source, and the metadata it found."""
    from briefing.pipeline import load_articles
    from briefing.render.records import article_record, json_lines, json_list

    try:
        loaded = load_articles(sources, _settings())
    except BriefingError as error:
        raise _fail(str(error)) from None
    records = [article_record(a) for a in loaded.articles]
    if output_format is CleanFormat.jsonl:
        sys.stdout.write(json_lines(records))
    elif output_format is CleanFormat.json:
        sys.stdout.write(json_list(records))
    else:
        for record in records:
            typer.echo(f"# {record['title']}\n({record['source']})\n\n{record['text']}\n")
    _report_skipped(loaded.skipped)
    if not loaded.articles:
        raise _fail("no article could be read from the sources given")


@app.command()
def digest(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output root holding the YYYY-MM-DD brief folders.")] = Path(
        "outputs"
    ),
    days: Annotated[
        int | None,
        typer.Option("--days", help="Only the N days ending on the newest brief (default: every brief).", min=1),
    ] = None,
) -> None:
    """Build OUT/index.html: every dated brief, newest first, with each day's bottom line."""
    from briefing.render.digest import build_digest

    try:
        result = build_digest(out, days)
    except BriefingError as error:
        raise _fail(str(error)) from None
    _report_skipped(result.skipped)
    count = len(result.entries)
    typer.echo(f"wrote {result.path} ({count} brief{'' if count == 1 else 's'}, newest first)", err=True)
