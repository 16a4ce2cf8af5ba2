"""Inputs are judged from their lstat before anything opens them, cache or no cache (issue 21).

Each case builds the good site once (so the up-to-date check has a key to compare), then
adds one bad input and builds again through the real CLI, in a subprocess with a timeout:
a pipe that is opened would hang it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.model import inputs

from ..conftest import MINIMAL, ROOT, TEMPLATES, write_tree

ARGS = ["--content", "content", "--templates", "templates", "--out", "_site", "--no-search"]


def run(root: Path, *extra: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *ARGS, *extra], cwd=root,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A site built once with the cache on (the CLI default)."""
    write_tree(tmp_path / "content", MINIMAL)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    assert run(tmp_path).returncode == 0
    return tmp_path


def fifo(name: str):
    return lambda root: os.mkfifo(root / name)


def link(name: str, target: str):
    return lambda root: os.symlink(target, root / name)


@pytest.mark.parametrize("cache", [[], ["--no-cache"]], ids=["cache", "no-cache"])
@pytest.mark.parametrize("setup, code, want", [
    (fifo("content/people/.#x.yaml"), 0, []),               # ignored name: never opened, no hang
    (fifo("content/people/x.yaml"), 1,
     ["content/people/x.yaml: unexpected file in content (people/ holds only <id>.yaml files)"]),
    (fifo("templates/.#x.html"), 1, ["templates/.#x.html: not a regular file (a pipe or device would hang the build)"]),
    (fifo("templates/static/x.css"), 1, ["templates/static/x.css: not a regular file "
                                         "(a pipe or device would hang the build)"]),
    (link("content/people/folder", "/tmp"), 1, ["content/people/folder: symlinks are not allowed in content"]),
    (link("templates/partials", "/tmp"), 1,
     ["templates/partials: symlinks are not allowed in templates (copy the file into the folder instead)"]),
    (lambda root: ((root / "content/site.yaml").unlink(), os.mkfifo(root / "content/site.yaml")), 1,
     ["content/site.yaml: not a regular file (site.yaml must be a plain file)"]),
], ids=["ignored-fifo", "content-fifo", "template-fifo", "static-fifo", "content-dir-link", "template-dir-link",
        "site-yaml-fifo"])
def test_bad_file_types_are_refused_before_any_read(built, setup, code, want, cache):
    setup(built)
    result = run(built, *cache, timeout=30)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert (result.returncode, lines[:-1] if code else lines) == (code, want)


def test_huge_sparse_files_cost_no_memory(built):
    for name in ("content/people/huge.yaml", "content/.DS_Store"):
        with open(built / name, "wb") as handle:
            handle.truncate(400_000_000)
    # The build runs under a small Python that reports its children's peak memory: measured
    # from this (large) test process, a forked child would count the pages it shares with us.
    measure = ("import resource, subprocess, sys; "
               "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True); "
               "sys.stderr.write(done.stderr); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    process = subprocess.run([sys.executable, "-c", measure, sys.executable, str(ROOT / "build.py"), *ARGS],
                             cwd=built, capture_output=True, text=True)
    peak_kib, err = int(process.stdout.split()[-1]), process.stderr
    assert peak_kib < 200_000   # reading the files took 800 MB
    assert err.splitlines()[0] == "content/people/huge.yaml:1:1: file larger than 1000000 bytes"
    (built / "content/people/huge.yaml").unlink()
    assert run(built).returncode == 0                     # the ignored .DS_Store is no input


@pytest.fixture
def denied(monkeypatch):
    """Make the paths added to the returned set unreadable, also for root (tests run as root
    in CI containers, where chmod 000 does not stop a read)."""
    locked: set[str] = set()
    real_scandir, real_open, real_access = os.scandir, os.open, os.access

    def check(path) -> None:
        if os.path.abspath(os.fspath(path)) in locked:
            raise PermissionError(13, "Permission denied", os.fspath(path))

    def scandir(path="."):
        check(path)
        return real_scandir(path)

    def open_(path, flags, mode=0o777, *, dir_fd=None):
        check(path)
        return real_open(path, flags, mode, dir_fd=dir_fd)

    def access(path, mode, **kwargs):
        return os.path.abspath(os.fspath(path)) not in locked and real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(os, "access", access)
    return locked


