"""Rebuild the site in a worker thread and keep the last good build and the current problems.

Each build writes a fresh, numbered snapshot folder beside the output (through
pipeline.build, so it is staged and swapped in whole); a snapshot never changes once
built, and the server serves only snapshots, so no request sees a half-written site.
A failed build keeps the last snapshot and publishes its problems instead. Builds run
one at a time; changes that arrive during a build queue at most one more.

Copying the newest good snapshot into the output folder (hard links, then a swap) and
deleting old snapshots happen in a second thread after browsers were told to reload:
on a disk where deleting thousands of folders takes seconds, that work stays off the
path from save to reload. Knows nothing about HTTP, livereload or watching files.
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
from typing import Callable, Iterable

from . import urls
from .errors import BuildFailed, Location, Problems, SiteError
from .loader import display_path, load_file
from .output import OLD_PREFIX, STAGING_PREFIX, check_output_dir, pid_alive
from .pipeline import Paths, Report, build
from .schema import SITE

SNAPSHOT_TAG = ".serve-"
MAX_WARNINGS_SHOWN = 20  # a rebuild on every save must not flood the terminal


@dataclass(frozen=True, slots=True)
class State:
    """What the server shows: the snapshot of the last good build and the current problems."""

    epoch: int = 0                       # bumps after every finished build, good or bad
    root: Path | None = None             # snapshot folder of the last good build
    base_path: str = "/"                 # path part of base_url the site is served under
    problems: tuple[SiteError, ...] = ()  # empty when the latest build succeeded


def snapshot_home(out: Path) -> Path:
    """Return the folder beside `out` that holds this process's snapshots."""
    out = out.absolute()
    return out.parent / f".{out.name}{SNAPSHOT_TAG}{os.getpid()}"


def clean_old_snapshots(out: Path) -> None:
    """Remove snapshot folders that earlier, killed preview servers left beside `out`."""
    out = out.absolute()
    tag = f".{out.name}{SNAPSHOT_TAG}"
    if not out.parent.is_dir():
        return
    for entry in out.parent.iterdir():
        if entry.name.startswith(tag) and not pid_alive(entry.name[len(tag):]):
            shutil.rmtree(entry, ignore_errors=True)


