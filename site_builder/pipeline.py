"""Run the build as a short story of named stages: load, validate, link, plan, render, write.

Stages before `write` are pure; nothing is written unless every stage succeeded,
so a failed build leaves the previous site exactly as it was.
"""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .speed import collector, uptodate
from .core.assets import check_assets
from .speed.cache import Cache
from .core.checks import check_content
from .core.contentlint import check_markdown
from .model.errors import BuildFailed, Problems, SiteError
from .core.links import Site, link
from .core.lock import build_lock
from .core.loader import is_ignored, load_content
from .core.output import BeforeRename, check_output_dir, clean_leftovers, write_site
from .core.pages import plan_pages
from .speed.page_cache import PageCache, templates_digest
from .speed.precompile import Precompiled, precompiling
from .core.markdown import Rendered, prerender_markdown
from .publish.files import publish_files
from .core.render import environment_for, render_pages, site_context
from .model.schema import CONTENT_TYPES, SITE, ContentType
from .publish.search import indexing
from .core.templatelint import check_templates
from .core.validate import Entity, validate, validate_doc
from .core.views import build_views


@dataclass(frozen=True, slots=True)
class Paths:
    """The folders one build reads and writes."""

    content: Path = Path("content")
    templates: Path = Path("templates")
    out: Path = Path("_site")


@dataclass(slots=True)
class Report:
    """What a build did: pages written, seconds taken, warnings found."""

    pages: int = 0
    seconds: float = 0.0
    warnings: list[SiteError] = field(default_factory=list)


def load_site(content_dir: Path, types: tuple[ContentType, ...] = CONTENT_TYPES,
              strict: bool = False, cache: Cache | None = None) -> tuple[Site, Entity | None, list[SiteError]]:
    """Load, validate and link all content; raise BuildFailed with every problem found."""
    site, settings, warnings, _ = read_site(content_dir, types, strict, cache or Cache(None))
    return site, settings, warnings


def read_site(content_dir: Path, types: tuple[ContentType, ...], strict: bool, cache: Cache,
              base_url: str | None = None) -> tuple[Site, Entity | None, list[SiteError], Rendered]:
    """Load, validate, link and convert every Markdown field (for pages at base_url, else
    the site's own base_url); raise BuildFailed with every problem found."""
    problems = Problems()
    site_doc, docs = load_content(content_dir, types, SITE, problems, cache)
    entities = validate(docs, problems)
    settings = validate_doc(site_doc, problems) if site_doc else None
    # References can point anywhere, so linking waits until every entity is validated.
    site = link(entities, settings, types, problems)
    everything = entities + ([settings] if settings else [])
    check_content(everything, site, problems)
    # One Markdown conversion per field gives both its HTML and what contentlint finds in
    # it. When references failed, links become placeholders and only the findings count.
    linked = not problems.errors
    base = (base_url or site.settings.get("base_url") or "/") if linked else "/"
    markdown, findings = prerender_markdown(everything, site if linked else None, base, cache)
    check_markdown(everything, findings, problems)
    problems.raise_if_errors(strict)
    return site, settings, problems.warnings, markdown


def build(paths: Paths = Paths(), base_url: str | None = None, strict: bool = False,
          types: tuple[ContentType, ...] = CONTENT_TYPES, search: bool = True,
          cache: Cache | None = None, before_rename: BeforeRename | None = None,
          keep_folders: tuple[str, ...] = ()) -> Report:
    """Build the site from paths.content and paths.templates into paths.out.

    With `search`, Pagefind indexes the staging folder before it replaces the output.
    With a cache (cache.py), parsed files, rendered Markdown and unchanged pages are reused
    by the hash of their inputs; the output is byte for byte what a build without it writes.
    `before_rename` and `keep_folders` are for the preview server (see output.update_in_place).
    """
    started = time.perf_counter()
    cache = cache or Cache(None)
    check_output_dir(paths.out, [paths.content, paths.templates])
    with build_lock(paths.out), collector.paused():  # one build at a time per output folder
        clean_leftovers(paths.out)
        # Nothing to do when every input and the output folder are as the last build left them.
        # The stamp is taken first: a save during the build (even one undone before the next)
        # must not leave a key that names bytes the output was not built from (issue 21).
        stamp = uptodate.inputs_stamp(paths.content, paths.templates, is_ignored) if cache.enabled else None
        key = uptodate.build_key(paths.content, paths.templates, (base_url, strict, types, search),
                                 is_ignored) if stamp else None
        if (done := uptodate.previous(cache, key, paths.out)) is not None:
            cache.save()
            return Report(done[0], time.perf_counter() - started, done[1])
        with precompiling(paths.templates) as precompiled:   # templates compiled meanwhile
            return _build_changed(paths, base_url, strict, types, search, cache, started,
                                  before_rename, keep_folders, key, stamp, precompiled)


def _build_changed(paths: Paths, base_url: str | None, strict: bool, types: tuple[ContentType, ...],
                   search: bool, cache: Cache, started: float,
                   before_rename: BeforeRename | None, keep_folders: tuple[str, ...],
                   key: str | None, stamp: str | None, precompiled: Precompiled) -> Report:
    problems = Problems()
    check_templates(paths.templates, problems)
    check_assets(paths.templates / "static", problems)
    try:
        # Every Markdown field at once: cached ones looked up, the rest across all cores.
        site, settings, warnings, markdown = read_site(paths.content, types, strict, cache, base_url)
    except BuildFailed as failed:  # report template and content problems in one run
        raise BuildFailed(failed.problems + (problems.items if strict else problems.errors)) from None
    base = base_url or site.settings["base_url"]
    pages = plan_pages(site, problems)
    problems.raise_if_errors(strict)
    warnings = warnings + problems.warnings
    views = build_views(site, settings, base, markdown)
    # Pages whose templates, site-wide lists and every view they read are unchanged keep their file.
    context = site_context(site, views, base)  # what every page sees as `site`: made once
    templates = templates_digest(paths.templates)   # keys both the page cache and the Jinja environment
    page_cache = PageCache(cache, templates, context, views)
    todo, kept = page_cache.split(pages, paths.out)
    # Feed, calendar, sitemap, robots.txt, data.json, .nojekyll and CNAME beside the pages,
    # made and written after them, while Pagefind indexes the pages.
    published = _handed_over(lambda: publish_files(pages, site, settings, views, base, cache,
                                                   page_cache.view_digests))
    reads: dict[str, bytes] | None = {} if page_cache.enabled else None   # what each page read, packed
    # Pages are written as the workers render them (never all in memory at once).
    env = environment_for(paths.templates, templates, precompiled.bytecode)
    rendered = render_pages(todo, site, views, env, base, reads, context)
    write_site(itertools.chain(rendered, kept), paths.templates / "static", paths.out,
               indexer=indexing if search else None, unindexed=published, before_rename=before_rename,
               keep_folders=keep_folders)
    page_cache.record(todo, reads or {}, paths.out)
    if stamp == uptodate.inputs_stamp(paths.content, paths.templates, is_ignored):
        uptodate.remember(cache, key, paths.out, len(pages), warnings)
    cache.save()
    return Report(len(pages), time.perf_counter() - started, warnings)


def _handed_over(make: Callable[[], list[tuple[str, bytes]]]) -> Iterator[tuple[str, bytes]]:
    """Make the files when first asked, then yield and forget each, so that written bytes
    (data.json is large) are freed."""
    files = make()
    files.reverse()
    while files:
        yield files.pop()


__all__ = ["BuildFailed", "Paths", "Report", "build", "load_site"]
