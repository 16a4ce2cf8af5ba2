"""Keep Python's cycle collector out of a build, and run it once when a build is done.

The linked content is one big graph of cycles (a person's meetings point back at the
person), so it is freed only by the cycle collector, never by reference counts. While
a build makes that graph, the collector's automatic full passes walk all of it again
and again, finding nothing to free. In the preview, whose cache keeps hundreds of
thousands of objects alive between builds, that was 2 to 3 s of a 10 to 12 s edit
build at the large preset (issue 7); a cold one-off build did not measurably change.
A build allocates little else in cycles, so pausing the collector costs no memory to
speak of: the graph stays alive until the build returns either way.

`build.py` ends with os._exit, so a one-off build never needs to collect; a
long-lived process (`serve`) calls collect() after each build, once the browser has
been told to reload, so the last build's graph is freed before the next one starts.
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
    """Free the garbage in cycles now (the graph of the last build); return how many objects."""
    return gc.collect()
