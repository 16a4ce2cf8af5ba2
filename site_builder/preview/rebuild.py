"""Rebuild the site in a worker thread and keep the last good build and the current problems.

Every build updates the output folder itself in place (pipeline.build with one cache
kept for the whole session, so unchanged files and pages are reused). Readers never see
half of an update: once the changed files are staged and before the first one replaces
its old version, a State whose overlay holds them (bytes in memory, None for deleted
files) is published and browsers are told to reload; the server serves the overlay
before the folder. After the renames a State without overlay follows. A failed build
touches nothing and publishes its problems over the last good build. Builds run one at
a time; changes that arrive during a build queue at most one more. A build's housekeeping
(storing its cache, freeing its garbage) waits until browsers have reloaded: TIDY_AFTER
seconds without a change, or the start of the next build.

The search index (Pagefind) is rebuilt in a second thread after the reload, into a
work folder beside the output, and swapped into `<out>/pagefind/`, which builds leave
alone: search catches up a moment after the page. Knows nothing about HTTP,
livereload or watching files.
"""
from __future__ import annotations

import os
import shutil
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

from ..tools.editor_schemas import refresh_schemas
from ..speed import allocator, collector

from ..model import urls
from ..model.translations import site_languages
from ..speed.cache import Cache
from ..speed.runner import FastRunner
from ..model.errors import BuildFailed, Location, Problems, SiteError
from ..core.loader import display_path, load_file
from ..core.progress import Progress
from ..core.output import check_output_dir, pid_alive, write_site
from ..pipeline import Paths, Report, build
from ..model.schema import SITE
from ..publish.search import BUNDLE, finish_live, reindex_live

SEARCH_TAG = ".search-"
MAX_WARNINGS_SHOWN = 20  # a rebuild on every save must not flood the terminal
TIDY_AFTER = 0.2         # seconds without a new change after a build before its housekeeping


@dataclass(frozen=True, slots=True)
class State:
    """What the server shows: the last good build, the files of it not yet on disk, the problems."""

    epoch: int = 0                       # bumps after every finished build, good or bad
    root: Path | None = None             # the folder of the last good build (the output folder)
    base_path: str = "/"                 # path part of base_url the site is served under
    problems: tuple[SiteError, ...] = ()  # empty when the latest build succeeded
    overlay: Mapping[str, bytes | None] | None = None  # path below root -> newest bytes (None: deleted)
    warnings: tuple[SiteError, ...] = ()  # of the latest build, shown apart (and drafts' gaps)

    def read(self, relative: str) -> bytes | None:
        """Return the bytes of a file of the last good build, or None when it has none."""
        if self.overlay is not None and relative in self.overlay:
            return self.overlay[relative]
        try:
            return (self.root / relative).read_bytes() if self.root is not None else None
        except OSError:
            return None


def search_work_dir(out: Path) -> Path:
    """Return the folder beside `out` where this process builds the next search index."""
    out = out.absolute()
    return out.parent / f".{out.name}{SEARCH_TAG}{os.getpid()}"


def clean_old_work_dirs(out: Path) -> None:
    """Remove search work folders that earlier, killed preview servers left beside `out`,
    first finishing a swap of the search index that a kill cut in half."""
    out = out.absolute()
    tag = f".{out.name}{SEARCH_TAG}"
    if not out.parent.is_dir():
        return
    for entry in out.parent.iterdir():
        if entry.name.startswith(tag) and not pid_alive(entry.name[len(tag):]):
            try:
                finish_live(out, entry)
            except OSError:
                pass   # the next good build indexes the site again
            shutil.rmtree(entry, ignore_errors=True)


def site_base_url(content: Path) -> str | None:
    """Return base_url from site.yaml, or None when it cannot be read."""
    doc = load_file(content / "site.yaml", SITE, "site", Problems())
    value = doc.data.get("base_url")
    return value.strip() if isinstance(value, str) else None


def other_language_folders(content: Path) -> list[tuple[str, str]]:
    """Return (language, folder) of each language after the site's own, from site.yaml (none
    when it cannot be read): where the preview serves each translation."""
    data = load_file(content / "site.yaml", SITE, "site", Problems()).data
    tags = site_languages(data) if isinstance(data, dict) else ()
    return [(tag, urls.language_folder(tag, tags[0])) for tag in tags[1:] if isinstance(tag, str)]


