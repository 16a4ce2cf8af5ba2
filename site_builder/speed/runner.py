"""The fast runner: core/runner.py's Runner with every shortcut this wing has.

Work over many items goes to forked workers (parallel.py); results are kept in a disk
cache by the digest of their inputs (cache.py); what each page reads is recorded
(tracking.py) so that pages whose reads are unchanged keep their file (page_cache.py);
a build whose inputs and output are untouched does nothing (uptodate.py); templates are
compiled in a child process meanwhile (precompile.py); the cycle collector waits until
the build is done (collector.py); Python-Markdown's inline pass skips patterns that
cannot match (inline_speed.py). The bytes written are the plain runner's.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence, TypeVar

from . import collector, parallel, tracking, uptodate
from .cache import Cache
from .inline_speed import speed_up_inline
from .page_cache import PageCache
from .precompile import precompiling
from ..core.loader import is_ignored
from ..core.runner import Chunk, Runner, View
from ..model.errors import SiteError
from ..model.hashing import digest

T = TypeVar("T")


class FastRunner(Runner):
    """Forks, caches in `cache` (Cache(None): nothing kept), keeps unchanged pages."""

    def __init__(self, cache: Cache | None = None):
        self.cache = cache or Cache(None)
        self._key: str | None = None     # of the build in progress, for remember()
        self._stamp: str | None = None
        self._inputs: tuple[Path, Path] | None = None

    @property
    def workers(self) -> int:  # type: ignore[override]
        return parallel.workers()

    def map(self, func: Chunk, shared: Any, items: Sequence, min_per_worker: int | None = None) -> list:
        return parallel.map_chunks(func, shared, items, min_per_worker or parallel.MIN_ITEMS_PER_WORKER)

    def map_beside(self, func: Chunk, shared: Any, items: Sequence, here: Callable[[], T],
                   min_per_worker: int | None = None) -> tuple[list, T]:
        return parallel.map_chunks_beside(func, shared, items, here,
                                          min_per_worker or parallel.MIN_ITEMS_PER_WORKER)

    def iter(self, func: Chunk, shared: Any, items: Sequence, min_per_worker: int | None = None) -> Iterator[list]:
        return parallel.iter_chunks(func, shared, items, min_per_worker or parallel.MIN_ITEMS_PER_WORKER)

    @property
    def remembers(self) -> bool:  # type: ignore[override]
        return self.cache.enabled

    def key(self, *parts: str | bytes) -> str | None:
        return digest(*parts) if self.cache.enabled else None

    def recall(self, table: str, key: str) -> Any:
        return self.cache.get(table, key)

    def keep(self, table: str, key: str, value: Any) -> None:
        self.cache.put(table, key, value)

    def view(self, view_id: str, fields: dict[str, Any]) -> View:
        return tracking.make_view(view_id, fields)

    def recording(self):
        return tracking.recording()

    def packed(self, reads: set) -> bytes:
        return tracking.packed(reads)

    environment_class = tracking.TrackingEnvironment
    tune_markdown = staticmethod(speed_up_inline)

    def session(self):
        return collector.paused()

    def previous(self, content: Path, templates: Path, options: tuple,
                 out_dir: Path) -> tuple[int, list[SiteError]] | None:
        # The stamp is taken first: a save during the build (even one undone before the next)
        # must not leave a key that names bytes the output was not built from (issue 21).
        self._inputs = (content, templates)
        self._stamp = uptodate.inputs_stamp(content, templates, is_ignored) if self.cache.enabled else None
        self._key = uptodate.build_key(content, templates, options, is_ignored) if self._stamp else None
        return uptodate.previous(self.cache, self._key, out_dir)

    def remember(self, out_dir: Path, pages: int, warnings: list[SiteError]) -> None:
        if self._stamp and self._stamp == uptodate.inputs_stamp(*self._inputs, is_ignored):
            uptodate.remember(self.cache, self._key, out_dir, pages, warnings)

    @contextmanager
    def templates(self, templates_dir: Path) -> Iterator[Callable[[], Any] | None]:
        with precompiling(templates_dir) as precompiled:
            yield precompiled.bytecode

    def pages(self, templates: dict[str, str], language: str, context: View, views: dict[str, View]) -> PageCache:
        return PageCache(self.cache, templates, language, context, views)

    def save(self) -> None:
        self.cache.save()
