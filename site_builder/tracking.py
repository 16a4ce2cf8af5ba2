"""Record which entity views a page reads while it renders.

A View is the dict a template sees for one entity; every read of it (attribute,
item, `in`, iteration) notes the entity's id while a recording is open. The page
cache (page_cache.py) uses the record as the page's dependencies, as Lektor
records artifact dependencies. Knows nothing about templates or files.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

_reads: set[str] | None = None   # where reads are noted; render.py notes Jinja's reads itself


class View(dict):
    """A read-only entity view whose reads are recorded; `view_id` is its key in the views."""

    __slots__ = ("view_id",)

    def _note(self) -> None:
        if _reads is not None:
            _reads.add(self.view_id)

    def __getitem__(self, key: str) -> Any:
        if _reads is not None:  # _note() inline: the most frequent reads
            _reads.add(self.view_id)
        return dict.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        if _reads is not None:
            _reads.add(self.view_id)
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        self._note()
        return dict.__contains__(self, key)

    def __iter__(self) -> Iterator[str]:
        self._note()
        return dict.__iter__(self)

    def keys(self):
        self._note()
        return dict.keys(self)

    def values(self):
        self._note()
        return dict.values(self)

    def items(self):
        self._note()
        return dict.items(self)

    def __repr__(self) -> str:
        # Inside another view's repr a view stands for itself by id (page_cache.py digests reprs).
        return f"<View {self.view_id}>"


def make_view(view_id: str, fields: dict[str, Any]) -> View:
    """Return fields as a View known by view_id."""
    view = View(fields)
    view.view_id = view_id
    return view


@contextmanager
def recording() -> Iterator[set[str]]:
    """Collect the ids of every View read inside the block into the yielded set."""
    global _reads
    outer, _reads = _reads, set()
    try:
        yield _reads
    finally:
        inner = _reads
        _reads = outer
        if outer is not None:
            outer.update(inner)


# Jinja names an object's type in "has no attribute" errors; a View reads as the dict
# it is, so template errors say "'dict object' has no attribute 'nmae'" as before.
View.__module__, View.__name__ = "builtins", "dict"
