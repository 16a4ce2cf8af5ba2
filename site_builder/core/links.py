"""Resolve references between entities and compute backlinks, derived lists and neighbours.

links() turns validated entities into a Site graph. It needs every entity validated
first, because a reference can point to any file. It knows nothing about HTML.
"""
from __future__ import annotations

import re
from types import MappingProxyType
from typing import Callable, Iterator

from ..model.entities import Entity, Site
from ..model.errors import Location, Problems, suggest
from ..model.kinds import ID_RE, Refs
from ..model.schema import WARN_ORPHAN, ContentType, Field
from .loader import locate, value_at

WIKILINK_RE = re.compile(r"\[\[([^\[\]|]+?)(?:\|([^\[\]]+?))?\]\]")

# While linking, each entity's lists by name, keyed by id(entity): this stage's scratch,
# frozen into the Site it returns.
Lists = dict[int, dict[str, list[Entity]]]


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
    converted (stripped); exact in every scalar style (loader.locate), else the value's start."""
    value = value_at(entity.doc, path)
    if isinstance(value, str):
        lead = len(value) - len(value.lstrip())
        if value[lead:lead + len(text)] == text:
            return locate(entity.doc, path, lead + offset)
    return entity.doc.at(*path)


def link(entities: list[Entity], settings: Entity | None, types: tuple[ContentType, ...],
         problems: Problems, show_drafts: bool = False) -> Site:
    """Check every reference, then return the Site: every entity by id and by type, and each
    entity's forward refs, backlinks, derived lists, citations and previous/next neighbours.

    Drafts are checked like everything else; unless show_drafts, they are then left
    out of the graph (site.drafts keeps them), so no list or link leads to them.
    """
    everyone = entities + ([settings] if settings else [])
    lists: Lists = {id(e): {name: [] for name in link_names(e.type, types)} for e in everyone}
    by_id = _index(entities, problems)
    inbound: set[str] = set()
    cites = {t.name for t in types if t.citable}
    for entity in everyone:
        _resolve_refs(entity, by_id, lists, problems, inbound)
        _resolve_wikilinks(entity, by_id, lists, problems, inbound, cites)
    if not any(e.doc.broken for e in entities):
        # A file that could not be read may link to anything: "linked from nowhere" is unknown then.
        _warn_orphans([e for e in entities if not e.is_draft], inbound, problems)
    drafts = {} if show_drafts else {e.id: e for e in by_id.values() if e.is_draft}
    if drafts:
        entities = _leave_out_drafts(entities, settings, by_id, lists)
    # (owner, list name, target) of every link already in a list: adding checks this set,
    # not the list, whose hubs hold thousands.
    filled = {(id(entity), name, id(target)) for entity in entities
              for name, items in lists[id(entity)].items() for target in items}
    for entity in entities:
        _fill_backlinks(entity, lists, filled, cites)
    # Each entity's place in any list, worked out once: hubs are in thousands of lists.
    order = {t.name: i for i, t in enumerate(types)}
    rank = {id(e): (order[e.type.name], e.sort_key()) for e in entities}
    forward = {t.name: _forward_names(t) for t in types}
    for entity in entities:
        for name, items in lists[id(entity)].items():
            if name not in forward[entity.type.name]:
                items.sort(key=lambda e: rank[id(e)])
    for entity in entities:
        _fill_derived(entity, lists, rank)
    by_type = {t.name: sorted((e for e in by_id.values() if e.type is t), key=Entity.sort_key) for t in types}
    for ctype in types:
        if ctype.sequence:
            _fill_neighbours(by_type[ctype.name], lists)
    linked = [e for e in by_id.values()] + ([settings] if settings else [])
    return Site(settings.values if settings else {}, types, by_id, by_type, drafts,
                {e.key: MappingProxyType({name: tuple(items) for name, items in lists[id(e)].items()})
                 for e in linked})


def _leave_out_drafts(entities: list[Entity], settings: Entity | None, by_id: dict[str, Entity],
                      lists: Lists) -> list[Entity]:
    """Take drafts out of the graph and drop every forward link to them."""
    for draft_id in [e.id for e in by_id.values() if e.is_draft]:
        del by_id[draft_id]
    kept = [e for e in entities if not e.is_draft]
    for entity in kept + ([settings] if settings else []):
        owned = lists[id(entity)]
        for name, items in owned.items():
            owned[name] = [e for e in items if not e.is_draft]
    return kept


def link_names(ctype: ContentType, types: tuple[ContentType, ...]) -> list[str]:
    """Return every list name an entity of ctype gets in its links, present even when empty."""
    names = [f.name for f in ctype.fields if isinstance(f.kind, Refs)] + ["citations"]
    names += [f.backlink for t in types for f in t.fields
              if isinstance(f.kind, Refs) and f.kind.target == ctype.name and f.backlink]
    names += [d.name for d in ctype.derived] + (["previous", "next"] if ctype.sequence else [])
    return sorted(set(names))


