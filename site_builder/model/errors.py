"""Form every problem the builder reports, as `path:line:col: field: message (hint)`.

Other modules create SiteError values; only this module decides how they read.
It knows nothing about YAML, Jinja or the file system.
"""
from __future__ import annotations

import collections
import difflib
import functools
import heapq
import re
from dataclasses import dataclass, field
from typing import Iterable


# Content reaches terminals and CI logs only through here: a newline would start a new
# line that GitHub Actions reads as a workflow command ('::error ...'), ESC and BEL
# drive the terminal (title, colours), bidi controls reorder what is shown (issue 21 #13).
_UNPRINTABLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def printable(text: str) -> str:
    """Return text with every control, bidi and zero-width character written as an escape."""
    return _UNPRINTABLE_RE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                               else f"\\u{ord(m.group()):04x}", text)


@dataclass(frozen=True, slots=True)
class Location:
    """A 1-based position in a source file (line and col 0 mean 'the whole file')."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return printable(f"{self.path}:{self.line}:{self.col or 1}")
        return printable(self.path)


@dataclass(frozen=True, slots=True)
class SiteError:
    """One problem with the content or templates, tied to where it comes from."""

    location: Location
    field: str | None
    message: str
    hint: str | None = None
    warning: bool = False

    def __str__(self) -> str:
        parts = [str(self.location)]
        if self.field:
            parts.append(self.field)
        text = ": ".join(parts) + ": " + ("warning: " if self.warning else "") + self.message
        if self.hint:
            text += f" ({self.hint})"
        return printable(text)

    def sort_key(self) -> tuple:
        return (self.location.path, self.location.line, self.location.col, self.field or "", self.message)


class BuildFailed(Exception):
    """Raised when a build cannot go on; carries every problem found so far."""

    def __init__(self, problems: list[SiteError]):
        self.problems = sorted(problems, key=SiteError.sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(slots=True)
class Problems:
    """Collect problems from every stage so that one run reports them all."""

    items: list[SiteError] = field(default_factory=list)

    def add(self, location: Location, field_name: str | None, message: str,
            hint: str | None = None, warning: bool = False) -> None:
        self.items.append(SiteError(location, field_name, message, hint, warning))

    def extend(self, errors: Iterable[SiteError]) -> None:
        self.items.extend(errors)

    @property
    def errors(self) -> list[SiteError]:
        return [p for p in self.items if not p.warning]

    @property
    def warnings(self) -> list[SiteError]:
        return [p for p in self.items if p.warning]

    def raise_if_errors(self, strict: bool = False) -> None:
        """Raise BuildFailed if there are errors (or, under strict, warnings)."""
        failing = self.items if strict else self.errors
        if failing:
            raise BuildFailed(failing)


# difflib compares the word with every candidate: 0.2 s against 10,000 ids, so 2,000
# dangling references took 436 s (issue 21 #4). Beyond SHORTLIST candidates, only those
# sharing the most letter pairs with the word are compared, found through an index
# built once per candidate list.
SHORTLIST = 100


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """Return a 'did you mean' hint for the closest candidate, if any is close."""
    # No sorting needed: get_close_matches ranks by (score, candidate), whatever the order.
    pool = candidates if isinstance(candidates, tuple) else tuple(candidates)
    if len(pool) > SHORTLIST:
        counts = collections.Counter()
        postings = _pair_index(pool)
        for pair in {word[i:i + 2] for i in range(len(word) - 1)}:
            counts.update(postings.get(pair, ()))
        pool = tuple(pool[i] for i, _ in heapq.nlargest(SHORTLIST, counts.items(), key=lambda item: (item[1], -item[0])))
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None


@functools.lru_cache(maxsize=8)
def _pair_index(pool: tuple[str, ...]) -> dict[str, list[int]]:
    """Return, for each pair of adjacent letters, the positions of the candidates holding it."""
    index: dict[str, list[int]] = {}
    for position, candidate in enumerate(pool):
        for pair in {candidate[i:i + 2] for i in range(len(candidate) - 1)}:
            index.setdefault(pair, []).append(position)
    return index
