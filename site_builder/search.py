"""Build the full-text search index of a written site with Pagefind.

Runs Pagefind's binary (from the pagefind_bin_extended wheel, else `python -m
pagefind`, which starts one more interpreter) with `--site <folder>` on the staging folder, before it is
swapped into place, so a failed index leaves the previous site untouched. The
bundle lands in `<site>/pagefind/`; Pagefind derives its base URL from where the
bundle is served, so search works under a sub-path with no option. Pages stay
lang="en" with Chinese names as separate tokens ("Wang Yi (王毅)"), which the
extended binary indexes. Knows nothing about templates or content.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .errors import BuildFailed, Location, SiteError

BUNDLE = "pagefind"
TIMEOUT = 300


def index_site(site_dir: Path) -> None:
    """Index every page of site_dir into site_dir/pagefind/; raise BuildFailed if Pagefind fails."""
    command = [*_pagefind(), "--site", str(site_dir), "--output-subdir", BUNDLE, "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise _failed(f"could not run Pagefind: {exc}") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise _failed(f"Pagefind failed (exit {done.returncode}): {detail[-1] if detail else 'no output'}")
    if not (site_dir / BUNDLE / "pagefind.js").is_file():
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
