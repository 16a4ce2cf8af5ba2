"""Find where a character of a loaded YAML scalar stands in its file.

A scalar's text is not its source: folding joins lines, indentation and quotes go,
escapes are decoded. source_index() reads one scalar again from its first mark, the
way libyaml does, keeping for each character of the value the place it came from, and
answers only when what it read is the value loaded. Used only when an error inside a
text is reported, so nothing here runs on a clean build. Knows YAML, nothing of fields.
"""
from __future__ import annotations

import bisect
import re

# libyaml's line breaks: CR LF, CR, LF, NEL, LS and PS (marks count lines by them).
_BREAK_RE = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_BREAKS = "\r\n\x85\u2028\u2029"
_BLANKS = " \t"
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
            "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "'": "'", "\\": "\\",
            "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


class Source:
    """A file's text with the start of each line, as libyaml counts lines."""

    __slots__ = ("text", "starts")

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _BREAK_RE.finditer(text)]

    def index(self, line: int, col: int) -> int | None:
        """Return the index of a 1-based line and column, or None if the file has no such place."""
        if not 1 <= line <= len(self.starts) or col < 1:
            return None
        index = self.starts[line - 1] + col - 1
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return index if index < end else None

    def line_col(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1


def source_index(source: Source, line: int, col: int, style: str | None, value: str, offset: int) -> int | None:
    """Return the index in source.text of value[offset], for the scalar of this style whose
    first mark ('|', '>', a quote or its first character) is at line, col; None when the
    text there does not read as value (the file changed, or a construct not mapped)."""
    start = source.index(line, col)
    if start is None or not 0 <= offset < len(value):
        return None
    kind = (style or "")[:1]
    if kind and source.text[start] != kind:      # the file changed: the mark is not there
        return None
    if kind in ("|", ">"):
        return _block(source.text, start, value, offset)
    read = _flow(source.text, start, kind if kind in ("'", '"') else "", len(value))
    return _answer(read, value, offset)


def _answer(read: tuple[list[str], list[int]], value: str, offset: int) -> int | None:
    chars, places = read
    if len(chars) <= offset or "".join(chars[:len(value)]) != value[:len(chars)]:
        return None
    return places[offset]


def _break(text: str, i: int) -> int:
    """Return the length of the line break at i (0 if none)."""
    if i >= len(text) or text[i] not in _BREAKS:
        return 0
    return 2 if text.startswith("\r\n", i) else 1


def _newline(text: str, i: int) -> str:
    """Return what a line break becomes in a value: LF, except that LS and PS stay."""
    return text[i] if text[i] in "\u2028\u2029" else "\n"


def _joined(leading: list[tuple[str, int]], trailing: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Return what a folded run of line breaks becomes: one break is a space, more are
    the breaks after the first (libyaml: a first break that is LS or PS is kept)."""
    if leading and leading[0][0] == "\n":
        return trailing or [(" ", leading[0][1])]
    return leading + trailing


def _flow(text: str, i: int, quote: str, wanted: int) -> tuple[list[str], list[int]]:
    """Read a plain (quote '') or quoted scalar starting at i: at most `wanted` characters,
    each with the index it came from (an escape: its backslash; a fold: the line break)."""
    chars: list[str] = []
    places: list[int] = []
    n = len(text)
    if quote:
        i += 1
    while len(chars) < wanted:
        leading_blanks = False
        leading: list[tuple[str, int]] = []
        while i < n and text[i] not in _BLANKS and not _break(text, i):
            c = text[i]
            if quote == "'" and c == "'":
                if not text.startswith("''", i):
                    return chars, places          # the closing quote
                chars.append("'"), places.append(i)
                i += 2
                continue
            if quote == '"' and c == '"':
                return chars, places
            if quote == '"' and c == "\\":
                if (size := _break(text, i + 1)):   # an escaped line break joins the lines
                    i += 1 + size
                    leading_blanks = True
                    break
                escaped = _escape(text, i)
                if escaped is None:
                    return chars, places
                char, size = escaped
                chars.append(char), places.append(i)
                i += size
                continue
            chars.append(c), places.append(i)
            i += 1
            if len(chars) >= wanted:
                return chars, places
        if i >= n:
            return chars, places
        spaces: list[tuple[str, int]] = []
        trailing: list[tuple[str, int]] = []
        while i < n and (text[i] in _BLANKS or _break(text, i)):
            if text[i] in _BLANKS:
                if not leading_blanks:
                    spaces.append((text[i], i))
                i += 1
                continue
            if not leading_blanks:
                spaces, leading, leading_blanks = [], [(_newline(text, i), i)], True
            else:
                trailing.append((_newline(text, i), i))
            i += _break(text, i)
        for char, place in (_joined(leading, trailing) if leading_blanks else spaces):
            chars.append(char), places.append(place)
    return chars, places


def _escape(text: str, i: int) -> tuple[str, int] | None:
    """Return the character a double-quoted escape at i stands for and its length."""
    code = text[i + 1:i + 2]
    if code in _ESCAPES:
        return _ESCAPES[code], 2
    digits = _HEX_ESCAPES.get(code)
    if digits is None:
        return None
    hex_digits = text[i + 2:i + 2 + digits]
    if len(hex_digits) != digits or not all(d in "0123456789abcdefABCDEF" for d in hex_digits):
        return None
    code_point = int(hex_digits, 16)
    return (chr(code_point), 2 + digits) if code_point <= 0x10FFFF else None


def _block(text: str, i: int, value: str, offset: int) -> int | None:
    """Return the index of value[offset] in the '|' or '>' block whose indicator is at i."""
    literal = text[i] == "|"
    i += 1
    n = len(text)
    chomping = ""
    while i < n and text[i] in "+-123456789":   # chomping and indentation indicators
        chomping += text[i] if text[i] in "+-" else ""
        i += 1
    while i < n and not _break(text, i):       # blanks and a comment up to the line's end
        i += 1
    body = i + _break(text, i)
    # The content's indentation: libyaml takes the first non-empty line's, or parent +
    # an indicator, whose parent is not known here. Each smaller candidate reads the first
    # line with extra spaces, so only the right one reads as the value.
    first = body
    while _break(text, first + _spaces(text, first)):
        end = first + _spaces(text, first)
        first = end + _break(text, end)
    indent = _spaces(text, first)
    for candidate in range(max(indent, 1), 0, -1):
        found = _answer(_read_block(text, body, candidate, literal, chomping, offset + 1), value, offset)
        if found is not None:
            return found
    return None


def _spaces(text: str, i: int) -> int:
    """Return how many spaces stand at i."""
    start = i
    while i < len(text) and text[i] == " ":
        i += 1
    return i - start


def _read_block(text: str, i: int, indent: int, literal: bool, chomping: str,
                wanted: int) -> tuple[list[str], list[int]]:
    """Read a block scalar's content from i with this indentation (libyaml's
    scan_block_scalar), `wanted` characters or a few more, each with its index."""
    chars: list[str] = []
    places: list[int] = []
    n = len(text)
    trailing: list[tuple[str, int]] = []

    def empty_lines(i: int) -> tuple[int, int]:
        """Skip indentation and empty lines (noting their breaks); return index and column."""
        column = 0
        while True:
            while column < indent and i < n and text[i] == " ":
                i, column = i + 1, column + 1
            size = _break(text, i)
            if not size:
                return i, column
            trailing.append((_newline(text, i), i))
            i, column = i + size, 0

    leading: list[tuple[str, int]] = []
    leading_blank = False
    i, column = empty_lines(i)
    while column == indent and i < n and len(chars) < wanted:
        trailing_blank = text[i] in _BLANKS
        if not literal and leading and leading[0][0] == "\n" and not leading_blank and not trailing_blank:
            if not trailing:
                chars.append(" "), places.append(leading[0][1])
        else:
            for char, place in leading:
                chars.append(char), places.append(place)
        for char, place in trailing:
            chars.append(char), places.append(place)
        leading, trailing = [], []
        leading_blank = trailing_blank
        while i < n and not _break(text, i):
            chars.append(text[i]), places.append(i)
            i += 1
        if i >= n:
            break
        leading = [(_newline(text, i), i)]
        i, column = empty_lines(i + _break(text, i))
    if len(chars) < wanted:   # the block ended: its final line breaks, as chomping keeps them
        kept = (leading if chomping != "-" else []) + (trailing if chomping == "+" else [])
        for char, place in kept:
            chars.append(char), places.append(place)
    return chars, places
