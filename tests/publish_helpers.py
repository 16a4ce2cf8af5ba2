"""Helpers for the publishing tests: build the real content for a base URL, serve a
folder with the standard library's own static file server, and crawl it."""
from __future__ import annotations

import contextlib
import json
import shutil
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

from site_builder import Paths, build

from .conftest import ROOT, TEMPLATES

CONTENT = ROOT / "content"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
FIXTURES = Path(__file__).parent / "fixtures"
# Added to conftest.MINIMAL: a timed event, a cancelled timed meeting, an all-day event with a zone.
TIMED = {
    "meetings/dinner.yaml": """
        title: Working dinner, cancelled
        date: 2024-04-25
        time: "19:30"
        timezone: Asia/Shanghai
        location: Diaoyutai, Beijing
        status: cancelled
        participants: [antony-blinken, wang-yi]
        summary: A dinner with [[wang-yi]] that did not take place; "quotes" & 1 < 2.
        sources: [src-a]
    """,
    "events/arrival.yaml": """
        title: Blinken lands in Shanghai
        date: 2024-04-24
        time: "16:05"
        timezone: Asia/Shanghai
        location: Shanghai
        people: [antony-blinken]
        issues: [fentanyl]
        summary: The Secretary arrives.
        sources: [src-a]
    """,
    "events/vote.yaml": """
        title: A vote in Washington
        date: 2024-04-23
        timezone: America/New_York
        summary: An all-day event with a time zone but no time.
        sources: [src-a]
    """,
}


def build_real(tmp: Path, base_url: str, site_yaml_extra: str = "") -> Path:
    """Build the real content for base_url into tmp/_site; extra lines go into a copy of site.yaml."""
    content = CONTENT
    if site_yaml_extra:
        content = tmp / "content"
        shutil.copytree(CONTENT, content)
        with open(content / "site.yaml", "a", encoding="utf-8") as handle:
            handle.write(site_yaml_extra)
    out = tmp / "_site"
    build(Paths(content, TEMPLATES, out), base_url=base_url)
    return out


def data_index(out: Path) -> dict:
    """Return a built site's data.json, the index of its data files."""
    return json.loads((out / "data.json").read_text(encoding="utf-8"))


def data_file(out: Path, url: str) -> Path:
    """Return the file in out that a URL listed in data.json names."""
    site_url = data_index(out)["site"]["url"]
    assert url.startswith(site_url), url
    return out / url[len(site_url):]


def data_entities(out: Path) -> dict[str, list[dict]]:
    """Return every entity of a built site by folder, read as a consumer would: data.json,
    then each data file it lists, in order."""
    return {folder: [record for listed in about["files"]
                     for record in json.loads(data_file(out, listed["url"]).read_text(encoding="utf-8"))["entities"]]
            for folder, about in data_index(out)["types"].items()}


def soup(data: bytes | str) -> BeautifulSoup:
    return BeautifulSoup(data, "html.parser")


@contextlib.contextmanager
def stock_server(root: Path) -> Iterator[str]:
    """Serve root with http.server's own SimpleHTTPRequestHandler; yield its origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


def mount(out: Path, tmp: Path, base_url: str) -> Path:
    """Copy a built site to where a server rooted at the returned folder serves it under base_url's path."""
    root = tmp / "www"
    target = root / urlsplit(base_url).path.strip("/")
    shutil.copytree(out, target)
    return root


def fetch(url: str) -> tuple[int, str, bytes]:
    """Return (status, content type, body) of a GET, following redirects."""
    try:
        with OPENER.open(url, timeout=30) as answer:
            return answer.status, answer.headers.get_content_type(), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


@dataclass
class CrawlResult:
    pages: set[str] = field(default_factory=set)       # local URLs of HTML pages fetched with 200
    fetched: set[str] = field(default_factory=set)     # every local URL fetched
    problems: list[str] = field(default_factory=list)


def crawl(origin: str, base_url: str, start: list[str]) -> CrawlResult:
    """Follow every internal link and asset from `start` (local URLs); check status and fragments."""
    published = urlsplit(base_url)
    prefix = "/" + published.path.strip("/") + "/" if published.path.strip("/") else "/"
    result, queue, ids = CrawlResult(), list(start), {}
    while queue:
        url = queue.pop()
        if url in result.fetched:
            continue
        result.fetched.add(url)
        status, kind, body = fetch(url)
        if status != 200:
            result.problems.append(f"{url}: HTTP {status}")
            continue
        if kind != "text/html":
            continue
        result.pages.add(url)
        page = soup(body)
        ids[url] = {tag["id"] for tag in page.find_all(id=True)}
        for link in _links(page):
            target = urljoin(url, link)
            parts = urlsplit(target)
            if (parts.scheme, parts.netloc) == (published.scheme, published.netloc):
                if not parts.path.startswith(prefix):
                    result.problems.append(f"{url}: {link} leaves the base path")
                    continue
                target = origin + parts.path + (f"#{parts.fragment}" if parts.fragment else "")
            if not target.startswith(origin):
                continue
            address, fragment = urldefrag(target)
            if not urlsplit(address).path.startswith(prefix):
                result.problems.append(f"{url}: {link} leaves the base path")
                continue
            queue.append(address)
            if fragment:
                result.problems.extend(_fragment_problem(url, link, address, fragment, ids))
    return result


def _fragment_problem(url, link, address, fragment, ids) -> list[str]:
    if address not in ids:
        status, kind, body = fetch(address)
        ids[address] = {tag["id"] for tag in soup(body).find_all(id=True)} if kind == "text/html" else set()
    return [] if fragment in ids[address] else [f"{url}: {link} has no target #{fragment}"]


def _links(page: BeautifulSoup) -> Iterator[str]:
    for tag in page.find_all(["a", "link", "script", "img", "source"]):
        for attribute in ("href", "src"):
            if tag.get(attribute) and not tag[attribute].startswith(("mailto:", "data:")):
                yield tag[attribute]
    for meta in page.find_all("meta", property="og:url"):
        yield meta["content"]


def json_ld(page: BeautifulSoup) -> list[dict]:
    """Return the parsed JSON-LD blocks of a page."""
    return [json.loads(tag.string) for tag in page.find_all("script", type="application/ld+json")]