def link_tree(source: Path, target: Path) -> None:
    """Copy the folder source to target, hard-linking files where the disk allows."""
    def link_or_copy(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
    shutil.copytree(source, target, copy_function=link_or_copy, symlinks=True)


def replace_folder(source: Path, out: Path) -> None:
    """Make out a copy of source: link into a staging folder beside it, then swap it in."""
    out = out.absolute()
    staging = out.parent / f".{out.name}{STAGING_PREFIX}{os.getpid()}"
    old = out.parent / f".{out.name}{OLD_PREFIX}{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    link_tree(source, staging)
    if out.exists():
        os.replace(out, old)
    os.replace(staging, out)
    shutil.rmtree(old, ignore_errors=True)


def site_base_url(content: Path) -> str | None:
    """Return base_url from site.yaml, or None when it cannot be read."""
    doc = load_file(content / "site.yaml", SITE, "site", Problems())
    value = doc.data.get("base_url")
    return value.strip() if isinstance(value, str) else None


class Previewer:
    """Build on request in one worker thread and publish each result as a new State."""

    def __init__(self, paths: Paths, base_url: str | None = None, strict: bool = False,
                 on_update: Callable[[State], None] = lambda state: None,
                 say: Callable[[str], None] = print):
        self.paths, self.base_url, self.strict = paths, base_url, strict
        self.on_update, self.say = on_update, say
        self.state = State()
        self.home = snapshot_home(paths.out)
        self._wake = threading.Condition()
        self._pending: set[str] | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="site-builder-build", daemon=True)
        self._chores = ThreadPoolExecutor(max_workers=1, thread_name_prefix="site-builder-chores")
        self._out_holds: Path | None = None   # the snapshot paths.out was last copied from

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
        """Wait until the output folder holds the newest good build and old snapshots are gone."""
        self._chores.submit(lambda: None).result()

    def stop(self) -> None:
        """Stop building, bring the output folder up to date, and remove every snapshot."""
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=60)
        self._chores.shutdown(wait=True, cancel_futures=True)
        if self.state.root is not None and self.state.root.is_dir() and self._out_holds != self.state.root:
            self._move_to_out(self.state.root)  # a rename, not a copy: the snapshot is no longer needed
        shutil.rmtree(self.home, ignore_errors=True)

    # -- building --------------------------------------------------------------------

    def build_now(self, changes: Iterable[str] = (), drop_stale: bool = False) -> State | None:
        """Build once into a new snapshot, in the calling thread; publish and return the new State.

        With drop_stale, a failure is dropped (None) when newer changes already wait:
        a file deleted or half-saved mid-build is not worth an error flash.
        """
        started = time.perf_counter()
        root = self.home / str(self.state.epoch + 1)
        try:
            report = build(Paths(self.paths.content, self.paths.templates, root),
                           base_url=self.base_url, strict=self.strict)
        except BuildFailed as failed:
            with self._wake:
                stale = drop_stale and self._pending is not None
            return None if stale else self._failed(failed.problems, changes)
        except Exception as exc:  # a bug must not kill the preview; show it like a problem
            self.say(traceback.format_exc().rstrip())
            return self._failed([SiteError(Location("site_builder"), None,
                                           f"internal error: {type(exc).__name__}: {exc}")], changes)
        return self._succeeded(report, root, changes, time.perf_counter() - started)

    def _succeeded(self, report: Report, root: Path, changes: Iterable[str], seconds: float) -> State:
        base_url = self.base_url or site_base_url(self.paths.content) or "/"
        state = self._publish(State(self.state.epoch + 1, root, urls.base_path(base_url), ()))
        for problem in report.warnings[:MAX_WARNINGS_SHOWN]:
            self.say(str(problem))
        if len(report.warnings) > MAX_WARNINGS_SHOWN:
            self.say(f"... and {len(report.warnings) - MAX_WARNINGS_SHOWN} more warnings "
                     "(`python build.py check` lists them all)")
        self.say(f"built {report.pages} pages in {seconds:.2f}s{_because(changes)}")
        return state

    def _failed(self, problems: list[SiteError], changes: Iterable[str]) -> State:
        old = self.state
        state = self._publish(State(old.epoch + 1, old.root, old.base_path, tuple(problems)))
        for problem in problems:
            self.say(str(problem))
        count = len(problems)
        kept = "still serving the last good build" if state.root else "no good build to serve yet"
        self.say(f"build failed: {count} problem{'s' if count != 1 else ''}{_because(changes)}; {kept}")
        return state

    def adopt_existing(self) -> bool:
        """Serve the site already on disk in paths.out (from an earlier build), if there is one."""
        out = self.paths.out
        if self.state.root is not None or not (out / "index.html").is_file():
            return False
        base_url = self.base_url or site_base_url(self.paths.content) or "/"
        root = self.home / "0"
        link_tree(out, root)
        self.state = State(self.state.epoch, root, urls.base_path(base_url), self.state.problems)
        return True

    def _publish(self, state: State) -> State:
        previous = self.state
        self.state = state  # one attribute assignment: readers see the old or the new, never a mix
        self.on_update(state)
        if state.root is not None and state.root != previous.root:
            self._chores.submit(self._copy_to_out, state.root)
            self._chores.submit(self._forget_snapshots, {state.root, previous.root})
        return state

    def _copy_to_out(self, root: Path) -> None:
        if root != self.state.root:
            return  # a newer build has its own copy queued
        try:
            replace_folder(root, self.paths.out)
            self._out_holds = root
        except OSError as exc:
            self.say(f"{display_path(self.paths.out)}: cannot update the output folder: {exc}")

    def _move_to_out(self, root: Path) -> None:
        out = self.paths.out.absolute()
        old = out.parent / f".{out.name}{OLD_PREFIX}{os.getpid()}"
        try:
            if out.exists():
                os.replace(out, old)
            os.replace(root, out)
        except OSError as exc:
            self.say(f"{display_path(self.paths.out)}: cannot update the output folder: {exc}")
        shutil.rmtree(old, ignore_errors=True)

    def _forget_snapshots(self, keep: set[Path | None]) -> None:
        # Only snapshots older than every kept one go: a newer number may be a build in
        # progress. The previous snapshot stays one more round, for requests still reading it.
        oldest = min(int(path.name) for path in keep | {self.state.root} if path is not None)
        if self.home.is_dir():
            for entry in self.home.iterdir():
                if entry.name.isdigit() and int(entry.name) < oldest:
                    shutil.rmtree(entry, ignore_errors=True)

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._pending is None and not self._stopping:
                    self._wake.wait()
                if self._stopping:
                    return
                changes, self._pending = self._pending, None
            if self.build_now(changes, drop_stale=True) is None:
                self.say("files changed during the build; building again")


def _because(changes: Iterable[str]) -> str:
    shown = sorted(display_path(Path(change)) for change in changes)
    if not shown:
        return ""
    more = f" and {len(shown) - 3} more" if len(shown) > 3 else ""
    return f" (changed: {', '.join(shown[:3])}{more})"
