"""Let one build at a time write beside an output folder (an OS lock, as Hugo's build lock).

The lock is flock() on the output's parent folder, so it needs no lock file, vanishes
with the process that held it (kill -9 included) and never blocks a reader.
Knows nothing about what is being built.
"""
from __future__ import annotations

import fcntl
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ..model.errors import BuildFailed, Location, SiteError

WAIT_SECONDS = 300.0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def build_lock(out_dir: Path, wait: float = WAIT_SECONDS, notify: Callable[[str], None] = _say) -> Iterator[None]:
    """Hold the build lock for out_dir; wait up to `wait` seconds for another build to finish."""
    parent = out_dir.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(parent, os.O_RDONLY)
    except OSError as exc:
        raise BuildFailed([SiteError(Location(str(out_dir)), None,
                                     f"cannot create the output folder: {exc.strerror or exc}",
                                     "choose another --out")]) from None
    try:
        _acquire(fd, out_dir, wait, notify)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _acquire(fd: int, out_dir: Path, wait: float, notify: Callable[[str], None]) -> None:
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise BuildFailed([SiteError(Location(str(out_dir)), None,
                                             "another build is still writing here",
                                             "wait for it to finish, or stop it")]) from None
            if not told:
                notify(f"{out_dir}: waiting for another build to finish…")
                told = True
            time.sleep(0.05)
