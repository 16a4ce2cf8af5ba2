"""Run the build as a short story of named stages: load, validate, link, Markdown, plan,
render, write.

Stages before `write` are pure; nothing is written unless every stage succeeded,
so a failed build leaves the previous site exactly as it was. How the stages run is the
runner's business (core/runner.py): the plain one here by default; the CLI and the
preview pass speed/'s fast one. The explainer's and the publishing wings' parts join
the story here, and only here.
"""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from .model.entities import Entity, Site
from .core.assets import check_assets
from .core.checks import check_content
from .core.contentlint import check_markdown
from .core.links import link
from .core.lock import build_lock
from .core.loader import load_content
from .core.markdown import Rendered, prerender_markdown
from .core.output import BeforeRename, check_output_dir, clean_leftovers, write_site
from .core.pages import plan_pages
from .core.progress import Progress
from .core.render import environment_for, render_pages, site_context, templates_digest
from .core.runner import Runner, View
from .core.templatelint import check_templates
from .core.validate import validate, validate_doc
from .core.views import build_views
from .explainer.sitepages import add_reader_views, site_extras
from .model.errors import BuildFailed, Problems, SiteError
from .model.schema import CONTENT_TYPES, SITE, ContentType
from .publish import seo
from .publish.files import publish_files
from .publish.search import indexing

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
              strict: bool = False, runner: Runner | None = None, progress: Progress | None = None,
              no_drafts: bool = False) -> tuple[Site, Entity | None, list[SiteError]]:
    """Load, validate and link all content as published (drafts left out); raise BuildFailed
    with every problem found. The warnings returned end with what each draft lacks."""
    progress = progress or Progress()
    try:
        site, settings, warnings, _ = read_site(content_dir, types, strict, runner or Runner(), None, progress,
                                                no_drafts=no_drafts)
    finally:
        progress.done()
    return site, settings, warnings


def read_site(content_dir: Path, types: tuple[ContentType, ...], strict: bool, runner: Runner,
              base_url: str | None = None, progress: Progress = Progress(), drafts: bool = False,
              no_drafts: bool = False) -> tuple[Site, Entity | None, list[SiteError], Rendered]:
    """Load, validate, link and convert every Markdown field (for pages at base_url, else
    the site's own base_url); raise BuildFailed with every problem found.

    Drafts are validated; with `drafts` (the preview) they are part of the site, else they
    are left out of it. With no_drafts, a draft is an error."""
    problems = Problems()
    progress.stage("load")
    site_doc, docs = load_content(content_dir, types, SITE, problems, runner)
    progress.stage("validate")
    entities = validate(docs, problems)
    settings = validate_doc(site_doc, problems) if site_doc else None
    # References can point anywhere, so linking waits until every entity is validated.
    progress.stage("link")
    site = link(entities, settings, types, problems, show_drafts=drafts)
    everything = [e for e in entities if drafts or not e.is_draft] + ([settings] if settings else [])
    check_content(everything, site, problems)
    # One Markdown conversion per field gives both its HTML and what contentlint finds in
    # it. When references failed, links become placeholders and only the findings count.
    linked = not problems.errors
    base = (base_url or site.settings.get("base_url") or "/") if linked else "/"
    progress.stage("markdown")
    markdown, findings = prerender_markdown(everything, site if linked else None, base, runner)
    check_markdown(everything, findings, problems)
    problems.raise_if_errors(strict, no_drafts)
    return site, settings, problems.warnings, markdown


def build(paths: Paths = Paths(), base_url: str | None = None, strict: bool = False,
          types: tuple[ContentType, ...] = CONTENT_TYPES, search: bool = True,
          runner: Runner | None = None, before_rename: BeforeRename | None = None,
          keep_folders: tuple[str, ...] = (), progress: Progress | None = None,
          drafts: bool = False, no_drafts: bool = False) -> Report:
    """Build the site from paths.content and paths.templates into paths.out.

    With `search`, Pagefind indexes the staging folder before it replaces the output.
    The runner decides how stages run and what is kept between builds (speed/runner.py);
    the output is byte for byte the plain runner's.
    `before_rename` and `keep_folders` are for the preview server (see output.update_in_place).
    `progress` is told each stage as it starts and each page rendered (core/progress.py).
    With `drafts` (the preview server), drafts are built too, each page with a draft banner;
    otherwise they are left out of every page and file. With no_drafts, a draft fails the build.
    """
    started = time.perf_counter()
    runner, progress = runner or Runner(), progress or Progress()
    try:
        return _build(paths, base_url, strict, types, search, runner, started, before_rename,
                      keep_folders, progress, drafts, no_drafts)
    finally:
        progress.done()


