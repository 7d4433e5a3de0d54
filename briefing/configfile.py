"""`briefing.toml`: named source lists and default options for `briefing daily`, checked against Settings.

    [daily]                      # any daily option, named as its flag without the dashes
    out = "outputs"
    window = "24h"

    [sources.world]              # a named list; `briefing daily` with no SOURCE reads every list
    feeds = ["https://example.com/rss"]
    opml = ["subscriptions.opml"]
    folders = ["~/scrapes"]

The keys of [daily] come from the Settings fields themselves (their flag, else their name), and the values are
checked by Settings' own range checks: one source of truth for the CLI and the file. Every error names the file
and the key. Relative paths are read from the file's folder, `~` is expanded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
import types
import typing
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from briefing.config import Settings, parse_languages
from briefing.errors import ConfigError

CONFIG_NAME = "briefing.toml"
SOURCE_KINDS = ("feeds", "opml", "folders", "files", "urls")  # what a [sources.NAME] table may hold, read in order
_NOT_IN_FILE = frozenset({"date"})  # a file fixes no date: each morning's run is for its own day
_URL_PREFIXES = ("http://", "https://")


@dataclass(frozen=True)
class SourcesFile:
    """A read `briefing.toml`: its path, the Settings values of [daily] and the named source lists."""

    path: Path
    options: dict[str, Any] = field(default_factory=dict)  # Settings field name -> value
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)  # list name -> SOURCE strings

    def all_sources(self, names: typing.Sequence[str] = ()) -> list[str]:
        """The SOURCE strings of the lists `names` (all lists when empty), each once, in file order."""
        unknown = [name for name in names if name not in self.sources]
        if unknown:
            known = ", ".join(self.sources) or "none"
            raise ConfigError(f"{self.path}: no source list named {unknown[0]!r} (lists: {known})")
        chosen = names or list(self.sources)
        return list(dict.fromkeys(source for name in chosen for source in self.sources[name]))


def config_key(spec: dataclasses.Field[Any]) -> str:
    """The key of a setting in [daily]: its flag without the dashes (`out`, `max-items-per-feed`), else its name."""
    flag = spec.metadata.get("flag")
    return flag.removeprefix("--") if flag else spec.name.replace("_", "-")


def _file_keys() -> dict[str, dataclasses.Field[Any]]:
    return {config_key(spec): spec for spec in dataclasses.fields(Settings) if spec.name not in _NOT_IN_FILE}


def user_config_path() -> Path:
    root = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(root) / "briefing" / CONFIG_NAME


def find_config(explicit: Path | None) -> Path | None:
    """`--config PATH` (which must exist), else ./briefing.toml, else the user config folder's; None if none."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"--config {explicit}: no such file")
        return explicit
    for candidate in (Path.cwd() / CONFIG_NAME, user_config_path()):
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path) -> SourcesFile:
    """Read and check `path`; every problem is a ConfigError naming the file and the key."""
    document = _parse_toml(path)
    unknown = sorted(set(document) - {"daily", "sources"})
    if unknown:
        raise ConfigError(f"{path}: unknown table or key {unknown[0]!r} (expected [daily] and [sources.NAME])")
    base = path.parent
    daily = _table(path, document, "daily")
    sources = _table(path, document, "sources")
    options = {
        spec.name: _value(path, f"daily.{key}", spec, daily[key], base) for key, spec in _daily_specs(path, daily)
    }
    _check_together(path, options)
    lists = {name: _source_list(path, name, table, base) for name, table in sources.items()}
    return SourcesFile(path, options, lists)


def _parse_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror or error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None


def _table(path: Path, document: dict[str, Any], name: str) -> dict[str, Any]:
    value = document.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: {name} must be a table ([{name}]), got {type(value).__name__}")
    return value


def _daily_specs(path: Path, daily: dict[str, Any]) -> list[tuple[str, dataclasses.Field[Any]]]:
    keys = _file_keys()
    found = []
    for key in daily:
        spec = keys.get(key.replace("_", "-"))
        if spec is None:
            hint = " (the date is given on the command line)" if key == "date" else ""
            raise ConfigError(f"{path}: unknown option daily.{key}{hint}; known: {', '.join(sorted(keys))}")
        found.append((key, spec))
    return found


def _value(path: Path, key: str, spec: dataclasses.Field[Any], value: Any, base: Path) -> Any:
    """`value` converted to the field's type (Enum, Path, int, float, bool, str, or None-able ones)."""
    kind = _field_type(spec)
    where = f"{path}: {key}"
    if isinstance(kind, type) and issubclass(kind, Enum):
        choices = [member.value for member in kind]
        if value not in choices:
            raise ConfigError(f"{where} must be one of {', '.join(map(str, choices))}, got {value!r}")
        return kind(value)
    if kind is Path:
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where} must be a path (a string), got {value!r}")
        return _path(value, base)
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, got {value!r}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be a whole number, got {value!r}")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where} must be a number, got {value!r}")
        return float(value)
    if typing.get_origin(kind) is tuple:  # lang: "en,de" or ["en", "de"]
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str) for item in items):
            raise ConfigError(f"{where} must be a string or a list of strings, got {value!r}")
        return parse_languages(",".join(items))
    if not isinstance(value, str):
        raise ConfigError(f"{where} must be a string, got {value!r}")
    return value


def _field_type(spec: dataclasses.Field[Any]) -> Any:
    kind = typing.get_type_hints(Settings)[spec.name]
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
    return dt.date if kind is dt.date else kind


def _check_together(path: Path, options: dict[str, Any]) -> None:
    """Settings' own checks on the file's values, so a range is written once; the message names the key."""
    try:
        Settings(**options)
    except ConfigError as error:
        raise ConfigError(f"{path}: [daily] {_name_keys(str(error))}") from None


def _name_keys(message: str) -> str:
    """Settings' messages name the flag (`--top must be…`); in the file the key is `top`."""
    for spec in dataclasses.fields(Settings):
        flag = spec.metadata.get("flag")
        if flag and message.startswith(flag + " "):
            return config_key(spec) + message[len(flag) :]
        if message.startswith(spec.name + " "):
            return config_key(spec) + message[len(spec.name) :]
    return message


def _source_list(path: Path, name: str, table: Any, base: Path) -> tuple[str, ...]:
    where = f"{path}: sources.{name}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table ([sources.{name}] with {', '.join(SOURCE_KINDS)})")
    unknown = sorted(set(table) - set(SOURCE_KINDS))
    if unknown:
        raise ConfigError(f"{where}.{unknown[0]}: unknown kind of source (expected {', '.join(SOURCE_KINDS)})")
    found: list[str] = []
    for kind in SOURCE_KINDS:
        values = table.get(kind, [])
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise ConfigError(f"{where}.{kind} must be a list of strings, got {values!r}")
        for value in values:
            is_url = value.strip().lower().startswith(_URL_PREFIXES)
            if kind == "urls" and not is_url:
                raise ConfigError(f"{where}.urls: {value!r} is not an http(s) URL")
            if kind in ("folders", "files", "opml") and is_url:
                raise ConfigError(f"{where}.{kind}: {value!r} is a URL; list it under feeds or urls")
            found.append(value.strip() if is_url else str(_path(value, base)))
    if not found:
        raise ConfigError(f"{where} lists no sources")
    return tuple(found)


def _path(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path
