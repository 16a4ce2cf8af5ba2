"""Write the rendered site: into a staging folder beside the output, then swap it in.

A failed or interrupted build never touches the previous site, and a build killed at
any point leaves the next one the complete old or the complete new site (an in-place
update is finished from its journal; see clean_leftovers). The builder only replaces
a folder that carries its marker file. This is the only stage that writes.
"""
from __future__ import annotations

import itertools
import json
import os
import queue
import shutil
import threading
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..model.errors import BuildFailed, Location, SiteError

MARKER = ".site-builder"
MARKER_TEXT = "Made by site_builder; replaced on every build.\n"
STAGING_PREFIX = ".staging-"
OLD_PREFIX = ".old-"
JOURNAL = ".site-builder-journal"   # in an in-place update's side folder: its moves are decided
COMPARE_CHUNK = 1 << 20   # bytes: how much of an existing file _same_bytes reads at once

# Called with the files an update is about to change (path -> new bytes) and delete, after
# they are all staged and before any of them replaces the old site (preview.py serves them
# from memory meanwhile, so no request sees half of the update).
BeforeRename = Callable[[dict[str, bytes], list[str]], None]


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
    """Finish or undo what an interrupted build left beside the output, then remove it.

    Never deletes the last complete copy of the site (issue 21 #6, #7): a build killed
    between the two renames of the swap left only `.old-PID`, which is put back; one
    killed while moving an in-place update's files into place left a journal, whose
    moves and deletions are finished, so the site is wholly the new one. Called under
    the build lock, so no live build owns what it touches.
    """
    out_dir = out_dir.absolute()
    parent = out_dir.parent
    if not parent.is_dir():
        return
    leftovers: dict[str, list[Path]] = {STAGING_PREFIX: [], OLD_PREFIX: []}
    for entry in sorted(parent.iterdir()):
        for prefix in leftovers:
            tag = f".{out_dir.name}{prefix}"
            owner = entry.name[len(tag):]
            # This process's own: an earlier build of a long-lived process (serve) that failed.
            if entry.name.startswith(tag) and (owner == str(os.getpid()) or not pid_alive(owner)):
                leftovers[prefix].append(entry)
    for side in leftovers[STAGING_PREFIX]:
        if (side / JOURNAL).is_file() and (out_dir / MARKER).is_file():
            try:
                _finish_update(side, out_dir)
            except (OSError, ValueError, KeyError) as exc:
                raise _fail(out_dir, f"cannot finish an interrupted update: {exc}",
                            f"{side.name} holds it; build again, or remove both folders") from None
    complete_old = [old for old in leftovers[OLD_PREFIX] if (old / MARKER).is_file()]
    if not os.path.lexists(out_dir) and complete_old:
        os.replace(max(complete_old, key=lambda old: old.stat().st_mtime_ns), out_dir)
    for entry in leftovers[STAGING_PREFIX] + leftovers[OLD_PREFIX]:
        shutil.rmtree(entry, ignore_errors=True)


