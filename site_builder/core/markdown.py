"""Convert every Markdown field of the site once, up front: recalled by the runner when
its inputs are unchanged, the rest through runner.map. Each conversion gives the field's
HTML and what contentlint.py finds in it.

A field's HTML depends only on its text, whether it is inline, and what each of its
[[id]] links resolves to (title, URL, type, citation number), so those are its cache
key. views.py then looks the HTML up instead of rendering. Knows nothing about pages.
"""
from __future__ import annotations

from typing import Callable, Iterator, Sequence

from markupsafe import Markup

from ..model.entities import Entity, Site
from .contentlint import Finding, lint_field
from .links import WIKILINK_RE
from .markup import Resolver, Target, convert
from .runner import Runner
from .views import id_scope, make_resolver

Rendered = dict[tuple[str, str, bool], Markup]   # (entity path, text, inline) -> HTML
Findings = dict[tuple[str, str], list[Finding]]   # (entity path, text) -> what contentlint found

_ANY_TARGET = Target("linked page", "/", "any")


def field_texts(entity: Entity) -> Iterator[tuple[str, bool]]:
    """Yield (text, inline) for every Markdown string of an entity, as views.py renders them."""
    for fdef in entity.type.fields:
        value = entity.values.get(fdef.name)
        if value is None:
            continue
        for _, text, inline in fdef.kind.markdown(value):
            yield text, inline


def prerender_markdown(entities: list[Entity], site: Site | None, base_url: str,
                       runner: Runner) -> tuple[Rendered, Findings]:
    """Return the HTML and the lint findings of every Markdown field of `entities`.

    With site None (its references did not resolve), links render as placeholders:
    the findings are complete, the HTML is not for pages and is not cached.
    """
    rendered: Rendered = {}
    findings: Findings = {}
    misses: list[tuple[Entity, str, bool]] = []
    keys: list[str | None] = []
    pending: set[tuple[str, str, bool]] = set()
    for entity in entities:
        resolve = make_resolver(entity, site, base_url) if site is not None else None
        for text, inline in field_texts(entity):
            if (entity.path, text, inline) in rendered or (entity.path, text, inline) in pending:
                continue
            key = None
            if resolve is not None and runner.remembers:
                key = runner.key(text, "inline" if inline else "block", id_scope(entity),
                                 *(repr(resolve(m.group(1).strip())) for m in WIKILINK_RE.finditer(text)))
                stored = runner.recall("markdown", key)
                if stored is not None:
                    rendered[entity.path, text, inline] = Markup(stored[0])
                    findings[entity.path, text] = [tuple(f) for f in stored[1]]
                    continue
            misses.append((entity, text, inline))
            keys.append(key)
            pending.add((entity.path, text, inline))
    for (entity, text, inline), key, (html, found) in zip(misses, keys, runner.map(_render, (site, base_url, runner.tune_markdown), misses)):
        rendered[entity.path, text, inline] = Markup(html)
        findings[entity.path, text] = found
        if key:
            runner.keep("markdown", key, (html, found))
    return rendered, findings


def _render(shared: tuple[Site | None, str, Callable | None],
            jobs: Sequence[tuple[Entity, str, bool]]) -> list[tuple[str, list]]:
    site, base_url, tune = shared
    resolvers: dict[str, Resolver] = {}
    out = []
    for entity, text, inline in jobs:
        resolve = resolvers.get(entity.path) or resolvers.setdefault(entity.path, _resolver(entity, site, base_url))
        html, unsafe, raw, slow = convert(text, resolve, inline, tune, id_scope(entity))
        out.append((str(html), lint_field(text, unsafe, raw, slow)))
    return out


def _resolver(entity: Entity, site: Site | None, base_url: str) -> Callable[[str], Target]:
    return make_resolver(entity, site, base_url) if site is not None else lambda _ref: _ANY_TARGET
