"""Report what Markdown fields must not contain, so content never changes silently.

The sanitiser (sanitize.py) removes raw HTML and unsafe URLs from every page; this
module names each one as an error at its field and line first. It also rejects text
whose bracket shape would stall the Markdown parser. Knows nothing about templates.
"""
from __future__ import annotations

from html.parser import HTMLParser

from .errors import Problems
from .links import markdown_texts, text_location
from .loader import path_name
from .markup import Target, markdown_to_html, slow_shape
from .sanitize import url_allowed
from .validate import Entity

_ANY_TARGET = Target("linked page", "/", "any")
_URL_ATTRIBUTES = {"a": "href", "img": "src"}


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


def check_markdown(entities: list[Entity], problems: Problems) -> None:
    """Report raw HTML, unsafe URLs and parser-stalling shapes in every Markdown field."""
    for entity in entities:
        for path, text in markdown_texts(entity):
            _check_text(entity, path, text, problems)


def _check_text(entity: Entity, path: tuple, text: str, problems: Problems) -> None:
    name = path_name(path)
    slow = slow_shape(text)
    if slow:
        problems.add(text_location(entity, path, text, 0), name, slow,
                     "close each bracket, or write it as \\[ or \\(")
        return
    html, raw = markdown_to_html(text, lambda _ref: _ANY_TARGET)
    for fragment in raw:
        if fragment.lstrip().startswith("</"):
            continue  # the opening tag is reported
        where = text_location(entity, path, text, max(text.find(fragment.strip()), 0))
        if fragment.lstrip().startswith("<!--"):
            problems.add(where, name, "HTML comment is removed from the page",
                         "use a YAML '# comment' line instead", warning=True)
        else:
            problems.add(where, name, f"raw HTML {_first_tag(fragment)} is not allowed",
                         "write Markdown; HTML is removed from the page")
    collector = _UrlCollector()
    collector.feed(html)
    for tag, url, label in collector.found:
        if not url_allowed(url):
            what = "image" if tag == "img" else "link"
            where = text_location(entity, path, text, _offset(text, url, label))
            problems.add(where, name, f"{what} '{label.strip()}' has an unsafe URL {url!r}",
                         "only https, mailto and relative links are allowed")


def _offset(text: str, url: str, label: str) -> int:
    for needle in (url, f"[{label}]", label):
        found = text.find(needle) if needle.strip("[]") else -1
        if found >= 0:
            return found
    return 0


def _first_tag(fragment: str) -> str:
    head = fragment.strip().split(">", 1)[0].split()[0]
    return head.rstrip("/") + ">"

