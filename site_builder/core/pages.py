"""Plan the pages of the site: home, one index per content type, one page per entity, 404.

A Page says where it goes and what it shows; render.py fills the template. Every
URL comes from urls.py. Knows nothing about Jinja or the disk.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from ..model import urls
from ..model.entities import Page, Site
from ..model.errors import Location, Problems
from ..model.schema import DATED
from ..model.typography import curly_quotes
from .views import entity_path


def plan_pages(site: Site, problems: Problems, words: Callable[[str], str] = str) -> list[Page]:
    """Return every page in a stable order; report two pages that would share one file.
    `words` gives the engine's own titles (types, extra pages) in the site's language."""
    pages = [Page("/", "index.html", "home.html", "home", curly_quotes(site.settings.get("title", "")), "content/site.yaml")]
    for ctype in site.types:
        path = urls.index_path(ctype.folder)
        pages.append(Page(path, urls.output_file(path), "index.html", "index", words(ctype.plural),
                          f"content/{ctype.folder}/", type_name=ctype.name))
        for entity in site.by_type[ctype.name]:
            path = entity_path(entity)
            pages.append(Page(path, urls.output_file(path), ctype.template, "entity", entity.title,
                              entity.path, entity.id, ctype.name))
    for kind, path, title in urls.EXTRA_PAGES:
        title = words(title)
        pages.append(Page(path, urls.output_file(path), f"{kind}.html", kind, title, f"templates/{kind}.html"))
        if kind == "timeline":
            for year in timeline_years(site):
                path = urls.timeline_year_path(year)
                pages.append(Page(path, urls.output_file(path), f"{kind}.html", kind, f"{title}: {year}",
                                  f"templates/{kind}.html", key=str(year)))
    pages.append(Page("/404.html", "404.html", "404.html", "404", words("Page not found"), "templates/404.html"))
    _check_collisions(pages, problems)
    return distinct_titles(pages, site, words)


def timeline_years(site: Site) -> list[int]:
    """Return the years of a timeline long enough to be split by year (urls.TIMELINE_YEARS_OVER), else []."""
    dated = [e.values["date"] for t in site.types if t.has(DATED) for e in site.by_type.get(t.name, [])
             if e.values.get("date")]
    return sorted({d.year for d in dated}) if len(dated) > urls.TIMELINE_YEARS_OVER else []


def distinct_titles(pages: list[Page], site: Site, words: Callable[[str], str] = str) -> list[Page]:
    """Give every page a unique title: a later page whose title is taken gets its type's label
    added ('Chen Jining' the person, 'Chen Jining (Source)' the Wikipedia article)."""
    labels = {t.name: words(t.label) for t in site.types}
    taken: set[str] = set()
    distinct = []
    for page in pages:
        if page.title.casefold() in taken and page.type_name in labels:
            page = replace(page, title=f"{page.title} ({labels[page.type_name]})")
        taken.add(page.title.casefold())
        distinct.append(page)
    return distinct


def _check_collisions(pages: list[Page], problems: Problems) -> None:
    seen: dict[str, Page] = {}
    for page in pages:
        key = page.output.casefold()
        if key in seen:
            problems.add(Location(page.source), None,
                         f"page {page.url} would overwrite {seen[key].url} (from {seen[key].source})",
                         "rename one of the files")
        else:
            seen[key] = page
