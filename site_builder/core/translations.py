"""Check the translations (content/<language>/<folder>/<id>.yaml) against their English entities.

A translation gives only its entity's translatable fields, and under `translated_from:`
the short hash of the English text each was made from. This stage needs every English
entity linked first (a translation names one by its file name, and its [[id]] links may
point anywhere); it reports every problem, at its place, and a translated field whose
English has changed since as a stale warning, which fails no build. Knows nothing about
HTML, pages or git.
"""
from __future__ import annotations

import re
from pathlib import PurePath
from types import MappingProxyType
from typing import Any, Mapping

from ..model.entities import Entity, RawDoc, Site, Translation
from ..model.errors import Location, Problems, suggest
from ..model.kinds import FieldError, LanguageTag
from ..model.schema import ContentType
from ..model.translations import HASH_LENGTH, is_stale, site_languages, text_hash
from .links import wikilink_targets
from .validate import convert_field

MADE_FROM = "translated_from"   # the block of a translation file naming the English each field was made from
_HASH_RE = re.compile(rf"^[0-9a-f]{{{HASH_LENGTH}}}$")

Translations = Mapping[str, Mapping[str, Translation]]   # by entity key, then language


def restamp_hint(doc: RawDoc) -> str:
    """Return the command that records the current English hashes in a translation file."""
    return f"python build.py new --translate {doc.language} {doc.type.name} {doc.id} --restamp"


def check_translations(docs: list[RawDoc], site: Site, settings: Entity | None,
                       problems: Problems) -> Translations:
    """Return every usable translation, by entity and language; report every problem found."""
    languages = _check_languages(settings, problems)
    everyone = {**site.by_id, **site.drafts}
    found: dict[str, dict[str, Translation]] = {}
    refused: set[str] = set()
    for doc in docs:
        if doc.language not in languages[1:]:
            if doc.language not in refused:
                refused.add(doc.language)
                _refuse_language(doc, languages, problems)
            continue
        english = _english_of(doc, everyone, problems) if doc.type.folder else settings
        if english is None or doc.broken or english.doc.broken:   # an unreadable English: its own error says so
            continue
        translation = _translation(doc, english, problems)
        list(wikilink_targets(translation.entity, everyone, problems))   # each [[id]] names something, as in English
        found.setdefault(english.key, {})[doc.language] = translation
    return MappingProxyType({key: MappingProxyType(by_language) for key, by_language in found.items()})


def _check_languages(settings: Entity | None, problems: Problems) -> tuple[str, ...]:
    """Return the site's languages; the first must be site.yaml's `language`, the one the English files are in."""
    if settings is None:
        return ()
    languages = site_languages(settings.values)
    declared = settings.values.get("languages")
    if declared and settings.values.get("language") and declared[0] != settings.values["language"]:
        problems.add(settings.doc.at("languages", 0), "languages[0]",
                     f"the first language is the one content/<folder>/ files are written in, "
                     f"site.yaml's language '{settings.values['language']}'",
                     f"start the list with it: languages: [{', '.join((settings.values['language'],) + declared)}]")
    return languages


def _refuse_language(doc: RawDoc, languages: tuple[str, ...], problems: Problems) -> None:
    folder = Location(str(PurePath(doc.path).parent.parent))
    if languages and doc.language == languages[0]:
        problems.add(folder, None, f"'{doc.language}' is the site's own language: its files are content/<folder>/<id>.yaml",
                     "move them up out of this folder")
        return
    try:
        LanguageTag().convert(doc.language)
    except FieldError as exc:
        problems.add(folder, None, f"folder name: {exc.message}", exc.hint)
        return
    problems.add(folder, None, f"language '{doc.language}' is not declared in site.yaml",
                 suggest(doc.language, languages[1:])
                 or f"add it to site.yaml, languages: [{', '.join(languages + (doc.language,))}], "
                    "or, if it is no language, move the folder out of content/")


def _english_of(doc: RawDoc, everyone: dict[str, Entity], problems: Problems) -> Entity | None:
    """Return the English entity a translation translates, or None after saying why there is none."""
    english = everyone.get(doc.id)
    if english is not None and english.type is doc.type:
        return english
    if english is not None:
        problems.add(doc.at(), None, f"'{doc.id}' is a {english.type.name}, not a {doc.type.name}",
                     f"move the file to content/{doc.language}/{english.type.folder}/")
    else:   # its English deleted or renamed (or the file misnamed): the rest is published meanwhile
        pool = [e.id for e in everyone.values() if e.type is doc.type]
        problems.add(doc.at(), None, f"no {doc.type.name} '{doc.id}' to translate: its English was deleted "
                     "or renamed, or this file is misnamed",
                     suggest(doc.id, pool) or f"delete this file, or name it as its English in content/{doc.type.folder}/",
                     stale=True)
    return None


