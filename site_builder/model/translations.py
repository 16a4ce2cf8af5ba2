"""What a translation says of one field: the translated value, or the English with a flag.

A translation records, for each field it translates, a short hash of the English text it
was made from (`translated_from:` in its file). When the English changes, its hash no
longer matches: the translation is stale. A field a translation leaves out shows the
English: it is missing. Knows the entities and the declarations, nothing of files or stages.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .entities import Entity, Site, Translation
from .hashing import digest

HASH_LENGTH = 12   # hex digits a translation file records per field: short to read, and a
                   # collision would have to be between two versions of the same field


def text_hash(value: Any) -> str:
    """Return the short hash of a field's converted value (a text, a list of texts, or a
    map's (label, text) pairs); None, an empty field, has a hash too."""
    if value is None:
        parts: tuple = ()
    elif isinstance(value, str):
        parts = (value,)
    else:   # a list of texts, or a map's pairs: each label and text a part
        parts = tuple(part for item in value for part in (item if isinstance(item, tuple) else (item,)))
    return digest("text", *parts)[:HASH_LENGTH]


def site_languages(settings: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the site's languages, the default (its content/<folder>/ files) first."""
    return tuple(settings.get("languages") or ()) or ((settings["language"],) if settings.get("language") else ())


def translatable_fields(entity: Entity) -> list[str]:
    """Return the names of the entity's translatable fields that its English gives, in declaration order."""
    return [f.name for f in entity.type.fields if f.translatable and entity.values.get(f.name) is not None]


def is_stale(translation: Translation, english: Entity, field_name: str) -> bool:
    """Tell whether the English of a translated field changed since it was translated."""
    return translation.made_from.get(field_name) != text_hash(english.values.get(field_name))


@dataclass(frozen=True, slots=True)
class Translated:
    """One field of an entity in one language: what to show, and whether it is the English
    in place of a translation (missing) or a translation of older English (stale)."""

    value: Any
    missing: bool = False
    stale: bool = False


def translated(site: Site, entity: Entity, language: str, field_name: str) -> Translated:
    """Return the field in `language`: the translation, or the English marked missing.

    The default language, and a field that is not translatable or that the English leaves
    empty, give the English value, never missing."""
    english = entity.values.get(field_name)
    fdef = entity.type.field(field_name)
    if english is None or fdef is None or not fdef.translatable or (language,) == site_languages(site.settings)[:1]:
        return Translated(english)
    translation = site.translation_of(entity, language)
    value = None if translation is None else translation.entity.values.get(field_name)
    if value is None:
        return Translated(english, missing=True)
    return Translated(value, stale=is_stale(translation, entity, field_name))
