"""Check the templates folder before rendering: no symlinks, no `|safe`, every attribute quoted.

Autoescaping protects text, not markup around it: `{{ x|safe }}` prints content as
HTML, and `<img alt={{ name }}>` lets a name add attributes (bad-inputs B4 60, 62).
Only the Markdown pipeline may return Markup. Knows nothing about content or pages.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..model import inputs
from ..model.errors import Location, Problems
from .loader import display_path

_JINJA_RE = re.compile(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", re.S)
_UNSAFE_RE = re.compile(r"\|\s*safe\b|\bautoescape\s+false\b|\bfilter\s+safe\b|\bMarkup\s*\(|\bfrom_string\b")
_RAW_TEXT_RE = re.compile(r"(<(script|style)\b[^>]*>)(.*?)(</\2\s*>)", re.S | re.I)
_TAG_RE = re.compile(r"<[a-zA-Z][a-zA-Z0-9-]*(?P<attributes>(?:\"[^\"]*\"|'[^']*'|[^'\">])*)>")
_ATTRIBUTE_RE = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
PLACEHOLDER = "\x01"
MAX_TEMPLATE_BYTES = 1_000_000   # a template is a page's frame; more is a pasted file


def check_templates(templates_dir: Path, problems: Problems) -> None:
    """Report symlinks, `|safe` and unquoted attribute values anywhere in templates_dir."""
    if not templates_dir.is_dir():
        problems.add(Location(display_path(templates_dir)), None, "templates folder not found",
                     "pass the folder that holds base.html with --templates")
        return
    # One walk from the lstat of each input (model/inputs.py): links, pipes, unreadable
    # folders and files are refused before anything opens them; static/ is assets.py's.
    entries, refusals = inputs.scan(templates_dir, max_bytes=MAX_TEMPLATE_BYTES, label="templates")
    static = templates_dir / "static"
    for refusal in refusals:
        if not refusal.path.is_relative_to(static):
            problems.add(Location(display_path(refusal.path)), None, refusal.message, refusal.hint)
    for entry in entries:
        if entry.relative.endswith(".html") and not entry.path.is_relative_to(static):
            try:
                source = inputs.read_regular(entry.path, MAX_TEMPLATE_BYTES).decode("utf-8", "replace")
            except OSError as exc:
                problems.add(Location(display_path(entry.path)), None, f"cannot read file: {exc.strerror}")
                continue
            lint_template(source, display_path(entry.path), problems)


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
