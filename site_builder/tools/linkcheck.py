"""Crawl a built site over HTTP, served as GitHub Pages would serve it under the
base URL's path, and report every internal link, asset or #fragment that does not
resolve, naming the page and the link.

Every HTML file is a starting point, as is a missing page deep below the base
path (GitHub Pages answers it with 404.html, whose links must work from there).
Absolute URLs under base_url (canonical, Open Graph, sitemap, feed, data.json and
the data files it lists) count as internal. Uses the standard library only; knows nothing about how the
pages were made.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit

from ..model import urls
from ..model.errors import printable
from .static_server import serve_site

SKIPPED_SCHEMES = ("mailto:", "data:", "javascript:", "tel:")
DEEP_MISSING = "no/such/page/here/"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never send 127.0.0.1 to a proxy
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """A link on a page that leads nowhere."""

    page: str
    link: str
    reason: str

    def __str__(self) -> str:
        return printable(f"{self.page}: broken link {self.link} ({self.reason})")


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
        if attributes.get("srcset"):
            self.links.extend(part.split()[0] for part in attributes["srcset"].split(",") if part.strip())
        if tag == "meta" and attributes.get("property") in ("og:url", "og:image"):
            self.links.append(attributes.get("content") or "")


@dataclass(slots=True)
class _Response:
    status: int
    url: str
    content_type: str
    body: bytes
    ids: set[str] | None = None


@dataclass(slots=True)
class _Crawl:
    """One crawl of a served site: fetches each URL once and remembers the answer."""

    origin: str                  # http://127.0.0.1:PORT
    base_url: str                # where the site will be published
    prefix: str                  # base path, '/repo/'
    seen: dict[str, _Response] = field(default_factory=dict)

    def fetch(self, url: str) -> _Response:
        if url not in self.seen:
            try:
                with _OPENER.open(url, timeout=30) as answer:
                    self.seen[url] = _Response(answer.status, answer.url, answer.headers.get_content_type(),
                                               answer.read())
            except urllib.error.HTTPError as error:
                self.seen[url] = _Response(error.code, url, error.headers.get_content_type(), error.read())
            except (OSError, ValueError) as error:  # a malformed link, never a traceback
                self.seen[url] = _Response(0, url, "", str(error).encode())
        return self.seen[url]

    def local(self, link: str, page_url: str) -> str | None:
        """Return the local URL a link leads to, or None if it leaves the site."""
        if link.startswith(SKIPPED_SCHEMES):
            return None
        published = urlsplit(self.base_url)
        parts = urlsplit(urljoin(page_url, link.strip()))
        if (parts.scheme, parts.netloc) == (published.scheme, published.netloc):
            if not (unquote(parts.path) + "/").startswith(self.prefix):
                return None  # another site on the same host, e.g. another project's pages
        elif f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        # Browsers percent-encode spaces and non-ASCII characters before asking the server.
        path = quote(parts.path, safe="/%:@!$&'()*+,;=-._~")
        return self.origin + path + (f"?{parts.query}" if parts.query else "") + (
            f"#{parts.fragment}" if parts.fragment else "")

    def problem(self, url: str) -> str | None:
        """Return why a local URL does not resolve, or None when it does."""
        address, fragment = urldefrag(url)
        answer = self.fetch(address)
        if answer.status == 404:
            return "no such page or file"
        if answer.status == 0:
            return f"cannot fetch it: {answer.body.decode()}"
        if answer.status != 200:
            return f"HTTP {answer.status}"
        if fragment and answer.content_type == "text/html":
            if answer.ids is None:
                answer.ids = _parse(answer.body).ids
            if unquote(fragment) not in answer.ids:
                return "no such #fragment"
        return None

    def check(self, page: str, page_url: str, links: list[str], ids: set[str] | None = None) -> Iterator[BrokenLink]:
        """Yield each link of a page that does not resolve; `ids` are the page's own anchors."""
        reported: set[str] = set()
        for link in links:
            try:
                target = self.local(link, page_url)
            except ValueError as error:  # urlsplit refuses e.g. 'http://[::1'
                yield BrokenLink(page, link, f"malformed URL: {error}")
                continue
            if target is None or link in reported:
                continue
            address, fragment = urldefrag(target)
            if ids is not None and address == page_url:
                reason = None if not fragment or unquote(fragment) in ids else "no such #fragment"
            else:
                reason = self.problem(target)
            if reason:
                reported.add(link)
                yield BrokenLink(page, link, reason)


