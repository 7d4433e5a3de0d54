"""Prompt templates for chat/instruct models: the `*.txt` files beside this module.

One lookup path, installed or not (the repository's top-level `prompts` is a link to this folder). Each file starts
with `# version: N`; `prompt_version()` folds every template's version and content into the string the summary
cache keys on, so editing a prompt invalidates old results.

File format: `#` comment lines (the first carries the version), then a `[system]` section (optional) and a `[user]`
section. Placeholders are `{title}`, `{text}`, `{summary}` and `{sentences}`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from briefing.errors import ModelError

TEMPLATE_NAMES = ("map", "reduce", "refine", "rewrite")
_VERSION = re.compile(r"^#\s*version:\s*(\S+)\s*$")
_SECTION = re.compile(r"^\[(system|user)\]\s*$")


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: str
    system: str | None
    user: str

    def messages(self, **values: object) -> list[dict[str, str]]:
        """Chat messages with the placeholders filled in; values are inserted as-is (braces in them are safe)."""
        messages = [] if self.system is None else [{"role": "system", "content": self.system.format(**values)}]
        messages.append({"role": "user", "content": self.user.format(**values)})
        return messages


def prompts_folder() -> Path:
    """The folder holding the templates: this package's own folder."""
    return Path(__file__).resolve().parent


def parse_template(name: str, text: str) -> PromptTemplate:
    version: str | None = None
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if current is None and line.startswith("#"):
            match = _VERSION.match(line)
            version = match.group(1) if match else version
            continue
        section = _SECTION.match(line)
        if section:
            current = sections.setdefault(section.group(1), [])
        elif current is not None:
            current.append(line)
    if version is None or "user" not in sections:
        raise ModelError(f"prompt template {name!r} needs a '# version:' line and a [user] section")
    system = "\n".join(sections["system"]).strip() if "system" in sections else None
    return PromptTemplate(name, version, system or None, "\n".join(sections["user"]).strip())


@cache
def load_template(name: str) -> PromptTemplate:
    path = prompts_folder() / f"{name}.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ModelError(f"{path}: cannot read prompt template ({error.__class__.__name__})") from None
    return parse_template(name, text)


@lru_cache(maxsize=1)
def prompt_version() -> str:
    """e.g. `map@1,reduce@1,refine@1,rewrite@1:3f2a9c1e`: versions for people, a content hash for the cache key."""
    templates = [load_template(name) for name in TEMPLATE_NAMES]
    digest = hashlib.sha256()
    for template in templates:
        digest.update(f"{template.name}\0{template.system}\0{template.user}\0".encode())
    versions = ",".join(f"{template.name}@{template.version}" for template in templates)
    return f"{versions}:{digest.hexdigest()[:8]}"
