"""The build as a short story of named stages: load, validate, link, Markdown, plan, views,
render, write.

Stages before `write` are pure: each makes its own result from the last one's (the data
types are model/entities.py), and nothing is written unless every stage succeeded, so a
failed build leaves the previous site exactly as it was. How the stages run is the
runner's business (core/runner.py): the plain one by default; the CLI and the preview
pass speed/'s fast one. The explainer's and the publishing wings' parts join the story
here, and only here.
"""
from __future__ import annotations

import dataclasses
import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .core.assets import check_assets
from .core.checks import check_content
from .core.contentlint import check_markdown
from .core.links import link
from .core.loader import load_content
from .core.lock import build_lock
from .core.markdown import Rendered, prerender_markdown
from .core.output import check_output_dir, clean_leftovers
from .core.pages import plan_pages
from .core.progress import Progress
from .core.messages import check_catalogues, language_name, page_marks, sort_text, words_in
from .core.languages import languages, localized
from .core.render import Rendering, environment_for, render_pages, site_context, template_files, templates_digest
from .core.runner import Runner, View
from .core.templatelint import check_templates
from .core.translations import check_translations
from .core.validate import validate, validate_doc
from .core.views import build_views
from .explainer.sitepages import add_reader_views, site_extras
from .model import urls
from .model.entities import Entity, Site
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


@dataclass(frozen=True, slots=True)
class Options:
    """What a build is asked for."""

    base_url: str | None = None     # where the site is published; else site.yaml's
    strict: bool = False            # warnings fail the build
    types: tuple[ContentType, ...] = CONTENT_TYPES
    search: bool = True             # Pagefind indexes the pages
    drafts: bool = False            # the preview: drafts are built, each page with a draft banner
    no_drafts: bool = False         # a draft fails the build

    def key(self) -> tuple:
        """What the up-to-date check compares with the last build's."""
        return (self.base_url, self.strict, self.types, self.search) + \
            ((self.drafts, self.no_drafts) if self.drafts or self.no_drafts else ())


@dataclass(slots=True)
class Report:
    """What a build did: pages written, seconds taken, warnings found."""

    pages: int = 0
    seconds: float = 0.0
    warnings: list[SiteError] = field(default_factory=list)
    rendered: int = 0     # of the pages, those rendered again (the others kept their file)


@dataclass(frozen=True, slots=True)
class Content:
    """The content, read: the linked site, its settings, warnings and every Markdown field's HTML."""

    site: Site
    settings: Entity | None
    warnings: list[SiteError]
    markdown: Rendered


def build(paths: Paths = Paths(), base_url: str | None = None, strict: bool = False,
          types: tuple[ContentType, ...] = CONTENT_TYPES, search: bool = True, runner: Runner | None = None,
          progress: Progress | None = None, drafts: bool = False, no_drafts: bool = False) -> Report:
    """Build the site from paths.content and paths.templates into paths.out (see Options).

    The runner decides how stages run and what is kept between builds (speed/runner.py);
    the output is byte for byte the plain runner's. `progress` is told each stage as it
    starts and each page rendered (core/progress.py)."""
    options, runner, progress = Options(base_url, strict, types, search, drafts, no_drafts), \
        runner or Runner(), progress or Progress()
    started = time.perf_counter()
    try:
        progress.stage("up-to-date check")
        check_output_dir(paths.out, [paths.content, paths.templates])
        with build_lock(paths.out), runner.session():   # one build at a time per output folder
            clean_leftovers(paths.out)
            # Nothing to do when every input and the output folder are as the last build left them.
            done = runner.previous(paths.content, paths.templates, options.key(), paths.out)
            pages, warnings, rendered = (*done, 0) if done is not None else _build(paths, options, runner, progress)
            runner.save()
            return Report(pages, time.perf_counter() - started, warnings, rendered)
    finally:
        progress.done()


