"""The command line's options, built from the Settings fields (flag, help, range written once in config.py)."""

from __future__ import annotations

import dataclasses
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from briefing.config import (
    Device,
    DType,
    Executor,
    GuardMode,
    Method,
    ReduceMode,
    Settings,
    default_cache_dir,
    setting_spec,
)


def option(name: str, *aliases: str, help: str | None = None) -> Any:
    """A Typer option built from the Settings field `name`: its flag, help text and range are written once there."""
    meta = setting_spec(name).metadata
    bounds = {key: meta[limit] for key, limit in (("min", "low"), ("max", "high")) if meta[limit] is not None}
    return typer.Option(meta["flag"], *aliases, help=help or meta["help"], **bounds)


# The Settings defaults, so a CLI default never drifts from the dataclass (fields with a factory have none here).
DEFAULT: dict[str, Any] = {spec.name: spec.default for spec in dataclasses.fields(Settings)}


class VerifyFormatOption(str, Enum):
    md = "md"
    json = "json"
    jsonl = "jsonl"


class CleanFormat(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


SOURCES_HELP = (
    "Article files, folders (searched recursively), RSS/Atom feeds (files or URLs), OPML feed lists, "
    "http(s) URLs of pages or feeds, .urls lists, or - for stdin."
)
SourcesArg = Annotated[list[str], typer.Argument(help=SOURCES_HELP, metavar="SOURCE...", show_default=False)]
DailySourcesArg = Annotated[
    list[str] | None,
    typer.Argument(
        help=SOURCES_HELP + " None given: the source lists of briefing.toml.", metavar="[SOURCE]...", show_default=False
    ),
]
ModelOption = Annotated[str, option("model", "-m")]
MethodOption = Annotated[Method, option("method")]
SentencesOption = Annotated[int, option("sentences", "-n")]
GuardOption = Annotated[GuardMode, option("guard")]
LangOption = Annotated[str | None, option("lang")]
NoCacheOption = Annotated[
    bool, typer.Option("--no-cache", help="Summarize everything again; neither read nor write the summary cache.")
]
CacheDirOption = Annotated[
    Path | None, option("cache_dir", help=f"Folder of the summary cache (default: {default_cache_dir()}).")
]


DeviceOption = Annotated[Device, option("device")]
DTypeOption = Annotated[DType, option("dtype")]
MaxNewTokensOption = Annotated[int, option("max_new_tokens")]
BeamsOption = Annotated[int, option("num_beams")]
BatchSizeOption = Annotated[int, option("batch_size")]
ReduceOption = Annotated[ReduceMode, option("reduce_mode")]
UnsafeWeightsOption = Annotated[bool, option("allow_unsafe_weights")]
PrivateUrlsOption = Annotated[bool, option("allow_private_urls")]
EndpointOption = Annotated[str | None, option("endpoint")]
ConcurrencyOption = Annotated[int, option("concurrency")]
ExecutorOption = Annotated[Executor, option("executor")]
RayAddressOption = Annotated[str | None, option("ray_address")]
RayWorkersOption = Annotated[int | None, option("ray_workers")]


def scale_values(
    endpoint: str | None, concurrency: int, executor: Executor, ray_address: str | None, ray_workers: int | None
) -> dict[str, object]:
    return {
        "endpoint": endpoint,
        "concurrency": concurrency,
        "executor": executor,
        "ray_address": ray_address,
        "ray_workers": ray_workers,
    }


def generation_values(
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


def cache_values(no_cache: bool, cache_dir: Path | None) -> dict[str, object]:
    values: dict[str, object] = {"use_cache": not no_cache}
    if cache_dir is not None:
        values["cache_dir"] = cache_dir
    return values


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="The briefing.toml to read (default: ./briefing.toml, else ~/.config/briefing/briefing.toml).",
        show_default=False,
    ),
]
