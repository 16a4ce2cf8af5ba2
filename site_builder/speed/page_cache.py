"""Skip rendering pages whose inputs are unchanged since the build that wrote them.

While a page renders, tracking.py records which keys of which entity views it read.
A page is kept as written last time when the templates it used (the one it is
rendered with, and those that one extends, includes and imports), the catalogues of
the engine's words, the site-wide context (settings, navigation, every list of
entities), the page itself and the value of every key it read are unchanged, and its
file in the output folder is the one that build wrote (same size and modification
time). So an edit of person.html renders the people's pages again and keeps every
other, and an edit of a static file (which pages only link to) keeps them all. If every value a template reads is
the same, it reads the same keys and writes the same bytes; anything else is
rendered again. So a page that shows a person's name is kept when only the person's
summary changes. Files other than pages made under a key of their maker's (the data
files, publish/files.py) are kept the same way: while their key is unchanged and the
output folder holds them as written. Knows nothing about Jinja; render.py reports what
each page read.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..model.entities import Page
from .cache import Cache
from ..model.hashing import digest
from .tracking import LENGTH, TEMPLATES, WHOLE, Reads, View, unpacked

KEEP = None   # in a rendered list: this page's file in the output folder is already right


def _hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


# What a read digests to when its view or key does not exist. Every part of a page's
# digest is 16 bytes, so parts joined without a separator never run into each other.
GONE, MISSING = _hash(b"view gone"), _hash(b"key missing")


def key_digests(view: View) -> dict[str, bytes]:
    """Return the digest of each key's value in one view, as a template reads it, and
    under LENGTH the digest of how many keys it has.

    A value's repr is exact for what views hold (str and Markup, dates, times,
    numbers, lists, dicts); a nested View appears as its id (tracking.py), its own
    keys being reads of their own.
    """
    digests = {key: _hash(repr(value).encode("utf-8", "surrogatepass")) for key, value in dict.items(view)}
    digests[LENGTH] = _hash(str(dict.__len__(view)).encode("ascii"))
    return digests


def view_digest(keys: dict[str, bytes]) -> str:
    """Return the digest of a whole view from its key_digests (names and values, in order)."""
    return hashlib.blake2b(b"".join(key.encode("utf-8") + b"\0" + value for key, value in keys.items()),
                           digest_size=20).hexdigest()


class PageCache:
    """Decide which pages need rendering, and remember what the rendered ones read."""

    def __init__(self, cache: Cache, templates: dict[str, str], language: str, site_context: View,
                 views: dict[str, View]):
        """`templates` is the digest of each file of the templates folder (render.template_files)."""
        self.cache = cache
        self.enabled = cache.enabled
        self.view_digests: dict[str, str] | None = None   # view id -> view_digest, with a cache
        if not self.enabled:
            return
        # Every page depends on the files no page loads as a template (the catalogues of the
        # engine's words); on a template only if it loaded it, a read of the TEMPLATES view.
        self.base = digest(language, *(part for name, value in sorted(templates.items())
                                       if not _loaded_or_linked(name) for part in (name, value)))
        # The site context is read key by key too (render.site_context): it and the views in it.
        context_views = [site_context, *(v for v in dict.values(site_context) if isinstance(v, View))]
        self._keys = {view.view_id: key_digests(view) for view in context_views}
        self._keys.update((view_id, key_digests(view)) for view_id, view in views.items())
        self._keys[TEMPLATES] = {name: _hash(value.encode("ascii")) for name, value in templates.items()}
        self.view_digests = {view_id: view_digest(keys) for view_id, keys in self._keys.items()}
        self._parts: dict[tuple[str, tuple[str, ...]], bytes] = {}
        self._made: list[tuple[str, str]] = []   # (output, key) of the files made_file() noted

    def _key(self, page: Page) -> str:
        return digest(self.base, repr(page))

    def _part(self, view_id: str, keys: tuple[str, ...]) -> bytes:
        """Return the digest of some keys of one view (WHOLE: all of it); pages share many."""
        found = self._parts.get((view_id, keys))
        if found is None:
            values = self._keys.get(view_id)
            if values is None:
                found = GONE
            elif keys == (WHOLE,):
                found = _hash(self.view_digests[view_id].encode("ascii"))
            else:
                found = _hash(b"".join(values.get(key, MISSING) for key in keys))
            self._parts[view_id, keys] = found
        return found

    def _combined(self, reads: Reads) -> str:
        part = self._part
        return _hash(b"".join([part(view_id, keys) for view_id, keys in reads])).hex()

    def split(self, pages: list[Page], out_dir: Path) -> tuple[list[Page], list[tuple[str, None]]]:
        """Return the pages to render and the (output, KEEP) entries of the pages to keep."""
        if not self.enabled:
            return pages, []
        todo, kept = [], []
        for page in pages:
            entry = self.cache.get("pages", self._key(page))
            if entry is not None and self._still_valid(entry, out_dir / page.output):
                kept.append((page.output, KEEP))
            else:
                todo.append(page)
        return todo, kept

    def _still_valid(self, entry: tuple, path: Path) -> bool:
        try:
            read, combined, size, mtime = entry
            if self._combined(unpacked(read)) != combined:
                return False
        except (EOFError, ValueError, TypeError):   # not what record() stores: render again
            return False
        return _as_written(path, size, mtime)

    def kept_file(self, output: str, key: str, out_dir: Path) -> bool:
        """Whether out_dir/output is the file made for key that record() last saw there."""
        entry = self.cache.get("files", digest("file", key, output)) if self.enabled else None
        try:
            size, mtime = entry
        except (ValueError, TypeError):   # none, or not what record() stores: made again
            return False
        return _as_written(out_dir / output, size, mtime)

    def made_file(self, output: str, key: str) -> None:
        """Note that this build writes output, made for key; record() remembers the file."""
        self._made.append((output, key))

    def record(self, pages: list[Page], reads: dict[str, bytes], out_dir: Path) -> None:
        """Remember, for each rendered page, what it read (packed, tracking.py) and the file
        it left in out_dir; for each file made_file() noted, the file."""
        if not self.enabled:
            return
        for output, key in self._made:
            try:
                stat = os.stat(out_dir / output)
            except OSError:
                continue
            self.cache.put("files", digest("file", key, output), (stat.st_size, stat.st_mtime_ns))
        for page in pages:
            read = reads.get(page.output)
            if read is None:
                continue
            try:
                stat = os.stat(out_dir / page.output)
            except OSError:
                continue
            self.cache.put("pages", self._key(page),
                           (read, self._combined(unpacked(read)), stat.st_size, stat.st_mtime_ns))


def _loaded_or_linked(name: str) -> bool:
    """Whether pages depend on a file of the templates folder only as they record it: a
    template (pages note each one they load), or a static file (pages only link to it)."""
    return name.endswith(".html") or name.startswith("static/")


def _as_written(path: Path, size: int, mtime: int) -> bool:
    """Whether path has the size and modification time a build left it with."""
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return (stat.st_size, stat.st_mtime_ns) == (size, mtime)
