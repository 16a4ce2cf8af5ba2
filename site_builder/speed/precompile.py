"""Templates compiled ahead, in a child process, while the build reads the content.

Compiling every template takes about 0.1 s, a fifth of a cold build of the real
explainer; loading their bytecode takes about 3 ms. So a build forks a child that
compiles every template while this process loads and links the content, and the
bytecode (marshalled code objects) comes back through a pipe when rendering starts.
Nothing is forked on one core, nor in a process that runs threads: the preview server
keeps its environment between builds instead (render.environment_for).

The bytecode lives only in this process's memory, never in the build cache: the cache
holds plain values, so reading a cache folder (restored in CI, say) never runs code.
Jinja checks each template's source checksum and Python's bytecode magic before it
runs the child's bytecode, and compiles afresh otherwise. A template the child could
not compile is compiled again here, and its error reported as usual.
"""
from __future__ import annotations

import marshal
import os
import select
import signal
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import jinja2

from .parallel import can_fork, workers
from ..core.render import make_environment

WAIT_SECONDS = 10.0   # a child that has not answered by then is stopped; Jinja compiles here instead


class Bytecode(jinja2.BytecodeCache):
    """Jinja bytecode in memory: `known` is loaded from, what Jinja compiles lands in `made`."""

    def __init__(self, known: dict[str, bytes]):
        self.known = known
        self.made: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (data := self.known.get(bucket.key)) is not None:
            bucket.bytecode_from_string(data)   # resets the bucket if stale: Jinja then compiles

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.made[bucket.key] = self.known[bucket.key] = bucket.bytecode_to_string()


class Precompiled:
    """The bytecode a child process is compiling for one build (or none, if nothing was forked)."""

    def __init__(self, child: tuple[int, int] | None):
        self._child = child
        self._known: dict[str, bytes] | None = None   # the child's, then what any environment compiled

    def bytecode(self) -> Bytecode:
        """Return the child's bytecode for a new environment, waiting for it at most WAIT_SECONDS.
        The environments of one build (one per language) share it: a template one compiled,
        the next loads."""
        if self._known is not None:
            return Bytecode(self._known)
        known: dict[str, bytes] = {}
        if self._child is not None:
            try:
                data = _read_all(self._child[1], time.monotonic() + WAIT_SECONDS)
                loaded = marshal.loads(data) if data is not None else None
                known = loaded if isinstance(loaded, dict) else {}
            except (EOFError, ValueError, TypeError):
                pass  # the child failed: Jinja compiles here
            finally:
                self.close()
        self._known = known
        return Bytecode(known)

    def close(self) -> None:
        """Stop and reap the child, if it is still there (a build that failed early, a slow child)."""
        if self._child is not None:
            pid, read_end = self._child
            self._child = None
            os.close(read_end)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)


@contextmanager
def precompiling(templates_dir: Path) -> Iterator[Precompiled]:
    """Start compiling every template in a child process; stop it, if need be, on leaving."""
    precompiled = Precompiled(_fork_compiler(templates_dir))
    try:
        yield precompiled
    finally:
        precompiled.close()


def compile_all(templates_dir: Path) -> dict[str, bytes]:
    """Compile every template below templates_dir; return the bytecode of those that compile."""
    env = make_environment(templates_dir)
    env.bytecode_cache = bytecode = Bytecode({})
    for name in env.list_templates(filter_func=lambda name: name.endswith(".html")):
        try:
            env.get_template(name)
        except Exception:  # compiled again when a page uses it, and reported then
            continue
    return bytecode.made


def _read_all(read_end: int, deadline: float) -> bytes | None:
    """Read the pipe to its end, or return None at the deadline."""
    chunks = []
    while (left := deadline - time.monotonic()) > 0:
        if not select.select([read_end], [], [], left)[0]:
            break
        chunk = os.read(read_end, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
    return None


def _fork_compiler(templates_dir: Path) -> tuple[int, int] | None:
    """Fork a child that writes compile_all's result to a pipe; return (pid, read end)."""
    # With one core (or SITE_BUILDER_JOBS=1) the child would only take turns with this process.
    if not can_fork() or workers() < 2:
        return None
    read_end, write_end = os.pipe()
    # Ctrl+C stays blocked in the child for its whole life: it must never run this build's
    # own cleanup (the build lock, the staging folder). This process stops it with SIGKILL.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        pid: int | None = os.fork()
    except OSError:
        pid = None
    if pid == 0:
        code = 1
        try:
            os.close(read_end)
            data = marshal.dumps(compile_all(templates_dir))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            code = 0
        finally:
            os._exit(code)
    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    os.close(write_end)
    if pid is None:  # no fork today (too many processes): compile here
        os.close(read_end)
        return None
    return pid, read_end
