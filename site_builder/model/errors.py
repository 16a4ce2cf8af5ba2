"""Form every problem the builder reports, as `path:line:col: field: message (hint)`.

Other modules create SiteError values; only this module decides how they read.
It knows nothing about YAML, Jinja or the file system.
"""
from __future__ import annotations

import collections
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
    draft: bool = False           # what a draft still lacks: fails only a build that refuses drafts
    stale: bool = False           # a translation behind its English (a warning): fails no build, not even
                                  # a strict one, since the English it lags behind is what is published

    def __str__(self) -> str:
        parts = [str(self.location)]
        if self.field:
            parts.append(self.field)
        label = "warning: " if self.warning else "draft: " if self.draft else ""
        text = ": ".join(parts) + ": " + label + self.message
        if self.hint:
            text += f" ({self.hint})"
        return printable(text)

    def sort_key(self) -> tuple:
        return (self.location.path, self.location.line, self.location.col, self.field or "", self.message)


class BuildFailed(Exception):
    """Raised when a build cannot go on; carries every problem found so far."""

    def __init__(self, problems: list[SiteError], warnings: Iterable[SiteError] = ()):
        self.problems = sorted(problems, key=SiteError.sort_key)
        self.warnings = list(warnings)   # found too, not failing: the preview shows them apart
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(slots=True)
class Problems:
    """Collect problems from every stage so that one run reports them all."""

    items: list[SiteError] = field(default_factory=list)

    def add(self, location: Location, field_name: str | None, message: str,
            hint: str | None = None, warning: bool = False, draft: bool = False, stale: bool = False) -> None:
        self.items.append(SiteError(location, field_name, message, hint, warning or stale, draft, stale))

    def extend(self, errors: Iterable[SiteError]) -> None:
        self.items.extend(errors)

    @property
    def errors(self) -> list[SiteError]:
        return [p for p in self.items if not p.warning and not p.draft]

    @property
    def warnings(self) -> list[SiteError]:
        """Warnings, then what each draft lacks (listed, but failing only with no_drafts)."""
        return [p for p in self.items if p.warning] + [p for p in self.items if p.draft]

    def raise_if_errors(self, strict: bool = False, no_drafts: bool = False) -> None:
        """Raise BuildFailed if there are errors (or, under strict, warnings other than stale
        translations; with no_drafts, drafts)."""
        failing = [p for p in self.items
                   if not (p.warning and (p.stale or not strict)) and not (p.draft and not no_drafts)]
        if failing:
            raise BuildFailed(failing, [p for p in self.warnings if p not in failing])


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")

def plain_field(field_name: str | None, items: dict[str, str] | None = None) -> str | None:
    """Return a field path in words: 'participants[1]' -> 'the second participant',
    'readouts.China' -> 'readouts, China'. `items` names one item of a list field
    ({'participants': 'participant'}, from the declarations' Field.item)."""
    if not field_name:
        return None
    head, _, rest = field_name.partition("[")
    if rest and rest.split("]", 1)[0].isdigit():
        index = int(rest.split("]", 1)[0])
        nth = _ORDINALS[index] if index < len(_ORDINALS) else f"item {index + 1} of the"
        noun = (items or {}).get(head) or (head[:-1] if head.endswith("s") else head)
        return f"the {nth} {noun}" if index < len(_ORDINALS) else f"{nth} {head}"
    return field_name.replace(".", ", ")


# Comparing the word with every candidate took 0.2 s against 10,000 ids, so 2,000
# dangling references took 436 s (issue 21 #4). Beyond SHORTLIST candidates, only those
# sharing the most letter pairs with the word are compared, found through an index
# built once per candidate list.
SHORTLIST = 100


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """Return a 'did you mean' hint for a close candidate, or None rather than a far one.

    Close means a different case, or at most one typo per five characters (at least
    one, at most three), counting a swap of two neighbours as one: 'wang-yl' finds
    'wang-yi', but 'wang-xiaohong' does not find 'wang-yi' or 'wang-xiaohong-meeting'.
    """
    folded = word.casefold()
    limit = max(1, min(3, len(word) // 5))
    pool = candidates if isinstance(candidates, tuple) else tuple(candidates)
    if len(pool) > SHORTLIST:
        pool = _shortlist(folded, pool)
    best: tuple[int, str] | None = None
    for candidate in sorted(pool):
        distance = _typos(folded, candidate.casefold(), limit)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, candidate)
    return f"did you mean '{best[1]}'?" if best else None


def _shortlist(folded: str, pool: tuple[str, ...]) -> tuple[str, ...]:
    """Return the SHORTLIST candidates sharing the most pairs of adjacent letters with the word."""
    counts: collections.Counter = collections.Counter()
    postings = _pair_index(pool)
    for pair in {folded[i:i + 2] for i in range(len(folded) - 1)}:
        counts.update(postings.get(pair, ()))
    return tuple(pool[i] for i, _ in heapq.nlargest(SHORTLIST, counts.items(), key=lambda item: (item[1], -item[0])))


@functools.lru_cache(maxsize=8)
def _pair_index(pool: tuple[str, ...]) -> dict[str, list[int]]:
    """Return, for each pair of adjacent letters, the positions of the candidates holding it."""
    index: dict[str, list[int]] = {}
    for position, candidate in enumerate(pool):
        folded = candidate.casefold()
        for pair in {folded[i:i + 2] for i in range(len(folded) - 1)}:
            index.setdefault(pair, []).append(position)
    return index


def _typos(a: str, b: str, limit: int) -> int:
    """Return the optimal string alignment distance of a and b, or limit + 1 once it exceeds limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, row = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if before is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[-1]
