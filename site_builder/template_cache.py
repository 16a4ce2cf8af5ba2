"""Compiled templates as Jinja bytecode, so that a build seldom waits for Jinja's compiler.

Compiling every template takes about 0.1 s, a fifth of a cold build of the real
explainer, and loading their bytecode about 3 ms. A build with a cache (cache.py) loads
the bytecode that the last build stored for the same templates. A build without it
forks a child that compiles every template while this process reads the content; the
bytecode (marshalled code objects) comes back through a pipe when rendering starts.
Nothing is forked on one core, nor in a process that runs threads: the preview server
keeps its environment between builds instead (render.environment_for).

Jinja checks the checksum of each template's source and Python's bytecode magic before
it runs stored bytecode, and compiles afresh otherwise. A template the child could not
compile is compiled again in this process, which reports its error as usual.
"""
from __future__ import annotations

import marshal
import os
import signal
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import jinja2

from .cache import Cache
from .parallel import workers
from .render import make_environment

TABLE = "templates"


class Bytecode(jinja2.BytecodeCache):
    """Jinja bytecode in memory: `known` is loaded from, what Jinja compiles lands in `made`."""

    def __init__(self, known: dict[str, bytes]):
        self.known = known
        self.made: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (data := self.known.get(bucket.key)) is not None:
            bucket.bytecode_from_string(data)   # resets the bucket if stale: Jinja then compiles

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.made[bucket.key] = bucket.bytecode_to_string()


class Ahead:
    """The bytecode for one build's templates, from the cache or from a compiling child."""

    def __init__(self, known: dict[str, bytes] | None, child: tuple[int, int] | None):
        self._known, self._child = known, child

    def bytecode(self) -> Bytecode:
        """Return the bytecode to give a new environment (waits for the child, if any)."""
        if self._child is not None:
            pid, read_end = self._child
            self._child = None
            with os.fdopen(read_end, "rb") as pipe:
                data = pipe.read()
            os.waitpid(pid, 0)
            try:
                self._known = marshal.loads(data)
            except (EOFError, ValueError, TypeError):
                self._known = None   # the child failed: Jinja compiles here
        return Bytecode(self._known if isinstance(self._known, dict) else {})

    def close(self) -> None:
        """Stop and reap a child whose bytecode was never asked for (a build that failed early)."""
        if self._child is not None:
            pid, read_end = self._child
            self._child = None
            os.close(read_end)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


@contextmanager
def compiled_ahead(templates_dir: Path, templates_digest: str, cache: Cache) -> Iterator[Ahead]:
    """Yield where the build finds its compiled templates; afterwards, store them in the cache."""
    known = cache.get(TABLE, templates_digest)
    ahead = Ahead(known, None if isinstance(known, dict) else _fork_compiler(templates_dir))
    try:
        yield ahead
    finally:
        ahead.close()


def store(cache: Cache, templates_digest: str, env: jinja2.Environment) -> None:
    """Keep the bytecode of env's templates for the next build with the same templates."""
    bytecode = env.bytecode_cache
    if isinstance(bytecode, Bytecode) and (bytecode.made or cache.get(TABLE, templates_digest) is None):
        cache.put(TABLE, templates_digest, {**bytecode.known, **bytecode.made})


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


def _fork_compiler(templates_dir: Path) -> tuple[int, int] | None:
    """Fork a child that writes compile_all's result to a pipe; return (pid, read end)."""
    # Forking a process that runs other threads can copy a lock one of them holds; with
    # one core (or SITE_BUILDER_JOBS=1) the child would only take turns with this process.
    if not hasattr(os, "fork") or threading.active_count() > 1 or workers() < 2:
        return None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compile, answer, and leave without running any cleanup of the parent's
        code = 1
        try:
            os.close(read_end)
            data = marshal.dumps(compile_all(templates_dir))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end
