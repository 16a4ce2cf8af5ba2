"""A tiny txtar reader: one string holds a whole mini site (Go's txtar format, as Hugo's tests use).

    -- content/people/x.yaml --
    name: X
    -- want --
    content/people/x.yaml:1:1: ...

Every `-- name --` line starts a file; text before the first one is a comment.
"""
from __future__ import annotations

import re

_HEADER_RE = re.compile(r"^-- (.+?) --$", re.M)


def parse_txtar(text: str) -> dict[str, str]:
    """Return {name: content} for every file in a txtar archive (content ends with a newline)."""
    parts = _HEADER_RE.split(text)
    files = {}
    for name, body in zip(parts[1::2], parts[2::2]):
        body = body[1:] if body.startswith("\n") else body
        files[name] = body
    return files
