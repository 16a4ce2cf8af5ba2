"""Render planned pages with Jinja: autoescape on, undefined variables fail loudly.

A template error becomes a SiteError naming the template line and the content file
being rendered. Knows nothing about writing files.
"""
from __future__ import annotations

import functools
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame

from ..model.entities import Page, Site
from ..model import urls
from ..model.errors import BuildFailed, Location, SiteError
from ..model import inputs
from ..model.hashing import digest
from ..model.typography import curly_quotes
from .assets import MAX_FILE_BYTES as MAX_TEMPLATE_BYTES
from . import messages
from .loader import display_path
from .runner import Runner, View
from .sanitize import escape_text
from .views import plain_text


class _CodeGenerator(CodeGenerator):
    """Compile each autoescaped `{{ value }}` to environment.escape_str(value) in place of
    markupsafe's escape(value). Jinja's code_generator_class hook; _output_child_pre is the
    jinja2 3.x method that opens each output. tests/core/test_build.py pins the output to Jinja's."""

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            return super()._output_child_pre(node, frame, finalize)
        self.write("environment.escape_str(")
        if finalize.src is not None:
            self.write(finalize.src)


class Environment(jinja2.Environment):
    """Jinja with two shortcuts for the millions of small steps of rendering a large site."""

    code_generator_class = _CodeGenerator

    # What a template outputs is joined into one str (made Markup again by a macro), so the
    # Markup object escape() makes of every str only costs time (a tenth of rendering).
    escape_str = staticmethod(escape_text)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Jinja looks `view.title` up as a Python attribute first and as a key second; views
        are dicts, so look the key up first (a third of rendering time otherwise)."""
        if type(obj) is dict or isinstance(obj, dict):
            try:
                return obj[attribute]
            except KeyError:
                pass
        return jinja2.Environment.getattr(self, obj, attribute)


def make_environment(templates_dir: Path, cls: type[Environment] | None = None,
                     functions: dict[str, Callable] | None = None,
                     language: str = messages.DEFAULT_LANGUAGE) -> jinja2.Environment:
    """Return the Jinja environment: strict, autoescaping, with the few display filters
    and the `functions` templates may call (e.g. seo_meta), its words and dates in `language`
    (core/messages.py). Runs of text in another script are marked on the rendered page
    (Rendering's `marks`), not by the templates."""
    env = (cls or Environment)(
        extensions=["jinja2.ext.i18n"],
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,   # environment_for() makes a new one when any template file changes
    )
    env.install_gettext_translations(messages.translations(templates_dir, language), newstyle=True)
    env.filters["longdate"], env.filters["shortdate"] = messages.date_formats(language)
    env.filters["isodate"] = lambda d: d.isoformat()
    env.filters["hhmm"] = lambda t: t.strftime("%H:%M")
    env.filters["host"] = _host
    env.globals.update(functions or {})
    return env


_environments: dict[tuple[str, str], jinja2.Environment] = {}


def template_files(templates_dir: Path) -> dict[str, str]:
    """Return the digest of each file below the templates folder by its path there (read as
    model/inputs.py allows: the template lint has refused links, pipes and oversized files
    before this runs); what was refused is under REFUSED."""
    files: dict[str, str] = {}
    entries, refusals = inputs.scan(templates_dir)
    for entry in entries:
        try:
            data = inputs.read_regular(entry.path, MAX_TEMPLATE_BYTES)
        except OSError as exc:   # changed since the lint: never matches a cached page
            data = f"unreadable: {exc}".encode()
        files[entry.relative] = digest(data)
    if refusals:
        files[REFUSED] = digest(*(str(refusal) for refusal in refusals))
    return files


REFUSED = "\0refused"   # no file's path


def templates_digest(files: dict[str, str]) -> str:
    """Return one digest of every file of template_files()."""
    return digest(*(part for item in sorted(files.items()) for part in item))


def environment_for(templates_dir: Path, fingerprint: str, runner: Runner,
                    bytecode: Callable[[], jinja2.BytecodeCache] | None = None,
                    functions: dict[str, Callable] | None = None,
                    language: str = messages.DEFAULT_LANGUAGE) -> jinja2.Environment:
    """Return the environment for templates_dir while the digest of its files (catalogues
    included) is `fingerprint` (templates_digest), so that a preview server compiles each
    template once, not on every build. A new environment loads compiled templates from
    `bytecode()` (speed/precompile.py)."""
    key = (str(templates_dir.resolve()), fingerprint, runner.environment_class, language)
    if key not in _environments:
        for old in [k for k in _environments if k[:3] != key[:3]]:
            del _environments[old]   # only the newest templates are kept, in each language
        env = make_environment(templates_dir, runner.environment_class, functions, language)
        # Each language's environment of these templates loads what another one compiled.
        env.bytecode_cache = bytecode() if bytecode is not None else _shared_bytecode(key[:3])
        _environments[key] = env
    return _environments[key]


class _MemoryBytecode(jinja2.BytecodeCache):
    """Compiled templates in memory, shared by the environments of one set of templates."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (data := self.compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(data)   # a stale one is reset, then compiled

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_bytecode: dict[tuple, _MemoryBytecode] = {}


def _shared_bytecode(templates: tuple) -> _MemoryBytecode:
    if templates not in _bytecode:
        _bytecode.clear()   # only the newest templates' code is kept
        _bytecode[templates] = _MemoryBytecode()
    return _bytecode[templates]


def _host(url: str) -> str:
    """Return the site a URL leads to, as readers name it: "state.gov" for https://www.state.gov/…"""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


SITE_VIEW, READER_VIEW = "@site", "@reader"   # no entity id has an '@'


def site_context(site: Site, views: dict[str, dict], base_url: str, runner: Runner,
                 reader: dict[str, Any], words: Callable[[str], str] = str,
                 language: str | None = None, languages: list[dict[str, str]] | None = None) -> View:
    """Return what every page sees as `site`: settings, navigation, the home lists and
    `reader`, the site-wide data of the reader's pages (explainer/sitepages.py).

    A view of its own, and so is its `reader` part, so that the page cache knows which
    keys each page read (a reordered list of people re-renders the pages that show the
    list, not every page). `words` gives the engine's own labels in `language`, the site's
    language in this build; `languages` lists every language's tag, name and base URL."""
    by_type = {name: [views[e.id] for e in items] for name, items in site.by_type.items()}
    settings = views.get("site", {})
    return runner.view(SITE_VIEW, {
        "title": curly_quotes(site.settings.get("title", "")),
        "description": curly_quotes(site.settings.get("description", "")),
        "language": language or site.settings.get("language", "en"),
        "languages": languages or [],
        "base_url": base_url,
        "home": urls.href("/", base_url),
        "home_label": words("Home"),
        "settings": settings,
        "nav": [{"label": words(t.plural), "href": urls.href(urls.index_path(t.folder), base_url), "type": t.name}
                for t in site.types],
        "types": {t.name: {"name": t.name, "label": words(t.label), "plural": words(t.plural),
                           "description": words(t.description), "json_ld": t.json_ld, "attendees": t.attendees}
                  for t in site.types},
        "by_type": by_type,
        **{t.featured: settings.get(t.featured) or by_type.get(t.name, []) for t in site.types if t.featured},
        "reader": runner.view(READER_VIEW, reader),
    })


def page_context(page: Page, site: Site, views: dict[str, dict], base_url: str, context: View) -> dict[str, Any]:
    """Return the `page` a template sees: its URLs, titles and, for entity pages, the entity.

    An index page's entries are read from the site context (`context`, site_context()),
    so that the read is recorded: a page kept by the page cache is rendered again when an
    entity of its type is added, removed or reordered."""
    entity = views[page.entity_id] if page.entity_id else None
    ctype = next((t for t in site.types if t.name == page.type_name), None)
    shown = context["types"][ctype.name] if ctype else None   # its labels in the site's language
    crumbs = [{"title": context["home_label"], "href": urls.href("/", base_url)}]
    if ctype is not None and page.kind == "entity":
        crumbs.append({"title": shown["plural"], "href": urls.href(urls.index_path(ctype.folder), base_url)})
    description = (entity["description"] if entity else
                   f"{shown['plural']}: {shown['description']}" if ctype else context["description"])
    # An index page opens with the intro site.yaml gives its folder (`intros`), written for readers.
    intro = None
    if ctype is not None and page.kind == "index":
        intros = context["settings"].get("intros") if context["settings"] else None
        intro = next((i["html"] for i in intros or () if i["party"] == ctype.folder), None)
        if intro is not None:
            description = f"{shown['plural']}: {plain_text(intro)}"
    # The same page in each of the site's languages (the language switcher, hreflang links).
    alternates = [{"lang": other["tag"], "name": other["name"], "href": urls.href(page.url, other["base"]),
                   "absolute": urls.absolute(page.url, other["base"]), "current": other["base"] == base_url}
                  for other in context["languages"]]
    return {
        "kind": page.kind, "title": page.title, "description": description, "key": page.key,
        "url": urls.href(page.url, base_url), "canonical": urls.absolute(page.url, base_url),
        "breadcrumbs": crumbs, "entity": entity, "intro": intro, "alternates": alternates,
        "type": shown,
        "entries": list(context["by_type"][ctype.name]) if ctype and page.kind == "index" else [],
    }


@dataclass(frozen=True, slots=True)
class Rendering:
    """One language's pages to render, with what they read: `context` is site_context();
    `reads`, when given, receives the keys of the views each page read, as runner.packed()
    gives them (without it nothing is recorded). Static files are linked below `assets_url`
    (the site's base: every language shares them), else base_url. With `marks` (core/messages.py
    page_marks), runs of text in another script than the language in force where they stand
    are marked on every page, whichever field or template wrote them. The files go below
    `folder` in the output."""

    pages: list[Page]
    site: Site
    views: dict[str, dict]
    env: jinja2.Environment
    base_url: str
    context: View
    reads: dict[str, bytes] | None = None
    assets_url: str | None = None
    marks: tuple[messages.RunMarks, ...] = ()
    folder: str = ""


def render_pages(renderings: list[Rendering], runner: Runner) -> Iterator[tuple[str, bytes]]:
    """Yield (output file, bytes) of every page of every rendering as workers finish them;
    after the last, raise every template error together.

    The pages of all languages are one job, so that a site in two languages uses every core
    where one language alone is too small to share out. The caller writes pages as they come,
    so a large site is never all in memory.
    """
    shared = []
    for one in renderings:
        globals_ = {"site": one.context,
                    "asset": functools.partial(_asset_href, one.assets_url or one.base_url)}
        for name in sorted({page.template for page in one.pages}):
            try:  # compile each template once, before the workers fork
                one.env.get_template(name)
            except Exception:  # reported with the page that uses it
                pass
        track = runner if one.reads is not None else None
        shared.append((one.env, globals_, one.site, one.views, one.base_url, track, one.marks))
    items = [(number, page) for number, one in enumerate(renderings) for page in one.pages]
    errors: list[SiteError] = []
    for chunk in runner.iter(_render_chunk, shared, items):
        for number, result in chunk:
            if isinstance(result, SiteError):
                errors.append(result)
                continue
            output, html, read = result
            one = renderings[number]
            if one.reads is not None:
                one.reads[output] = read
            if not errors:  # after an error nothing will be kept: stop writing
                yield one.folder + output, html
    if errors:
        raise BuildFailed(_first_per_template(errors))


def _asset_href(base: str, path: str) -> str:
    return urls.href("/static/" + path.lstrip("/"), base)


def _render_chunk(shared: list[tuple], items: list[tuple[int, Page]]) -> list[tuple[int, tuple[str, bytes, bytes] | SiteError]]:
    results: list[tuple[int, tuple[str, bytes, bytes] | SiteError]] = []
    for number, page in items:
        env, context, site, views, base_url, track, marks = shared[number]
        try:
            with track.recording() if track else nullcontext(set()) as read:
                template = env.get_template(page.template)
                html = template.render(context, page=page_context(page, site, views, base_url, context["site"]))
                if marks:
                    html = messages.mark_page(html, marks)
        except Exception as exc:  # any failure inside a template is the template's error
            results.append((number, template_error(exc, page)))
            continue
        results.append((number, (page.output, html.encode("utf-8"), track.packed(read) if track else b"")))
    return results


def template_error(exc: Exception, page: Page) -> SiteError:
    """Name the template file and line of a Jinja error, and the content file being rendered."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if filename is None:
        tb = exc.__traceback__
        while tb is not None:
            code = tb.tb_frame.f_code
            if code.co_filename.endswith(".html"):
                filename, line = code.co_filename, tb.tb_lineno
            tb = tb.tb_next
    where = Location(display_path(Path(filename)) if filename else "templates", line or 0, 0)
    message = getattr(exc, "message", None) or str(exc)
    return SiteError(where, None, f"template error: {message}", f"while rendering {page.source}")


def _first_per_template(errors: list[SiteError]) -> list[SiteError]:
    # One broken template fails every page that uses it; show each distinct error once,
    # naming the first content file it broke.
    unique: dict[tuple, SiteError] = {}
    for error in errors:
        unique.setdefault((error.location, error.message), error)
    return list(unique.values())