class Previewer:
    """Build on request in one worker thread and publish each result as a new State."""

    def __init__(self, paths: Paths, base_url: str | None = None, strict: bool = False,
                 on_update: Callable[[State], None] = lambda state: None,
                 say: Callable[[str], None] = print, cache: Cache | None = None, search: bool = True,
                 progress: Callable[[], Progress] = Progress):
        self.paths, self.base_url, self.strict = paths, base_url, strict
        self.progress = progress   # makes each build's progress display (core/progress.py)
        self.on_update, self.say = on_update, say
        self.cache = cache or Cache(None)  # one for the session: its tables stay in memory
        self.search = search
        self.live = paths.out.absolute()
        self.state = State()
        self._wake = threading.Condition()
        self._pending: set[str] | None = None
        self._stopping = False
        self._shown: State | None = None   # published from staged files during the current build
        self._thread = threading.Thread(target=self._run, name="site-builder-build", daemon=True)
        self._indexer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="site-builder-search")
        self._good_builds = 0               # good builds so far; the search index follows them
        self._indexed = 0                   # the good build the search index was made from
        self._untidy = False                # the last build's housekeeping is still to do
        self._unsaved = False               # the last build's cache is still to store

    # -- control, from any thread ----------------------------------------------------

    def check_output(self) -> None:
        """Raise BuildFailed if paths.out is not a folder the builder may replace."""
        check_output_dir(self.paths.out, [self.paths.content, self.paths.templates])

    def request(self, changes: Iterable[str] = ()) -> None:
        """Ask for a rebuild; requests during a build merge into one next build."""
        with self._wake:
            self._pending = (self._pending or set()) | set(changes)
            self._wake.notify()

    def start(self) -> None:
        self._thread.start()

    def settle(self) -> None:
        """Wait until the search index matches the newest good build."""
        self._indexer.submit(lambda: None).result()

    def stop(self) -> None:
        """Stop building and let the search index catch up; the output folder keeps the last good build."""
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=60)
        self._indexer.shutdown(wait=True)
        shutil.rmtree(search_work_dir(self.live), ignore_errors=True)

    # -- building --------------------------------------------------------------------

    def build_now(self, changes: Iterable[str] = (), drop_stale: bool = False, tidy: bool = True) -> State | None:
        """Build once into the output folder, in the calling thread; publish and return the new State.

        With drop_stale, a failure is dropped (None) when newer changes already wait:
        a file deleted or half-saved mid-build is not worth an error flash. Without tidy,
        the build's housekeeping waits for tidy_up() or the next build.
        """
        # Without automatic collection (collector.py) until this build's garbage, its
        # content graph, is freed in one pass: after it, when browsers have been told to
        # reload, and before the next build makes another graph.
        with collector.paused():
            self.tidy_up()
            try:
                return self._build(changes, drop_stale)
            finally:
                # The staged files are on disk or in self.state by now (a failed rename keeps
                # them there): not kept here until the next build (every changed file's bytes,
                # 93 MB with data.json at the large preset).
                self._shown = None
                self._untidy = True
                if tidy:
                    self.tidy_up()

    def tidy_up(self) -> None:
        """Do the last build's housekeeping, if it is not done yet: store its cache (a
        successful build's), free its garbage in one pass, then give the freed memory back
        to the system (allocator.py): a build at the large preset leaves about 290 MB of
        free heap that the process would otherwise keep between edits (issue 23)."""
        if not self._untidy:
            return
        self._untidy = False
        with collector.paused():
            if self._unsaved:
                self._unsaved = False
                self.cache.save()
            collector.collect()
            allocator.trim()

    def _build(self, changes: Iterable[str], drop_stale: bool) -> State | None:
        started = time.perf_counter()
        refresh_schemas(self.paths.content)   # a new person is known to the editor after this save
        try:
            report = build(self.paths, base_url=self.base_url, strict=self.strict, search=False, drafts=True,
                           runner=_PreviewRunner(self.cache, self._show_staged, self._save_later),
                           progress=self.progress())
        except BuildFailed as failed:
            with self._wake:
                stale = drop_stale and self._pending is not None
            return None if stale else self._failed(failed.problems, changes, failed.warnings)
        except Exception as exc:  # a bug must not kill the preview; show it like a problem
            self.say(traceback.format_exc().rstrip())
            return self._failed([SiteError(Location("site_builder"), None,
                                           f"internal error: {type(exc).__name__}: {exc}")], changes)
        return self._succeeded(report, changes, time.perf_counter() - started)

    def _save_later(self) -> None:
        self._unsaved = True

    def _show_staged(self, changed: dict[str, bytes], deleted: list[str], warnings: tuple[SiteError, ...]) -> None:
        # Called by output.update_in_place between staging and renaming: from here on the
        # server answers from these bytes, so the renames can happen under live readers.
        # The build's warnings come along, so that its panel is on the pages at once.
        overlay = {**changed, **dict.fromkeys(deleted)}
        self._shown = self._publish(State(self.state.epoch + 1, self.live, self._base_path(), (), overlay,
                                          warnings))

    def _succeeded(self, report: Report, changes: Iterable[str], seconds: float) -> State:
        shown = self._shown
        # Browsers were told to reload when the overlay went up, with this build's warnings
        # panel: dropping the overlay changes no byte served, and they reload once per build.
        epoch = shown.epoch if shown else self.state.epoch + 1
        state = State(epoch, self.live, self._base_path(), (), warnings=tuple(report.warnings))
        self._publish(state, notify=shown is None)
        self._good_builds += 1
        if self.search:
            self._indexer.submit(self._index)
        for problem in report.warnings[:MAX_WARNINGS_SHOWN]:
            self.say(str(problem))
        if len(report.warnings) > MAX_WARNINGS_SHOWN:
            self.say(f"... and {len(report.warnings) - MAX_WARNINGS_SHOWN} more warnings "
                     "(`python build.py check` lists them all)")
        again = "" if report.rendered == report.pages else f", {report.rendered or 'none'} rendered again"
        self.say(f"built {report.pages} pages in {seconds:.2f}s{again}{_because(changes)}")
        return state

    def _failed(self, problems: list[SiteError], changes: Iterable[str],
                warnings: Iterable[SiteError] = ()) -> State:
        old = self.state  # keeps its overlay: staged bytes may not all be on disk after an error
        state = self._publish(State(old.epoch + 1, old.root, old.base_path, tuple(problems), old.overlay,
                                    tuple(warnings)))
        for problem in problems:
            self.say(str(problem))
        count = len(problems)
        kept = "still serving the last good build" if state.root else "no good build to serve yet"
        self.say(f"build failed: {count} problem{'s' if count != 1 else ''}{_because(changes)}; {kept}")
        return state

    def adopt_existing(self) -> bool:
        """Serve the site already on disk in paths.out (from an earlier build), if there is one."""
        if self.state.root is not None or not (self.live / "index.html").is_file():
            return False
        self.state = State(self.state.epoch, self.live, self._base_path(), self.state.problems)
        return True

    def _base_path(self) -> str:
        return urls.base_path(self.base_url or site_base_url(self.paths.content) or "/")

    def _publish(self, state: State, notify: bool = True) -> State:
        self.state = state  # one attribute assignment: readers see the old or the new, never a mix
        if notify:
            self.on_update(state)
        return state

    def _index(self) -> None:
        build_number = self._good_builds
        if build_number == self._indexed:
            return  # a later job already indexed this build
        try:
            reindex_live(self.live, search_work_dir(self.live))
        except (BuildFailed, OSError) as exc:
            if build_number == self._good_builds:  # else the next job indexes the newer build anyway
                problems = exc.problems if isinstance(exc, BuildFailed) else [exc]
                self.say(f"search index not updated: {'; '.join(str(p) for p in problems)}")
            return
        self._indexed = build_number

    def _run(self) -> None:
        while True:
            with self._wake:
                if self._untidy and self._pending is None and not self._stopping:
                    self._wake.wait(TIDY_AFTER)   # browsers reload meanwhile, undisturbed
                idle = self._pending is None
            if idle:
                self.tidy_up()
            with self._wake:
                while self._pending is None and not self._stopping:
                    self._wake.wait()
                if self._stopping:
                    break
                changes, self._pending = self._pending, None
            if self.build_now(changes, drop_stale=True, tidy=False) is None:
                self.say("files changed during the build; building again")
        self.tidy_up()


def _because(changes: Iterable[str]) -> str:
    shown = sorted(display_path(Path(change)) for change in changes)
    if not shown:
        return ""
    more = f" and {len(shown) - 3} more" if len(shown) > 3 else ""
    return f" (changed: {', '.join(shown[:3])}{more})"


class _PreviewRunner(FastRunner):
    """The fast runner, writing as the preview needs: an update's files are shown (served
    from memory) before they replace the old ones, and the live search index is kept."""

    def __init__(self, cache: Cache, show: Callable[[dict[str, bytes], list[str], tuple[SiteError, ...]], None],
                 save: Callable[[], None]):
        super().__init__(cache)
        self.show, self.save_later = show, save

    def save(self) -> None:
        self.save_later()   # the Previewer stores the cache once browsers have reloaded

    def write(self, files, static_dir, out_dir, indexer, unindexed, warnings=()) -> int:
        warnings = tuple(warnings)
        return write_site(files, static_dir, out_dir, indexer=indexer, unindexed=unindexed,
                          before_rename=lambda changed, deleted: self.show(changed, deleted, warnings),
                          keep_folders=(BUNDLE,))
