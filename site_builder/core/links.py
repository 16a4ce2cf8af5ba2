"""Resolve references between entities and compute backlinks, derived lists and neighbours.

links() turns validated entities into a Site graph. It needs every entity validated
first, because a reference can point to any file. It knows nothing about HTML.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ..model.errors import Location, Problems, suggest
from ..model.kinds import ID_RE, Refs
from ..model.schema import WARN_ORPHAN, ContentType, Field
from .validate import Entity

WIKILINK_RE = re.compile(r"\[\[([^\[\]|]+?)(?:\|([^\[\]]+?))?\]\]")


@dataclass(slots=True)
class Site:
    """Every entity, by id and by type (each list in display order), plus the settings."""

    settings: dict[str, Any]
    types: tuple[ContentType, ...]
    by_id: dict[str, Entity] = field(default_factory=dict)
    by_type: dict[str, list[Entity]] = field(default_factory=dict)
    drafts: dict[str, Entity] = field(default_factory=dict)   # left out: references to them are valid

    def __repr__(self) -> str:
        return f"<Site of {len(self.by_id)} entities>"


def markdown_texts(entity: Entity):
    """Yield (field path, text) for every Markdown string of an entity."""
    for fdef in entity.type.fields:
        value = entity.values.get(fdef.name)
        if value is None:
            continue
        for key, text, _ in fdef.kind.markdown(value):
            yield ((fdef.name,) if key is None else (fdef.name, key)), text


def text_location(entity: Entity, path: tuple, text: str, offset: int) -> Location:
    """Return the line and column of text[offset], where text is the field's value at path as
    converted (stripped); exact in every scalar style (RawDoc.locate), else the value's start."""
    value = entity.doc.value_at(path)
    if isinstance(value, str):
        lead = len(value) - len(value.lstrip())
        if value[lead:lead + len(text)] == text:
            return entity.doc.locate(path, lead + offset)
    return entity.doc.at(*path)


def link(entities: list[Entity], settings: Entity | None, types: tuple[ContentType, ...],
         problems: Problems, show_drafts: bool = False) -> Site:
    """Check every reference, then fill each entity's `links` with forward refs,
    backlinks, derived lists, citations and previous/next neighbours.

    Drafts are checked like everything else; unless show_drafts, they are then left
    out of the graph (site.drafts keeps them), so no list or link leads to them.
    """
    site = Site(settings.values if settings else {}, types)
    for entity in entities + ([settings] if settings else []):
        entity.links = {name: [] for name in link_names(entity.type, types)}
    _index(entities, site, problems)
    inbound: set[str] = set()
    cites = {t.name for t in types if t.citable}
    for entity in entities + ([settings] if settings else []):
        _resolve_refs(entity, site, problems, inbound)
        _resolve_wikilinks(entity, site, problems, inbound, cites)
    if not any(e.doc.broken for e in entities):
        # A file that could not be read may link to anything: "linked from nowhere" is unknown then.
        _warn_orphans([e for e in entities if not e.is_draft], inbound, problems)
    if not show_drafts:
        entities = _leave_out_drafts(entities, settings, site)
    # (owner, list name, target) of every link already in a list: adding checks this set,
    # not the list, whose hubs hold thousands.
    filled = {(id(entity), name, id(target)) for entity in entities
              for name, items in entity.links.items() for target in items}
    for entity in entities:
        _fill_backlinks(entity, filled, cites)
    # Each entity's place in any list, worked out once: hubs are in thousands of lists.
    order = {t.name: i for i, t in enumerate(types)}
    rank = {id(e): (order[e.type.name], e.sort_key()) for e in entities}
    forward = {t.name: _forward_names(t) for t in types}
    for entity in entities:
        for name, items in entity.links.items():
            if name not in forward[entity.type.name]:
                items.sort(key=lambda e: rank[id(e)])
    for entity in entities:
        _fill_derived(entity, rank)
    for ctype in types:
        if ctype.sequence:
            _fill_neighbours(site.by_type[ctype.name])
    return site


def _leave_out_drafts(entities: list[Entity], settings: Entity | None, site: Site) -> list[Entity]:
    """Move drafts from the graph to site.drafts and drop every forward link to them."""
    site.drafts = {e.id: e for e in site.by_id.values() if e.is_draft}
    if not site.drafts:
        return entities
    for draft_id in site.drafts:
        del site.by_id[draft_id]
    for name, items in site.by_type.items():
        site.by_type[name] = [e for e in items if not e.is_draft]
    kept = [e for e in entities if not e.is_draft]
    for entity in kept + ([settings] if settings else []):
        for name, items in entity.links.items():
            entity.links[name] = [e for e in items if not e.is_draft]
    return kept


def link_names(ctype: ContentType, types: tuple[ContentType, ...]) -> list[str]:
    """Return every list name an entity of ctype gets in `links`, present even when empty."""
    names = [f.name for f in ctype.fields if isinstance(f.kind, Refs)] + ["citations"]
    names += [f.backlink for t in types for f in t.fields
              if isinstance(f.kind, Refs) and f.kind.target == ctype.name and f.backlink]
    names += [d.name for d in ctype.derived] + (["previous", "next"] if ctype.sequence else [])
    return sorted(set(names))