def _translation(doc: RawDoc, english: Entity, problems: Problems) -> Translation:
    """Return the translated fields of doc, with what each was made from, reporting every problem."""
    ctype = doc.type
    _check_names(doc, ctype, problems)
    values: dict[str, Any] = {}
    for fdef in ctype.fields:
        raw = doc.data.get(fdef.name)
        if fdef.translatable and raw not in (None, "", [], {}):
            values[fdef.name] = convert_field(doc, fdef, raw, problems)
    made_from = _made_from(doc, ctype, problems)
    for name in values:
        if name in made_from:
            continue
        if english.values.get(name) is None:   # restamping would not help: there is nothing to translate
            problems.add(doc.at(name, key=True), name, f"the English ({english.path}) has no '{name}' to translate",
                         f"delete it here, or write the '{name}' in the English file first")
        else:
            problems.add(doc.at(name, key=True), name, f"no '{MADE_FROM}' entry: which English was it made from?",
                         f"after translating, run `{restamp_hint(doc)}`")
    translation = Translation(doc.language, Entity(ctype, doc.id, doc.path, values, doc),
                              MappingProxyType({name: made_from[name] for name in values if made_from.get(name)}))
    for name, value in values.items():
        if not made_from.get(name) or value is None:
            continue
        if is_stale(translation, english, name):
            _report_stale(doc, english, name, problems)
        else:
            _check_shape(doc, name, value, english.values[name], problems)
    return translation


def _check_names(doc: RawDoc, ctype: ContentType, problems: Problems) -> None:
    """Report every key that is not a translatable field of the type (nor translated_from)."""
    translatable = [f.name for f in ctype.fields if f.translatable]
    for key in doc.data:
        if key == MADE_FROM or key in translatable:
            continue
        hint = suggest(key, translatable) or "translatable fields: " + ", ".join(translatable)
        if ctype.field(key) is None:
            problems.add(doc.at(key, key=True), key, f"unknown field '{key}' for a {ctype.name}", hint)
        else:
            problems.add(doc.at(key, key=True), key, f"'{key}' is not translated: it is given once, in the English file",
                         f"delete it here; {hint}")


def _made_from(doc: RawDoc, ctype: ContentType, problems: Problems) -> dict[str, str | None]:
    """Return the translated_from block: field name -> hash (None where that is wrong, after reporting it)."""
    raw = doc.data.get(MADE_FROM)
    if raw is None or raw == "":
        return {}
    if not isinstance(raw, dict):
        problems.add(doc.at(MADE_FROM), MADE_FROM, "expected a mapping of field: hash",
                     f"run `{restamp_hint(doc)}` to write it")
        return {}
    translatable = [f.name for f in ctype.fields if f.translatable]
    made_from = {}
    for name, value in raw.items():
        where = f"{MADE_FROM}.{name}"
        if name not in translatable:
            problems.add(doc.at(MADE_FROM, name, key=True), where, f"'{name}' is not a translatable field of a {ctype.name}",
                         suggest(name, translatable) or "translatable fields: " + ", ".join(translatable))
        elif not isinstance(value, str) or not _HASH_RE.match(value):
            problems.add(doc.at(MADE_FROM, name), where, f"expected a hash of {HASH_LENGTH} hex digits, got {value!r}",
                         f"run `{restamp_hint(doc)}` to write it")
            made_from[name] = None
        else:
            made_from[name] = value
    return made_from


def _report_stale(doc: RawDoc, english: Entity, name: str, problems: Problems) -> None:
    if english.values.get(name) is None:
        problems.add(doc.at(name, key=True), name, f"the English has no '{name}' any more",
                     "delete it here too", stale=True)
        return
    problems.add(doc.at(name, key=True), name, f"the English changed since this was translated ({english.path})",
                 f"bring the translation up to date, then run `{restamp_hint(doc)}`", stale=True)


def _check_shape(doc: RawDoc, name: str, value: Any, english: Any, problems: Problems) -> None:
    """Report a translated list or map that does not match its English item for item (only
    when it is not stale: a stale one is expected to differ until it is brought up to date)."""
    if isinstance(value, str):
        return
    if value and isinstance(value[0], tuple):
        labels, wanted = [label for label, _ in value], [label for label, _ in english]
        if sorted(labels) != sorted(wanted):
            problems.add(doc.at(name), name, f"labels {', '.join(labels)} do not match the English's",
                         "keep the English labels: " + ", ".join(wanted))
    elif len(value) != len(english):
        problems.add(doc.at(name), name, f"{len(value)} items, but the English has {len(english)}",
                     "translate each English item, in order")
