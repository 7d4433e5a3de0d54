"""The command line: parse options, build Settings, call the pipeline, report. No pipeline logic lives here."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from briefing import __version__
from briefing.config import EMBEDDED_MODEL, Device, DType, GuardMode, Method, ReduceMode, Settings, parse_date
from briefing.errors import BriefingError
from briefing.records import Skipped

app = typer.Typer(
    name="briefing",
    help="Turn a day's news articles into a dated, cited intelligence brief, on a local Hugging Face model.",
    rich_markup_mode="rich",
    no_args_is_help=True,
    add_completion=False,
)


class SummaryFormat(str, Enum):
    md = "md"
    html = "html"
    json = "json"
    jsonl = "jsonl"


class CleanFormat(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


SourcesArg = Annotated[
    list[str],
    typer.Argument(help="Article files, folders (searched recursively), or - for stdin.", show_default=False),
]
ModelOption = Annotated[
    str,
    typer.Option("--model", "-m", help="'embedded', a hub id already in the local cache, a folder or a .gguf file."),
]
MethodOption = Annotated[Method, typer.Option("--method", help="How summaries are made.")]
SentencesOption = Annotated[int, typer.Option("--sentences", "-n", help="Sentences per summary.", min=1, max=50)]
GuardOption = Annotated[
    GuardMode,
    typer.Option(
        "--guard",
        help="Generated sentences the article does not support: drop them (replaced by an extractive sentence) "
        "or flag them (kept, marked unverified).",
    ),
]
NoCacheOption = Annotated[
    bool, typer.Option("--no-cache", help="Summarize everything again; neither read nor write the summary cache.")
]
CacheDirOption = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="Folder of the summary cache (default: $XDG_CACHE_HOME/briefing)."),
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


DeviceOption = Annotated[
    Device, typer.Option("--device", help="Where a generative model runs (auto: cuda, then mps, then cpu).")
]
DTypeOption = Annotated[DType, typer.Option("--dtype", help="Weights dtype (auto: float32 on CPU, bf16/fp16 on GPU).")]
MaxNewTokensOption = Annotated[
    int, typer.Option("--max-new-tokens", help="Longest generated text per step.", min=8, max=4096)
]
BeamsOption = Annotated[int, typer.Option("--beams", help="Beam search width (1: greedy).", min=1, max=16)]
BatchSizeOption = Annotated[
    int, typer.Option("--batch-size", help="Inputs generated together; halved on out-of-memory.", min=1, max=512)
]
ReduceOption = Annotated[
    ReduceMode, typer.Option("--reduce", help="How a long article's chunk summaries are combined.")
]
UnsafeWeightsOption = Annotated[
    bool,
    typer.Option("--allow-unsafe-weights", help="Load pickle (.bin/.pt) weights; they can run code. Trusted only."),
]


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
    sentences: SentencesOption = 3,
    output_format: Annotated[SummaryFormat, typer.Option("--format", "-f", help="Output format.")] = SummaryFormat.md,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
    model: ModelOption = EMBEDDED_MODEL,
    method: MethodOption = Method.extractive,
    guard: GuardOption = GuardMode.drop,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
    device: DeviceOption = Device.cpu,
    dtype: DTypeOption = DType.auto,
    max_new_tokens: MaxNewTokensOption = 160,
    beams: BeamsOption = 1,
    batch_size: BatchSizeOption = 8,
    reduce: ReduceOption = ReduceMode.map_reduce,
    allow_unsafe_weights: UnsafeWeightsOption = False,
) -> None:
    """Summarize one or more articles."""
    from briefing.compose import compose
    from briefing.pipeline import summarize_sources
    from briefing.render import OutputFormat, atomic_write, render

    settings = _settings(
        sentences=sentences,
        model=model,
        method=method,
        guard=guard,
        **_cache_values(no_cache, cache_dir),
        **_generation_values(device, dtype, max_new_tokens, beams, batch_size, reduce, allow_unsafe_weights),
    )
    try:
        loaded, summaries = summarize_sources(sources, settings)
    except BriefingError as error:
        raise _fail(str(error)) from None
    _report_skipped(loaded.skipped)
    if not loaded.articles:
        raise _fail("no article could be read from the sources given")
    if output_format is SummaryFormat.jsonl:
        lines = [
            json.dumps(
                {
                    "source": article.source,
                    "title": article.title,
                    "summary": [s.text for s in summary.sentences],
                    "citations": [list(s.citations) for s in summary.sentences],
                    # --guard flag keeps unsupported generated sentences: say which, and why
                    "flagged": [s.flagged for s in summary.sentences],
                    "reasons": [s.reason for s in summary.sentences],
                },
                ensure_ascii=False,
            )
            for article, summary in zip(loaded.articles, summaries, strict=True)
        ]
        text = "\n".join(lines) + "\n"
    else:
        brief = compose(loaded.articles, summaries, settings, loaded.skipped)
        text = render(brief, OutputFormat(output_format.value))
    if out is None:
        sys.stdout.write(text)
    else:
        atomic_write(out, text)
        typer.echo(f"wrote {out}", err=True)


@app.command()
def daily(
    sources: SourcesArg,
    date: Annotated[str | None, typer.Option("--date", help="Brief date, YYYY-MM-DD (default: today).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output root; files go to OUT/YYYY-MM-DD/.")] = Path(
        "outputs"
    ),
    title: Annotated[str, typer.Option("--title", help="Headline of the brief.")] = "Daily Brief",
    model: ModelOption = EMBEDDED_MODEL,
    method: MethodOption = Method.extractive,
    sentences: SentencesOption = 3,
    guard: GuardOption = GuardMode.drop,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
    device: DeviceOption = Device.cpu,
    dtype: DTypeOption = DType.auto,
    max_new_tokens: MaxNewTokensOption = 160,
    beams: BeamsOption = 1,
    batch_size: BatchSizeOption = 8,
    reduce: ReduceOption = ReduceMode.map_reduce,
    allow_unsafe_weights: UnsafeWeightsOption = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bars; only problems and the final line are printed.")
    ] = False,
    top: Annotated[
        int | None,
        typer.Option(
            "--top", help="Show the N most important stories in full; list the rest under 'Also noted'.", min=1
        ),
    ] = None,
    new_only: Annotated[
        bool,
        typer.Option(
            "--new-only", help="Leave out stories briefed on an earlier day; mark those with new sources 'update'."
        ),
    ] = False,
    story_words: Annotated[
        int, typer.Option("--story-words", help="Word budget of each story's multi-source summary.", min=20, max=2000)
    ] = 150,
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

    try:
        loaded = load_articles(sources, _settings())
    except BriefingError as error:
        raise _fail(str(error)) from None
    records = [
        {
            "source": a.source,
            "title": a.title,
            "text": "\n".join(a.sentences),
            "url": a.url,
            "published": a.published,
            "author": a.author,
            "site": a.site,
            "language": a.language,
            "word_count": a.word_count,
            "truncated": a.truncated,
        }
        for a in loaded.articles
    ]
    if output_format is CleanFormat.jsonl:
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif output_format is CleanFormat.json:
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
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
