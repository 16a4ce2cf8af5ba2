"""Add the files a published site needs besides its pages: feed.xml, calendar.ics,
sitemap.xml, robots.txt, data.json and its data files, .nojekyll and, for a custom domain, CNAME.

One pipeline stage, pure like rendering: it returns (output file, bytes) pairs
for output.py to write. Knows nothing about Jinja or the disk.
"""
from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..model.entities import Entity, Page, Site
from ..model import urls
from . import dataset
from .dataset import DataFile, RunFiles, dataset_files, record_json, run_files
from ..model.errors import BuildFailed, Location, SiteError
from ..model.hashing import digest
from .feeds import Happening, atom_feed, calendar_from_events, calendar_host, data_updated, happenings, vevents
from ..model.kinds import Refs
from ..model.schema import IN_CALENDAR, IN_FEED, ContentType
from ..core.runner import AllPages, Runner
from .seo import robots_txt, sitemap_xml


def publish_files(pages: list[Page], site: Site, settings: Entity | None, views: dict[str, dict[str, Any]],
                  base_url: str, runner: Runner = Runner(), keeper: AllPages = AllPages(),
                  out_dir: Path | None = None, languages: list[tuple[str, str]] | None = None) -> list[tuple[str, bytes | None]]:
    """Return the machine-readable files and the GitHub Pages control files.

    With a runner that remembers and a keeper that has the digest of every view
    (speed/page_cache.py), the feed and the calendar are reused while the views they read
    are unchanged (an edited person changes neither), a calendar to remake reuses the
    VEVENT of every meeting and event left unchanged, the data files of a run of entities
    left unchanged are not made again, and every file that out_dir already holds as a
    remembered build wrote it stays as it is (bytes None). `languages` holds the base URL of
    each language the site is in (the sitemap names every page's versions), else base_url's.
    """
    view_digests = keeper.view_digests
    cache = runner if runner.remembers and view_digests else None
    view_digests = view_digests if cache else None
    keys = _keys(site, base_url, view_digests) if view_digests else {}
    made = {name: data for name, key in keys.items() if (data := cache.recall("published", key)) is not None}
    todo = [name for name in _MADE if name not in made]
    calendar = _Calendar(site, views, base_url, cache, view_digests) if "calendar.ics" in todo else None
    # Each file is pure and, for a large site, large. The data files (together they hold
    # everything) are made in this process while workers make the rest: sent back from a
    # worker, their bytes would exist three times at once (made, pickled, unpickled), and
    # the worker would copy every page of memory holding a view. The calendar's VEVENTs to make are jobs of their own
    # (ranges of calendar.missing) that spread over every core, costliest first.
    jobs: list[str | range] = [name for name in todo if name != "calendar.ics"]
    jobs[0:0] = calendar.jobs(runner.workers) if calendar else []
    shared = (pages, site, views, base_url, calendar, languages)
    # Read at call time: tests lower the budget to cut a small site into many files.
    budget = dataset.FILE_BUDGET
    kept = _Kept(keeper, out_dir) if cache and out_dir else None
    runs = _Runs(site, views, base_url, budget, cache, kept) if cache and kept else None
    data = lambda: dataset_files(site, views, base_url, budget, runs.make if runs else None)  # noqa: E731
    if len(pages) >= PARALLEL_FROM:
        results, (index, *data_files) = runner.map_beside(_make, shared, jobs, data, min_per_worker=1)
    else:
        results, (index, *data_files) = _make(shared, jobs), data()
    for job, result in zip(jobs, results):
        if isinstance(job, str):
            made[job] = result
    if calendar:
        made["calendar.ics"] = calendar.assemble([r for job, r in zip(jobs, results) if isinstance(job, range)])
    for name, key in keys.items():
        cache.keep("published", key, made[name])
    files = [
        ("feed.xml", made["feed.xml"]),
        ("calendar.ics", made["calendar.ics"]),
        ("sitemap.xml", made["sitemap.xml"]),
        ("robots.txt", robots_txt(base_url)),
        index,
        # GitHub Pages runs Jekyll on uploaded branches unless told not to (it would drop _files).
        (".nojekyll", b""),
    ]
    domain = site.settings.get("domain")
    if domain:
        check_domain(domain, languages[0][1] if languages else base_url, settings)   # the site's root
        files.append(("CNAME", f"{domain}\n".encode("ascii")))
    if kept:
        files = [(name, kept.unless_there(name, data)) for name, data in files]
    return files + data_files


