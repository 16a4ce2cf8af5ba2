"""List and read a build's input files from their lstat, before anything opens them.

Every reader of content/ and templates/ that is not the loader's own folder scan (the
up-to-date check, the page cache, the template lint) walks through `scan`, and files
are opened only through `read_regular`. So a pipe, a device, a symlink (to a file or a
folder), an unreadable file or folder, or a file over its size budget is refused by
its lstat, cache or no cache, and never blocks, never fills memory (issue 21: a FIFO
hung the build and a sparse 1.5 GB file took 4.4 GB before the size check ran).
Knows nothing about YAML, templates or what the files mean.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


@dataclass(frozen=True, slots=True)
class Entry:
    """A regular file below a scanned folder, as its lstat saw it."""

    path: Path
    relative: str         # '/'-separated, relative to the scanned folder
    size: int
    signature: str        # size, mtime and inode: changes whenever the file is written


@dataclass(frozen=True, slots=True)
class Refusal:
    """An input that is not read: why, and what to do."""

    path: Path
    message: str
    hint: str | None = None


class NotReadable(OSError):
    """A file refused at open time: not regular, or over its size budget."""


def scan(root: Path, ignored: Callable[[str], bool] = lambda name: False,
         max_bytes: int | None = None, label: str = "inputs") -> tuple[list[Entry], list[Refusal]]:
    """Return every regular file below root (sorted, depth first) and every refused input.

    Names `ignored` says are skipped unseen (never stat'ed beyond the folder listing,
    never opened). Symlinks, special files, unreadable files or folders and files over
    max_bytes are refused. Folders are listed, never followed through a link. `label`
    names the folder in messages ("symlinks are not allowed in templates").
    """
    entries: list[Entry] = []
    refusals: list[Refusal] = []
    _scan_into(root, "", ignored, max_bytes, label, entries, refusals)
    return entries, refusals


def _scan_into(folder: Path, prefix: str, ignored: Callable[[str], bool], max_bytes: int | None,
               label: str, entries: list[Entry], refusals: list[Refusal]) -> None:
    try:
        with os.scandir(folder) as listing:
            children = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        refusals.append(Refusal(folder, f"cannot read folder: {exc.strerror}", "check its permissions"))
        return
    for child in children:
        if ignored(child.name):
            continue
        path, relative = Path(child.path), prefix + child.name
        try:
            info = child.stat(follow_symlinks=False)
        except OSError:
            continue   # deleted since the folder was listed: no longer an input
        if stat.S_ISLNK(info.st_mode):
            refusals.append(Refusal(path, f"symlinks are not allowed in {label}",
                                    "copy the file into the folder instead"))
        elif stat.S_ISDIR(info.st_mode):
            _scan_into(path, relative + "/", ignored, max_bytes, label, entries, refusals)
        elif not stat.S_ISREG(info.st_mode):
            refusals.append(Refusal(path, "not a regular file", "a pipe or device would hang the build"))
        elif max_bytes is not None and info.st_size > max_bytes:
            refusals.append(Refusal(path, f"file larger than {max_bytes} bytes"))
        elif not os.access(path, os.R_OK):
            refusals.append(Refusal(path, "cannot read file: Permission denied", "check its permissions"))
        else:
            entries.append(Entry(path, relative, info.st_size,
                                 f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"))


def read_regular(path: Path | str, max_bytes: int | None = None) -> bytes:
    """Return a regular file's bytes; raise OSError (NotReadable for a link, a special
    file or one over max_bytes) without ever blocking on a pipe or reading past the budget."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotReadable(errno.ELOOP, "symlinks are not allowed", str(path)) from None
        raise
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotReadable(errno.EINVAL, "not a regular file", str(path))
        if max_bytes is not None and info.st_size > max_bytes:
            raise NotReadable(errno.EFBIG, f"file larger than {max_bytes} bytes", str(path))
        data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:   # grew since fstat
        raise NotReadable(errno.EFBIG, f"file larger than {max_bytes} bytes", str(path))
    return data
