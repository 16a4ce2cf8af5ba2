"""The only place where URLs and output paths are made.

A url_path is site-relative ('/people/wang-yi/'); href() adds the path of base_url
exactly once, so the site works at '/' and under '/repo/'. Knows nothing about
Jinja or the disk.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from .words import N_

# Pages that are not an entity or a type index, in navigation order: (kind, URL path, title).
EXTRA_PAGES = (
    ("timeline", "/timeline/", N_("Timeline")),
    ("graph", "/graph/", N_("Who met whom")),
    ("search", "/search/", N_("Search")),
)

# A timeline of more dated entries than this is split into one page per year (/timeline/2024/),
# the timeline page then being the index of the years and the latest year.
TIMELINE_YEARS_OVER = 400

# The site's data for reuse (publish/dataset.py): an index, and each content type's entities
# in files of their own, each named by the id of the first entity it holds.
DATA_INDEX_PATH = "/data.json"


def timeline_year_path(year: int) -> str:
    """Return the URL path of one year of a split timeline: 2024 -> '/timeline/2024/'."""
    timeline = next(path for kind, path, _ in EXTRA_PAGES if kind == "timeline")
    return f"{timeline}{year}/"


def url_path(folder: str, entity_id: str) -> str:
    """Return the pretty URL path of an entity: ('people', 'wang-yi') -> '/people/wang-yi/'."""
    return f"/{folder}/{entity_id}/"


def data_file_path(folder: str, first_id: str) -> str:
    """Return the URL path of one data file of a content type: ('meetings', 'a-b') -> '/data/meetings/a-b.json'."""
    return f"/data/{folder}/{first_id}.json"


def index_path(folder: str) -> str:
    """Return the URL path of a content type's index page: 'people' -> '/people/'."""
    return f"/{folder}/"


def output_file(path: str) -> str:
    """Return the output file for a URL path: '/people/wang-yi/' -> 'people/wang-yi/index.html'."""
    relative = path.lstrip("/")
    if not relative or relative.endswith("/"):
        return relative + "index.html"
    return relative


def base_path(base_url: str) -> str:
    """Return the path part of base_url, always with one leading and one trailing slash."""
    path = urlsplit(base_url).path.strip("/")
    return f"/{path}/" if path else "/"


def href(path: str, base_url: str) -> str:
    """Return the link to a URL path as served under base_url: '/people/' -> '/repo/people/'."""
    if "://" in path or path.startswith(("mailto:", "#")):
        return path
    return base_path(base_url) + path.lstrip("/")


def absolute(path: str, base_url: str) -> str:
    """Return the full URL of a URL path: '/people/' -> 'https://user.github.io/repo/people/'."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}{href(path, base_url)}"


def absolute_href(link: str, base_url: str) -> str:
    """Return the full URL of a link made by href(): '/repo/people/' -> 'https://user.github.io/repo/people/'."""
    if "://" in link:
        return link
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}{link}"


def language_folder(language: str, site_language: str) -> str:
    """Return the folder of a language's pages: '' for the site's own, else its tag in lower
    case, 'zh-Hans' -> 'zh-hans/' (so that /zh-hans/ is one address, whatever the case typed)."""
    return "" if language == site_language else f"{language.lower()}/"


def language_base(base_url: str, folder: str) -> str:
    """Return the base URL of a language's pages: its folder below base_url."""
    return base_url if not folder else base_url.rstrip("/") + "/" + folder