PARALLEL_FROM = 1000   # pages; below this, forking costs more than making the files
_MADE = ("calendar.ics", "feed.xml", "sitemap.xml")
EVENTS_PER_JOB = 100   # at least, so that a job is worth sending to a worker


class _Kept:
    """Say which published files the output folder already holds: a file whose bytes are
    those a remembered build left there, at the same size and modification time
    (keeper.kept_file, by the checksum of the bytes), stays as it is (bytes None), so
    a build that writes the site anew (with search) copies it with its time."""

    def __init__(self, keeper: AllPages, out_dir: Path):
        self.keeper, self.out_dir = keeper, out_dir

    def there(self, output: str, checksum: str) -> bool:
        return self.keeper.kept_file(output, checksum, self.out_dir)

    def unless_there(self, output: str, data: bytes, checksum: str | None = None) -> bytes | None:
        """Return None when the output folder holds data as output, else data (noted as made)."""
        checksum = checksum or digest(data)
        if self.there(output, checksum):
            return None
        self.keeper.made_file(output, checksum)
        return data


class _Runs:
    """Make the data files of a run of entities (dataset.RUN), keeping those of unchanged runs.

    A run's key is what its records read: each entity's own values and view, and the id,
    type and title of every entity it links to (their URLs follow from id, type folder and
    the base URL), with the budget. Its files are kept compressed in the cache (a quarter of
    the size: 17 MB instead of 75 MB of JSON at the large preset) with their checksums, and
    not even read while the output folder holds them (_Kept): an edit makes one run again,
    whose files that come out the same stay as they are too.
    """

    def __init__(self, site: Site, views: dict[str, dict[str, Any]], base_url: str, budget: int,
                 cache: Runner, kept: _Kept):
        self.site, self.views, self.base_url, self.budget = site, views, base_url, budget
        self.cache, self.kept = cache, kept
        self.view_digests = kept.keeper.view_digests or {}

    def make(self, ctype: ContentType, run: list[Entity]) -> RunFiles:
        key = digest("data run", self.base_url, str(self.budget), *(self._record_key(e) for e in run))
        stored = _stored(self.cache.recall("data", key))
        files = self._recalled(stored) if stored else None
        if files is not None:
            return files
        records = [(e.id, record_json(e, self.site.links_of(e), self.views[e.id], self.base_url)) for e in run]
        made = [(file, digest(data), data) for file, data in run_files(ctype.folder, records, self.budget)]
        self.cache.keep("data", key, tuple((f.path, f.first, f.last, f.count, checksum, zlib.compress(data, 1))
                                           for f, checksum, data in made))
        return [(f, self.kept.unless_there(urls.output_file(f.path), data, checksum)) for f, checksum, data in made]

    def _recalled(self, stored: list[tuple[DataFile, str, bytes]]) -> RunFiles | None:
        """Return a stored run's files, bytes None for each the output folder holds; None
        when the cache's bytes are not what make() stores."""
        files: RunFiles = []
        for file, checksum, packed in stored:
            output = urls.output_file(file.path)
            if self.kept.there(output, checksum):
                files.append((file, None))
                continue
            try:
                data = zlib.decompress(packed)
            except zlib.error:
                return None
            if digest(data) != checksum:
                return None
            files.append((file, self.kept.unless_there(output, data, checksum)))
        return files

    def _record_key(self, entity: Entity) -> str:
        linked = [(name, [(e.type.name, e.type.folder, e.id, e.title) for e in items])
                  for name, items in self.site.links_of(entity).items()]
        return digest("record", entity.type.name, entity.type.folder, entity.id, self.view_digests[entity.id],
                      repr(entity.values), repr(linked))


def _stored(entry: Any) -> list[tuple[DataFile, str, bytes]] | None:
    """Return the files, checksums and compressed bytes of a run's cache entry, or None
    when it is missing or not what _Runs.make stores."""
    try:
        files = [(DataFile(path, first, last, count), checksum, packed)
                 for path, first, last, count, checksum, packed in entry]
    except (TypeError, ValueError):
        return None
    shapes = [(f.path, f.first, f.last, f.count, checksum, packed) for f, checksum, packed in files]
    if not files or any(tuple(map(type, shape)) != (str, str, str, int, str, bytes) for shape in shapes):
        return None
    return files


