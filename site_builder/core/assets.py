"""Check static assets before a build: regular files only, and within the size budget.

GitHub Pages refuses files over 100 MiB and sites over 1 GB (bad-inputs B3 47, F22),
so a build fails before it gets that far. Knows nothing about content or templates.
"""
from __future__ import annotations

from pathlib import Path

from ..model import inputs
from ..model.errors import Location, Problems
from .loader import display_path

WARN_FILE_BYTES = 20_000_000
MAX_FILE_BYTES = 95_000_000
MAX_TOTAL_BYTES = 900_000_000


def check_assets(static_dir: Path, problems: Problems) -> None:
    """Report symlinks, special files and files or totals over the size budget."""
    if not static_dir.is_dir():
        return
    # From each file's lstat (model/inputs.py): nothing is opened, unreadable ones included.
    entries, refusals = inputs.scan(static_dir, label="static assets")
    for refusal in refusals:
        problems.add(Location(display_path(refusal.path)), None, refusal.message, refusal.hint)
    total = 0
    for entry in entries:
        total += entry.size
        _check_size(Location(display_path(entry.path)), entry.size, problems)
    if total > MAX_TOTAL_BYTES:
        problems.add(Location(display_path(static_dir)), None,
                     f"static assets total {total:,} bytes, more than {MAX_TOTAL_BYTES:,}",
                     "GitHub Pages sites must stay under 1 GB")


def _check_size(where: Location, size: int, problems: Problems) -> None:
    if size > MAX_FILE_BYTES:
        problems.add(where, None, f"file is {size:,} bytes, more than {MAX_FILE_BYTES:,}",
                     "GitHub refuses files over 100 MiB; link to it instead")
    elif size > WARN_FILE_BYTES:
        problems.add(where, None, f"file is {size:,} bytes, more than {WARN_FILE_BYTES:,}",
                     "large files slow every deploy", warning=True)
