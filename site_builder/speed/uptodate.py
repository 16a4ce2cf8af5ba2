"""Tell when the output folder already holds exactly what a build would write now.

The key of a build is the digest of every byte below the content and templates
folders, the options and the content types (the code itself is in the cache's
version). After a successful build the cache remembers the key, the page count,
the warnings and the size and modification time of every file in the output. A
later build with the same key and an output folder nobody touched has nothing to
do. Knows nothing about what the files mean.
"""
from __future__ import annotations

import os
from pathlib import Path

from .cache import Cache
from ..model.hashing import digest
from ..model.errors import Location, SiteError

TABLE = "uptodate"


def _tree(folder: Path, with_bytes: bool) -> list[str | bytes]:
    parts: list[str | bytes] = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        parts.append(os.path.relpath(root, folder) + "/")
        for name in sorted(names):
            path = os.path.join(root, name)
            parts.append(name)
            if os.path.islink(path):
                parts += ["->", os.readlink(path)]
            elif with_bytes:
                with open(path, "rb") as handle:
                    parts.append(handle.read())
            else:
                stat = os.stat(path)
                parts.append(f"{stat.st_size}:{stat.st_mtime_ns}")
    return parts


def build_key(content: Path, templates: Path, options: tuple) -> str:
    """Return the digest of every input of a build: both folders' files and the options."""
    return digest(repr(options), *_tree(content, True), "\0templates\0", *_tree(templates, True))


def previous(cache: Cache, key: str, out_dir: Path) -> tuple[int, list[SiteError]] | None:
    """Return (pages, warnings) of the last build if it had this key and its output is untouched."""
    if not cache.enabled or not out_dir.is_dir():
        return None
    entry = cache.get(TABLE, str(out_dir.absolute()))
    if entry is None:
        return None
    try:
        old_key, pages, warnings, signature = entry
        if old_key != key or signature != digest(*_tree(out_dir, False)):
            return None
        return pages, [SiteError(Location(path, line, col), field, message, hint, True)
                       for path, line, col, field, message, hint in warnings]
    except (ValueError, TypeError):   # not what remember() stores (a tampered cache): build
        return None


def remember(cache: Cache, key: str, out_dir: Path, pages: int, warnings: list[SiteError]) -> None:
    """Record a successful build's key and the state it left the output folder in."""
    if not cache.enabled:
        return
    flat = [(w.location.path, w.location.line, w.location.col, w.field, w.message, w.hint) for w in warnings]
    cache.put(TABLE, str(out_dir.absolute()), (key, pages, flat, digest(*_tree(out_dir, False))))