def _feed_reads(types: tuple[ContentType, ...]) -> list[str]:
    """Return the names of the types whose views the feed and the calendar read: their own
    types, then the types their topics fields refer to."""
    own = [t for t in types if t.has(IN_FEED) or t.has(IN_CALENDAR)]
    topics = [t.field(t.topics) for t in own if t.topics]
    targets = [f.kind.target for f in topics if f is not None and isinstance(f.kind, Refs)]
    return list(dict.fromkeys([t.name for t in own] + targets))


def _keys(site: Site, base_url: str, view_digests: dict[str, str]) -> dict[str, str]:
    """Return the cache keys of the feed and the calendar: what they read is the meetings,
    events and issues (their titles are categories), the settings and the latest date."""
    read = [view_digests[e.id] for name in _feed_reads(site.types) for e in site.by_type.get(name, [])]
    common = (base_url, repr(site.settings), data_updated(site).isoformat(), *read)
    return {name: digest(name, *common) for name in ("feed.xml", "calendar.ics")}


class _Calendar:
    """calendar.ics in the making: the VEVENTs the cache holds, and the ones still to make.

    Each VEVENT is keyed by what it reads: its meeting or event's view, the views of its
    issues (their titles are categories), the UID's host, DTSTAMP and the base URL.
    """

    def __init__(self, site: Site, views: dict[str, dict[str, Any]], base_url: str,
                 cache: Runner | None, view_digests: dict[str, str] | None):
        self.site, self.cache = site, cache
        self.host, self.stamp, self.base_url = calendar_host(base_url), data_updated(site), base_url
        items = happenings(site, views, IN_CALENDAR)
        self.keys = [self._key(item, view_digests) for item in items] if view_digests else [None] * len(items)
        self.events = [cache.recall("vevents", key) if key else None for key in self.keys]
        self.missing = [item for item, event in zip(items, self.events) if event is None]

    def _key(self, item: Happening, view_digests: dict[str, str]) -> str:
        topics = [view_digests[topic["id"]] for topic in item.topics]
        return digest("vevent", view_digests[item.view["id"]], self.host, self.stamp.isoformat(), self.base_url,
                      *topics)

    def jobs(self, cores: int) -> list[range]:
        """Split the events to make into ranges: two per core, so that no core waits long."""
        count = len(self.missing)
        pieces = max(1, min(cores * 2, count // EVENTS_PER_JOB))
        return [range(count * i // pieces, count * (i + 1) // pieces) for i in range(pieces)] if count else []

    def make(self, job: range) -> list[tuple[bytes, tuple[str, ...]]]:
        return vevents(self.missing[job.start:job.stop], self.host, self.stamp, self.base_url)

    def assemble(self, made: list[list[tuple[bytes, tuple[str, ...]]]]) -> bytes:
        """Return calendar.ics from the cached events and those made by the jobs, in order."""
        fresh = iter(event for chunk in made for event in chunk)
        for i, (key, event) in enumerate(zip(self.keys, self.events)):
            if event is None:
                self.events[i] = event = next(fresh)
            if key:
                self.cache.keep("vevents", key, event)
        return calendar_from_events(self.site, self.events)


def _make(shared: tuple, jobs: list[str | range]) -> list:
    pages, site, views, base_url, calendar, languages = shared
    makers = {"feed.xml": lambda: atom_feed(site, views, base_url),
              "sitemap.xml": lambda: sitemap_xml(pages, base_url, languages)}
    return [calendar.make(job) if isinstance(job, range) else makers[job]() for job in jobs]


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


def pages_url(domain: str | None, repository: str) -> str:
    """Return where GitHub Pages serves this repository's site: the custom domain's root,
    the root of a user or organisation site (repository `<owner>.github.io`), or the
    project path `https://<owner>.github.io/<repo>/`."""
    owner, _, repo = repository.partition("/")
    if not owner or not repo:
        raise ValueError(f"expected owner/repository, got {repository!r}")
    if domain:
        return f"https://{domain}/"
    host = f"{owner.lower()}.github.io"
    return f"https://{host}/" if repo.lower() == host else f"https://{host}/{repo}/"
