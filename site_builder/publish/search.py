"""Build the full-text search index of a written site with Pagefind.

Runs Pagefind's binary (from the pagefind_bin_extended wheel, else `python -m
pagefind`, which starts one more interpreter) with `--site <folder>` on the staging
folder before it is swapped into place, so a failed index leaves the previous site
untouched (for the preview's live folder: into a work folder whose bundle is then
swapped in). It runs in the background while the builder writes the files that are
not pages. The bundle lands in `<site>/pagefind/`; Pagefind derives its base URL
from where the bundle is served, so search works under a sub-path with no option.
Pages stay lang="en" with Chinese names as separate tokens ("Wang Yi (王毅)"), which the
extended binary indexes. Knows nothing about templates or content.
"""
from __future__ import annotations

import os
import shutil
import json
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..model.errors import BuildFailed, Location, SiteError

BUNDLE = "pagefind"
# A glossary term's definition beside its link (core/markup.py) is the term's page's text, not this page's.
NOT_INDEXED = ["--exclude-selectors", ".gloss-def"]
TIMEOUT = 300


@contextmanager
def indexing(site_dir: Path) -> Iterator[None]:
    """Index every page of site_dir into site_dir/pagefind/ while the with-block runs.

    Pagefind reads the pages already written when the block starts; the block may write
    other files meanwhile (feeds, data.json: Pagefind reads only HTML). Leaving the block
    waits for Pagefind and raises BuildFailed if it failed; an exception inside the block
    stops Pagefind.
    """
    with _pagefind_running(["--site", str(site_dir), "--output-subdir", BUNDLE, *NOT_INDEXED], site_dir / BUNDLE):
        yield


@contextmanager
def _pagefind_running(options: list[str], bundle: Path) -> Iterator[None]:
    # Output goes to a file, not a pipe: nobody reads it until Pagefind has finished.
    with tempfile.TemporaryFile() as output:
        try:
            process = subprocess.Popen([*_pagefind(), *options, "--silent"], stdout=output,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        except OSError as exc:
            raise _failed(f"could not run Pagefind: {exc}") from None
        try:
            yield
            try:
                code = process.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                raise _failed(f"could not run Pagefind: no result after {TIMEOUT} s") from None
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        if code != 0:
            output.seek(0)
            detail = output.read().decode("utf-8", "replace").strip().splitlines()
            raise _failed(f"Pagefind failed (exit {code}): {detail[-1] if detail else 'no output'}")
    if not (bundle / "pagefind.js").is_file():
        raise _failed("Pagefind wrote no pagefind/pagefind.js")
    _stable_entry(bundle / "pagefind-entry.json")


def _stable_entry(entry: Path) -> None:
    """Write Pagefind's entry file with its languages in order: Pagefind lists a site's
    languages in a different order from run to run, so two builds of the same site would
    differ (its search reads the languages by name, in any order)."""
    try:
        data = json.loads(entry.read_bytes())
        data["languages"] = dict(sorted(data["languages"].items()))
    except (OSError, ValueError, KeyError, AttributeError):
        return   # not the shape this knows: left as Pagefind wrote it
    entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _pagefind() -> list[str]:
    try:
        from pagefind_bin_extended import get_executable
        return [str(get_executable())]
    except (ImportError, OSError):
        return [sys.executable, "-m", "pagefind"]


def _failed(message: str) -> BuildFailed:
    return BuildFailed([SiteError(Location("templates"), None, message,
                                  "install it with: pip install 'pagefind[extended]'")])


def reindex_live(site_dir: Path, work_dir: Path) -> None:
    """Index site_dir into work_dir, then swap the bundle into site_dir/pagefind/.

    For a site that stays online meanwhile (the preview's live folder): the old index
    serves searches until the new one is complete, and the swap is two renames.
    Raise BuildFailed if Pagefind fails; the old index then stays. A process killed between
    the two renames leaves the site without an index: finish_live puts it back.
    """
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    fresh, old, live = work_dir / BUNDLE, work_dir / f"{BUNDLE}.old", site_dir / BUNDLE
    try:
        with _pagefind_running(["--site", str(site_dir), "--output-path", str(fresh), *NOT_INDEXED], fresh):
            pass
        if live.exists():
            os.replace(live, old)
        os.replace(fresh, live)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def finish_live(site_dir: Path, work_dir: Path) -> None:
    """Finish the swap of a reindex_live killed between its two renames (the old index out,
    the new one not yet in): the new index is complete, as it is renamed only after Pagefind
    succeeded, so it goes into site_dir; the caller then removes work_dir."""
    fresh, old, live = work_dir / BUNDLE, work_dir / f"{BUNDLE}.old", site_dir / BUNDLE
    if old.is_dir() and fresh.is_dir() and site_dir.is_dir() and not os.path.lexists(live):
        os.replace(fresh, live)