def _forward_names(ctype: ContentType) -> set[str]:
    return {f.name for f in ctype.fields if isinstance(f.kind, Refs) and not f.symmetric} | {"citations"}


def _index(entities: list[Entity], site: Site, problems: Problems) -> None:
    folded: dict[str, Entity] = {}
    for entity in entities:
        if entity.type.folder and not ID_RE.match(entity.id):
            continue  # its file name is reported by validate; references to it cannot be valid ids
        twin = folded.get(entity.id.casefold())
        if twin is not None:
            problems.add(entity.doc.at(), None, f"id '{entity.id}' is already used by {twin.path}",
                         "ids must be unique across all content types")
            continue
        folded[entity.id.casefold()] = entity
        site.by_id[entity.id] = entity
    for ctype in site.types:
        site.by_type[ctype.name] = sorted((e for e in site.by_id.values() if e.type is ctype),
                                          key=Entity.sort_key)


def _resolve_refs(entity: Entity, site: Site, problems: Problems, inbound: set[str]) -> None:
    for fdef in entity.type.fields:
        if not isinstance(fdef.kind, Refs) or not entity.values.get(fdef.name):
            continue
        resolved = []
        for index, ref in enumerate(entity.values[fdef.name]):
            target = _lookup(ref, fdef.kind.target, site, problems, lambda: entity.doc.at(fdef.name, index),
                             f"{fdef.name}[{index}]")
            if target is not None:
                resolved.append(target)
                if target is not entity:
                    inbound.add(target.id)
        entity.links[fdef.name] = resolved


def _lookup(ref: str, wanted: str | None, site: Site, problems: Problems, where: Callable[[], Location],
            field_name: str) -> Entity | None:
    """Return the entity ref names, or report (at where(), worked out only then) why not."""
    target = site.by_id.get(ref)
    if target is None:
        pool = [e.id for e in site.by_id.values() if wanted is None or e.type.name == wanted]
        problems.add(where(), field_name, f"unknown {wanted or 'id'} '{ref}'", suggest(ref, pool))
        return None
    if wanted is not None and target.type.name != wanted:
        problems.add(where(), field_name, f"'{ref}' is a {target.type.name}, not a {wanted}", None)
        return None
    return target


def _citing_fields(ctype: ContentType, cites: set[str]) -> list[Field]:
    """Return the fields of ctype that refer to a citable type: their entries are its first citations."""
    return [f for f in ctype.fields if isinstance(f.kind, Refs) and f.kind.target in cites]


def _resolve_wikilinks(entity: Entity, site: Site, problems: Problems, inbound: set[str], cites: set[str]) -> None:
    cited = [e for f in _citing_fields(entity.type, cites) for e in entity.links.get(f.name, [])]
    for path, text in markdown_texts(entity):
        for match in WIKILINK_RE.finditer(text):
            where = lambda: text_location(entity, path, text, match.start())  # noqa: E731
            target = _lookup(match.group(1).strip(), None, site, problems, where, path[0])
            if target is None:
                continue
            inbound.add(target.id)
            if target.type.citable and target not in cited:
                cited.append(target)
    entity.links["citations"] = cited


def _fill_backlinks(entity: Entity, filled: set[tuple[int, str, int]], cites: set[str]) -> None:
    citing = _citing_fields(entity.type, cites)
    for fdef in entity.type.fields:
        if not fdef.backlink:
            continue
        targets = entity.links.get("citations", []) if fdef in citing else entity.links.get(fdef.name, [])
        for target in targets:
            _add_link(target, fdef.backlink, entity, filled)
        if fdef.symmetric:
            for target in entity.links.get(fdef.name, []):
                _add_link(entity, fdef.backlink, target, filled)


def _add_link(owner: Entity, name: str, target: Entity, filled: set[tuple[int, str, int]]) -> None:
    if (id(owner), name, id(target)) not in filled:
        filled.add((id(owner), name, id(target)))
        owner.links.setdefault(name, []).append(target)


def _fill_derived(entity: Entity, rank: dict[int, tuple]) -> None:
    for derived in entity.type.derived:
        found: dict[int, Entity] = {}
        for via in entity.links.get(derived.via, []):
            for item in via.links.get(derived.then, []):
                if item is not entity:
                    found[id(item)] = item
        entity.links[derived.name] = sorted(found.values(), key=lambda e: rank[id(e)][1])


def _fill_neighbours(ordered: list[Entity]) -> None:
    for before, after in zip(ordered, ordered[1:]):
        after.links["previous"] = [before]
        before.links["next"] = [after]


def _warn_orphans(entities: list[Entity], inbound: set[str], problems: Problems) -> None:
    for entity in entities:
        if entity.type.has(WARN_ORPHAN) and entity.id not in inbound:
            problems.add(entity.doc.at(), None, f"{entity.type.name} '{entity.id}' is not linked from anywhere",
                         "link it, or remove the file", warning=True)