def _build(paths: Paths, base_url: str | None, strict: bool, types: tuple[ContentType, ...],
           search: bool, runner: Runner, started: float, before_rename: BeforeRename | None,
           keep_folders: tuple[str, ...], progress: Progress, drafts: bool, no_drafts: bool) -> Report:
    progress.stage("up-to-date check")
    check_output_dir(paths.out, [paths.content, paths.templates])
    with build_lock(paths.out), runner.session():  # one build at a time per output folder
        clean_leftovers(paths.out)
        # Nothing to do when every input and the output folder are as the last build left them.
        options = (base_url, strict, types, search) + ((drafts, no_drafts) if drafts or no_drafts else ())
        done = runner.previous(paths.content, paths.templates, options, paths.out)
        if done is not None:
            runner.save()
            return Report(done[0], time.perf_counter() - started, done[1])
        with runner.templates(paths.templates) as bytecode:   # templates compiled meanwhile
            return _build_changed(paths, base_url, strict, types, search, runner, started,
                                  before_rename, keep_folders, bytecode, progress, drafts, no_drafts)


def make_views(site: Site, settings: Entity | None, base_url: str, markdown: Rendered | None = None,
               runner: Runner | None = None) -> dict[str, View]:
    """Return every entity's view with what the explainer's pages add to it."""
    return build_views(site, settings, base_url, markdown, runner or Runner(), extend=(add_reader_views,))


def _build_changed(paths: Paths, base_url: str | None, strict: bool, types: tuple[ContentType, ...],
                   search: bool, runner: Runner, started: float,
                   before_rename: BeforeRename | None, keep_folders: tuple[str, ...],
                   bytecode: Callable[[], Any] | None, progress: Progress, drafts: bool,
                   no_drafts: bool) -> Report:
    problems = Problems()
    progress.stage("check templates")
    check_templates(paths.templates, problems)
    check_assets(paths.templates / "static", problems)
    try:
        # Every Markdown field at once: cached ones looked up, the rest across all cores.
        site, settings, warnings, markdown = read_site(paths.content, types, strict, runner, base_url, progress,
                                                       drafts, no_drafts)
    except BuildFailed as failed:  # report template and content problems in one run
        raise BuildFailed(failed.problems + (problems.items if strict else problems.errors),
                          failed.warnings + ([] if strict else problems.warnings)) from None
    base = base_url or site.settings["base_url"]
    progress.stage("plan")
    pages = plan_pages(site, problems)
    problems.raise_if_errors(strict)
    warnings = warnings + problems.warnings
    progress.stage("views")
    views = make_views(site, settings, base, markdown, runner)
    # what every page sees as `site`: made once
    context = site_context(site, views, base, runner, site_extras(site, views, base))
    # Pages whose templates, site-wide lists and every view they read are unchanged keep their file.
    templates = templates_digest(paths.templates)   # keys both the page keeper and the Jinja environment
    page_cache = runner.pages(templates, context, views)
    todo, kept = page_cache.split(pages, paths.out)
    # Feed, calendar, sitemap, robots.txt, data.json, .nojekyll and CNAME beside the pages,
    # made and written after them, while Pagefind indexes the pages.
    published = _handed_over(lambda: publish_files(pages, site, settings, views, base, runner,
                                                   page_cache.view_digests), progress)
    reads: dict[str, bytes] | None = {} if page_cache.enabled else None   # what each page read, packed
    # Pages are written as the workers render them (never all in memory at once).
    env = environment_for(paths.templates, templates, runner, bytecode, {"seo_meta": seo.page_meta})
    progress.stage("render")
    rendered = _counted(render_pages(todo, site, views, env, base, context, runner, reads), len(todo), progress)
    write_site(itertools.chain(rendered, kept), paths.templates / "static", paths.out,
               indexer=indexing if search else None, unindexed=published, before_rename=before_rename,
               keep_folders=keep_folders)
    page_cache.record(todo, reads or {}, paths.out)
    runner.remember(paths.out, len(pages), warnings)
    runner.save()
    return Report(len(pages), time.perf_counter() - started, warnings)


def _counted(pages: Iterator[tuple[str, bytes]], total: int, progress: Progress) -> Iterator[tuple[str, bytes]]:
    for done, page in enumerate(pages, start=1):
        progress.step(done, total)
        yield page


def _handed_over(make: Callable[[], list[tuple[str, bytes]]], progress: Progress) -> Iterator[tuple[str, bytes]]:
    """Make the files when first asked, then yield and forget each, so that written bytes
    (data.json is large) are freed."""
    progress.stage("publish and search")
    files = make()
    files.reverse()
    while files:
        yield files.pop()


__all__ = ["BuildFailed", "Paths", "Report", "build", "load_site"]
