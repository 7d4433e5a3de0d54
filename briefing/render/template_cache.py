"""Compiled templates kept between runs, in the run's cache folder: a warm re-run does not compile the Jinja
templates again (~0.1 s of CPU for the three the brief needs).

Jinja checks each stored template against its source (sha1) and the Python version, and rebuilds one that is
corrupt; the folder's name adds the environments' code and the Jinja version, so a change of either (say another
`trim_blocks`) starts a fresh folder instead of reading templates compiled under other options. A folder that cannot
be read or written only costs the compile: rendering never fails for the cache.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import jinja2

from briefing.store import code_fingerprint

FOLDER = "templates"


class _TolerantCache(jinja2.FileSystemBytecodeCache):
    """A bytecode cache whose read and write errors mean "compile it" rather than a failed render."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # unreadable, or cut short (jinja lets pickle's UnpicklingError through): compile it
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):  # a read-only or full disk: the next run compiles again
            super().dump_bytecode(bucket)


def bytecode_cache(cache_dir: Path) -> jinja2.BytecodeCache | None:
    """The compiled-template cache under `cache_dir`, or None when that folder cannot be made."""
    fingerprint = code_fingerprint("render/html.py", "render/markdown.py", "render/template_cache.py")
    folder = cache_dir / FOLDER / f"jinja-{jinja2.__version__}-{fingerprint}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _TolerantCache(str(folder))


def use_template_cache(cache_dir: Path | None) -> None:
    """Let the Markdown and HTML environments load and store compiled templates in `cache_dir` (None: stop)."""
    from briefing.render import html, markdown

    cache = bytecode_cache(cache_dir) if cache_dir is not None else None
    for environment in (html.environment(), markdown.environment()):
        environment.bytecode_cache = cache