@pytest.mark.parametrize("name, want", [
    ("content/people", "content/people: cannot read folder: Permission denied (check its permissions)"),
    ("content/people/wang-yi.yaml", "content/people/wang-yi.yaml: cannot read file: Permission denied"),
    ("templates/locked", "templates/locked: cannot read folder: Permission denied (check its permissions)"),
    ("templates/static/locked.css", "templates/static/locked.css: cannot read file: Permission denied "
                                    "(check its permissions)"),
    ("templates/locked.html", "templates/locked.html: cannot read file: Permission denied (check its permissions)"),
])
def test_unreadable_inputs_are_problems_cache_or_not(built, denied, monkeypatch, capfd, name, want):
    from site_builder.cli import main
    monkeypatch.chdir(built)
    path = built / name
    if path.suffix and not path.exists():
        path.write_text("x")
    elif not path.exists():
        path.mkdir()
    denied.add(str(path))
    assert main(["build", *ARGS]) == 1
    err = capfd.readouterr().err
    assert "Traceback" not in err and want in err.splitlines()


def test_read_regular_refuses_pipes_links_and_oversized_files(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "big").write_bytes(b"x" * 11)
    os.symlink(tmp_path / "big", tmp_path / "link")
    for name, message in [("pipe", "not a regular file"), ("big", "file larger than 10 bytes"),
                          ("link", "symlinks are not allowed")]:
        with pytest.raises(inputs.NotReadable, match=message):
            inputs.read_regular(tmp_path / name, 10)
    assert inputs.read_regular(tmp_path / "big", 11) == b"x" * 11


def test_a_save_undone_during_a_build_is_not_taken_for_up_to_date(built, monkeypatch):
    """Issue 21 #8: the key was taken before the loader read, so a save during the build
    then an undo left a key naming bytes the output was not built from."""
    from site_builder.core import loader
    from site_builder.pipeline import Paths, build
    from site_builder.speed.cache import Cache
    from site_builder.speed.runner import FastRunner
    monkeypatch.chdir(built)
    person = built / "content/people/wang-yi.yaml"
    original = person.read_text()
    real_read = loader._read

    def read_then_saved(path, *args, **kwargs):   # the editor saved just before the loader read
        if path.name == "wang-yi.yaml":
            person.write_text(original.replace("Foreign Minister.", "Saved mid-build."))
        return real_read(path, *args, **kwargs)

    cache = Cache(built / ".cache/site_builder")
    base = "https://example.org/other/"           # a new key: this build runs in full
    monkeypatch.setattr(loader, "_read", read_then_saved)
    build(Paths(Path("content"), Path("templates"), Path("_site")), base_url=base, search=False, runner=FastRunner(cache))
    monkeypatch.undo()
    monkeypatch.chdir(built)
    person.write_text(original)                   # the undo
    build(Paths(Path("content"), Path("templates"), Path("_site")), base_url=base, search=False,
          runner=FastRunner(Cache(built / ".cache/site_builder")))
    assert "Saved mid-build." not in (built / "_site/people/wang-yi/index.html").read_text()


def test_a_pipe_in_the_cache_folder_is_ignored_not_read(built):
    """A cache folder is restored from CI or shared: a pipe there hung the build."""
    shards = sorted((built / ".cache/site_builder").glob("parsed-*.bin"))
    for shard in shards:
        shard.unlink()
        os.mkfifo(shard)
    (built / "content/people/wang-yi.yaml").write_text(MINIMAL["people/wang-yi.yaml"].replace("Minister.", "M."))
    result = run(built, timeout=30)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert all(shard.is_file() for shard in shards if shard.exists())
