"""Notice changes under folders and coalesce a burst of them into one rebuild request.

Changes arrive as the operating system's file events (inotify, FSEvents,
ReadDirectoryChangesW) through watchfiles, a well-kept Rust-backed library also used by
uvicorn: an idle preview costs no CPU and a save is seen at once. A burst is released
as soon as it has settled for SETTLE_SECONDS (an editor's atomic save: write a temp
file, rename it over the old one), never after a fixed quarter-second; saves that
never pause are released every MAX_WAIT_SECONDS (bad-inputs.md F11, F12). Where events
are not available (some network drives, inotify limits), folders are polled instead,
slowly, and the terminal says so. Editors' temp and backup files are ignored (the same
names the loader skips). Knows nothing about building or serving: it only calls
`on_change(paths)`.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import watchfiles

from ..core.loader import is_ignored

Stamp = tuple[int, int, int, bool]   # mtime_ns, size, inode, is a folder
SETTLE_SECONDS = 0.03                # a burst has settled: no event for this long
MAX_WAIT_SECONDS = 2.0               # build anyway after this long, even if saves keep coming
POLL_SECONDS = 0.5                   # only where file events are not available
MAX_WATCH_SHARE = 0.1                # at most this share of one core goes to polling


def scan(roots: Iterable[Path]) -> dict[str, Stamp]:
    """Return a stamp for every file and folder below roots, skipping ignored names and symlink targets."""
    stamps: dict[str, Stamp] = {}
    for root in roots:
        _scan_folder(str(root), stamps)
    return stamps


def _scan_folder(folder: str, stamps: dict[str, Stamp]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return  # deleted between listing its parent and now; the next poll sees it gone
    for entry in entries:
        if is_ignored(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        stamps[entry.path] = (info.st_mtime_ns, info.st_size, info.st_ino, is_dir)
        if is_dir:
            _scan_folder(entry.path, stamps)


def changed_paths(before: dict[str, Stamp], after: dict[str, Stamp]) -> set[str]:
    """Return the paths added, deleted or changed between two scans."""
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


@dataclass(slots=True)
class Debouncer:
    """Collect changes and release them once no new change came for `quiet` seconds.

    A search-and-replace over twenty files is one burst, so one rebuild. Saves that
    never pause (a script touching a file every 100 ms) are still released every
    `max_wait` seconds, so the preview cannot starve.
    """

    quiet: float = SETTLE_SECONDS
    max_wait: float = MAX_WAIT_SECONDS
    pending: set[str] = field(default_factory=set)
    first: float | None = None
    last: float | None = None

    def add(self, paths: Iterable[str], now: float) -> None:
        """Record changed paths seen at time `now`."""
        paths = set(paths)
        if not paths:
            return
        self.pending |= paths
        self.first = now if self.first is None else self.first
        self.last = now

    def due(self, now: float) -> frozenset[str] | None:
        """Return and forget the collected paths if their burst is over, else None."""
        if self.last is None or self.first is None:
            return None
        if now - self.last < self.quiet and now - self.first < self.max_wait:
            return None
        released = frozenset(self.pending)
        self.pending, self.first, self.last = set(), None, None
        return released


class Watcher:
    """Poll roots in a daemon thread and call on_change(paths) once per burst of changes
    (the fallback where file events are not available)."""

    def __init__(self, roots: Iterable[Path], on_change: Callable[[frozenset[str]], None],
                 debouncer: Debouncer | None = None, interval: float = POLL_SECONDS):
        self.roots = [Path(root) for root in roots]
        self.on_change = on_change
        self.debouncer = debouncer or Debouncer()
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="site-builder-watch", daemon=True)
        self._stamps = scan(self.roots)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def poll(self, now: float) -> frozenset[str] | None:
        """Scan once, feed the debouncer, and return a finished burst if there is one."""
        stamps = scan(self.roots)
        self.debouncer.add(changed_paths(self._stamps, stamps), now)
        self._stamps = stamps
        return self.debouncer.due(now)

    def _run(self) -> None:
        while not self._stop.is_set():
            started, cpu = time.monotonic(), time.thread_time()
            burst = self.poll(started)
            if burst:
                self.on_change(burst)
            # This thread's own CPU time, not the wall clock: a scan that waited for the
            # build thread (the GIL) must not stretch the next wait, or saves go unseen.
            spent = time.thread_time() - cpu
            self._stop.wait(max(self.interval, spent / MAX_WATCH_SHARE - spent))


def _watched(change: watchfiles.Change, path: str) -> bool:
    return not is_ignored(os.path.basename(path))


class EventWatcher:
    """Follow the operating system's file events under roots in a daemon thread and call
    on_change(paths) once per settled burst; fall back to polling (Watcher) if events fail.

    Made before the first build and started after it, like Watcher: the folders are
    scanned at once, and whatever changed before the events flow is reported on start.
    """

    def __init__(self, roots: Iterable[Path], on_change: Callable[[frozenset[str]], None],
                 say: Callable[[str], None] = print):
        self.roots = [Path(root) for root in roots]
        self.on_change = on_change
        self.say = say
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="site-builder-watch", daemon=True)
        self._stamps = scan(self.roots)
        self._fallback: Watcher | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        if self._fallback is not None:
            self._fallback.stop()

    def _run(self) -> None:
        roots = [root for root in self.roots if root.is_dir()]
        try:
            events = watchfiles.watch(*roots, watch_filter=_watched, step=int(SETTLE_SECONDS * 1000),
                                      debounce=int(MAX_WAIT_SECONDS * 1000), stop_event=self._stop,
                                      rust_timeout=500, yield_on_timeout=True, raise_interrupt=False)
            first = True
            for changes in events:
                if first:   # watching from here on: report what changed since the scan at start-up
                    first = False
                    missed = changed_paths(self._stamps, scan(self.roots))
                    changes = changes | {(watchfiles.Change.modified, path) for path in missed}
                if changes:
                    self.on_change(frozenset(path for _, path in changes))
        except (OSError, RuntimeError) as exc:   # no inotify (limits, some network drives)
            if self._stop.is_set():
                return
            self.say(f"file events are not available here ({exc}); polling the folders every {POLL_SECONDS} s")
            self._fallback = Watcher(self.roots, self.on_change, interval=POLL_SECONDS)
            self._fallback._stamps = self._stamps
            self._fallback.start()