def _parse(body: bytes) -> _Collector:
    collector = _Collector()
    collector.feed(body.decode("utf-8", errors="replace"))
    return collector


def check_links(out_dir: Path, base_url: str) -> list[BrokenLink]:
    """Serve out_dir under base_url's path and return every internal link that does not resolve."""
    prefix = urls.base_path(base_url)
    with serve_site(out_dir, prefix) as origin:
        crawl = _Crawl(origin, base_url, prefix)
        return list(_check_site(crawl, out_dir))


def _check_site(crawl: _Crawl, out_dir: Path) -> Iterator[BrokenLink]:
    built_for = _canonical(out_dir / "index.html")
    if built_for and not built_for.startswith(crawl.base_url.rstrip("/") + "/"):
        # Every link would be reported; say the one thing that is wrong instead.
        yield BrokenLink("index.html", built_for, f"the site was built for another base URL than {crawl.base_url}; "
                         "pass the same --base-url to build and check")
        return
    for file in sorted(out_dir.rglob("*.html")):
        name = file.relative_to(out_dir).as_posix()
        page_url = crawl.origin + crawl.prefix + name.removesuffix("index.html")
        answer = crawl.fetch(page_url)
        if answer.status != 200:
            yield BrokenLink(name, page_url[len(crawl.origin):], f"page not served (HTTP {answer.status})")
            continue
        parsed = _parse(answer.body)
        yield from crawl.check(name, page_url, parsed.links, parsed.ids)
    deep = crawl.origin + crawl.prefix + DEEP_MISSING
    missing = crawl.fetch(deep)
    if (out_dir / "404.html").is_file():
        where = f"404.html (served at {crawl.prefix}{DEEP_MISSING})"
        if missing.status != 404:
            yield BrokenLink(where, crawl.prefix + DEEP_MISSING, f"expected HTTP 404, got {missing.status}")
        parsed = _parse(missing.body)
        yield from crawl.check(where, deep, parsed.links, parsed.ids)
    for name, reader in _DATA_FILES.items():
        if (out_dir / name).is_file():
            page_url = crawl.origin + crawl.prefix + name
            links = reader((out_dir / name).read_bytes())
            yield from crawl.check(name, page_url, links)
            if reader is _json_links:
                yield from _check_json_files(crawl, page_url, links)


def _check_json_files(crawl: _Crawl, page_url: str, links: list[str]) -> Iterator[BrokenLink]:
    """Check the links in each JSON file of the site that a JSON file links to (data.json's data files)."""
    for link in links:
        target = crawl.local(link, page_url)
        if target is None or not urldefrag(target)[0].endswith(".json"):
            continue
        answer = crawl.fetch(urldefrag(target)[0])
        if answer.status == 200:   # else reported as the link it is
            name = unquote(urlsplit(answer.url).path)[len(crawl.prefix):]
            try:
                found = _json_links(answer.body)
            except ValueError as error:
                yield BrokenLink(name, link, f"not JSON: {error}")
                continue
            yield from crawl.check(name, answer.url, found)


def _canonical(home: Path) -> str | None:
    if not home.is_file():
        return None
    collector = _Canonical()
    collector.feed(home.read_text(encoding="utf-8", errors="replace"))
    return collector.href


class _Canonical(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.href: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") == "canonical" and self.href is None:
            self.href = attributes.get("href")


def _sitemap_links(data: bytes) -> list[str]:
    return [loc.text or "" for loc in etree.fromstring(data).iter(f"{SITEMAP}loc")]


def _feed_links(data: bytes) -> list[str]:
    return [link.get("href", "") for link in etree.fromstring(data).iter(f"{ATOM}link")]


def _json_links(data: bytes) -> list[str]:
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "url" and isinstance(item, str):
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(data))
    return found


_DATA_FILES = {"sitemap.xml": _sitemap_links, "feed.xml": _feed_links, "data.json": _json_links}
