"""One digest for everything that is keyed by its inputs (cache entries, template sets).

Knows nothing about what the parts mean.
"""
from __future__ import annotations

import hashlib


def digest(*parts: str | bytes) -> str:
    """Return a short, collision-safe hex digest of the parts (each length-prefixed)."""
    encoded = [part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part for part in parts]
    lengths = b"".join(len(data).to_bytes(8, "little") for data in encoded)
    return hashlib.blake2b(lengths + b"".join(encoded), digest_size=20).hexdigest()
