"""Build the full-text search index of a written site with Pagefind.

Runs Pagefind's binary (from the pagefind_bin_extended wheel, else `python -m
pagefind`, which starts one more interpreter) with `--site <folder>` on the staging
folder, before it is swapped into place, so a failed index leaves the previous site
untouched (or, for the preview's live folder, into a work folder whose bundle is then
swapped in). The
bundle lands in `<site>/pagefind/`; Pagefind derives its base URL from where the
bundle is served, so search works under a sub-path with no option. Pages stay
lang="en" with Chinese names as separate tokens ("Wang Yi (王毅)"), which the
extended binary indexes. Knows nothing about templates or content.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import BuildFailed, Location, SiteError

BUNDLE = "pagefind"
TIMEOUT = 300


def index_site(site_dir: Path) -> None:
    """Index every page of site_dir into site_dir/pagefind/; raise BuildFailed if Pagefind fails."""
    _run_pagefind(["--site", str(site_dir), "--output-subdir", BUNDLE], site_dir / BUNDLE)


def _run_pagefind(options: list[str], bundle: Path) -> None:
    command = [*_pagefind(), *options, "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise _failed(f"could not run Pagefind: {exc}") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise _failed(f"Pagefind failed (exit {done.returncode}): {detail[-1] if detail else 'no output'}")
    if not (bundle / "pagefind.js").is_file():
        raise _failed("Pagefind wrote no pagefind/pagefind.js")


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
    Raise BuildFailed if Pagefind fails; the old index then stays.
    """
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    fresh, old, live = work_dir / BUNDLE, work_dir / f"{BUNDLE}.old", site_dir / BUNDLE
    try:
        _run_pagefind(["--site", str(site_dir), "--output-path", str(fresh)], fresh)
        if live.exists():
            os.replace(live, old)
        os.replace(fresh, live)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
