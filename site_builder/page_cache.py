"""Skip rendering pages whose inputs are unchanged since the build that wrote them.

While a page renders, tracking.py records which entity views it read. A page is
kept as written last time when the templates, the site-wide context (settings,
navigation, every list of entities), the page itself and every view it read are
unchanged, and its file in the output folder is the one that build wrote (same
size and modification time). If every value a template reads is the same, it reads
the same views and writes the same bytes; anything else is rendered again.
Knows nothing about Jinja; render.py reports what each page read.
"""
from __future__ import annotations

import os
from pathlib import Path
from .cache import Cache, digest
from .pages import Page
from .tracking import View

KEEP = None   # in a rendered list: this page's file in the output folder is already right


def view_digest(view: View) -> str:
    """Return the digest of everything a template can read from one view.

    The repr of a view's dict is exact for what views hold (str and Markup, dates,
    times, numbers, lists, dicts); a nested View appears as its id (tracking.py).
    """
    return digest(dict.__repr__(view))


def templates_digest(templates_dir: Path) -> str:
    """Return the digest of every file below the templates folder."""
    parts: list[str | bytes] = []
    for root, dirs, names in os.walk(templates_dir):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(root, name)
            parts += [os.path.relpath(path, templates_dir), Path(path).read_bytes()]
    return digest(*parts)


class PageCache:
    """Decide which pages need rendering, and remember what the rendered ones read."""

    def __init__(self, cache: Cache, templates: str, site_context: dict, views: dict[str, View]):
        """`templates` is templates_digest() of the templates folder."""
        self.cache = cache
        self.enabled = cache.enabled
        self.view_digests: dict[str, str] | None = None   # view id -> view_digest, with a cache
        if not self.enabled:
            return
        self.base = digest(templates, repr(site_context))
        self.view_digests = {key: view_digest(view) for key, view in views.items()}

    def _key(self, page: Page) -> str:
        return digest(self.base, repr(page))

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
        reads, combined, size, mtime = entry
        if digest(*(self.view_digests.get(view_id, "gone") for view_id in reads)) != combined:
            return False
        try:
            stat = os.stat(path)
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (size, mtime)

    def record(self, pages: list[Page], reads: dict[str, tuple[str, ...]], out_dir: Path) -> None:
        """Remember, for each rendered page, what it read and the file it left in out_dir."""
        if not self.enabled:
            return
        for page in pages:
            ids = reads.get(page.output)
            if ids is None:
                continue
            try:
                stat = os.stat(out_dir / page.output)
            except OSError:
                continue
            combined = digest(*(self.view_digests.get(view_id, "gone") for view_id in ids))
            self.cache.put("pages", self._key(page), (ids, combined, stat.st_size, stat.st_mtime_ns))
