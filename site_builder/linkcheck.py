"""Check that every internal link, asset and #fragment in a built site resolves.

Reads the output folder as a server under base_url's path would serve it. Uses
the standard library's HTML parser; knows nothing about how pages were made.
"""
from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from . import urls


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """A link on a page that leads nowhere."""

    page: str
    link: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: broken link {self.link} ({self.reason})"


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            self.ids.add(attributes["name"])
        for name in ("href", "src"):
            if attributes.get(name):
                self.links.append(attributes[name])


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def served_file(out_dir: Path, path: str, prefix: str) -> Path | None:
    """Return the file a static server under `prefix` sends for a URL path, if any."""
    if not path.startswith(prefix):
        return None
    relative = unquote(path[len(prefix):])
    candidate = out_dir / relative
    if relative == "" or relative.endswith("/"):
        candidate = candidate / "index.html"
    elif candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def check_links(out_dir: Path, base_url: str) -> list[BrokenLink]:
    """Return every internal link in out_dir's HTML pages that does not resolve."""
    prefix = urls.base_path(base_url)
    site = urlsplit(base_url)
    pages = sorted(out_dir.rglob("*.html"))
    parsed = {page: _parse(page) for page in pages}
    broken = []
    for page, collector in parsed.items():
        page_url = prefix + page.relative_to(out_dir).as_posix().removesuffix("index.html")
        for link in collector.links:
            target = urlsplit(urljoin(f"{site.scheme}://{site.netloc}{page_url}", link))
            if (target.scheme, target.netloc) != (site.scheme, site.netloc) or link.startswith(("mailto:", "data:")):
                continue
            file = served_file(out_dir, target.path, prefix)
            if file is None:
                broken.append(BrokenLink(page.relative_to(out_dir).as_posix(), link, "no such page or file"))
            elif target.fragment and file.suffix == ".html":
                ids = parsed[file].ids if file in parsed else _parse(file).ids
                if unquote(target.fragment) not in ids:
                    broken.append(BrokenLink(page.relative_to(out_dir).as_posix(), link, "no such #fragment"))
    return broken
