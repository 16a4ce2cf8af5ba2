"""Crash-safe output: a builder SIGKILLed at any point leaves the next build the complete
old site or the complete new one, never a mix, never nothing (issue 21 #6, #7).

The fault-injection test kills a real build (a subprocess) at many points: half at the
n-th change the builder makes to the file system (every os.replace, unlink, rmdir,
mkdir and rmtree, so inside both renames of the swap and inside an in-place update's
moves), half after a random delay. After each kill the next build fails on a content
error, which must leave the output exactly as one of the two complete sites. Set
SITE_BUILDER_KILL_POINTS (200 for the issue's proof; the default keeps CI short).
"""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.core.output import MARKER, clean_leftovers, update_in_place, write_site

from ..conftest import MINIMAL, ROOT, TEMPLATES, write_tree

KILL_POINTS = int(os.environ.get("SITE_BUILDER_KILL_POINTS", "24"))
BASES = ("https://example.org/old/", "https://example.org/new/")

# Builds once, SIGKILLing itself at the KILL_AT-th file-system change (0: never; it then
# prints how many there were). SWAP=1 replaces the output whole (as a build with search
# does; the indexer does nothing here), else the output is updated in place.
DRIVER = r"""
import os, shutil, signal, sys
from contextlib import nullcontext
from pathlib import Path
import site_builder.pipeline as pipeline
from site_builder.speed.cache import Cache
from site_builder.speed.runner import FastRunner

count, kill_at = 0, int(os.environ["KILL_AT"])

def counted(real):
    def call(*args, **kwargs):
        global count
        count += 1
        if count == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return call

for name in ("replace", "rename", "unlink", "rmdir", "mkdir"):
    setattr(os, name, counted(getattr(os, name)))
shutil.rmtree = counted(shutil.rmtree)
pipeline.indexing = lambda staging: nullcontext()
pipeline.build(pipeline.Paths(Path("content"), Path("templates"), Path("_site")), base_url=sys.argv[1],
               search=os.environ["SWAP"] == "1", runner=FastRunner(Cache(Path(".cache"))))
print(count)
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def drive(root: Path, base: str, kill_at: int, swap: bool, delay: float | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KILL_AT": str(kill_at), "SWAP": "1" if swap else "0"}
    process = subprocess.Popen([sys.executable, "-c", DRIVER, base], cwd=root, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if delay is not None:
        time.sleep(delay)
        process.kill()
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def build_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", "content", "--templates",
                           "templates", "--out", "_site", "--cache-dir", ".cache", "--no-search", *args],
                          cwd=root, capture_output=True, text=True, timeout=120)


def test_a_builder_killed_anywhere_leaves_the_complete_old_or_new_site(tmp_path):
    write_tree(tmp_path / "content", MINIMAL)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    sites = []
    for base in BASES:   # the two complete sites, as a clean build writes them
        assert drive(tmp_path, base, 0, swap=True).returncode == 0
        sites.append(snapshot(tmp_path / "_site"))
    changes = {swap: int(drive(tmp_path, BASES[0], 0, swap=swap).stdout) for swap in (False, True)}
    started = time.perf_counter()
    drive(tmp_path, BASES[1], 0, swap=False)
    seconds = time.perf_counter() - started
    rng = random.Random(21)
    broken = tmp_path / "content/people/broken.yaml"
    killed = 0
    for point in range(KILL_POINTS):
        swap = rng.random() < 0.5
        if point % 2:
            kill_at, delay = rng.randint(1, changes[swap]), None
        else:
            kill_at, delay = 0, rng.uniform(0, seconds)
        result = drive(tmp_path, BASES[point % 2], kill_at, swap, delay)
        killed += result.returncode == -9
        broken.write_text("name: [unclosed\n")          # the next build fails on content...
        failed = build_cli(tmp_path)
        broken.unlink()
        assert failed.returncode == 1 and "Traceback" not in failed.stderr, failed.stderr
        after = snapshot(tmp_path / "_site")            # ...and leaves one whole site behind
        assert after in sites, (point, swap, kill_at, delay, sorted(set(after) ^ set(sites[0])))
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith("._site")] == []
    assert killed >= KILL_POINTS // 3   # most points did kill a build
    print(f"{KILL_POINTS} kill points ({killed} killed) in {time.perf_counter() - started:.1f}s")


def test_a_kill_between_the_two_renames_of_the_swap_puts_the_old_site_back(tmp_path):
    out = tmp_path / "_site"
    write_site([("index.html", b"old")], None, out)
    old = tmp_path / f"._site.old-{2 ** 22 + 1}"       # a dead builder's, as _swap names it
    os.replace(out, old)
    clean_leftovers(out)
    assert snapshot(out) == {"index.html": b"old", MARKER: (out / MARKER).read_bytes()}
    assert not old.exists()


def test_a_kill_during_an_in_place_update_is_finished_by_the_next_build(tmp_path, monkeypatch):
    out = tmp_path / "_site"
    write_site([("a/index.html", b"old a"), ("b/index.html", b"old b"), ("gone.html", b"x")], None, out)
    moves, real_replace = [], os.replace

    def killed(temp, target):   # the journal, the first move, then the builder dies
        moves.append(target)
        if len(moves) == 3:
            raise KeyboardInterrupt
        real_replace(temp, target)
    import site_builder.core.output as output
    monkeypatch.setattr(output.os, "replace", killed)
    monkeypatch.setattr(output.shutil, "rmtree", lambda *a, **k: None)   # SIGKILL runs no cleanup
    with pytest.raises(KeyboardInterrupt):
        update_in_place([("a/index.html", b"new a"), ("b/index.html", b"new b")], None, out)
    monkeypatch.undo()
    assert (out / "a/index.html").read_bytes() == b"new a" and (out / "b/index.html").read_bytes() == b"old b"
    side = next(tmp_path.glob("._site.staging-*"))
    side.rename(tmp_path / f"._site.staging-{2 ** 22 + 1}")
    clean_leftovers(out)
    assert snapshot(out) == {"a/index.html": b"new a", "b/index.html": b"new b",
                             MARKER: (out / MARKER).read_bytes()}
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]


def test_a_write_error_during_the_moves_is_finished_by_the_next_build_of_the_same_process(tmp_path, monkeypatch):
    """The preview server builds again in the same process: its own journal must not be lost."""
    from site_builder import BuildFailed
    out = tmp_path / "_site"
    write_site([("a/index.html", b"old a"), ("b/index.html", b"old b")], None, out)
    moves, real_replace = [], os.replace

    def failing(temp, target):   # the journal, the first move, then the disk fails
        moves.append(target)
        if len(moves) == 3:
            raise OSError(28, "No space left on device")
        real_replace(temp, target)
    import site_builder.core.output as output
    monkeypatch.setattr(output.os, "replace", failing)
    with pytest.raises(BuildFailed, match="No space left on device"):
        update_in_place([("a/index.html", b"new a"), ("b/index.html", b"new b")], None, out)
    monkeypatch.undo()
    clean_leftovers(out)
    assert snapshot(out) == {"a/index.html": b"new a", "b/index.html": b"new b",
                             MARKER: (out / MARKER).read_bytes()}
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]


def test_an_in_place_update_finds_a_change_past_the_first_piece_it_compares(tmp_path):
    """A large file of the same size with one byte changed beyond the first COMPARE_CHUNK is rewritten."""
    from site_builder.core.output import COMPARE_CHUNK
    out = tmp_path / "_site"
    big = bytes(range(256)) * (3 * COMPARE_CHUNK // 256)
    write_site([("feed.xml", big), ("same.xml", big)], None, out)
    changed = bytearray(big)
    changed[COMPARE_CHUNK + 100] ^= 1
    same = os.stat(out / "same.xml").st_mtime_ns
    update_in_place([("feed.xml", bytes(changed)), ("same.xml", big)], None, out)
    assert (out / "feed.xml").read_bytes() == changed
    assert os.stat(out / "same.xml").st_mtime_ns == same
