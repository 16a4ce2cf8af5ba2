"""Keep Python's cycle collector out of a build, and free the build's garbage in one pass.

The linked content is one big graph of cycles (a person's meetings point back at the
person), so it is freed only by the cycle collector, never by reference counts. While
a build makes that graph, the collector's automatic passes walk all of it again and
again, finding nothing to free. In the preview, whose cache keeps hundreds of
thousands of objects alive between builds, that was 2 to 3 s of a 10 to 12 s edit
build at the large preset (issue 7); a cold one-off build did not measurably change.
A build allocates little else in cycles, so pausing the collector costs no memory to
speak of: the graph stays alive until the build returns either way.

Pausing does not stop new objects from being tracked: when the pause ends, the first
allocation walks everything made meanwhile. A long-lived process (`serve`) therefore
frees its builds' garbage itself, with collect() inside its own pause, at a moment it
chooses (0.5-0.7 s at the large preset, 20-30 ms on the real explainer); a one-off
build leaves it to that one pass, or to os._exit in `build.py`. The switch is
process-wide: threads running meanwhile (the preview's HTTP server) run without
automatic collection too, and forked render workers inherit it (they make little
cyclic garbage, and end with their pool).
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused() -> Iterator[None]:
    """Run the block without automatic cycle collection; restore it as it was after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def collect() -> int:
    """Free every object in unreachable cycles now, in one full pass; return how many.

    A full pass, not one of the youngest generation only: a build that forked workers
    has aged every object it made (parallel.py freezes them), so its graph is in the
    oldest generation."""
    return gc.collect()
