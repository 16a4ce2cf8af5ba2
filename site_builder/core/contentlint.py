"""Report what Markdown fields must not contain, so content never changes silently.

The sanitiser (sanitize.py) removes raw HTML and unsafe URLs from every page; this
module names each one as an error at its field and line first. It also rejects text
whose bracket shape would stall the Markdown parser. It reads the one conversion of
each field that prerender.py makes (lint_field, in the workers) and reports what
it found at the field's line (check_markdown). Knows nothing about templates.
"""
from __future__ import annotations

import html as htmllib
import re
from html.parser import HTMLParser

from ..model.entities import Entity
from ..model.errors import Problems
from .links import markdown_texts, text_location
from .loader import path_name
from .markup import unused_references
from .sanitize import url_allowed

# One finding: (offset in the text, message, hint, is a warning).
Finding = tuple[int, str, str, bool]

_URL_ATTRIBUTES = {"a": "href", "img": "src"}
# Python-Markdown writes every attribute double-quoted, with '"' escaped inside.
_ATTRIBUTE_RE = re.compile(r' (?:href|src)="([^"]*)"')


class _UrlCollector(HTMLParser):
    """Collect (tag, url, text) for every link and image in an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[list[str]] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        wanted = _URL_ATTRIBUTES.get(tag)
        values = dict(attrs)
        if wanted and values.get(wanted) is not None:
            item = [tag, values[wanted], values.get("alt") or ""]
            self.found.append(item)
            self._open = item if tag == "a" else None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = None


def lint_field(text: str, unsafe_html: str, raw: list[str], slow: str | None) -> list[Finding]:
    """Return what is wrong with one Markdown text, given what markup.convert made of it."""
    if slow:
        hint = "close each bracket, or write it as \\[ or \\(" if "bracket" in slow \
            else "the Markdown parser would stall on it; split or simplify the text"
        return [(0, slow, hint, False)]
    found: list[Finding] = []
    for fragment in raw:
        if fragment.lstrip().startswith("</"):
            continue  # the opening tag is reported
        offset = max(text.find(fragment.strip()), 0)
        if fragment.lstrip().startswith("<!--"):
            found.append((offset, "HTML comment is removed from the page",
                          "use a YAML '# comment' line instead", True))
        else:
            found.append((offset, f"raw HTML {_first_tag(fragment)} is not allowed",
                          "write Markdown; HTML is removed from the page", False))
    for offset, label in unused_references(text):   # no page shows it, so nothing publishes it
        found.append((offset, f"reference definition '[{label}]' is used by no link",
                      "delete it; it is not published", True))
    # Most fields have only safe links; only then is the slower exact parse skipped.
    if not raw and all(url_allowed(htmllib.unescape(url)) for url in _ATTRIBUTE_RE.findall(unsafe_html)):
        return found
    collector = _UrlCollector()
    collector.feed(unsafe_html)
    for tag, url, label in collector.found:
        if not url_allowed(url):
            what = "image" if tag == "img" else "link"
            found.append((_offset(text, url, label), f"{what} '{label.strip()}' has an unsafe URL {url!r}",
                          "only https, mailto and relative links are allowed", False))
    return found


def check_markdown(entities: list[Entity], findings: dict[tuple[str, str], list[Finding]],
                   problems: Problems) -> None:
    """Report the findings of every Markdown field, keyed by (entity path, text), at its line."""
    for entity in entities:
        for path, text in markdown_texts(entity):
            for offset, message, hint, warning in findings.get((entity.path, text), ()):
                problems.add(text_location(entity, path, text, offset), path_name(path), message, hint,
                             warning=warning)


def _offset(text: str, url: str, label: str) -> int:
    for needle in (url, f"[{label}]", label):
        found = text.find(needle) if needle.strip("[]") else -1
        if found >= 0:
            return found
    return 0


def _first_tag(fragment: str) -> str:
    head = fragment.strip().split(">", 1)[0].split()[0]
    return head.rstrip("/") + ">"
