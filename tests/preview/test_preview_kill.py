"""The preview server killed or stopped at any point of a rebuild (issue 21: "Preview builds
get the same guarantee: serve a whole snapshot or the previous one, never a mix").

The kill test runs `build.py serve` on a temp copy of a small site, saves edits that each
trigger a rebuild (every page changed, a page added, a page deleted) and SIGKILLs the
server at SITE_BUILDER_PREVIEW_KILL_POINTS points (12 by default, about a minute on a
loaded two-core machine; 200 for a proof): half at the n-th change the server makes to
the file system after the save (a driver around the CLI counts every os.replace, rename,
unlink, rmdir, mkdir and rmtree: the staging of the update, its journal, each move into
place, the cache, the search index's swap), half after a random delay (anywhere,
rendering and Pagefind included). After each kill:
- the content is exactly what was saved;
- what the next start finds, once it has finished or undone what the kill left (the
  functions it calls, on a copy), is one whole site, the old or the new, with a search index;
- the next start recovers for real: every third time a plain `build.py`, else `serve`
  itself with a content error, so that its first build can only recover and it serves
  what it found; once the error is fixed, the output holds the bytes of a cold build of
  the content, the server serves them, and nothing is left beside the output or in the
  cache.

Ctrl-C and SIGTERM, sent to the server's process group as a terminal and make do, at any
moment (the first build, a rebuild, the search index, idle) stop it with exit 130 and 0,
no traceback, a whole site and nothing left beside it.
"""
from __future__ import annotations

import collections
import http.client
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from site_builder.core.lock import build_lock
from site_builder.core.output import clean_leftovers
from site_builder.core.runner import Runner
from site_builder.pipeline import Paths, build
from site_builder.preview.rebuild import clean_old_work_dirs
from site_builder.publish.search import BUNDLE

from ..conftest import MINIMAL, ROOT, TEMPLATES, write_tree

KILL_POINTS = int(os.environ.get("SITE_BUILDER_PREVIEW_KILL_POINTS", "12"))
WAIT = 60.0          # generous deadline for a condition to come true on a loaded machine
BASE = "/repo/"      # MINIMAL's base_url path
BROKEN = "people/zz-broken.yaml"

RETITLED = {"site.yaml": MINIMAL["site.yaml"].replace("Test explainer", "Test explainer, edited")}
ADDED = {"people/xie-feng.yaml": """
    name: Xie Feng
    role: Ambassador
    country: China
    summary: Ambassador to the United States.
    sources: [src-a]
"""}
# Each version differs from the next (the last from the first) in one file: one save, one
# rebuild. A new site title changes every page; a person added or deleted adds or deletes pages.
VERSIONS = [dict(MINIMAL), {**MINIMAL, **RETITLED}, {**MINIMAL, **RETITLED, **ADDED}, {**MINIMAL, **ADDED}]

