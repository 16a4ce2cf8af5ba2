"""The data that flows between the build's stages, each made once and never changed after:

    loader    -> RawDoc   one content file: plain values and where each stands
    validate  -> Entity   one content item: typed values
    links     -> Site     every entity, by id and by type, and every link between them
    translate -> Translation  one entity's translatable fields in another language (in the Site)
    pages     -> Page     one output file: its URL, template and what it shows

Each is a frozen dataclass: a later stage reads what an earlier one made and makes its own
result, so no stage can change what another has already seen. (The dicts they hold are
the stage's result too: nothing writes into them after the stage returns.)

This module knows the schema's declarations and nothing of the stages.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping

from .errors import Location
from .schema import ContentType
from .typography import curly_quotes



@dataclass(frozen=True, slots=True)
class Pos:
    """Where a key and its value stand; `style` is the scalar style ('|', '>', '"', ...)."""

    key: Location
    value: Location
    style: str | None = None


@dataclass(frozen=True, slots=True)
class RawDoc:
    """One content file as loaded: its type, id, plain data and the positions of its parts."""

    path: str
    type: ContentType
    id: str
    data: dict[str, Any]
    # Plain values, made into Pos only when asked (a large site has ~20 per file):
    # path -> (key line, key column, value line, value column, scalar style).
    positions: dict[tuple, tuple[int, int, int, int, str | None]] = field(default_factory=dict)
    broken: bool = False          # unreadable; its problems are reported, its id still counts
    language: str | None = None   # a translation (content/<language>/<folder>/<id>.yaml); None: the English

    def pos(self, path: tuple) -> Pos | None:
        """Return where the key and the value at path stand, or None."""
        found = self.positions.get(path)
        if found is None:
            return None
        key_line, key_col, value_line, value_col, style = found
        return Pos(Location(self.path, key_line, key_col), Location(self.path, value_line, value_col), style)

    def at(self, *path: Any, key: bool = False) -> Location:
        """Return the location of a field or list item, falling back to its parent, then the file."""
        while path:
            pos = self.pos(tuple(path))
            if pos:
                return pos.key if key else pos.value
            path = path[:-1]
        return Location(self.path, 1, 1)


@dataclass(frozen=True, slots=True, eq=False)
class Entity:
    """A validated content item. What it links to, and what links to it, is the Site's."""

    type: ContentType
    id: str
    path: str
    values: dict[str, Any]
    doc: RawDoc
    # In a language other than the site's first (core/languages.py): the fields shown in
    # another language, as no translation gives them (name -> that language's tag), the
    # fields whose translation was made from older English, and the sort key in that
    # language's order (None: sort_key() computes it).
    shown_in: Mapping[str, str] = field(default_factory=dict)
    stale: tuple[str, ...] = ()
    collation: tuple | None = None

    def __repr__(self) -> str:
        return f"<Entity {self.type.name} {self.id}>"

    @property
    def key(self) -> str:
        """Its name among the views and links: its id, or 'site' for the settings."""
        return self.id if self.type.folder else "site"

    @property
    def is_draft(self) -> bool:
        return self.values.get("draft") is True

    @property
    def title(self) -> str:
        """The title as readers see it, with typographic quotes (the value keeps the editor's)."""
        return curly_quotes(self.values[self.type.title_field] or self.id)

    def sort_key(self) -> tuple:
        return self.collation if self.collation is not None else self.sort_key_in(str.casefold)

    def sort_key_in(self, fold: Callable[[str], str]) -> tuple:
        """Return the sort key with texts compared as `fold` makes them (a language's order)."""
        return tuple(_orderable(self.values.get(name), fold) for name in self.type.order_by) + (self.id,)


@dataclass(frozen=True, slots=True, eq=False)
class Translation:
    """One entity's translatable fields in another language, and the English each was made from.

    `entity` is the translation read as an entity of the English one's type: its values hold
    the translated fields only, its doc is the translation's file (so positions and [[id]]
    links work as in English). `made_from` maps each translated field to the short hash
    (model/translations.py) of the English text it was translated from."""

    language: str
    entity: Entity
    made_from: Mapping[str, str]

    def __repr__(self) -> str:
        return f"<Translation {self.language} {self.entity.type.name} {self.entity.id}>"


Links = Mapping[str, tuple[Entity, ...]]   # one entity's lists of linked entities, by name
NO_LINKS: Links = MappingProxyType({})


def _orderable(value: Any, fold: Callable[[str], str] = str.casefold) -> tuple:
    # None sorts first; str() gives a total order over dates, times and text (numbers padded).
    if isinstance(value, int) and not isinstance(value, bool):
        return (True, f"{value:012d}")
    return (value is not None, fold(str(value)) if value is not None else "")


@dataclass(frozen=True, slots=True)
class Site:
    """Every entity, by id and by type (each list in display order), the settings, and each
    entity's links by list name: forward refs, backlinks, derived lists, citations and
    previous/next neighbours, each list in display order."""

    settings: dict[str, Any]
    types: tuple[ContentType, ...]
    by_id: dict[str, Entity] = field(default_factory=dict)
    by_type: dict[str, list[Entity]] = field(default_factory=dict)
    drafts: dict[str, Entity] = field(default_factory=dict)   # left out: references to them are valid
    links: dict[str, Links] = field(default_factory=dict)   # by Entity.key
    # by Entity.key, then language: what content/<language>/ translates of it (model/translations.py reads it)
    translations: Mapping[str, Mapping[str, Translation]] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<Site of {len(self.by_id)} entities>"

    def links_of(self, entity: Entity) -> Links:
        """Return the entity's lists of linked entities by name (every name its type has, even when empty)."""
        return self.links.get(entity.key, NO_LINKS)

    def translation_of(self, entity: Entity, language: str) -> Translation | None:
        """Return the entity's translation into language, or None."""
        return self.translations.get(entity.key, {}).get(language)


@dataclass(frozen=True, slots=True)
class Page:
    """One output page: its URL path, output file, template and what it shows."""

    url: str
    output: str
    template: str
    kind: str                 # home | index | entity | 404 | timeline | graph | search
    title: str
    source: str               # the content file behind it, named in template errors
    entity_id: str | None = None
    type_name: str | None = None
    key: str | None = None    # which part of a split page it shows (a timeline's year)