def read_site(content_dir: Path, options: Options, runner: Runner, progress: Progress) -> Content:
    """Load, validate, link and convert every Markdown field; raise BuildFailed with every problem found.
    Drafts are validated; with options.drafts they are part of the site, else left out of it."""
    problems = Problems()
    progress.stage("load")
    site_doc, docs, translation_docs = load_content(content_dir, options.types, SITE, problems, runner)
    progress.stage("validate")
    entities = validate(docs, problems)
    settings = validate_doc(site_doc, problems) if site_doc else None
    progress.stage("link")   # references can point anywhere: linking waits for every entity
    site = link(entities, settings, options.types, problems, show_drafts=options.drafts)
    # A translation names its English entity and may link anywhere: checked once all are linked.
    site = dataclasses.replace(site, translations=check_translations(translation_docs, site, settings, problems))
    shown = [e for e in entities if options.drafts or not e.is_draft] + ([settings] if settings else [])
    check_content(shown, site, problems)
    # One conversion per field gives its HTML and what contentlint finds in it. When references
    # failed, links become placeholders and only the findings count.
    linked = not problems.errors
    base = (options.base_url or site.settings.get("base_url") or "/") if linked else "/"
    progress.stage("markdown")
    markdown, findings = prerender_markdown(shown, site if linked else None, base, runner)
    check_markdown(shown, findings, problems)
    problems.raise_if_errors(options.strict, options.no_drafts)
    return Content(site, settings, problems.warnings, markdown)


def _build(paths: Paths, options: Options, runner: Runner, progress: Progress) -> tuple[int, list[SiteError], int]:
    problems = Problems()
    with runner.templates(paths.templates) as bytecode:   # templates compiled meanwhile
        progress.stage("check templates")
        check_templates(paths.templates, problems)
        check_assets(paths.templates / "static", problems)
        try:
            content = read_site(paths.content, options, runner, progress)
        except BuildFailed as failed:   # template and content problems in one report
            raise BuildFailed(failed.problems + (problems.items if options.strict else problems.errors),
                              failed.warnings + ([] if options.strict else problems.warnings)) from None
        site, base = content.site, options.base_url or content.site.settings["base_url"]
        tongues = languages(site)
        for language in tongues:
            check_catalogues(paths.templates, language, problems)
        files = template_files(paths.templates)
        templates = templates_digest(files)
        # Each language's site under its folder (the first at the base URL), written together.
        builds = [_Language(language, tongues[0], base) for language in tongues]
        choices = [{"tag": b.language, "name": language_name(b.language), "base": b.base} for b in builds]
        made = [_build_language(one, content, paths, options, runner, progress, problems, bytecode,
                                templates, files, choices) for one in builds]
        progress.stage("render")   # pages are written as workers render them, never all in memory
        renderings = [m.rendering for m in made]
        to_render = sum(len(r.pages) for r in renderings)
        rendered = progress.counted(render_pages(renderings, runner), to_render)
        warnings = content.warnings + problems.warnings
        runner.write(itertools.chain(rendered, *(m.kept for m in made)), paths.templates / "static", paths.out,
                     indexing if options.search else None, itertools.chain.from_iterable(m.published for m in made),
                     warnings)
        counted = sum(m.pages for m in made)
        for one in builds:
            one.record()
        runner.remember(paths.out, counted, warnings)
        return counted, warnings, to_render


@dataclass(slots=True)
class _Language:
    """One language's part of a build: its folder and base URL, and what is left to do once written."""

    language: str
    site_language: str
    site_base: str
    record: Callable[[], None] = lambda: None

    @property
    def folder(self) -> str:
        return urls.language_folder(self.language, self.site_language)

    @property
    def base(self) -> str:
        return urls.language_base(self.site_base, self.folder)


@dataclass(frozen=True, slots=True)
class _Made:
    rendering: Rendering                        # the pages to render
    kept: list[tuple[str, bytes | None]]        # the pages that keep their file
    published: Iterator[tuple[str, bytes | None]]
    pages: int


# Files of the whole site, made once with the first language: not again in a language's folder.
_SITE_WIDE = ("robots.txt", ".nojekyll", "CNAME", "sitemap.xml")


