"""The contract between the plain runner (core/runner.py) and the fast one (speed/runner.py):
a build writes the same bytes with either, and the builder runs with speed/ deleted."""
from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.corpus import generate, write_content
from site_builder.core.runner import Runner
from site_builder.pipeline import Paths, build
from site_builder.speed.cache import Cache
from site_builder.speed.runner import FastRunner

ROOT = Path(__file__).resolve().parent.parent.parent


def differences(left: Path, right: Path) -> list[str]:
    """Return the files that are not byte for byte the same in both folders (or not in both)."""
    found: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        found.extend(prefix + name for name in cmp.left_only + cmp.right_only + cmp.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        found.extend(prefix + name for name in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return found


@pytest.fixture(scope="module")
def medium(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("medium") / "content"
    write_content(generate("medium"), folder)
    return folder


@pytest.mark.parametrize("which", ["real", "medium"])
def test_the_plain_runner_writes_the_fast_builds_bytes(which, medium, tmp_path):
    content = ROOT / "content" if which == "real" else medium
    plain, fast, warm = tmp_path / "plain", tmp_path / "fast", tmp_path / "warm"
    build(Paths(content, ROOT / "templates", plain), search=False, runner=Runner())
    build(Paths(content, ROOT / "templates", fast), search=False, runner=FastRunner(Cache(tmp_path / "cache")))
    # A second fast build into a fresh folder, from a warm cache: every stage recalls its results.
    build(Paths(content, ROOT / "templates", warm), search=False, runner=FastRunner(Cache(tmp_path / "cache")))
    assert len(list(plain.rglob("*.html"))) > 50
    assert differences(plain, fast) == []
    assert differences(plain, warm) == []


def test_the_builder_runs_with_speed_deleted(tmp_path):
    """Copy the package without speed/ and build the real content with its CLI."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "site_builder", copy / "site_builder",
                    ignore=shutil.ignore_patterns("speed", "__pycache__"))
    shutil.copy(ROOT / "build.py", copy / "build.py")
    # build.py run with the import system left with no way to the installed package (an
    # editable install maps every site_builder.* name to the checkout, speed/ included).
    (copy / "run.py").write_text(
        "import runpy, sys\n"
        "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f).lower()]\n"
        "sys.argv = sys.argv[1:]\n"
        "runpy.run_path(sys.argv[0], run_name='__main__')\n", encoding="utf-8")
    (copy / "probe.py").write_text("import importlib.util, site_builder\n"
                                   "print(site_builder.__file__, importlib.util.find_spec('site_builder.speed'))\n")
    probe = subprocess.run([sys.executable, "run.py", "probe.py"], cwd=copy, capture_output=True, text=True, check=True)
    assert probe.stdout.split() == [str(copy / "site_builder" / "__init__.py"), "None"]
    without = tmp_path / "without"
    args = ["--content", str(ROOT / "content"), "--templates", str(ROOT / "templates"), "--no-search"]
    done = subprocess.run([sys.executable, "run.py", "build.py", *args, "--out", str(without)],
                          cwd=copy, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("built ")
    checked = subprocess.run([sys.executable, "run.py", "build.py", "check", "--strict",
                              "--content", str(ROOT / "content")], cwd=copy, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    with_speed = tmp_path / "with"
    build(Paths(ROOT / "content", ROOT / "templates", with_speed), search=False,
          runner=FastRunner(Cache(tmp_path / "cache")))
    assert differences(without, with_speed) == []
