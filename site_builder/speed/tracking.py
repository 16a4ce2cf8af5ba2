"""Record which keys of which entity views a page reads while it renders.

A View is the dict a template sees for one entity; every read of one of its keys
(attribute, item, `in`) notes the pair (entity id, key) while a recording is open,
its size (len(), truthiness) notes (id, LENGTH), and a read of the whole (iteration,
keys(), values(), items(), ==, copy()) notes (id, WHOLE).
The page cache (page_cache.py) uses the record as the page's dependencies, as Lektor
records artifact dependencies, so a page that shows only a person's name is not
rendered again when the person's summary changes. Knows nothing about templates or files.
"""
from __future__ import annotations

import marshal
from contextlib import contextmanager
from typing import Any, Iterator

from ..core.render import Environment
from ..core.runner import View

WHOLE = "*"      # the key noted for a read of the whole view; no field is named so
TEMPLATES = "@templates"   # the view of the template files, by path: no entity id has an "@"
LENGTH = "#len"  # the key noted for len(), truthiness and |length: how many keys the view has
Reads = tuple[tuple[str, tuple[str, ...]], ...]   # ((view id, (key, ...)), ...), in order

_reads: set[tuple[str, Any]] | None = None   # where reads are noted; render.py notes Jinja's reads itself


class TrackedView(View):
    """A read-only entity view whose reads are recorded; `view_id` is its key in the views."""

    __slots__ = ()

    def _note_whole(self) -> None:
        if _reads is not None:
            _reads.add((self.view_id, WHOLE))

    def __getitem__(self, key: str) -> Any:
        if _reads is not None:  # inline: the most frequent reads
            _reads.add((self.view_id, key))
        return dict.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        if _reads is not None:
            _reads.add((self.view_id, key))
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        if _reads is not None:
            _reads.add((self.view_id, key))
        return dict.__contains__(self, key)

    def __len__(self) -> int:
        if _reads is not None:
            _reads.add((self.view_id, LENGTH))
        return dict.__len__(self)

    def __eq__(self, other: object) -> bool:
        self._note_whole()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        self._note_whole()
        return dict.__ne__(self, other)

    __hash__ = None   # as for any dict

    def copy(self) -> dict:
        self._note_whole()
        return dict.copy(self)

    def __iter__(self) -> Iterator[str]:
        self._note_whole()
        return dict.__iter__(self)

    def keys(self):
        self._note_whole()
        return dict.keys(self)

    def values(self):
        self._note_whole()
        return dict.values(self)

    def items(self):
        self._note_whole()
        return dict.items(self)



def make_view(view_id: str, fields: dict[str, Any]) -> TrackedView:
    """Return fields as a TrackedView known by view_id."""
    view = TrackedView(fields)
    view.view_id = view_id
    return view


class TrackingEnvironment(Environment):
    """render.py's Environment, noting the reads of tracked views without a method call."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is TrackedView:
            # TrackedView.__getitem__ inline (millions of reads per build): note, then look up.
            if _reads is not None:
                _reads.add((obj.view_id, attribute))
            try:
                return dict.__getitem__(obj, attribute)
            except KeyError:
                pass
        return Environment.getattr(self, obj, attribute)

    # Every template a page loads, itself, what it extends, includes and imports, comes through
    # these two (Jinja's compiled code calls get_template): noted as a read of the TEMPLATES view.
    def get_template(self, name, parent=None, globals=None):
        if _reads is not None and isinstance(name, str):
            _reads.add((TEMPLATES, self.join_path(name, parent) if parent is not None else name))
        return super().get_template(name, parent, globals)

    def select_template(self, names, parent=None, globals=None):
        if _reads is not None:
            for name in names:
                if isinstance(name, str):
                    _reads.add((TEMPLATES, self.join_path(name, parent) if parent is not None else name))
        return super().select_template(names, parent, globals)


@contextmanager
def recording() -> Iterator[set[tuple[str, Any]]]:
    """Collect the (view id, key) pairs read inside the block into the yielded set."""
    global _reads
    outer, _reads = _reads, set()
    try:
        yield _reads
    finally:
        inner = _reads
        _reads = outer
        if outer is not None:
            outer.update(inner)


def grouped(reads: set[tuple[str, Any]]) -> Reads:
    """Return recorded pairs as ((view id, (key, ...)), ...), sorted; a view read whole, or
    by a key that is not a str, has the one key WHOLE."""
    keys: dict[str, set[str]] = {}
    for view_id, key in reads:
        keys.setdefault(view_id, set()).add(key if isinstance(key, str) else WHOLE)
    return tuple((view_id, (WHOLE,) if WHOLE in keys[view_id] else tuple(sorted(keys[view_id])))
                 for view_id in sorted(keys))


def packed(reads: set[tuple[str, Any]]) -> bytes:
    """Return grouped(reads) as bytes. What each page read is kept packed, from the worker
    that renders it to the cache: for 10,000 pages that is a fifth of the memory the
    tuples take (issue 7)."""
    return marshal.dumps(grouped(reads))


def unpacked(data: bytes) -> Reads:
    """Return the Reads that packed() made. Other bytes (a tampered cache) may raise
    ValueError or EOFError, or give any plain value, which the page cache then fails to
    match (page_cache.py); a value that is not bytes raises TypeError."""
    return marshal.loads(data)


# Jinja names an object's type in "has no attribute" errors (see core/runner.py's View).
TrackedView.__module__, TrackedView.__name__ = "builtins", "dict"
