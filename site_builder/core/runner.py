"""How the stages run: work mapped over many items, and results memoised by their inputs.

Stages never fork, cache or skip work on their own. They call a Runner:
`map` / `map_beside` / `iter` for work over many items, `key` / `recall` / `keep` for results
that may be kept between builds, `view` and `recording` for the views pages read, and the
pipeline asks it about the build as a whole (`previous`, `templates`, `pages`).

This Runner is the plain one: everything in this process, in order, nothing kept, nothing
skipped. The fast runner (speed/runner.py) forks workers, keeps a disk cache, records what
each page reads to keep unchanged pages, and skips a build whose inputs are unchanged. A
build writes the same bytes with either (tests/speed/test_runner_contract.py), and the
builder works with speed/ deleted. Knows nothing about content types or file formats.
"""
from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from ..model.errors import SiteError
from .output import write_site

T = TypeVar("T")
Chunk = Callable[[Any, Sequence], list]   # func(shared, items) -> one result per item


class View(dict):
    """The dict a template sees for one entity (or the site); `view_id` is its key in the views."""

    __slots__ = ("view_id",)

    def __repr__(self) -> str:
        # Inside another view's repr a view stands for itself by id (what a page read is
        # digested by repr in speed/page_cache.py).
        return f"<View {self.view_id}>"


# Jinja names an object's type in "has no attribute" errors; a View reads as the dict it is,
# so template errors say "'dict object' has no attribute 'nmae'".
View.__module__, View.__name__ = "builtins", "dict"


class AllPages:
    """The plain page keeper: every page is rendered, every file made, nothing is kept from the last build."""

    enabled = False
    view_digests: dict[str, str] | None = None

    def split(self, pages: list, out_dir: Path) -> tuple[list, list[tuple[str, None]]]:
        """Return (pages to render, files kept as they are): here, all and none."""
        return pages, []

    def kept_file(self, output: str, key: str, out_dir: Path) -> bool:
        """Whether out_dir/output is the file made for key by a build remembered (so it may
        stay as it is): here, never."""
        return False

    def made_file(self, output: str, key: str) -> None:
        """Note that this build writes output, made for key (record() remembers it): here, nothing."""

    def record(self, pages: list, reads: dict[str, bytes], out_dir: Path) -> None:
        """Remember what each rendered page read, and the files made: here, nothing."""


class Runner:
    """The plain serial runner."""

    workers = 1

    # Work over many items. func(shared, items) returns one result per item; a runner may
    # call it on contiguous chunks, in other processes, so func is a module-level function.
    def map(self, func: Chunk, shared: Any, items: Sequence, min_per_worker: int | None = None) -> list:
        """Return func's results for every item, in order."""
        return [result for chunk in self.iter(func, shared, items, min_per_worker) for result in chunk]

    def map_beside(self, func: Chunk, shared: Any, items: Sequence, here: Callable[[], T],
                   min_per_worker: int | None = None) -> tuple[list, T]:
        """Return map(func, shared, items) and here(), one more job done meanwhile in this process."""
        done = here()
        return func(shared, items), done

    def iter(self, func: Chunk, shared: Any, items: Sequence, min_per_worker: int | None = None) -> Iterator[list]:
        """Yield func's results chunk by chunk, in order, so a caller can write each before the next."""
        yield func(shared, items)

    # Results kept between builds, by the digest of their inputs. When `remembers` is false
    # key() is None and callers skip computing keys they would never use.
    remembers = False

    def key(self, *parts: str | bytes) -> str | None:
        return None

    def recall(self, table: str, key: str) -> Any:
        """Return what keep() stored under key in an earlier build, or None."""
        return None

    def keep(self, table: str, key: str, value: Any) -> None:
        """Store a plain value (str, bytes, numbers, tuples, lists, dicts) under key."""

    # Views and what pages read of them.
    def view(self, view_id: str, fields: dict[str, Any]) -> View:
        """Return fields as a View known by view_id."""
        view = View(fields)
        view.view_id = view_id
        return view

    def recording(self) -> AbstractContextManager[set]:
        """Note the (view id, key) pairs read inside the block into the yielded set: here, none."""
        return nullcontext(set())

    def packed(self, reads: set) -> bytes:
        """Return what recording() noted, as bytes to keep with the page."""
        return b""

    environment_class: type | None = None   # a jinja2.Environment subclass; None: render.py's own
    tune_markdown: Callable[[Any], None] | None = None   # called once on each Markdown converter

    # The build as a whole.
    def session(self) -> AbstractContextManager[None]:
        """Wrap one whole build."""
        return nullcontext()

    def previous(self, content: Path, templates: Path, options: tuple,
                 out_dir: Path) -> tuple[int, list[SiteError]] | None:
        """Return (pages, warnings) of the last build when nothing it read or wrote has changed."""
        return None

    def remember(self, out_dir: Path, pages: int, warnings: list[SiteError]) -> None:
        """Note a successful build, for previous()."""

    def templates(self, templates_dir: Path) -> AbstractContextManager[Callable[[], Any] | None]:
        """Yield a factory of a Jinja bytecode cache for the templates, or None."""
        return nullcontext(None)

    def pages(self, templates: dict[str, str], language: str, context: View, views: dict[str, View]) -> AllPages:
        """Return what decides which pages to render and which files to keep, from the digest
        of each file of the templates folder (render.template_files)."""
        return AllPages()

    def save(self) -> None:
        """Store what this build kept."""

    def write(self, files: Iterable[tuple[str, bytes | None]], static_dir: Path, out_dir: Path,
              indexer: Callable[[Path], AbstractContextManager] | None,
              unindexed: Iterable[tuple[str, bytes]], warnings: Iterable[SiteError] = ()) -> int:
        """Write the site (output.write_site); the preview's runner also shows each update
        before it lands, with the build's warnings."""
        return write_site(files, static_dir, out_dir, indexer=indexer, unindexed=unindexed)