def pid_alive(text: str) -> bool:
    """Tell whether the process whose id is written in text still runs (the owner of a folder)."""
    try:
        os.kill(int(text), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def write_site(rendered: Iterable[tuple[str, bytes | None]], static_dir: Path | None, out_dir: Path,
               indexer: Callable[[Path], AbstractContextManager] | None = None,
               unindexed: Iterable[tuple[str, bytes]] = (),
               before_rename: BeforeRename | None = None, keep_folders: tuple[str, ...] = ()) -> int:
    """Write every file into a staging folder, copy static assets, then swap it into place.

    `rendered` may be a generator: each file is written as it comes, so the whole site
    is never in memory; if it raises, nothing is swapped in. `indexer(staging)` is a
    context entered once the pages and static assets are staged (a search index made in
    the background, search.indexing): the files of `unindexed`, which must not be pages,
    are written inside it. If it raises, the previous output stays as it was.
    Without it, a folder this builder made is updated in place instead (only changed
    files; see update_in_place). A None instead of bytes keeps that file as the
    previous build left it (page_cache.py).
    `before_rename` and `keep_folders` are passed to update_in_place; when the folder must
    be replaced whole instead, `before_rename` gets every file of the new site."""
    out_dir = out_dir.absolute()
    if indexer is None and (out_dir / MARKER).is_file() and not out_dir.is_symlink():
        try:
            return update_in_place(itertools.chain(rendered, unindexed), static_dir, out_dir, before_rename,
                                   keep_folders)
        except _NotInPlace:
            pass  # a layout the in-place update does not handle (seen before writing anything)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.parent / f".{out_dir.name}{STAGING_PREFIX}{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir()
        count = _stage(rendered, staging, out_dir)
        if static_dir is not None and static_dir.is_dir():
            _copy_static(static_dir, staging / "static")
        (staging / MARKER).write_text(MARKER_TEXT)
        with indexer(staging) if indexer is not None else nullcontext():
            count += _stage(unindexed, staging, out_dir)
        if before_rename is not None and out_dir.exists():
            before_rename(_read_tree(staging), [])
        _swap(staging, out_dir)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _fail(out_dir, f"cannot write the site: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _stage(files: Iterable[tuple[str, bytes | None]], staging: Path, out_dir: Path) -> int:
    # No resolve() of the target (six lstat calls a page, 2 s at 10,000 pages): staging is a
    # folder this build made and holds only what it wrote, regular files and folders, so
    # a relative path that passes _safe_relative stays inside it.
    count = 0
    with _Writers(out_dir) as writers:
        for relative, data in files:
            writers.add(relative, staging / _safe_relative(relative), data)
            count += 1
    return count


class _Writers:
    """Write files on threads of their own while this thread goes on.

    Creating a file costs the kernel about 0.4 ms of CPU on an ext4 disk, more than
    rendering a small page; the threads let that happen on the other cores. They start
    with the first file: a generator that forks workers (render.py, publish.py) does so
    before it yields its first file, so no writer thread exists when it forks. The
    first error stops the writing and is raised here, at the next file or at the end;
    an exception in this thread stops it too (the caller then removes the staging folder).
    """

    THREADS = 2
    QUEUED = 64   # files waiting at most, so a slow disk holds the producer back

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.error: BaseException | None = None
        self._queue: queue.Queue[tuple[str, Path, bytes | None] | None] = queue.Queue(self.QUEUED)
        self._threads: list[threading.Thread] = []
        self._folders: set[Path] = set()

    def add(self, relative: str, target: Path, data: bytes | None) -> None:
        """Write data to target (None: copy out_dir/relative, kept from the previous build)."""
        if self.error is not None:
            raise self.error
        if not self._threads:
            self._threads = [threading.Thread(target=self._run, name="site-builder-write", daemon=True)
                             for _ in range(self.THREADS)]
            for thread in self._threads:
                thread.start()
        self._queue.put((relative, target, data))

    def __enter__(self) -> _Writers:
        return self

    def __exit__(self, kind: type | None, raised: BaseException | None, traceback: object) -> None:
        if raised is not None and self.error is None:
            self.error = raised   # the threads skip what is still queued
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()
        if raised is None and self.error is not None:
            raise self.error

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            if self.error is not None:
                continue  # drain the queue so that the producer never blocks
            relative, target, data = job
            try:
                if target.parent not in self._folders:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    self._folders.add(target.parent)
                if data is None:  # kept from the previous build (page_cache.py)
                    shutil.copy2(self.out_dir / relative, target)
                else:
                    target.write_bytes(data)
            except BaseException as exc:  # raised in the producing thread
                self.error = exc


def _safe_relative(relative: str) -> str:
    # Defence in depth behind the id rules (bad-inputs B3 39-44): no absolute, empty,
    # '.' or '..' parts, no NUL byte, no backslash and no colon (Windows reads them as a
    # separator and a drive), whatever the planner produced.
    parts = relative.split("/")
    if any(c in relative for c in "\0\\:") or relative.startswith("/") \
            or any(part in ("", ".", "..") for part in parts):
        raise _fail(Path(relative.replace("\0", "\\0")), "output path escapes the output folder")
    return relative


class _NotInPlace(Exception):
    """The output folder holds a symlink, which calls for a full swap."""


def update_in_place(rendered: Iterable[tuple[str, bytes | None]], static_dir: Path | None, out_dir: Path,
                    before_rename: BeforeRename | None = None, keep_folders: tuple[str, ...] = ()) -> int:
    """Make out_dir hold exactly this build's files, rewriting only files whose bytes changed.

    Two phases keep a failed build from touching the site: first each changed file is
    written into a side folder beside out_dir as it comes (any error removes it and
    leaves the previous site as it was); then each is moved over its target and files
    that are no longer part of the site are deleted. `before_rename(changed, deleted)` runs
    between the two. Top-level folders named in `keep_folders` are not this build's (the
    preview's search index): they are left as they are.
    """
    existing, folders = _existing_files(out_dir, keep_folders)   # before reading `rendered`: may still swap whole
    side = out_dir.parent / f".{out_dir.name}{STAGING_PREFIX}{os.getpid()}"
    shutil.rmtree(side, ignore_errors=True)
    staged: list[str] = []
    wanted: set[str] = set()
    changed: dict[str, bytes] = {}   # only for before_rename
    try:
        side.mkdir()
        for relative, data in _with_static(rendered, static_dir):
            norm = os.path.normpath(relative)
            if os.path.isabs(norm) or norm == ".." or norm.startswith(".." + os.sep) or norm != relative:
                raise _fail(Path(relative), "output path escapes the output folder")
            wanted.add(relative)
            target = os.path.join(out_dir, relative)
            if data is None:  # kept from the previous build (page_cache.py)
                if relative not in existing:
                    raise _fail(Path(target), "a page changed during the build", "build again")
                continue
            if relative in existing and _same_bytes(target, data):
                continue
            temp = os.path.join(side, str(len(staged)))
            with open(temp, "wb") as handle:
                handle.write(data)
            staged.append(relative)
            if before_rename is not None:
                changed[relative] = data
        deleted = sorted(existing.difference(wanted))
        if before_rename is not None:
            before_rename(changed, deleted)
    except BaseException as exc:
        shutil.rmtree(side, ignore_errors=True)
        if isinstance(exc, OSError):
            raise _fail(out_dir, f"cannot write the site: {exc.strerror or exc}") from None
        raise
    try:
        # The commit point: once the journal exists, a build killed from here on is finished
        # by the next one (clean_leftovers), so the site is never left half old, half new.
        _write_journal(side, staged, deleted)
        _finish_update(side, out_dir)
    except OSError as exc:
        if not (side / JOURNAL).is_file():
            shutil.rmtree(side, ignore_errors=True)
        # else kept: the next build finishes the moves from the journal (clean_leftovers)
        raise _fail(out_dir, f"cannot write the site: {exc.strerror or exc}") from None
    shutil.rmtree(side, ignore_errors=True)
    for folder in sorted(folders, key=len, reverse=True):  # deepest first; keeps non-empty ones
        _rmdir(os.path.join(out_dir, folder))
    return len(wanted)


def _write_journal(side: Path, staged: list[str], deleted: list[str]) -> None:
    """Record, atomically, which staged file goes where and which files go away."""
    temp = side / (JOURNAL + ".tmp")
    temp.write_text(json.dumps({"staged": staged, "deleted": deleted}), encoding="utf-8")
    os.replace(temp, side / JOURNAL)


def _finish_update(side: Path, out_dir: Path) -> None:
    """Move each staged file still in side into place and delete what the journal says;
    repeatable: what an earlier, killed run already did is skipped."""
    journal = json.loads((side / JOURNAL).read_text(encoding="utf-8"))
    for number, relative in enumerate(journal["staged"]):
        temp = os.path.join(side, str(number))
        if os.path.lexists(temp):
            _move_into_place(temp, out_dir, _safe_relative(relative))
    for relative in journal["deleted"]:
        _unlink(os.path.join(out_dir, _safe_relative(relative)))


def _with_static(rendered: Iterable[tuple[str, bytes | None]],
                 static_dir: Path | None) -> Iterator[tuple[str, bytes | None]]:
    yield from rendered
    if static_dir is not None and static_dir.is_dir():
        for path in sorted(static_dir.rglob("*")):
            if path.is_symlink():
                raise _fail(path, "symlinks are not allowed in static assets")
            if path.is_file():
                yield (Path("static") / path.relative_to(static_dir)).as_posix(), path.read_bytes()
    yield MARKER, MARKER_TEXT.encode()


def _move_into_place(temp: str, out_dir: Path, relative: str) -> None:
    """Move temp to out_dir/relative, clearing a file where a folder must go or a folder where the file goes."""
    parent = out_dir
    for part in relative.split("/")[:-1]:
        parent = parent / part
        if parent.is_file() or parent.is_symlink():
            os.unlink(parent)
        if not parent.is_dir():
            os.mkdir(parent)
    target = parent / relative.split("/")[-1]
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    os.replace(temp, target)


def _existing_files(out_dir: Path, keep_folders: tuple[str, ...] = ()) -> tuple[set[str], list[str]]:
    files: set[str] = set()
    folders: list[str] = []
    for root, dirs, names in os.walk(out_dir):
        relative_root = os.path.relpath(root, out_dir)
        prefix = "" if relative_root == "." else relative_root + os.sep
        if not prefix:
            dirs[:] = [name for name in dirs if name not in keep_folders]
        for name in dirs:
            if os.path.islink(os.path.join(root, name)):
                raise _NotInPlace(name)
            folders.append(prefix + name)
        for name in names:
            if os.path.islink(os.path.join(root, name)):
                raise _NotInPlace(name)
            files.add(prefix + name)
    return files, folders


def _read_tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _same_bytes(path: str, data: bytes) -> bool:
    # Piece by piece: a large file (data.json is 75 MB at the large preset) is never
    # held twice in memory.
    try:
        if os.stat(path).st_size != len(data):
            return False
        view = memoryview(data)
        with open(path, "rb") as handle:
            for start in range(0, len(data), COMPARE_CHUNK):
                if handle.read(COMPARE_CHUNK) != view[start:start + COMPARE_CHUNK]:
                    return False
            return handle.read(1) == b""
    except OSError:
        return False


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _rmdir(path: str) -> None:
    try:
        os.rmdir(path)
    except OSError:
        pass  # not empty: still holds part of the site


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