def _forward_names(ctype: ContentType) -> set[str]:
    return {f.name for f in ctype.fields if isinstance(f.kind, Refs) and not f.symmetric} | {"citations"}


def _index(entities: list[Entity], problems: Problems) -> dict[str, Entity]:
    """Return the entities by id; report an id used twice (in any case)."""
    by_id: dict[str, Entity] = {}
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
        by_id[entity.id] = entity
    return by_id


def _resolve_refs(entity: Entity, by_id: dict[str, Entity], lists: Lists, problems: Problems,
                  inbound: set[str]) -> None:
    for fdef in entity.type.fields:
        if not isinstance(fdef.kind, Refs) or not entity.values.get(fdef.name):
            continue
        resolved = []
        for index, ref in enumerate(entity.values[fdef.name]):
            target = _lookup(ref, fdef.kind.target, by_id, problems, lambda: entity.doc.at(fdef.name, index),
                             f"{fdef.name}[{index}]")
            if target is not None:
                resolved.append(target)
                if target is not entity:
                    inbound.add(target.id)
        lists[id(entity)][fdef.name] = resolved


def _lookup(ref: str, wanted: str | None, by_id: dict[str, Entity], problems: Problems,
            where: Callable[[], Location], field_name: str) -> Entity | None:
    """Return the entity ref names, or report (at where(), worked out only then) why not."""
    target = by_id.get(ref)
    if target is None:
        pool = [e.id for e in by_id.values() if wanted is None or e.type.name == wanted]
        problems.add(where(), field_name, f"unknown {wanted or 'id'} '{ref}'", suggest(ref, pool))
        return None
    if wanted is not None and target.type.name != wanted:
        problems.add(where(), field_name, f"'{ref}' is a {target.type.name}, not a {wanted}", None)
        return None
    return target


def _citing_fields(ctype: ContentType, cites: set[str]) -> list[Field]:
    """Return the fields of ctype that refer to a citable type: their entries are its first citations."""
    return [f for f in ctype.fields if isinstance(f.kind, Refs) and f.kind.target in cites]


def wikilink_targets(entity: Entity, by_id: dict[str, Entity], problems: Problems) -> Iterator[Entity]:
    """Yield what each [[id]] in the entity's Markdown links to, in order; report, at the
    link itself, each id that names nothing."""
    for path, text in markdown_texts(entity):
        for match in WIKILINK_RE.finditer(text):
            where = lambda: text_location(entity, path, text, match.start())  # noqa: E731
            target = _lookup(match.group(1).strip(), None, by_id, problems, where, path[0])
            if target is not None:
                yield target


def _resolve_wikilinks(entity: Entity, by_id: dict[str, Entity], lists: Lists, problems: Problems,
                       inbound: set[str], cites: set[str]) -> None:
    owned = lists[id(entity)]
    cited = [e for f in _citing_fields(entity.type, cites) for e in owned.get(f.name, [])]
    for target in wikilink_targets(entity, by_id, problems):
        inbound.add(target.id)
        if target.type.citable and target not in cited:
            cited.append(target)
    owned["citations"] = cited


def _fill_backlinks(entity: Entity, lists: Lists, filled: set[tuple[int, str, int]], cites: set[str]) -> None:
    citing = _citing_fields(entity.type, cites)
    owned = lists[id(entity)]
    for fdef in entity.type.fields:
        if not fdef.backlink:
            continue
        targets = owned.get("citations", []) if fdef in citing else owned.get(fdef.name, [])
        for target in targets:
            _add_link(lists, target, fdef.backlink, entity, filled)
        if fdef.symmetric:
            for target in owned.get(fdef.name, []):
                _add_link(lists, entity, fdef.backlink, target, filled)


def _add_link(lists: Lists, owner: Entity, name: str, target: Entity, filled: set[tuple[int, str, int]]) -> None:
    if (id(owner), name, id(target)) not in filled:
        filled.add((id(owner), name, id(target)))
        lists[id(owner)].setdefault(name, []).append(target)


def _fill_derived(entity: Entity, lists: Lists, rank: dict[int, tuple]) -> None:
    owned = lists[id(entity)]
    for derived in entity.type.derived:
        found: dict[int, Entity] = {}
        for via in owned.get(derived.via, []):
            for item in lists[id(via)].get(derived.then, []):
                if item is not entity:
                    found[id(item)] = item
        owned[derived.name] = sorted(found.values(), key=lambda e: rank[id(e)][1])


def _fill_neighbours(ordered: list[Entity], lists: Lists) -> None:
    for before, after in zip(ordered, ordered[1:]):
        lists[id(after)]["previous"] = [before]
        lists[id(before)]["next"] = [after]


def _warn_orphans(entities: list[Entity], inbound: set[str], problems: Problems) -> None:
    for entity in entities:
        if entity.type.has(WARN_ORPHAN) and entity.id not in inbound:
            problems.add(entity.doc.at(), None, f"{entity.type.name} '{entity.id}' is not linked from anywhere",
                         "link it, or remove the file", warning=True)
