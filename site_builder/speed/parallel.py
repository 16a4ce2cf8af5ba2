"""Run a pure function over many items on every core, with forked workers.

Workers are forked after the caller has built its in-memory state (the site, the
views), so they share it for free; only the items' results travel back, in order.
Small jobs, one core, or SITE_BUILDER_JOBS=1 run in this process. Knows nothing
about what the function does.
"""
from __future__ import annotations

import collections
import gc
import itertools
import multiprocessing
import os
import signal
import threading
import multiprocessing.pool
from multiprocessing.pool import AsyncResult
from typing import Any, Callable, Iterator, Sequence, TypeVar

from .allocator import trim

MIN_ITEMS_PER_WORKER = 150   # below this, forking costs more than it saves
MAX_CHUNK = 100              # items per chunk at most, so results arrive in small pieces
WAKE_SECONDS = 0.2           # the longest the caller waits for a chunk without running its signal handlers

T = TypeVar("T")

_task: tuple[Callable[[Any, Sequence], list], Any] | None = None


def workers() -> int:
    """Return how many processes to use: SITE_BUILDER_JOBS, else the usable cores."""
    wanted = os.environ.get("SITE_BUILDER_JOBS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Return whether this process may fork: the platform can, and no other thread runs.

    Forking a process that runs other threads (the preview server) can copy a lock held
    by one of them and deadlock the child, so such callers work in this process."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


STOPS = {signal.SIGINT, signal.SIGTERM}


def _leave_signals_to_the_caller() -> None:
    # A terminal's Ctrl-C, and make's or timeout's SIGTERM, reach the whole process group.
    # The caller stops the pool when it is interrupted; a worker that raised KeyboardInterrupt
    # (or ran the caller's own SIGTERM handler, preview/serve.py's) printed a traceback each.
    # SIGTERM, which the pool stops its workers with, ends a worker at once. Workers are
    # forked with both signals blocked (_pool), so none arrives before this has run.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)


def _pool(count: int) -> multiprocessing.pool.Pool:
    # With both signals blocked while the pool is made, its workers start with them blocked,
    # and so do its threads, for good: the pool forks replacement workers from one of them,
    # and the kernel delivers a signal to this thread, which runs the handlers.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    try:
        return multiprocessing.get_context("fork").Pool(count, _leave_signals_to_the_caller)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _wait(result: AsyncResult) -> list:
    # In slices: Python runs a signal's handler in this thread only once it wakes, and the
    # kernel may have handed the signal to one of the pool's threads; a chunk lost with a
    # worker that the same SIGTERM ended would never have woken it.
    while True:
        try:
            return result.get(timeout=WAKE_SECONDS)
        except multiprocessing.TimeoutError:
            continue


def _run_chunk(bounds: tuple[int, int]) -> list:
    func, (shared, items) = _task
    return func(shared, items[bounds[0]:bounds[1]])


def map_chunks(func: Callable[[Any, Sequence], list], shared: Any, items: Sequence,
               min_per_worker: int = MIN_ITEMS_PER_WORKER) -> list:
    """Return func(shared, items) computed in contiguous chunks across processes, in order.

    func must be a module-level function returning one result per item. `shared` and
    `items` reach the workers by fork, never by pickling; results are pickled back.
    Each worker gets at least `min_per_worker` items (a few costly items: pass 1).
    """
    return [result for chunk in iter_chunks(func, shared, items, min_per_worker) for result in chunk]


def map_chunks_beside(func: Callable[[Any, Sequence], list], shared: Any, items: Sequence,
                      here: Callable[[], T], min_per_worker: int = MIN_ITEMS_PER_WORKER) -> tuple[list, T]:
    """Return map_chunks(func, shared, items) and here(), which runs in this process
    while the workers work (one more job that need not travel back by pickle)."""
    done: list[T] = []
    chunks = iter_chunks(func, shared, items, min_per_worker, meanwhile=lambda: done.append(here()))
    return [result for chunk in chunks for result in chunk], done[0]


def iter_chunks(func: Callable[[Any, Sequence], list], shared: Any, items: Sequence,
                min_per_worker: int = MIN_ITEMS_PER_WORKER,
                meanwhile: Callable[[], None] | None = None) -> Iterator[list]:
    """Yield func(shared, chunk) for contiguous chunks of items, in order, as workers finish.

    The caller can consume each chunk (write it out) before the next arrives, so the
    results of a large job never sit in memory all at once. `meanwhile`, if given, runs
    in this process once every chunk is handed to the workers, before the first is yielded.
    """
    cores = workers()
    count = min(cores, len(items) // min_per_worker)
    # Beside a job of its own (meanwhile), this process already keeps one core busy.
    enough = 2 if meanwhile is None or cores < 2 else 1
    if count < enough or not can_fork():
        if meanwhile:
            meanwhile()
        yield func(shared, items)
        return
    global _task
    _task = (func, (shared, items))
    # More chunks than workers so that one slow chunk does not leave a core idle, and
    # no more than MAX_CHUNK items in one so that a chunk's results stay small.
    pieces = min(max(count * 4, len(items) // MAX_CHUNK), len(items))
    bounds = [(len(items) * i // pieces, len(items) * (i + 1) // pieces) for i in range(pieces)]
    # Frozen objects are left alone by the workers' garbage collector, so the pages
    # holding them stay shared with this process instead of being copied (less memory).
    trim()  # freed memory would otherwise be counted in every worker's share of this one
    gc.freeze()
    try:
        with _pool(count) as pool:
            # At most two chunks per worker in flight: when the caller consumes results more
            # slowly than workers make them (writing to a slow disk), the workers wait
            # instead of finished chunks piling up in this process. With `meanwhile` this
            # process is busy, so every chunk is handed out at once.
            todo = iter(bounds)
            window = collections.deque(pool.apply_async(_run_chunk, (b,))
                                       for b in itertools.islice(todo, None if meanwhile else count * 2))
            if meanwhile:
                meanwhile()
            while window:
                result = _wait(window.popleft())
                if (following := next(todo, None)) is not None:
                    window.append(pool.apply_async(_run_chunk, (following,)))
                yield result
    finally:
        _task = None
        gc.unfreeze()