REAL = [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0"]
# `build.py serve` that, once armed (SIGUSR1, just before the test saves), numbers each change
# it makes to the file system on stderr and SIGKILLs itself at the KILL_AT-th (0: never).
DRIVER = r"""
import os, shutil, signal, sys, threading, time
from site_builder.cli import main

kill_at, count, armed, lock = int(os.environ["KILL_AT"]), 0, False, threading.Lock()

def arm(signum, frame):
    global count, armed
    count, armed = 0, True
    os.write(2, b"armed\n")

def counted(name, real):
    def call(*args, **kwargs):
        global count
        if armed:
            with lock:
                count += 1
                n = count
            os.write(2, f"change {n} {time.monotonic():.4f} {name} {' '.join(map(str, args[:2]))}\n".encode())
            if n == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return call

for name in ("replace", "rename", "unlink", "rmdir", "mkdir"):
    setattr(os, name, counted(name, getattr(os, name)))
shutil.rmtree = counted("rmtree", shutil.rmtree)
signal.signal(signal.SIGUSR1, arm)
sys.exit(main(sys.argv[1:]))
"""


def driver(kill_at: int) -> tuple[list[str], dict[str, str]]:
    return ([sys.executable, "-c", DRIVER, "serve", "--port", "0"],
            {**os.environ, "PYTHONPATH": str(ROOT), "KILL_AT": str(kill_at)})


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below folder but the search index, which the preview makes after the pages."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] != BUNDLE} if folder.is_dir() else {}


def search_inode(out: Path) -> int | None:
    """The search bundle's folder: every new index is swapped in as a new folder."""
    try:
        return (out / BUNDLE).stat().st_ino
    except OSError:
        return None


def beside(root: Path) -> list[str]:
    """What is left beside the output and in the cache that no build made on purpose."""
    return sorted([p.name for p in root.iterdir() if p.name.startswith("._site")]
                  + [p.relative_to(root).as_posix() for p in (root / ".cache").rglob("*.tmp")])


def differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted({name for name, _ in a.items() ^ b.items()})


def until(check, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


_started: list[Serve] = []


@pytest.fixture(autouse=True)
def _no_server_outlives_its_test():
    """A failed assertion left its serve processes running (found after a failing run)."""
    yield
    while _started:
        server = _started.pop()
        if server.process.poll() is None:
            server.kill()


class Serve:
    """One serve process in a process group of its own (as a terminal starts it), its output in files."""

    def __init__(self, root: Path, logs: Path, command: tuple[list[str], dict[str, str]]):
        logs.mkdir(exist_ok=True)
        self.root, self.out = root, root / "_site"
        self.stdout, self.stderr = logs / "serve.out", logs / "serve.err"
        args, env = command
        with open(self.stdout, "w") as out, open(self.stderr, "w") as err:
            self.process = subprocess.Popen(args, cwd=root, env=env, stdout=out, stderr=err,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        _started.append(self)
        self.port = 0

    def output(self) -> str:
        return self.stdout.read_text(encoding="utf-8", errors="replace")

    def errors(self) -> str:
        return self.stderr.read_text(encoding="utf-8", errors="replace")

    def count(self, pattern: str) -> int:
        return len(re.findall(pattern, self.output(), re.MULTILINE))

    def wait_for(self, pattern: str, count: int = 1) -> None:
        def seen() -> bool:
            if self.count(pattern) >= count:
                return True
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited ({self.process.returncode}) before {pattern!r}:\n"
                                     f"{self.output()}\n{self.errors()}")
            return False
        until(seen, pattern)
        if not self.port and (found := re.search(r"^serving http://127\.0\.0\.1:(\d+)/", self.output(), re.M)):
            self.port = int(found.group(1))

    def settle(self, inode: int | None) -> None:
        """Wait until the search index made after the latest build is in place."""
        until(lambda: search_inode(self.out) not in (None, inode)
              and not any(p.name.startswith("._site.search-") for p in self.root.iterdir()), "the search index")

    def get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def signal(self, signum: int) -> None:
        """Signal the whole group, as Ctrl-C in a terminal (and make, timeout) do."""
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """SIGKILL the server and whatever it started (Pagefind), and reap it."""
        self.signal(signal.SIGKILL)
        self.process.wait(timeout=WAIT)


def save(content: Path, old: dict[str, str], new: dict[str, str]) -> None:
    """Turn content from `old` into `new` with one atomic file operation, as an editor's save does."""
    (name,) = {n for n in old.keys() | new.keys() if old.get(n) != new.get(n)}
    target = content / name
    if name not in new:
        target.unlink()
        return
    temp = target.with_name(f".{target.name}.tmp")   # a name the watcher and loader ignore
    temp.write_text(textwrap.dedent(new[name]).lstrip("\n"), encoding="utf-8")
    os.replace(temp, target)


def cold_builds(folder: Path, templates: Path) -> tuple[list[dict[str, bytes]], list[dict[str, bytes]]]:
    """Return each version's cold build (plain runner, no cache, no search) and its content files."""
    sites, sources = [], []
    for number, files in enumerate(VERSIONS):
        content = write_tree(folder / str(number) / "content", files)
        build(Paths(content, templates, folder / str(number) / "_site"), search=False, runner=Runner())
        sites.append(snapshot(folder / str(number) / "_site"))
        sources.append(snapshot(content))
    return sites, sources


def build_cli(root: Path) -> subprocess.CompletedProcess:
    """A plain `python build.py` in the project, as an editor runs it (cache and search on)."""
    return subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=root, capture_output=True, text=True,
                          timeout=WAIT, stdin=subprocess.DEVNULL)


def check_served(server: Serve, files: dict[str, bytes]) -> None:
    """Every file of the site is served with its bytes (pages with the reload script, and any
    problem, inserted before </body>)."""
    for name, data in files.items():
        if any(part.startswith(".") for part in name.split("/")):
            continue   # never served (.site-builder, .nojekyll)
        status, body = server.get(BASE + (name[:-len("index.html")] if name.endswith("/index.html") else name))
        assert status == 200, (name, status)
        if name.endswith(".html"):
            at = data.lower().rfind(b"</body>")
            assert body.startswith(data[:at]) and body.endswith(data[at:]), name
        else:
            assert body == data, name


def as_the_next_start_finds_it(root: Path, scratch: Path) -> tuple[dict[str, bytes], bool]:
    """Copy the output and what the kill left beside it, recover the copy as the next build and
    the next serve do, and return its files and whether its search index is whole."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    for entry in root.iterdir():
        if entry.name == "_site" or entry.name.startswith("._site"):
            shutil.copytree(entry, scratch / entry.name, symlinks=True)
    with build_lock(scratch / "_site"):
        clean_leftovers(scratch / "_site")
    clean_old_work_dirs(scratch / "_site")
    return snapshot(scratch / "_site"), (scratch / "_site" / BUNDLE / "pagefind.js").is_file()


def recover(root: Path, logs: Path, cold: list[dict[str, bytes]], sources: list[dict[str, bytes]],
            could_be: tuple[int, ...], now: int, via: str, command: tuple[list[str], dict[str, str]]) -> Serve:
    """Start again after a kill: with a plain build, or with serve and a content error, so that
    its first build can only recover, and serve what it finds (one of `could_be`) until the
    error is fixed. Return the server once it serves a cold build of VERSIONS[now] with a fresh
    search index."""
    content, out = root / "content", root / "_site"
    if via == "build":
        done = build_cli(root)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        assert snapshot(out) == cold[now] and (out / BUNDLE / "pagefind.js").is_file()
        # Search work folders of a killed preview are the preview's to remove, at its next start.
        assert [name for name in beside(root) if not name.startswith("._site.search-")] == []
        inode = search_inode(out)   # taken while this index exists: a deleted one's inode can come back
        server = Serve(root, logs, command)
        server.wait_for(r"^serving http://")
    else:
        broken = content / BROKEN
        broken.write_text("name: [unclosed\n", encoding="utf-8")
        server = Serve(root, logs, command)
        server.wait_for(r"^serving http://")
        assert server.count(r"^build failed") == 1 and "serving the earlier build" in server.output()
        recovered = snapshot(out)
        assert recovered in [cold[i] for i in could_be], differing(recovered, cold[now])
        assert (out / BUNDLE / "pagefind.js").is_file(), "the search index was lost"
        check_served(server, recovered)
        inode = search_inode(out)   # taken while this index exists: a deleted one's inode can come back
        broken.unlink()
        server.wait_for(r"^built ")
    server.settle(inode)
    assert snapshot(out) == cold[now]
    check_served(server, cold[now])
    assert snapshot(content) == sources[now]
    # The cache's temp file that a kill left goes with the next cache the server stores: its
    # housekeeping, once the browsers have reloaded (rebuild.TIDY_AFTER).
    until(lambda: beside(root) == [], "nothing left beside the output or in the cache")
    return server


def calibrate(root: Path, logs: Path) -> tuple[list[int], list[float]]:
    """Return, for each save, how many file-system changes the server makes until its search
    index is in place, and how long after the save the last one comes."""
    server = Serve(root, logs, driver(0))
    changes, seconds = [], []
    try:
        server.wait_for(r"^serving http://")
        server.settle(None)
        for now in range(len(VERSIONS)):
            server.signal(signal.SIGUSR1)
            until(lambda: server.errors().count("armed\n") == now + 1, "the driver to arm")
            inode, built = search_inode(server.out), server.count(r"^built ")
            saved = time.monotonic()
            save(root / "content", VERSIONS[now], VERSIONS[(now + 1) % len(VERSIONS)])
            server.wait_for(r"^built ", built + 1)
            server.settle(inode)
            time.sleep(0.2)   # nothing follows the search index's swap: make sure
            lines = [line for line in server.errors().rsplit("armed\n", 1)[1].splitlines()
                     if line.startswith("change ")]
            changes.append(len(lines))
            seconds.append(float(lines[-1].split()[2]) - saved)
    finally:
        server.signal(signal.SIGTERM)
        server.process.wait(timeout=WAIT)
    return changes, seconds


STEPS = (   # where a file-system change happens, by the paths it touches, first match wins
    (".site-builder-journal", "writing the update's journal"),
    ("/_site/pagefind", "swapping in the search index"),
    ("._site.search-", "making the search index's work folder"),
    ("/_site/", "moving the update into place"),
    ("._site.staging-", "staging the update or removing its folder"),
    (".cache/schemas", "refreshing the editors' schemas"),
    (".cache/", "saving the cache"),
)


def where(server: Serve, root: Path, kill_at: int) -> str:
    """Say what the server was doing when it was killed: the change the driver died at, else
    (killed after a delay) what the kill left beside the output."""
    changes = [line.split(maxsplit=4) for line in server.errors().splitlines() if line.startswith("change ")]
    if kill_at:
        if not changes or int(changes[-1][1]) < kill_at:
            return "after the rebuild and its search index (killed idle)"
        op, paths = (changes[-1] + [""])[3:5]
        step = next((name for part, name in STEPS if part in paths),
                    "inside an rmtree" if "/" not in paths else "elsewhere")
        return f"{step}: {op}"
    left = beside(root)
    if any(name.startswith("._site.staging-") for name in left):
        side = next(root.glob("._site.staging-*"))
        return f"{'moving the update into place' if (side / '.site-builder-journal').is_file() else 'staging the update'} (by delay)"
    if any(name.startswith("._site.search-") for name in left):
        return "making or swapping in the search index (by delay)"
    return "saving the cache (by delay)" if left else "before or after the output stage (by delay)"


def test_a_preview_server_killed_anywhere_in_a_rebuild_leaves_a_whole_site(tmp_path):
    root, logs = tmp_path / "project", tmp_path / "logs"
    shutil.copytree(TEMPLATES, root / "templates")
    write_tree(root / "content", VERSIONS[0])
    cold, sources = cold_builds(tmp_path / "cold", root / "templates")
    changes, seconds = calibrate(root, logs)
    rng = random.Random(21)
    started = time.perf_counter()
    phases: collections.Counter[str] = collections.Counter()
    could_be = (0,)
    for point in range(KILL_POINTS + 1):
        now, after = point % len(VERSIONS), (point + 1) % len(VERSIONS)
        by_changes = point % 2 == 0
        kill_at = rng.randint(1, changes[now] + 2) if by_changes else 0   # + 2: sometimes none, killed idle
        server = recover(root, logs, cold, sources, could_be, now, "build" if point % 3 == 2 else "serve",
                         driver(kill_at) if by_changes else (REAL, dict(os.environ)))
        if point == KILL_POINTS:
            server.signal(signal.SIGTERM)
            assert server.process.wait(timeout=WAIT) == 0
            break
        if by_changes:
            server.signal(signal.SIGUSR1)
            until(lambda: "armed\n" in server.errors(), "the driver to arm")
        inode, built = search_inode(server.out), server.count(r"^built ")
        save(root / "content", VERSIONS[now], VERSIONS[after])
        if by_changes:   # it kills itself at its kill_at-th change; if it makes fewer this time, once done
            until(lambda: server.process.poll() is not None or (server.count(r"^built ") > built
                  and search_inode(server.out) != inode and not beside(root)), "the kill or the rebuild")
        else:
            time.sleep(rng.uniform(0, seconds[now]))
        server.kill()
        phase = where(server, root, kill_at)
        phases[phase] += 1
        assert "Traceback" not in server.output() + server.errors(), server.output() + server.errors()
        assert snapshot(root / "content") == sources[after]   # nothing in content is lost or altered
        found, indexed = as_the_next_start_finds_it(root, tmp_path / "scratch")
        assert found in (cold[now], cold[after]), (point, phase, differing(found, cold[after]))
        assert indexed, (point, phase, "the search index was lost")
        could_be = (now, after)
    print(f"\n{KILL_POINTS} preview kill points in {time.perf_counter() - started:.1f}s; killed while:")
    for phase, count in sorted(phases.items(), key=lambda item: -item[1]):
        print(f"  {count:4d}  {phase}")


SIGNAL_MOMENTS = ("first build", "rebuild", "rebuild", "rebuild", "search index", "idle")


def test_ctrl_c_and_sigterm_stop_the_server_cleanly_at_any_moment(tmp_path):
    root, logs = tmp_path / "project", tmp_path / "logs"
    shutil.copytree(TEMPLATES, root / "templates")
    write_tree(root / "content", VERSIONS[0])
    cold, sources = cold_builds(tmp_path / "cold", root / "templates")
    rng = random.Random(130)
    version, stops = 0, []
    for signum, code in ((signal.SIGINT, 130), (signal.SIGTERM, 0)):
        for moment in SIGNAL_MOMENTS:
            before, existed = version, (root / "_site").is_dir()
            inode, launched = search_inode(root / "_site"), time.monotonic()
            schema = root / ".cache/schemas/person.json"   # every build starts by writing a missing one
            schema.unlink(missing_ok=True)
            server = Serve(root, logs, (REAL, dict(os.environ)))
            try:
                if moment == "first build":
                    until(schema.is_file, "the first build to start")
                    time.sleep(rng.uniform(0, 0.2))
                else:
                    server.wait_for(r"^serving http://")
                    server.settle(inode)   # its first search index is in place
                if moment in ("rebuild", "search index"):
                    version = (version + 1) % len(VERSIONS)
                    built = server.count(r"^built ")
                    save(root / "content", VERSIONS[before], VERSIONS[version])
                    if moment == "rebuild":
                        time.sleep(rng.uniform(0, 0.3))
                    else:
                        server.wait_for(r"^built ", built + 1)
                serving = server.count(r"^serving http://") > 0
                server.signal(signum)
                returncode = server.process.wait(timeout=WAIT)
            finally:
                if server.process.poll() is None:
                    server.kill()
            said = server.output() + server.errors()
            stops.append((signal.Signals(signum).name, moment + " (already serving)" * (moment == "first build" and serving),
                          round(time.monotonic() - launched, 2), returncode))
            assert returncode == code, (signum, moment, said)
            assert "Traceback" not in said and "internal error" not in said, said
            assert snapshot(root / "_site") in [cold[before], cold[version]] + [{}] * (not existed), (signum, moment, said)
            assert beside(root) == [], (signum, moment, beside(root))
            assert snapshot(root / "content") == sources[version]
    print("\n" + "\n".join(f"  {name} during {moment} ({after}s after start): exit {code}"
                           for name, moment, after, code in stops))
