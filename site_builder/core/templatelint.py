"""Check the templates folder before rendering: no symlinks, no `|safe`, every attribute quoted.

Autoescaping protects text, not markup around it: `{{ x|safe }}` prints content as
HTML, and `<img alt={{ name }}>` lets a name add attributes (bad-inputs B4 60, 62).
Only the Markdown pipeline may return Markup. Knows nothing about content or pages.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..model.errors import Location, Problems
from .loader import display_path

_JINJA_RE = re.compile(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", re.S)
_UNSAFE_RE = re.compile(r"\|\s*safe\b|\bautoescape\s+false\b|\bfilter\s+safe\b|\bMarkup\s*\(|\bfrom_string\b")
_RAW_TEXT_RE = re.compile(r"(<(script|style)\b[^>]*>)(.*?)(</\2\s*>)", re.S | re.I)
_TAG_RE = re.compile(r"<[a-zA-Z][a-zA-Z0-9-]*(?P<attributes>(?:\"[^\"]*\"|'[^']*'|[^'\">])*)>")
_ATTRIBUTE_RE = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
PLACEHOLDER = "\x01"


def check_templates(templates_dir: Path, problems: Problems) -> None:
    """Report symlinks, `|safe` and unquoted attribute values anywhere in templates_dir."""
    if not templates_dir.is_dir():
        problems.add(Location(display_path(templates_dir)), None, "templates folder not found",
                     "pass the folder that holds base.html with --templates")
        return
    for folder, dirs, files in os.walk(templates_dir, followlinks=False):
        if Path(folder) == templates_dir and "static" in dirs:
            dirs.remove("static")  # assets, checked by assets.py
        for name in sorted(dirs + files):
            path = Path(folder) / name
            if path.is_symlink():
                problems.add(Location(display_path(path)), None, "symlinks are not allowed in templates",
                             "copy the file into the folder instead")
            elif not (path.is_file() or path.is_dir()):
                problems.add(Location(display_path(path)), None, "not a regular file",
                             "a pipe or device would hang the build")
            elif name.endswith(".html") and path.is_file():
                lint_template(path.read_text(encoding="utf-8", errors="replace"), display_path(path), problems)
        dirs[:] = sorted(d for d in dirs if not (Path(folder) / d).is_symlink())


def lint_template(source: str, shown: str, problems: Problems) -> None:
    """Report `|safe` and unquoted attributes in one template's source."""
    for match in _JINJA_RE.finditer(source):
        unsafe = _UNSAFE_RE.search(match.group(0))
        if unsafe and not match.group(0).startswith("{#"):
            problems.add(_where(source, shown, match.start() + unsafe.start()), None,
                         f"'{unsafe.group(0).strip()}' is not allowed in templates",
                         "autoescape must stay on; only Markdown fields are HTML")
    # Blank out Jinja (keeping offsets) and the insides of <script>/<style>, then read the tags.
    markup = _JINJA_RE.sub(lambda m: _blank(m.group(0), PLACEHOLDER), source)
    markup = _RAW_TEXT_RE.sub(lambda m: m.group(1) + _blank(m.group(3), " ") + m.group(4), markup)
    for tag in _TAG_RE.finditer(markup):
        for attribute in _ATTRIBUTE_RE.finditer(tag.group("attributes")):
            if attribute.group(2) and attribute.group(2)[0] not in "\"'":
                problems.add(_where(source, shown, tag.start("attributes") + attribute.start()), None,
                             f"attribute '{attribute.group(1)}' has an unquoted value",
                             'write name="{{ value }}"')


def _blank(text: str, fill: str) -> str:
    return "".join(char if char == "\n" else fill for char in text)


def _where(source: str, shown: str, offset: int) -> Location:
    line = source.count("\n", 0, offset) + 1
    return Location(shown, line, offset - (source.rfind("\n", 0, offset) + 1) + 1)
