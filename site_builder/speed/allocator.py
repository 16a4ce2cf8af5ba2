"""Make the C allocator give freed memory back to the system.

A build passes big short-lived buffers around (each chunk of rendered pages a worker
sends back, pickled then unpickled; data.json, 70 MB at the large preset) and frees
millions of small objects before it renders. glibc's malloc serves a block of 128 KB
or more by mmap and returns it on free, but after such a block is freed it raises
that threshold (up to 32 MB), so the next ones come from the heap, which fragments
and seldom shrinks: the main process grew by about 50 MB while writing the large
preset's pages (issue 7). Here every block of 256 KB or more stays mmap'd, and the
heap's free pages are handed back before workers fork, so that they are not counted
in every worker's share. Other C libraries (musl, macOS, Windows) are left as they are.
"""
from __future__ import annotations

import ctypes
import os

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3   # mallopt parameter numbers, from glibc's malloc.h
MMAP_THRESHOLD = 256 * 1024    # blocks of this size or more: mmap'd, returned on free
# Setting the mmap threshold also freezes the trim threshold at 128 KB, which would shrink
# and regrow the heap after nearly every free; trim() does that once, where it matters.
TRIM_THRESHOLD = 64 * 1024 * 1024


def _glibc() -> ctypes.CDLL | None:
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc"):
            return None
        return ctypes.CDLL(None)   # the C library this interpreter runs on
    except (AttributeError, ValueError, OSError, TypeError):   # no confstr, not glibc, no dlopen
        return None


_LIBC = _glibc()


def return_large_blocks() -> bool:
    """Keep large blocks mmap'd in this process and the workers it forks; False if not glibc."""
    if _LIBC is None:
        return False
    return bool(_LIBC.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) and _LIBC.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))


def trim() -> None:
    """Give the heap's free pages back to the system (glibc only; elsewhere nothing)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
