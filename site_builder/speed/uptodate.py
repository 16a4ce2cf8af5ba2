"""Tell when the output folder already holds exactly what a build would write now.

The key of a build is the digest of every byte below the content and templates
folders, the options and the content types (the code itself is in the cache's
version). After a successful build the cache remembers the key, the page count,
the warnings and the size and modification time of every file in the output. A
later build with the same key and an output folder nobody touched has nothing to
do. Inputs are listed and read through model/inputs.py: a symlink, a pipe, an
unreadable or oversized input gives no key, so only a full build (which reports it)
runs. Knows nothing about what the files mean.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from .cache import Cache
from ..model.hashing import digest
from ..model import inputs
from ..model.errors import Location, SiteError
# Budgets above which an input is refused rather than hashed; the full build then reports it.
from ..core.assets import MAX_FILE_BYTES as MAX_TEMPLATE_BYTES
from ..core.loader import MAX_FILE_BYTES as MAX_CONTENT_BYTES

TABLE = "uptodate"


def _tree(folder: Path, with_bytes: bool, ignored: Callable[[str], bool] = lambda name: False,
          max_bytes: int | None = None) -> list[str | bytes] | None:
    """Return the names and bytes (or signatures) below folder, or None when any input is
    refused (inputs.scan): then only a full build can say what is wrong with it (issue 21)."""
    entries, refusals = inputs.scan(folder, ignored, max_bytes)
    if refusals:
        return None
    parts: list[str | bytes] = []
    for entry in entries:
        parts.append(entry.relative)
        try:
            parts.append(inputs.read_regular(entry.path, max_bytes) if with_bytes else entry.signature)
        except OSError:
            return None
    return parts


def _output_tree(folder: Path) -> list[str]:
    """Return the names, sizes and times of everything in the output folder (nothing is read)."""
    parts: list[str] = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        parts.append(os.path.relpath(root, folder) + "/")
        for name in sorted(names):
            path = os.path.join(root, name)
            parts.append(name)
            if os.path.islink(path):
                parts += ["->", os.readlink(path)]
            else:
                info = os.lstat(path)
                parts.append(f"{info.st_size}:{info.st_mtime_ns}")
    return parts


def build_key(content: Path, templates: Path, options: tuple,
              ignored: Callable[[str], bool] = lambda name: False) -> str | None:
    """Return the digest of every input of a build (both folders' files, the options), or
    None when an input is refused: a symlink, a pipe, an unreadable or oversized file.
    Files `ignored` names in content are no input, and are never opened."""
    content_parts = _tree(content, True, ignored, MAX_CONTENT_BYTES)
    template_parts = _tree(templates, True, max_bytes=MAX_TEMPLATE_BYTES)
    if content_parts is None or template_parts is None:
        return None
    return digest(repr(options), *content_parts, "\0templates\0", *template_parts)


def inputs_stamp(content: Path, templates: Path, ignored: Callable[[str], bool] = lambda name: False) -> str | None:
    """Return the size, time and inode of every input: a save (even one undone) changes it."""
    content_parts = _tree(content, False, ignored)
    template_parts = _tree(templates, False)
    if content_parts is None or template_parts is None:
        return None
    return digest(*content_parts, "\0templates\0", *template_parts)


def previous(cache: Cache, key: str | None, out_dir: Path) -> tuple[int, list[SiteError]] | None:
    """Return (pages, warnings) of the last build if it had this key and its output is untouched."""
    if not cache.enabled or key is None or not out_dir.is_dir():
        return None
    entry = cache.get(TABLE, str(out_dir.absolute()))
    if entry is None:
        return None
    try:
        old_key, pages, warnings, signature = entry
        if old_key != key or signature != digest(*_output_tree(out_dir)):
            return None
        return pages, [SiteError(Location(path, line, col), field, message, hint, warning, draft, stale)
                       for path, line, col, field, message, hint, warning, draft, stale in warnings]
    except (ValueError, TypeError):   # not what remember() stores (a tampered cache): build
        return None


def remember(cache: Cache, key: str | None, out_dir: Path, pages: int, warnings: list[SiteError]) -> None:
    """Record a successful build's key and the state it left the output folder in."""
    if not cache.enabled or key is None:
        return
    flat = [(w.location.path, w.location.line, w.location.col, w.field, w.message, w.hint,
             w.warning, w.draft, w.stale)
            for w in warnings]
    cache.put(TABLE, str(out_dir.absolute()), (key, pages, flat, digest(*_output_tree(out_dir))))
