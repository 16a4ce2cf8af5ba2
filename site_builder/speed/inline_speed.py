"""Make Python-Markdown's inline passes skip work that cannot change their result.

The stock pass tries every inline pattern on every piece of text: it looks the pattern
up in a Registry, calls __applyPattern, and runs the pattern's regular expression,
which for most patterns finds nothing and leaves the text as it was. Some of those
searches are slow (smarty's quote patterns scan a whole paragraph for a lookbehind
in ~100 µs). Here the patterns are a plain list and a pattern is skipped, exactly
when the stock pass would find no match, if its text lacks every character that any
match must contain (read from the compiled pattern), or else if its own regular
expression finds nothing. Same HTML (tests/speed/test_markup_speed.py), about half the
Markdown time (issue 7). Knows nothing about our content.
"""
from __future__ import annotations

import re
from typing import Any

import markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import InlineProcessor as InlineTreeprocessor
from markdown.util import AtomicString

try:  # Python 3.11+
    from re import _constants as sre_constants, _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants
    import sre_parse

_ZERO_WIDTH = {sre_constants.ASSERT, sre_constants.ASSERT_NOT, sre_constants.AT}
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT} | (
    {sre_constants.POSSESSIVE_REPEAT} if hasattr(sre_constants, "POSSESSIVE_REPEAT") else set())


def required_chars(pattern: re.Pattern) -> tuple[str, ...] | None:
    """Return characters of which every match contains at least one, or None if unknown."""
    if pattern.flags & re.IGNORECASE or not isinstance(pattern.pattern, str):
        return None
    try:
        found = _required(sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # an unexpected regex shape: no shortcut, only the regex itself
        return None
    return tuple(sorted(found)) if found else None


def _required(sequence: Any) -> set[str] | None:
    for op, av in sequence:
        found = None
        if op is sre_constants.LITERAL:
            found = {chr(av)}
        elif op is sre_constants.IN and all(item_op is sre_constants.LITERAL for item_op, _ in av):
            found = {chr(c) for _, c in av}
        elif op is sre_constants.SUBPATTERN and not av[1] & re.IGNORECASE:
            found = _required(av[3])
        elif op is getattr(sre_constants, "ATOMIC_GROUP", None):
            found = _required(av)
        elif op is sre_constants.BRANCH:
            branches = [_required(branch) for branch in av[1]]
            found = set().union(*branches) if all(branches) else None
        elif op in _REPEATS and av[0] >= 1:
            found = _required(av[2])
        if found:
            return found  # a mandatory element: every match contains one of these
    return None


class _FastInlineProcessor(InlineTreeprocessor):
    """InlineProcessor whose __handleInline skips patterns that cannot match."""

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        if isinstance(data, AtomicString):
            return data
        patterns, regexes, needs = self._fast_patterns
        apply = self._InlineProcessor__applyPattern
        start, count = 0, len(patterns)
        while patternIndex < count:
            chars, regex = needs[patternIndex], regexes[patternIndex]
            if chars is not None:
                for char in chars:
                    if char in data:
                        break
                else:
                    patternIndex, start = patternIndex + 1, 0   # what __applyPattern returns on no match
                    continue
            if regex is not None and regex.search(data, start) is None:
                patternIndex, start = patternIndex + 1, 0
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


def speed_up_inline(md: markdown.Markdown) -> None:
    """Switch md's inline passes (its own and smarty's) to the fast one; a no-op if the
    installed Python-Markdown is not shaped as expected."""
    for processor in md.treeprocessors:
        if type(processor) is not InlineTreeprocessor or not hasattr(processor, "_InlineProcessor__applyPattern"):
            continue
        patterns = list(processor.inlinePatterns)
        # Only new-style patterns search from startIndex; old-style ones always get applied.
        regexes = [p.getCompiledRegExp() if isinstance(p, InlineProcessor) else None for p in patterns]
        needs = [required_chars(r) if r is not None else None for r in regexes]
        processor.__class__ = _FastInlineProcessor
        processor.inlinePatterns = patterns
        processor._fast_patterns = (patterns, regexes, needs)
