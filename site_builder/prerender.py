"""Render every Markdown field of the site up front: from the cache when its inputs
are unchanged, the rest across all cores.

A field's HTML depends only on its text, whether it is inline, and what each of its
[[id]] links resolves to (title, URL, type, citation number), so those are its cache
key. views.py then looks the HTML up instead of rendering. Knows nothing about pages.
"""
from __future__ import annotations

from typing import Any, Iterator, Sequence

from markupsafe import Markup

from .cache import Cache, digest
from .kinds import Markdown, MarkdownList, MarkdownMap
from .links import WIKILINK_RE, Site
from .markup import render_markdown
from .parallel import map_chunks
from .validate import Entity
from .views import make_resolver

Rendered = dict[tuple[str, str, bool], Markup]   # (entity path, text, inline) -> HTML


def field_texts(entity: Entity) -> Iterator[tuple[str, bool]]:
    """Yield (text, inline) for every Markdown string of an entity, as views.py renders them."""
    for fdef in entity.type.fields:
        value = entity.values.get(fdef.name)
        if value is None:
            continue
        if isinstance(fdef.kind, Markdown):
            yield value, False
        elif isinstance(fdef.kind, MarkdownList):
            yield from ((text, True) for text in value)
        elif isinstance(fdef.kind, MarkdownMap):
            yield from ((text, False) for _, text in value)


def prerender_markdown(entities: list[Entity], site: Site, base_url: str, cache: Cache) -> Rendered:
    """Return the HTML of every Markdown field of `entities`, keyed by (path, text, inline)."""
    rendered: Rendered = {}
    misses: list[tuple[Entity, str, bool]] = []
    keys: list[str] = []
    for entity in entities:
        resolve = make_resolver(entity, site, base_url)
        for text, inline in field_texts(entity):
            if (entity.path, text, inline) in rendered:
                continue
            key = digest(text, "inline" if inline else "block",
                         *(repr(resolve(m.group(1).strip())) for m in WIKILINK_RE.finditer(text)))
            html = cache.get("markdown", key)
            if html is None:
                misses.append((entity, text, inline))
                keys.append(key)
            else:
                rendered[entity.path, text, inline] = Markup(html)
    for (entity, text, inline), key, html in zip(misses, keys, map_chunks(_render, (site, base_url), misses)):
        rendered[entity.path, text, inline] = Markup(html)
        cache.put("markdown", key, str(html))
    return rendered


def _render(shared: tuple[Site, str], jobs: Sequence[tuple[Entity, str, bool]]) -> list[str]:
    site, base_url = shared
    resolvers: dict[str, Any] = {}
    out = []
    for entity, text, inline in jobs:
        resolve = resolvers.get(entity.path) or resolvers.setdefault(entity.path, make_resolver(entity, site, base_url))
        out.append(str(render_markdown(text, resolve, inline)))
    return out
