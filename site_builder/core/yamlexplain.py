"""Explain a YAML mistake where the editor made it, with a fix that works when pasted.

The parser reports where it gave up, which is often lines after the mistake (an
unclosed quote is noticed at the end of the file) or on the wrong field (a field
indented by accident is blamed on the value above it). This module reads the file
line by line, up to where the parser gave up, and looks for the mistakes editors
make: a missing space after ':' or '-', a value that YAML reads as something else
(a list, an alias, a tag), quotes that do not close or close too early, text that
runs on without indentation, tabs, a second '---'. It uses the file's indentation
and what the content type expects at each field: text, a list or a mapping.

Each finding carries its position, the field, a message in plain words and a hint
that names the corrected line; `Finding.fix` gives the same correction as data, so
that tests can check that following the hint gives valid YAML.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model.schema import ContentType

_KEY_RE = re.compile(r"""^(?P<key>[^\s#'"\-\[\]{}!&*|>%@`,?:][^#]*?)\s*:(?:[ \t]+(?P<value>.*?))?\s*$""")
_GLUED_KEY_RE = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?P<value>[^\s:/].*)$")
_BLOCK_HEADER_RE = re.compile(r"^[|>][-+]?[1-9]?[-+]?\s*(#.*)?$")
_ESCAPES = set('0abtnvfre "/\\N_LPxuU\t')
_SPECIAL_START = {"*": "an asterisk", "&": "an ampersand", "!": "an exclamation mark", "@": "an at sign",
                  "`": "a backtick", "%": "a percent sign", "[": "a square bracket", "{": "a curly bracket",
                  "|": "a vertical bar", ">": "a greater-than sign", ",": "a comma", "?": "a question mark"}


@dataclass(frozen=True, slots=True)
class Finding:
    """A mistake found on one line: where, which field, what, and how to fix it."""

    line: int                 # 1-based
    col: int                  # 1-based
    field: str | None
    message: str
    hint: str
    fix: tuple[int, int, tuple[str, ...]] | None = None   # replace lines first..last (1-based) with these


def shapes(ctype: ContentType) -> dict[str, str]:
    """Return what each field of ctype holds: 'text', 'list' or 'map' (from its JSON Schema type)."""
    out = {}
    for fdef in ctype.fields:
        kind = fdef.kind.json_schema().get("type", "string")
        out[fdef.name] = {"array": "list", "object": "map"}.get(kind, "text")
    return out


def quote(value: str) -> str:
    """Return value as a YAML quoted scalar that reads back as the same text."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


@dataclass(slots=True)
class _Line:
    number: int               # 1-based
    text: str
    indent: int
    body: str                 # the text after the indentation


@dataclass(slots=True)
class _Key:
    """The field a line belongs to: its name, line and indentation, and how its value was written."""

    name: str
    line: _Line
    value: str                # the inline value ('' if none)
    top: bool


class _Explainer:
    def __init__(self, text: str, ctype: ContentType):
        self.lines = text.splitlines()
        self.shapes = shapes(ctype)

    def line(self, index: int) -> _Line:
        text = self.lines[index]
        body = text.lstrip(" ")
        return _Line(index + 1, text, len(text) - len(body), body)

    def is_top_key(self, text: str) -> bool:
        match = _KEY_RE.match(text)
        return bool(match) and match.group("key") in self.shapes

    def find(self, stop: int) -> Finding | None:
        """Return the first mistake on lines 1..stop, or None."""
        top: _Key | None = None          # the top-level field being read
        block_owner: int | None = None   # inside a '|' or '>' block: the indentation of its key
        item_indent: int | None = None   # indentation of the first '- ' item of the current list
        seen_content = False
        index = 0
        while index < min(stop, len(self.lines)):
            ln = self.line(index)
            index += 1
            if not ln.body.strip():
                continue
            if block_owner is not None:
                if ln.indent > block_owner and "\t" not in ln.text[:ln.indent]:
                    continue
                block_owner = None
            stripped = ln.body.rstrip()
            if stripped.startswith("#"):
                continue
            leading = re.match(r"^[ \t]*", ln.text).group(0)
            if "\t" in leading:
                fixed = leading.replace("\t", "  ") + ln.text[len(leading):]
                return Finding(ln.number, len(leading), top.name if top else None,
                               "a tab is used to indent this line; YAML needs spaces",
                               f"replace the tab with spaces: {fixed.strip()}", (ln.number, ln.number, (fixed,)))
            if stripped in ("---", "..."):
                if seen_content:
                    return Finding(ln.number, 1, None,
                                   f"'{stripped}' starts a second document; a content file holds one",
                                   f"delete the line '{stripped}'", (ln.number, ln.number, ()))
                continue
            seen_content = True
            if stripped.startswith("-") and not stripped.startswith("---"):
                found = self.list_item(ln, stripped, top, item_indent)
                if isinstance(found, Finding):
                    return found
                if item_indent is None:
                    item_indent = ln.indent
                continue
            key_match = _KEY_RE.match(stripped)
            if ln.indent == 0 or (top is not None and self.shapes.get(top.name) != "map" and top.value == ""
                                  and key_match and key_match.group("key") in self.shapes):
                if ln.indent > 0:
                    return self.indented_field(ln, key_match, top)
                found = self.top_line(ln, stripped, key_match, top)
                if isinstance(found, Finding):
                    return found
                top, item_indent = found, None
                if _BLOCK_HEADER_RE.match(top.value):
                    block_owner = 0
                    index = self.block_body(index, top)
                    if isinstance(index, Finding):
                        return index
                else:
                    closing = self.quote_span(index - 1, top)
                    if isinstance(closing, Finding):
                        return closing
                    index = closing
                continue
            # An indented line: a continuation of the value above, or a field inside a mapping.
            if top is None:
                return Finding(ln.number, 1, None, "this line is indented, but nothing above it holds it",
                               f"start the line at the left edge: {stripped}", (ln.number, ln.number, (stripped,)))
            if key_match and key_match.group("key") in self.shapes and top.value and \
                    not top.value.startswith(("|", ">")):
                return self.indented_field(ln, key_match, top)
            if top.value and self.shapes.get(top.name) != "map":
                if ": " in stripped or stripped.endswith(":"):
                    return self.to_block(top, ln.number, "the text of this field runs onto this line and has ': ' in it")
                continue
            if key_match:
                value = key_match.group("value") or ""
                found = self.value(ln, value, f"{top.name}.{key_match.group('key')}", "text",
                                   ln.text.index(value) if value else 0)
                if found:
                    return found
                if _BLOCK_HEADER_RE.match(value):
                    block_owner = ln.indent
                else:
                    closing = self.quote_span(index - 1, top)
                    if isinstance(closing, Finding):
                        return closing
                    index = closing
        return None

    def list_item(self, ln: _Line, stripped: str, top: _Key | None, item_indent: int | None) -> Finding | None:
        name = top.name if top else None
        if stripped != "-" and not stripped.startswith("- "):
            fixed = " " * ln.indent + "- " + stripped[1:]
            return Finding(ln.number, ln.indent + 1, name, "a list item needs a space after the dash",
                           f"write it as: {fixed.strip()}", (ln.number, ln.number, (fixed,)))
        if item_indent is not None and ln.indent != item_indent:
            fixed = " " * item_indent + stripped
            return Finding(ln.number, ln.indent + 1, name,
                           f"this item is indented by {ln.indent} spaces, the one above by {item_indent}",
                           f"line it up with the item above: {item_indent} spaces, then {stripped}",
                           (ln.number, ln.number, (fixed,)))
        if top is not None and ln.indent == 0 and top.value:
            return Finding(ln.number, 1, name, f"a list item follows '{top.name}', which already has a value",
                           f"put the list on its own lines under '{top.name}:' and delete the value after the colon",
                           None)
        value = stripped[1:].strip()
        return self.value(ln, value, name, "text", ln.text.index(value) if value else 0)

    def top_line(self, ln: _Line, stripped: str, key_match: re.Match | None, top: _Key | None) -> _Key | Finding:
        if key_match is None:
            glued = _GLUED_KEY_RE.match(stripped)
            if glued and glued.group("key") in self.shapes:
                fixed = f"{glued.group('key')}: {glued.group('value')}"
                return Finding(ln.number, len(glued.group("key")) + 2, glued.group("key"),
                               "there is no space after the colon",
                               f"put a space after the colon: {fixed}", (ln.number, ln.number, (fixed,)))
            word = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\s*(=\s*|\s+|$)(.*)$", stripped)
            if word and word.group(1) in self.shapes:
                fixed = f"{word.group(1)}: {word.group(3)}".rstrip()
                return Finding(ln.number, len(word.group(1)) + 1, word.group(1),
                               "a field name needs a colon after it", f"write it as: {fixed}",
                               (ln.number, ln.number, (fixed,)))
            if top is not None:
                if top.value and not top.value.startswith(("|", ">", '"', "'")):
                    return self.to_block(top, ln.number, "this line goes on with the text above, but is not indented")
                if not top.value or _BLOCK_HEADER_RE.match(top.value):
                    above = self.line(ln.number - 2)
                    like_above = above.number != top.line.number and above.indent > 0
                    spaces = above.indent if like_above else 2
                    advice = f"indent it by {spaces} spaces, like the lines above" if like_above \
                        else "indent it by two spaces"
                    return Finding(ln.number, 1, top.name,
                                   f"this line belongs to the text of '{top.name}', but is not indented",
                                   f"{advice}: {stripped}", (ln.number, ln.number, (" " * spaces + stripped,)))
            return Finding(ln.number, 1, None, "each line needs 'field: value'",
                           "write the field name, a colon and a space, then the value", None)
        key, value = key_match.group("key"), key_match.group("value") or ""
        found = self.value(ln, value, key, self.shapes.get(key, "unknown"), ln.text.index(value) if value else 0,
                           prefix=f"{key}: ")
        if found and found.hint.startswith("put the whole value in quotes") and self.continued(ln.number):
            # Quotes around the first line would leave the indented lines below it stranded.
            return self.to_block(_Key(key, ln, value, True), ln.number, found.message)
        return found or _Key(key, ln, value, True)

    def continued(self, number: int) -> bool:
        """Tell whether the line after line `number` goes on with its text (indented, not a field or item)."""
        if number >= len(self.lines):
            return False
        nxt = self.line(number)
        return bool(nxt.body.strip()) and nxt.indent > 0 and not nxt.body.startswith(("-", "#")) \
            and not _KEY_RE.match(nxt.body.rstrip())

    def indented_field(self, ln: _Line, key_match: re.Match, top: _Key | None) -> Finding:
        key = key_match.group("key")
        fixed = ln.body.rstrip()
        return Finding(ln.number, ln.indent + 1, key,
                       f"'{key}' is indented, so YAML reads it as part of '{top.name if top else 'the field above'}'",
                       f"start the line at the left edge: {fixed}", (ln.number, ln.number, (fixed,)))

    def block_body(self, index: int, top: _Key) -> int | Finding:
        """Skip a '|' block's lines; report a block whose first line is not indented."""
        for probe in range(index, len(self.lines)):
            ln = self.line(probe)
            if not ln.body.strip():
                continue
            if ln.indent == 0 and not _KEY_RE.match(ln.body) and not ln.body.startswith("#"):
                fixed = "  " + ln.text
                return Finding(ln.number, 1, top.name, f"the text of '{top.name}: |' must be indented",
                               f"indent it by two spaces: {ln.text.strip()}", (ln.number, ln.number, (fixed,)))
            return probe
        return len(self.lines)

    def quote_span(self, index: int, top: _Key) -> int | Finding:
        """After a line whose value opens a quote it does not close, return the line after the
        closing quote, or report the quote as unclosed when a field line comes first."""
        ln = self.line(index)
        value = top.value
        if ln.number != top.line.number:
            match = _KEY_RE.match(ln.body.rstrip())
            value = (match.group("value") or "") if match else ""
        if not value or value[0] not in "\"'" or _close(value) is not None:
            return index + 1
        mark = value[0]
        for probe in range(index + 1, len(self.lines)):
            text = self.lines[probe]
            if self.is_top_key(text) and not text.startswith(" "):
                break
            if _close(mark + "x" + text.strip(), continued=True) is not None or text.rstrip().endswith(mark):
                return probe + 1
        fixed = ln.text.rstrip() + mark
        return Finding(ln.number, ln.text.index(value) + 1, top.name if top.top else None,
                       "the quote opened here is not closed",
                       f"close it at the end of the value: {fixed.strip()}", (ln.number, ln.number, (fixed,)))

    def to_block(self, top: _Key, upto: int, message: str) -> Finding:
        """Turn `key: text` and the unindented lines after it into a '|' block."""
        end = upto
        while end < len(self.lines):
            nxt = self.line(end)
            if not nxt.body.strip() or _KEY_RE.match(nxt.body) and (nxt.indent == 0 or self.is_top_key(nxt.body)):
                break
            end += 1
        first = top.line
        text_lines = [top.value] + [self.lines[i].strip() for i in range(first.number, end)]
        fixed = (" " * first.indent + f"{top.name}: |", *("  " + " " * first.indent + t for t in text_lines))
        return Finding(upto, 1, top.name, message,
                       f"write '{top.name}: |' and indent every line of the text below it by two spaces",
                       (first.number, end, fixed))

    def value(self, ln: _Line, value: str, name: str | None, shape: str, col: int,
              prefix: str = "- ") -> Finding | None:
        """Check an inline value: quotes, special first characters, ': ' inside."""
        if not value or value.startswith("#"):
            return None
        start = ln.text[:col]
        where = col + 1

        def fix_with(new_value: str, message: str, advice: str) -> Finding:
            fixed = start + new_value
            return Finding(ln.number, where, name, message, f"{advice}: {fixed.strip()}",
                           (ln.number, ln.number, (fixed,)))

        first = value[0]
        if first in "\"'":
            end = _close(value)
            if end is None:
                return None   # maybe a quote over several lines; quote_span decides
            if first == '"':
                bad = _bad_escape(value[1:end])
                if bad is not None:
                    inner = value[1:end]
                    return fix_with(quote(inner) if "'" not in inner else '"' + inner.replace("\\", "\\\\") + '"',
                                    f"'\\{bad}' inside double quotes is not a valid escape",
                                    "use single quotes, or write each backslash twice")
            rest = value[end + 1:].strip()
            if rest and not rest.startswith("#"):
                inner = value[1:-1] if len(value) > 1 and value.endswith(first) else value
                return fix_with(_other_quotes(inner, first), "the value goes on after its closing quote",
                                "quote the whole value with the other kind of quotes")
            return None
        if first in "[{" and shape == "text":
            what = "a list" if first == "[" else "a mapping"
            return fix_with(quote(value), f"a value that starts with '{first}' is read as {what}",
                            "put the whole value in quotes")
        if first in "[{":
            if _unbalanced(value):
                closing = "]" if first == "[" else "}"
                return fix_with(value + closing, f"the '{first}' is not closed", f"close it with '{closing}'")
            return None
        if first in "|>":
            if _BLOCK_HEADER_RE.match(value):
                return None
            return fix_with(quote(value), f"a value that starts with {_SPECIAL_START[first]} has a special meaning in YAML",
                            "put the whole value in quotes")
        if first in _SPECIAL_START or value.startswith("- ") or (first == "-" and value == "-"):
            return fix_with(quote(value),
                            f"a value that starts with {_SPECIAL_START.get(first, 'a dash')} has a special meaning in YAML",
                            "put the whole value in quotes")
        text = value.split(" #", 1)[0]
        if ": " in text or text.endswith(":") or "\t#" in value:
            return fix_with(quote(value.rstrip()), "the value contains ': ', which YAML reads as a new field",
                            "put the whole value in quotes")
        return None


def _close(value: str, continued: bool = False) -> int | None:
    """Return the index of the quote that closes value[0]'s quote, or None."""
    mark, i = value[0], 1
    while i < len(value):
        char = value[i]
        if mark == '"' and char == "\\":
            i += 2
            continue
        if char == mark:
            if mark == "'" and value[i + 1:i + 2] == "'":
                i += 2
                continue
            return i
        i += 1
    return None


def _other_quotes(text: str, mark: str) -> str:
    """Quote text with the quote that is not mark (so that marks inside it need no escape)."""
    if mark == '"':
        return "'" + text.replace("'", "''") + "'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _bad_escape(inner: str) -> str | None:
    i = 0
    while i < len(inner):
        if inner[i] == "\\":
            nxt = inner[i + 1:i + 2]
            if nxt and nxt not in _ESCAPES:
                return nxt
            i += 2
            continue
        i += 1
    return None


def _unbalanced(value: str) -> bool:
    depth, quote_mark = 0, None
    for char in value.split(" #", 1)[0]:
        if quote_mark:
            quote_mark = None if char == quote_mark else quote_mark
        elif char in "\"'":
            quote_mark = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth > 0


def explain(text: str, ctype: ContentType, stop_line: int | None = None) -> Finding | None:
    """Return the first mistake on lines 1..stop_line (the whole file when None)."""
    lines = text.splitlines()
    return _Explainer(text, ctype).find(len(lines) if stop_line is None else stop_line)
