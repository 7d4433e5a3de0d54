"""Giving freed memory back to the operating system at the end of a stage.

A run allocates and frees hundreds of megabytes (tokenizer output, encoder activations, spaCy docs, parsed HTML).
glibc keeps freed heap pages for reuse, scattered among live objects, so a long-lived process (a scheduler calling
`run_daily` day after day, `bench/soak.py`) sees its resident memory climb run after run although nothing leaks.
`malloc_trim` returns those free pages; it is a glibc call, so elsewhere (macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _glibc() -> Any | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim  # musl has no malloc_trim: AttributeError
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return libc


def release_free_memory() -> bool:
    """Hand the C heap's free pages back to the OS; True when the platform has `malloc_trim` (glibc)."""
    libc = _glibc()
    if libc is None:
        return False
    libc.malloc_trim(0)  # walks the heap once: milliseconds, next to a stage that takes seconds
    return True
