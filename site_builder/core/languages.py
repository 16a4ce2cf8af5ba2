"""The site in another of its languages: each entity with its translated fields, linked again.

The English site is the one the earlier stages made. For another language every entity
takes the translation's text of each translatable field, or keeps the English, marked as
shown in English (model/translations.py decides which); map labels that are the names of
the parties (site.yaml `parties`) take the names the translated site.yaml gives, in order.
The entities are then linked again, so that lists and backlinks hold the translated
entities (a [[link]] shows the translated title) and lists that sort by a name sort in
that language's order (core/messages.py sort_text: pinyin for Chinese). Ids, dates,
references and sources are the English entities' own: a translation never repeats them.
Knows nothing about pages or files.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable

from ..model.entities import Entity, Site
from ..model.errors import Problems
from ..model.translations import site_languages, translated
from .links import link
from .messages import sort_text


def languages(site: Site) -> tuple[str, ...]:
    """Return the site's languages, its own (the content/<folder>/ files) first."""
    return site_languages(site.settings) or ("en",)


def localized(site: Site, settings: Entity | None, language: str,
              show_drafts: bool = False) -> tuple[Site, Entity | None]:
    """Return the site and its settings in `language` (the same objects for the site's own)."""
    if language == languages(site)[0]:
        return site, settings
    fold = sort_text(language)
    local_settings = _localized(settings, site, language, fold, {}) if settings else None
    parties = _party_names(site.settings, local_settings.values if local_settings else {})
    entities = [_localized(e, site, language, fold, parties)
                for e in list(site.by_id.values()) + list(site.drafts.values())]
    problems = Problems()   # the English was linked without a problem; so are its translations
    local = link(entities, local_settings, site.types, problems, show_drafts=show_drafts)
    return dataclasses.replace(local, translations=site.translations), local_settings


def _party_names(english: dict[str, Any], local: dict[str, Any]) -> dict[str, str]:
    """Return each party's name in the language, by its English name."""
    names, local_names = english.get("parties") or (), local.get("parties") or ()
    return dict(zip(names, local_names)) if len(local_names) == len(names) else {}


def _localized(entity: Entity, site: Site, language: str, fold: Callable[[str], str],
               parties: dict[str, str]) -> Entity:
    values = dict(entity.values)
    shown_in: dict[str, str] = {}
    stale: list[str] = []
    english = languages(site)[0]
    for fdef in entity.type.fields:
        if not fdef.translatable or values.get(fdef.name) is None:
            continue
        field = translated(site, entity, language, fdef.name)
        value = field.value
        if parties and isinstance(value, tuple) and value and isinstance(value[0], tuple):
            value = tuple((parties.get(label, label), text) for label, text in value)
        values[fdef.name] = value
        if field.missing:
            shown_in[fdef.name] = english
        elif field.stale:
            stale.append(fdef.name)
    local = dataclasses.replace(entity, values=values, shown_in=shown_in, stale=tuple(stale))
    if any(entity.type.field(name) and entity.type.field(name).translatable for name in entity.type.order_by):
        local = dataclasses.replace(local, collation=local.sort_key_in(fold))
    return local
