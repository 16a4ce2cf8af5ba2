"""Say how far a long build has got: which stage it is in and, while rendering, how many pages.

The pipeline calls stage(name) as each stage starts, step(done, total) as pages are made,
and done() at the end. Progress says nothing (the default); the CLI picks one of the two
that speak, both on stderr so that the summary line on stdout is unchanged:

- on a terminal, TerminalProgress keeps one line up to date once the build has taken
  longer than SHOW_AFTER seconds ("rendering pages 1200/3117 · 4.2 s"), and clears it;
- elsewhere (CI, pipes), StageLines writes one quiet line per finished stage with its time
  ("  stage render 3.10 s"), once the build has lasted longer than SHOW_AFTER seconds.

SITE_BUILDER_STAGES=1 writes the stage lines for every build (benchmarks/run.py reads
them); SITE_BUILDER_STAGES=0 shows nothing (the tests compare whole outputs).

Knows nothing about what the stages do.
"""
from __future__ import annotations

import os
import sys
import time
from typing import Iterable, Iterator, TextIO, TypeVar

T = TypeVar("T")

SHOW_AFTER = 1.0   # seconds: shorter builds show nothing


class Progress:
    """Told about every stage and step; shows nothing."""

    def stage(self, name: str) -> None:
        """A stage starts (the previous one, if any, is over)."""

    def step(self, done: int, total: int) -> None:
        """`done` of `total` items of the current stage are made."""

    def done(self) -> None:
        """The build is over (successfully or not)."""

    def counted(self, items: Iterable[T], total: int) -> Iterator[T]:
        """Yield items, telling step() of each."""
        for done, item in enumerate(items, start=1):
            self.step(done, total)
            yield item


class StageLines(Progress):
    """One line per finished stage with its time, once the build has run SHOW_AFTER seconds."""

    def __init__(self, stream: TextIO | None = None, always: bool = False):
        self.stream, self.always = stream, always   # always: from the first stage on
        self.started = self.stage_started = time.perf_counter()
        self.name: str | None = None
        self.finished: list[tuple[str, float]] = []

    def stage(self, name: str) -> None:
        self._close()
        self.name, self.stage_started = name, time.perf_counter()

    def done(self) -> None:
        self._close()
        self.name = None

    def _close(self) -> None:
        now = time.perf_counter()
        if self.name is not None:
            self.finished.append((self.name, now - self.stage_started))
        if self.finished and (self.always or now - self.started > SHOW_AFTER):
            stream = self.stream or sys.stderr
            for name, seconds in self.finished:
                print(f"  stage {name} {seconds:.2f} s", file=stream, flush=True)
            self.finished = []


class TerminalProgress(Progress):
    """One line on a terminal, rewritten in place, from SHOW_AFTER seconds on; cleared at the end."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream
        self.started = time.perf_counter()
        self.name = ""
        self.shown = False
        self.last = 0.0

    def stage(self, name: str) -> None:
        self.name = name
        self._show(name)

    def step(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - self.last >= 0.1 or done == total:   # at most ten redraws a second
            self.last = now
            self._show(f"{self.name} {done}/{total}")

    def done(self) -> None:
        if self.shown:
            print("\r\033[K", end="", file=self.stream or sys.stderr, flush=True)
            self.shown = False

    def _show(self, what: str) -> None:
        elapsed = time.perf_counter() - self.started
        if elapsed < SHOW_AFTER:
            return
        self.shown = True
        print(f"\r\033[K{what} · {elapsed:.1f} s", end="", file=self.stream or sys.stderr, flush=True)


def progress_for(stream: TextIO | None = None) -> Progress:
    """Return the progress display for a command-line run writing to stream (stderr)."""
    stream = stream or sys.stderr
    choice = os.environ.get("SITE_BUILDER_STAGES")
    if choice == "1":
        return StageLines(stream, always=True)
    if choice == "0":
        return Progress()
    if stream.isatty() and os.environ.get("TERM") != "dumb":
        return TerminalProgress(stream)
    return StageLines(stream)
