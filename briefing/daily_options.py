"""What `briefing daily` runs on: the command line over briefing.toml over the Settings defaults, and its report.

Only the options given on the command line override the file (Click tells a typed value from a default), and each
option is matched to its Settings field by its flag, the same metadata the file's keys come from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.config import Settings, parse_date, parse_languages
from briefing.configfile import CONFIG_NAME, find_config, load_config, user_config_path
from briefing.errors import ConfigError
from briefing.records import Provenance

if TYPE_CHECKING:
    from briefing.pipeline import DailyResult

COVERED_SHOWN = 3  # headlines named on the final line; the brief's "Already covered" section lists them all
_FIELD_OF_FLAG = {spec.metadata["flag"]: spec.name for spec in dataclasses.fields(Settings) if spec.metadata["flag"]}


@dataclass(frozen=True)
class DailyPlan:
    settings: Settings
    sources: list[str]
    config: Path | None  # the briefing.toml read, if any


def given_on_command_line(ctx: Any, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Settings values of the options the user typed (not those left at their default)."""
    values: dict[str, Any] = {}
    for param in ctx.command.params:
        source = ctx.get_parameter_source(param.name) if param.name else None
        # By name: Typer may run on its own copy of Click, whose ParameterSource is another enum than click's.
        if param.name is None or source is None or source.name in ("DEFAULT", "DEFAULT_MAP"):
            continue
        flag = next((opt for opt in param.opts if opt.startswith("--")), "")
        value = arguments.get(param.name)
        if flag == "--no-cache":
            values["use_cache"] = not value
        elif flag == "--date":
            values["date"] = parse_date(value) if value else None
        elif flag == "--lang":
            values["lang"] = parse_languages(value)
        elif flag in _FIELD_OF_FLAG and value is not None:
            values[_FIELD_OF_FLAG[flag]] = value
    return {key: value for key, value in values.items() if value is not None}


def daily_settings(
    ctx: Any,  # typer's Context (Typer may bundle its own copy of Click)
    arguments: Mapping[str, Any],
    sources: Sequence[str],
    config: Path | None,
    source_lists: Sequence[str],
) -> DailyPlan:
    """Settings and sources of this run; ConfigError naming the file and key when briefing.toml is wrong."""
    given = given_on_command_line(ctx, arguments)
    path = find_config(config)
    loaded = load_config(path) if path is not None else None
    if source_lists and loaded is None:
        raise ConfigError(f"--list needs a briefing.toml; none found ({_looked_in()})")
    chosen = list(sources)
    if not chosen:
        if loaded is None:
            raise ConfigError(
                f"no SOURCE given and no briefing.toml found ({_looked_in()}); "
                "pass files, folders, feeds or URLs, or run `briefing init` to write one"
            )
        chosen = loaded.all_sources(source_lists)
        if not chosen:
            raise ConfigError(f"{loaded.path}: no [sources.NAME] list to read; add one or pass SOURCE")
    elif source_lists:
        raise ConfigError("--list picks lists of briefing.toml; it cannot be combined with SOURCE arguments")
    options = dict(loaded.options) if loaded is not None else {}
    return DailyPlan(Settings(**{**options, **given}), chosen, path)


def _looked_in() -> str:
    return f"looked for --config, ./{CONFIG_NAME} and {user_config_path()}"


def daily_report(result: DailyResult) -> list[str]:
    """The lines after a written brief: what the window left out, then the final line (with what --new-only left
    out and when it was briefed)."""
    lines = result.intake.report()
    stories = len(result.brief.stories)
    final = f"wrote {stories} {'story' if stories == 1 else 'stories'} to {result.written[0].parent}/ "
    final += "(brief.md, brief.html, brief.json)"
    covered = already_covered(result.brief.provenance)
    if covered:
        named = ", ".join(f'"{headline}" (first briefed {day})' for headline, day in covered[:COVERED_SHOWN])
        more = f" and {len(covered) - COVERED_SHOWN} more" if len(covered) > COVERED_SHOWN else ""
        noun = "story" if len(covered) == 1 else "stories"
        final += f"; left out {len(covered)} {noun} already covered: {named}{more} (listed under Already covered)"
    return [*lines, final]


def already_covered(provenance: Provenance) -> list[tuple[str, str]]:
    items = provenance.history.get("already_covered", [])
    return [(str(item["headline"]), str(item["first_briefed"])) for item in items]
