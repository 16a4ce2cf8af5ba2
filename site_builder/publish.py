"""Add the files a published site needs besides its pages: feed.xml, calendar.ics,
sitemap.xml, robots.txt, data.json, .nojekyll and, for a custom domain, CNAME.

One pipeline stage, pure like rendering: it returns (output file, bytes) pairs
for output.py to write. Knows nothing about Jinja or the disk.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .dataset import dataset_json
from .errors import BuildFailed, Location, SiteError
from .cache import Cache, digest
from .feeds import FEED_TYPES, atom_feed, calendar_ics, data_updated
from .links import Site
from .parallel import map_chunks
from .pages import Page
from .seo import robots_txt, sitemap_xml
from .validate import Entity


def publish_files(pages: list[Page], site: Site, settings: Entity | None, views: dict[str, dict[str, Any]],
                  base_url: str, cache: Cache | None = None,
                  view_digests: dict[str, str] | None = None) -> list[tuple[str, bytes]]:
    """Return the machine-readable files and the GitHub Pages control files.

    With a cache and the digest of every view (page_cache.py), the feed and the calendar
    are reused while the views they read are unchanged (an edited person changes neither).
    """
    keys = _keys(site, base_url, view_digests) if cache is not None and cache.enabled and view_digests else {}
    made = {name: data for name, key in keys.items() if (data := cache.get("published", key)) is not None}
    todo = [name for name in _MADE if name not in made]
    # Each file is pure and, for a large site, large (data.json holds everything): one per core.
    shared = (pages, site, views, base_url)
    made.update(zip(todo, map_chunks(_make, shared, todo, min_per_worker=1) if len(pages) >= PARALLEL_FROM
                    else _make(shared, todo)))
    for name, key in keys.items():
        cache.put("published", key, made[name])
    files = [
        ("feed.xml", made["feed.xml"]),
        ("calendar.ics", made["calendar.ics"]),
        ("sitemap.xml", made["sitemap.xml"]),
        ("robots.txt", robots_txt(base_url)),
        ("data.json", made["data.json"]),
        # GitHub Pages runs Jekyll on uploaded branches unless told not to (it would drop _files).
        (".nojekyll", b""),
    ]
    domain = site.settings.get("domain")
    if domain:
        check_domain(domain, base_url, settings)
        files.append(("CNAME", f"{domain}\n".encode("ascii")))
    return files


PARALLEL_FROM = 1000   # pages; below this, forking costs more than making the files
_MADE = ("data.json", "calendar.ics", "feed.xml", "sitemap.xml")   # the costliest first


def _keys(site: Site, base_url: str, view_digests: dict[str, str]) -> dict[str, str]:
    """Return the cache keys of the feed and the calendar: what they read is the meetings,
    events and issues (their titles are categories), the settings and the latest date."""
    read = [view_digests[e.id] for name in (*FEED_TYPES, "issue") for e in site.by_type.get(name, [])]
    common = (base_url, repr(site.settings), data_updated(site).isoformat(), *read)
    return {name: digest(name, *common) for name in ("feed.xml", "calendar.ics")}


def _make(shared: tuple, names: list[str]) -> list[bytes]:
    pages, site, views, base_url = shared
    makers = {"feed.xml": lambda: atom_feed(site, views, base_url),
              "calendar.ics": lambda: calendar_ics(site, views, base_url),
              "sitemap.xml": lambda: sitemap_xml(pages, base_url),
              "data.json": lambda: dataset_json(site, views, base_url)}
    return [makers[name]() for name in names]


def check_domain(domain: str, base_url: str, settings: Entity | None) -> None:
    """Refuse a custom domain that differs from the host the links are built for.

    GitHub Pages redirects every request to the custom domain, so pages built for
    https://user.github.io/repo/ would link to /repo/... there and break.
    """
    parts = urlsplit(base_url)
    if parts.hostname == domain and parts.path.strip("/") == "":
        return
    where = settings.doc.at("domain") if settings else Location("content/site.yaml")
    raise BuildFailed([SiteError(
        where, "domain", f"custom domain '{domain}' does not match the base URL {base_url}",
        f"build with --base-url https://{domain}/ (a custom domain serves the site at its root), "
        "or remove domain")])
