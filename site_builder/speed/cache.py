"""Remember the results of pure stages by the hash of their inputs, in one folder.

Each table (parsed files, rendered Markdown, ...) is split by key into SHARDS files
`<name>-<n>.bin`, each a header naming this builder's version, a checksum, then a
marshal payload (plain values only, so reading a cache never runs code). A missing,
corrupt or foreign file is ignored and rewritten, never trusted. A table keeps only
what the last build used of it (a shard it did not use is deleted), and a shard is
rewritten only when that changed, so an edit at the large preset rewrites a few MB
of cache instead of every table (issue 7). Shards also stay in memory, so repeated
builds in one process (`serve`) skip reading them. Knows nothing about what the
values mean.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
import zlib
from pathlib import Path
from typing import Any

import jinja2
import markdown

from ..core.output import pid_alive
from ..model import inputs
from ..model.hashing import digest

MAGIC = b"site_builder-cache\n"
SHARDS = 16
_MISSING = object()
_memory: dict[str, tuple[tuple, dict]] = {}   # shard file -> (stat signature, entries)


def _code_version() -> bytes:
    """Hash this package's source and the installed versions of what shapes the output."""
    package = Path(__file__).resolve().parent.parent
    parts = [sys.version.encode(), marshal.version.to_bytes(4, "little")]
    # Every distribution installed beside Jinja (names carry versions: 'Jinja2-3.1.6.dist-info');
    # listing the folder costs far less than importlib.metadata.
    for folder in sorted({Path(jinja2.__file__).parent.parent, Path(markdown.__file__).parent.parent}):
        parts += sorted(name.encode() for name in os.listdir(folder) if name.endswith((".dist-info", ".egg-info")))
    for path in sorted(package.rglob("*.py")):
        parts += [path.relative_to(package).as_posix().encode(), path.read_bytes()]
    return digest(*parts).encode()


VERSION = _code_version()


class Cache:
    """Tables of key -> plain value in `folder`; with folder None, a cache that remembers nothing."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._old: dict[tuple[str, int], dict] = {}   # (table, shard) -> entries as read
        self._new: dict[tuple[str, int], dict] = {}   # (table, shard) -> entries this build used
        self._changed: set[tuple[str, int]] = set()

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def get(self, table: str, key: str, default: Any = None) -> Any:
        """Return the value stored under key, or default; a hit is kept for the next build."""
        if self.folder is None:
            return default
        shard = (table, _shard(key))
        new = self._shard_entries(shard)
        value = new.get(key, _MISSING)
        if value is _MISSING:
            value = self._old[shard].get(key, _MISSING)
            if value is _MISSING:
                return default
            new[key] = value
        return value

    def put(self, table: str, key: str, value: Any) -> None:
        """Store a plain value (str, bytes, numbers, None, tuples, lists, dicts of those)."""
        if self.folder is not None:
            shard = (table, _shard(key))
            self._shard_entries(shard)[key] = value
            self._changed.add(shard)

    def save(self) -> None:
        """Write every shard this build changed or used in part; never fail the build."""
        if self.folder is None:
            return
        for shard, new in self._new.items():
            if shard not in self._changed and len(new) == len(self._old[shard]):
                continue  # every old entry used, nothing added: the file is already right
            try:
                self._write(shard, new)
            except (OSError, ValueError):
                continue  # an unwritable cache only costs speed next time
        self._drop_unused({table for table, _ in self._new})
        self._drop_dead_temps()
        self._old, self._new, self._changed = {}, {}, set()

    def _drop_unused(self, tables: set[str]) -> None:
        """Delete the shards of these tables that this build never used, and the
        one-file tables of builders before shards: nothing in them was used."""
        for table in tables:
            for path in [*self.folder.glob(f"{table}-*.bin"), self.folder / f"{table}.bin"]:
                number = path.stem.rpartition("-")[2]
                if number.isdigit() and (table, int(number)) in self._new:
                    continue
                _memory.pop(str(path), None)
                try:
                    path.unlink(missing_ok=True)
                except OSError:
                    continue

    def _drop_dead_temps(self) -> None:
        """Delete the temp files that writers killed mid-write left (`_write` names them
        `.<shard>.<pid>.tmp`); nothing else ever would."""
        for temp in self.folder.glob(".*.tmp"):
            owner = temp.name[:-len(".tmp")].rpartition(".")[2]
            if owner.isdigit() and not pid_alive(owner):
                try:
                    temp.unlink(missing_ok=True)
                except OSError:
                    continue

    def _shard_entries(self, shard: tuple[str, int]) -> dict:
        entries = self._new.get(shard)
        if entries is None:
            self._old[shard] = self._read(shard)
            entries = self._new[shard] = {}
        return entries

    def _path(self, shard: tuple[str, int]) -> Path:
        return self.folder / f"{shard[0]}-{shard[1]:02d}.bin"

    def _read(self, shard: tuple[str, int]) -> dict:
        path = self._path(shard)
        try:
            stat = path.stat()
        except OSError:
            return {}
        signature = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        remembered = _memory.get(str(path))
        if remembered and remembered[0] == signature:
            return remembered[1]
        try:   # a pipe or link in a restored cache folder is corrupt, not a reason to hang
            entries = _decode(inputs.read_regular(path))
        except (OSError, ValueError, EOFError, TypeError):
            entries = None
        if not isinstance(entries, dict):
            return {}  # corrupt or from another version: ignored, rewritten on save
        _memory[str(path)] = (signature, entries)
        return entries

    def _write(self, shard: tuple[str, int], entries: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(shard)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            temp.write_bytes(_encode(entries))
            os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)
        stat = path.stat()
        _memory[str(path)] = ((stat.st_mtime_ns, stat.st_size, stat.st_ino), entries)


def _shard(key: str) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % SHARDS


def _encode(entries: dict) -> bytes:
    payload = marshal.dumps(entries)
    return MAGIC + VERSION + b"\n" + hashlib.blake2b(payload, digest_size=20).hexdigest().encode() + b"\n" + payload


def _decode(data: bytes) -> Any:
    header = MAGIC + VERSION + b"\n"
    if not data.startswith(header):
        return None
    checksum, payload = data[len(header):len(header) + 40], data[len(header) + 41:]
    if hashlib.blake2b(payload, digest_size=20).hexdigest().encode() != checksum:
        return None
    return marshal.loads(payload)
