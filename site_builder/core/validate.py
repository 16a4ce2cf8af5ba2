"""Check RawDocs against their content type and convert them into typed Entities.

Validation looks at one document at a time; references between entities are
checked in links.py. Every problem is collected, none stops the run.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..model.entities import Entity, RawDoc
from ..model.errors import Problems, suggest
from ..model.kinds import Choice, Date, FieldError, Markdown, Refs, Text, check_id
from .loader import path_name
from ..model.schema import DRAFT, Field


def validate(docs: list[RawDoc], problems: Problems) -> list[Entity]:
    """Convert every document, reporting every problem."""
    return [validate_doc(doc, problems) for doc in docs]


def validate_doc(doc: RawDoc, problems: Problems) -> Entity:
    """Check one document's id and fields, reporting problems into `problems`.

    The entity is returned even when some fields are wrong, so that references to
    it still resolve and one typo does not cascade into many errors.
    """
    ctype = doc.type
    if doc.broken:
        return Entity(ctype, doc.id, doc.path, {f.name: None for f in ctype.fields}, doc)
    if ctype.folder:
        try:
            check_id(doc.id)
        except FieldError as exc:
            problems.add(doc.at(), None, f"file name: {exc.message}", exc.hint)
    known = {f.name for f in ctype.fields}
    misspelt = set()   # fields written under a misspelt name: reported once, as the misspelling
    for key in doc.data:
        if key not in known:
            hint = suggest(key, known)
            if hint:
                misspelt.add(hint.split("'")[1])
            problems.add(doc.at(key, key=True), key, f"unknown field '{key}' for a {ctype.name}",
                         hint or "fields are: " + ", ".join(sorted(known)))
    values: dict[str, Any] = {}
    draft = is_draft(doc)
    if draft:
        problems.add(doc.at("draft", key=True), None, f"{ctype.name} '{doc.id}' is left out of the published site",
                     "delete the line 'draft: true' when it is ready", draft=True)
    for fdef in ctype.fields:
        raw = doc.data.get(fdef.name)
        if raw is None or raw == "" or raw == [] or raw == {}:
            if fdef.required and fdef.name not in misspelt:
                present = fdef.name in doc.data
                problems.add(doc.at(fdef.name) if present else doc.at(), fdef.name,
                             ("still empty" if draft else "required field is empty") if present
                             else ("still missing" if draft else "required field is missing"),
                             fdef.help, draft=draft)
            values[fdef.name] = _placeholder(fdef) if draft and fdef.required else fdef.default
            continue
        values[fdef.name] = convert_field(doc, fdef, raw, problems)
    for fdef in ctype.fields:
        if fdef.needs and values.get(fdef.name) is not None and values.get(fdef.needs) is None:
            problems.add(doc.at(fdef.name), fdef.name, f"needs '{fdef.needs}' to be set too",
                         ctype.field(fdef.needs).help)
    return Entity(ctype, doc.id, doc.path, values, doc)


def convert_field(doc: RawDoc, fdef: Field, raw: Any, problems: Problems) -> Any:
    """Return the field's raw value converted by its kind, or None after reporting, at the
    value or the list item or label at fault, why it does not fit."""
    try:
        return fdef.kind.convert(raw)
    except FieldError as exc:
        where = (fdef.name,) if exc.index is None else (fdef.name, exc.index)
        hint = f"{exc.hint}: {fdef.name}: {exc.fix}" if exc.fix and exc.index is None else exc.hint
        problems.add(doc.at(*where), path_name(where), exc.message, hint)
        return None


def _placeholder(fdef: Field) -> Any:
    """Return what a draft's empty required field shows in the preview (drafts are never published)."""
    kind = fdef.kind
    if isinstance(kind, Date):
        return dt.date.today()
    if isinstance(kind, Choice):
        return kind.options[0]
    if isinstance(kind, Refs):
        return ()
    if isinstance(kind, Markdown):
        return f"*({fdef.name}: still empty)*"
    if isinstance(kind, Text):
        return f"({fdef.name}: still empty)"
    return None


def is_draft(doc: RawDoc) -> bool:
    """Tell whether a document says `draft: true` (a wrong value is reported by validate_doc)."""
    if not doc.type.field("draft"):
        return False
    try:
        return bool(DRAFT.kind.convert(doc.data.get("draft") or "false"))
    except FieldError:
        return False