def _build_language(one: _Language, content: Content, paths: Paths, options: Options, runner: Runner,
                    progress: Progress, problems: Problems, bytecode, templates: str, files: dict[str, str],
                    choices: list[dict[str, str]]) -> _Made:
    """Plan and view one language's pages; they are rendered and written by the caller."""
    site, settings, markdown = content.site, content.settings, content.markdown
    base, out = one.base, paths.out / one.folder
    if one.folder:   # another language: the translated entities, their Markdown converted anew
        progress.stage(f"translate {one.language}")
        site, settings = localized(site, settings, one.language, show_drafts=options.drafts)
        shown = [e for e in list(site.by_id.values()) + list(site.drafts.values()) if options.drafts or not e.is_draft]
        markdown, _ = prerender_markdown(shown + ([settings] if settings else []), site, base, runner)
    words = words_in(paths.templates, one.language, one.site_language)
    progress.stage("plan" if not one.folder else f"plan {one.language}")
    # (each language's pages render when the writer asks for them, after every language is planned)
    pages = plan_pages(site, problems, words)
    problems.raise_if_errors(options.strict)
    progress.stage("views")
    views = make_views(site, settings, base, markdown, runner, one.language, words)
    context = site_context(site, views, base, runner, site_extras(site, views, base, words, one.site_base, sort_text(one.language)),
                           words, one.language, choices)
    # Pages whose templates, site-wide lists and every view they read are unchanged keep their file.
    page_cache = runner.pages(files, one.language, context, views)
    todo, kept = page_cache.split(pages, out)
    reads: dict[str, bytes] | None = {} if page_cache.enabled else None   # what each page read
    marks = page_marks(tuple(c["tag"] for c in choices))
    env = environment_for(paths.templates, templates, runner, bytecode, {"seo_meta": seo.page_meta}, one.language)
    rendering = Rendering(todo, site, views, env, base, context, reads, one.site_base, marks, one.folder)
    # Feed, calendar, sitemap, data.json… are made after the pages, while Pagefind indexes them.
    all_bases = [(c["tag"], c["base"]) for c in choices]
    published = _made_when_asked(lambda: publish_files(pages, site, settings, views, base, runner,
                                                       page_cache, out, all_bases), progress)
    if one.folder:
        kept = list(_in_folder(kept, one.folder))
        published = _in_folder((f for f in published if f[0] not in _SITE_WIDE), one.folder)
    one.record = lambda: page_cache.record(todo, reads or {}, out)
    return _Made(rendering, list(kept), published, len(pages))


def _in_folder(files: Iterable[tuple[str, bytes | None]], folder: str) -> Iterator[tuple[str, bytes | None]]:
    """Yield each file with its path below a language's folder."""
    for name, data in files:
        yield folder + name, data


def load_site(content_dir: Path, types: tuple[ContentType, ...] = CONTENT_TYPES, strict: bool = False,
              runner: Runner | None = None, progress: Progress | None = None,
              no_drafts: bool = False) -> tuple[Site, Entity | None, list[SiteError]]:
    """Load, validate and link all content as published (drafts left out); raise BuildFailed
    with every problem found. The warnings returned end with what each draft lacks."""
    progress = progress or Progress()
    try:
        content = read_site(content_dir, Options(strict=strict, types=types, no_drafts=no_drafts),
                               runner or Runner(), progress)
    finally:
        progress.done()
    return content.site, content.settings, content.warnings


def make_views(site: Site, settings: Entity | None, base_url: str, markdown: Rendered | None = None,
               runner: Runner | None = None, language: str | None = None,
               words: Callable[[str], str] = str) -> dict[str, View]:
    """Return every entity's view with what the explainer's pages add to it, in `language`
    (the engine's labels by `words`)."""
    return build_views(site, settings, base_url, markdown, runner or Runner(), extend=(add_reader_views,),
                       language=language, words=words)


def _made_when_asked(make, progress: Progress):
    """Make the files when first asked, then yield and forget each, so that written bytes
    (the data files are large together) are freed."""
    progress.stage("publish and search")
    files = make()
    files.reverse()
    while files:
        yield files.pop()


__all__ = ["BuildFailed", "Options", "Paths", "Report", "build", "load_site"]
