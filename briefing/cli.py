"""The command line: parse options, build Settings, call the pipeline, report. No pipeline logic lives here."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from briefing import __version__
from briefing.cli_help import plain_help
from briefing.cli_options import (
    DEFAULT,
    BatchSizeOption,
    BeamsOption,
    CacheDirOption,
    CleanFormat,
    ConcurrencyOption,
    ConfigOption,
    DailySourcesArg,
    DeviceOption,
    DTypeOption,
    EndpointOption,
    ExecutorOption,
    GuardOption,
    LangOption,
    MaxNewTokensOption,
    MethodOption,
    ModelOption,
    NoCacheOption,
    PrivateUrlsOption,
    RayAddressOption,
    RayWorkersOption,
    ReduceOption,
    SentencesOption,
    SourcesArg,
    UnsafeWeightsOption,
    VerifyFormatOption,
    cache_values,
    generation_values,
    option,
    scale_values,
)
from briefing.config import (
    Settings,
    parse_languages,
)
from briefing.errors import BriefingError
from briefing.records import Skipped
from briefing.render import OutputFormat
from briefing.shown import for_terminal, grouped_reasons, shown_path

MAX_ERROR_CHARS = 600  # a reason or error line: our words plus the input-derived parts, each capped on its own

app = typer.Typer(
    name="briefing",
    help="Turn a day's news articles into a dated, cited intelligence brief, on a local Hugging Face model.",
    rich_markup_mode="rich",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
)


plain_help()


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
    # An error message can quote input (a path, a URL, a reason phrase): one escaped line, never a terminal sequence.
    typer.secho(f"error: {for_terminal(message, limit=MAX_ERROR_CHARS)}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def _report_skipped(skipped: tuple[Skipped, ...]) -> None:
    for source, reason in grouped_reasons((item.source, item.reason) for item in skipped):
        line = f"skipped {for_terminal(source)}: {for_terminal(reason, limit=MAX_ERROR_CHARS)}"
        typer.secho(line, fg=typer.colors.YELLOW, err=True)


def _settings(**values: object) -> Settings:
    try:
        return Settings(**values)  # type: ignore[arg-type]
    except BriefingError as error:
        raise _fail(str(error)) from None


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
    lang: LangOption = None,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
    device: DeviceOption = DEFAULT["device"],
    dtype: DTypeOption = DEFAULT["dtype"],
    max_new_tokens: MaxNewTokensOption = DEFAULT["max_new_tokens"],
    beams: BeamsOption = DEFAULT["num_beams"],
    batch_size: BatchSizeOption = DEFAULT["batch_size"],
    reduce: ReduceOption = DEFAULT["reduce_mode"],
    allow_unsafe_weights: UnsafeWeightsOption = DEFAULT["allow_unsafe_weights"],
    allow_private_urls: PrivateUrlsOption = DEFAULT["allow_private_urls"],
    endpoint: EndpointOption = DEFAULT["endpoint"],
    concurrency: ConcurrencyOption = DEFAULT["concurrency"],
    executor: ExecutorOption = DEFAULT["executor"],
    ray_address: RayAddressOption = DEFAULT["ray_address"],
    ray_workers: RayWorkersOption = DEFAULT["ray_workers"],
    quiet: Annotated[bool, option("quiet", "-q")] = DEFAULT["quiet"],
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
        lang=parse_languages(lang),
        allow_private_urls=allow_private_urls,
        quiet=quiet,
        **cache_values(no_cache, cache_dir),
        **generation_values(device, dtype, max_new_tokens, beams, batch_size, reduce, allow_unsafe_weights),
        **scale_values(endpoint, concurrency, executor, ray_address, ray_workers),
    )
    try:
        if out is not None:  # before the work: a missing folder must not surface after minutes of summarizing
            _prepare_output_file(out)
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
        return
    try:
        atomic_write(out, text)
    except BriefingError as error:
        raise _fail(str(error)) from None
    typer.echo(f"wrote {shown_path(out)}", err=True)


def _prepare_output_file(out: Path) -> None:
    """Create the folder of `--out` (as `daily` creates OUT) and refuse a target that cannot be a file."""
    from briefing.errors import OutputError
    from briefing.render import check_writable_target

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{shown_path(out.parent)}: cannot create the folder ({error.strerror or error})") from None
    check_writable_target(out)


@app.command()
def daily(
    ctx: typer.Context,
    sources: DailySourcesArg = None,
    config: ConfigOption = None,
    source_lists: Annotated[
        list[str] | None,
        typer.Option(
            "--list", "-l", metavar="NAME", help="Read only this named source list of briefing.toml (repeatable)."
        ),
    ] = None,
    date: Annotated[str | None, typer.Option("--date", help="Brief date, YYYY-MM-DD (default: today).")] = None,
    out: Annotated[Path, option("out_dir", "-o")] = DEFAULT["out_dir"],
    title: Annotated[str, option("title")] = DEFAULT["title"],
    window: Annotated[str | None, option("window")] = DEFAULT["window"],
    lang: Annotated[str | None, option("lang")] = DEFAULT["lang"],
    top: Annotated[int | None, option("top")] = DEFAULT["top"],
    new_only: Annotated[bool, option("new_only")] = DEFAULT["new_only"],
    story_words: Annotated[int, option("story_words")] = DEFAULT["story_words"],
    model: ModelOption = DEFAULT["model"],
    method: MethodOption = DEFAULT["method"],
    sentences: SentencesOption = DEFAULT["sentences"],
    guard: GuardOption = DEFAULT["guard"],
    max_items_per_feed: Annotated[int, option("max_items_per_feed")] = DEFAULT["max_items_per_feed"],
    fetch_timeout: Annotated[float, option("fetch_timeout")] = DEFAULT["fetch_timeout"],
    max_input_mb: Annotated[float, option("max_input_mb")] = DEFAULT["max_input_mb"],
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
    device: DeviceOption = DEFAULT["device"],
    dtype: DTypeOption = DEFAULT["dtype"],
    max_new_tokens: MaxNewTokensOption = DEFAULT["max_new_tokens"],
    beams: BeamsOption = DEFAULT["num_beams"],
    batch_size: BatchSizeOption = DEFAULT["batch_size"],
    reduce: ReduceOption = DEFAULT["reduce_mode"],
    allow_unsafe_weights: UnsafeWeightsOption = DEFAULT["allow_unsafe_weights"],
    endpoint: EndpointOption = DEFAULT["endpoint"],
    concurrency: ConcurrencyOption = DEFAULT["concurrency"],
    executor: ExecutorOption = DEFAULT["executor"],
    ray_address: RayAddressOption = DEFAULT["ray_address"],
    ray_workers: RayWorkersOption = DEFAULT["ray_workers"],
    quiet: Annotated[bool, option("quiet", "-q")] = DEFAULT["quiet"],
    allow_private_urls: PrivateUrlsOption = DEFAULT["allow_private_urls"],
) -> None:
    """Build the daily brief: OUT/YYYY-MM-DD/brief.md, brief.html and brief.json.

    With no SOURCE, reads the source lists of briefing.toml; options typed here win over its \\[daily] defaults.

    Exit code 0: a brief was written; 1: nothing usable was read, or a setting is wrong.
    """
    arguments = dict(locals())  # parameter name -> value as given; only those given on the command line count
    from briefing.daily_options import daily_report, daily_settings
    from briefing.pipeline import run_daily
    from briefing.progress import progress_bars

    try:
        plan = daily_settings(ctx, arguments, sources or [], config, source_lists or [])
        with progress_bars(enabled=not plan.settings.quiet) as progress:
            result = run_daily(plan.sources, plan.settings, progress)
    except BriefingError as error:
        raise _fail(str(error)) from None
    _report_skipped(result.brief.skipped)
    for note in result.notes:
        typer.secho(note, fg=typer.colors.YELLOW, err=True)
    if not result.written:
        for line in result.intake.report():
            typer.echo(line, err=True)
        if result.intake.left_out:
            raise _fail("no article is left after the date window and language; no brief written")
        raise _fail("no article could be read from the sources given; no brief written")
    for line in daily_report(result):
        typer.echo(line, err=True)


@app.command()
def init(
    path: Annotated[
        Path, typer.Argument(help="Where to write the example (default: ./briefing.toml).", show_default=False)
    ] = Path("briefing.toml"),
    force: Annotated[bool, typer.Option("--force", help="Replace a file that is already there.")] = False,
) -> None:
    """Write a commented example briefing.toml: source lists and the default options of `briefing daily`."""
    from importlib.resources import files

    if path.exists() and not force:
        raise _fail(f"{path} already exists; pass --force to replace it")
    example = files("briefing").joinpath("briefing.example.toml").read_text(encoding="utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(example, encoding="utf-8")
    except OSError as error:
        raise _fail(f"cannot write {path} ({error.strerror or error})") from None
    typer.echo(f"wrote {path}: edit its [sources.*] lists, then run `briefing daily`", err=True)


@app.command("clean")
def clean_command(
    sources: SourcesArg,
    output_format: Annotated[CleanFormat, typer.Option("--format", "-f", help="Output format.")] = CleanFormat.text,
    allow_private_urls: PrivateUrlsOption = DEFAULT["allow_private_urls"],
) -> None:
    """Show what the cleaner keeps of each source, and the metadata it found."""
    from briefing.pipeline import load_articles
    from briefing.render.records import article_record, json_lines, json_list

    try:
        loaded = load_articles(sources, _settings(allow_private_urls=allow_private_urls))
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
def verify(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="With --summary: the articles the summary is from (files, folders, URLs). Without: JSONL records, "
            'one per line: {"id", "article": "…" or "sources": ["…", …], "summary": "…" or ["…", …]}.',
            show_default=False,
        ),
    ],
    summary: Annotated[
        str | None, typer.Option("--summary", "-s", help="The summary to check: a text file, or - for stdin.")
    ] = None,
    output_format: Annotated[
        VerifyFormatOption, typer.Option("--format", "-f", help="Output format.")
    ] = VerifyFormatOption.md,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Check a summary, sentence by sentence, against its sources: supported or not, why, and where."""
    from briefing.pipeline import run_verify_records, run_verify_summary
    from briefing.render import atomic_write
    from briefing.render.verification import VerifyFormat, render_verification

    settings = _settings()
    try:
        if summary is not None:
            result = run_verify_summary(sources, summary, settings)
        else:
            result = run_verify_records(sources, settings)
    except BriefingError as error:
        raise _fail(str(error)) from None
    _report_skipped(result.skipped)
    text = render_verification(result.reports, VerifyFormat(output_format.value), result.skipped)
    if out is None:
        sys.stdout.write(text)
    else:
        atomic_write(out, text)
        typer.echo(f"wrote {out}", err=True)


@app.command()
def digest(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output root holding the YYYY-MM-DD brief folders.")] = Path(
        "outputs"
    ),
    days: Annotated[
        int | None,
        typer.Option("--days", help="Only the N days ending on the newest brief (default: every brief).", min=1),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="Where OUT is published (https://...): the Atom feed's links resolve there."),
    ] = None,
) -> None:
    """Build OUT/index.html and OUT/feed.xml (Atom): every dated brief, newest first, with its story headlines
    (stories that continue an earlier day link back to it) and its bottom line."""
    from briefing.render.digest import build_digest

    try:
        result = build_digest(out, days, base_url)
    except BriefingError as error:
        raise _fail(str(error)) from None
    _report_skipped(result.skipped)
    count = len(result.entries)
    briefs = f"{count} brief{'' if count == 1 else 's'}"
    feed = shown_path(result.feed or result.path)
    typer.echo(f"wrote {shown_path(result.path)} and {feed} ({briefs}, newest first)", err=True)
