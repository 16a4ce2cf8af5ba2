"""Write the rendered site: into a staging folder beside the output, then swap it in.

A failed or interrupted build never touches the previous site. The builder only
replaces a folder that carries its marker file. This is the only stage that writes.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

from .errors import BuildFailed, Location, SiteError

MARKER = ".site-builder"
STAGING_PREFIX = ".staging-"
OLD_PREFIX = ".old-"


def _fail(path: Path, message: str, hint: str | None = None) -> BuildFailed:
    return BuildFailed([SiteError(Location(str(path)), None, message, hint)])


def check_output_dir(out_dir: Path, sources: list[Path]) -> None:
    """Refuse an output folder that overlaps the sources or was not made by the builder."""
    out = out_dir.resolve()
    for source in sources:
        src = source.resolve()
        if out == src or out.is_relative_to(src) or src.is_relative_to(out):
            raise _fail(out_dir, f"output folder overlaps {source}", "choose another --out")
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise _fail(out_dir, "output path exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise _fail(out_dir, "output folder was not made by this builder; refusing to replace it",
                    "remove it or choose another --out")


def clean_leftovers(out_dir: Path) -> None:
    """Remove staging and old folders that an interrupted build left beside the output."""
    parent = out_dir.parent
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        for prefix in (STAGING_PREFIX, OLD_PREFIX):
            tag = f".{out_dir.name}{prefix}"
            if entry.name.startswith(tag) and not _pid_alive(entry.name[len(tag):]):
                shutil.rmtree(entry, ignore_errors=True)


def _pid_alive(text: str) -> bool:
    try:
        os.kill(int(text), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def write_site(rendered: list[tuple[str, bytes]], static_dir: Path | None, out_dir: Path,
               before_swap: Callable[[Path], None] | None = None) -> int:
    """Write every file into a staging folder, copy static assets, then swap it into place.

    `before_swap(staging)` runs on the complete staging folder (e.g. to add a search index);
    if it raises, the previous output stays as it was."""
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.parent / f".{out_dir.name}{STAGING_PREFIX}{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir()
        root = staging.resolve()
        for relative, data in rendered:
            target = staging / _safe_relative(relative)
            if not target.resolve().is_relative_to(root):
                raise _fail(Path(relative), "output path escapes the output folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if static_dir is not None and static_dir.is_dir():
            _copy_static(static_dir, staging / "static")
        (staging / MARKER).write_text("Made by site_builder; replaced on every build.\n")
        if before_swap is not None:
            before_swap(staging)
        _swap(staging, out_dir)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _fail(out_dir, f"cannot write the site: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return len(rendered)


def _safe_relative(relative: str) -> str:
    # Defence in depth behind the id rules (bad-inputs B3 39-44): no absolute, empty,
    # '.' or '..' parts and no NUL byte, whatever the planner produced.
    parts = relative.split("/")
    if "\0" in relative or relative.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise _fail(Path(relative.replace("\0", "\\0")), "output path escapes the output folder")
    return relative


def _copy_static(source: Path, target: Path) -> None:
    for path in sorted(source.rglob("*")):
        if path.is_symlink():
            raise _fail(path, "symlinks are not allowed in static assets")
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)


def _swap(staging: Path, out_dir: Path) -> None:
    old = out_dir.parent / f".{out_dir.name}{OLD_PREFIX}{os.getpid()}"
    if out_dir.exists():
        os.replace(out_dir, old)
    os.replace(staging, out_dir)
    shutil.rmtree(old, ignore_errors=True)
