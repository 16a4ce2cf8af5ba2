"""Write one JSON Schema per content type, for editors' YAML autocompletion and underlining.

Derived from the same declarations the validator uses: the fields in schema.py, each
kind's json_schema() in kinds.py, each field's help as its description, and, for
references, the ids that exist now (the content file names). Validation stays the
builder's job; the schemas give early hints in the editor and agree with it on the
common mistakes. Knows nothing about rendering or serving.

The schemas are written on every build and every rebuild of serve into .cache/schemas/
beside content/ (git-ignored), where .vscode/settings.json points: a new person is known
to the editor after the next save, and no tracked file changes when content does.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..model.errors import BuildFailed, Location, SiteError
from ..model.kinds import FieldError, Refs, check_id
from ..core.loader import display_path, is_ignored
from ..model.schema import CONTENT_TYPES, SITE, ContentType, Field

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS_DIR = Path(".cache/schemas")   # beside content/, git-ignored: rewritten on every build


def schemas_dir_for(content_dir: Path) -> Path:
    """Return where the editors' schemas of content_dir live: .cache/schemas in the folder that holds it."""
    return content_dir.absolute().parent / SCHEMAS_DIR
EMPTY = ({"type": "null"}, {"const": ""})  # an optional field left empty counts as absent


def known_ids(content_dir: Path, types: tuple[ContentType, ...] = CONTENT_TYPES) -> dict[str, list[str]]:
    """Return the valid ids of every content type, from the file names in its folder."""
    ids: dict[str, list[str]] = {}
    for ctype in types:
        folder = content_dir / ctype.folder
        names = []
        if folder.is_dir() and not folder.is_symlink():
            try:
                entries = list(os.scandir(folder))
            except OSError as exc:   # one line, not a traceback (issue 21 #17)
                raise BuildFailed([SiteError(Location(display_path(folder)), None,
                                             f"cannot read folder: {exc.strerror}", "check its permissions")]) from None
            for entry in entries:
                if is_ignored(entry.name) or not entry.name.endswith(".yaml") or entry.is_symlink():
                    continue
                try:
                    names.append(check_id(entry.name[:-len(".yaml")]))
                except FieldError:
                    continue
        ids[ctype.name] = sorted(names)
    return ids


def field_schema(fdef: Field, ids: dict[str, list[str]]) -> dict:
    """Return the JSON Schema of one field, with its help as description."""
    schema = dict(fdef.kind.json_schema())
    if isinstance(fdef.kind, Refs) and fdef.kind.target in ids:
        schema["items"] = {**schema["items"], "enum": ids[fdef.kind.target]}
    if fdef.default is not None:
        schema["default"] = fdef.default
    if fdef.required:
        return {"description": fdef.help, **schema}
    return {"description": fdef.help, "anyOf": [schema, *EMPTY]}


def type_schema(ctype: ContentType, ids: dict[str, list[str]]) -> dict:
    """Return the JSON Schema of one content type's YAML file."""
    ordered = sorted(ctype.fields, key=lambda f: not f.required)
    where = "content/site.yaml" if not ctype.folder else f"content/{ctype.folder}/<id>.yaml"
    schema = {
        "$schema": DIALECT,
        "$id": f"{ctype.name}.json",
        "title": f"{ctype.label} ({where})",
        "description": ctype.description,
        "type": "object",
        "properties": {f.name: field_schema(f, ids) for f in ordered},
        "required": [f.name for f in ordered if f.required],
        "additionalProperties": False,
    }
    needs = {f.name: [f.needs] for f in ctype.fields if f.needs}
    if needs:
        schema["dependentRequired"] = needs
    if ctype.field("draft"):
        # A draft may leave its required fields empty (as `new` writes them); others may not.
        required = [f for f in ordered if f.required]
        for fdef in required:
            strict = {k: v for k, v in field_schema(fdef, ids).items() if k != "description"}
            schema["properties"][fdef.name] = {"description": fdef.help, "anyOf": [strict, *EMPTY]}
        schema["if"] = {"properties": {"draft": {"enum": [True, "true"]}}, "required": ["draft"]}
        schema["else"] = {"properties": {f.name: field_schema(f, ids) for f in required}}
    return schema


def all_schemas(content_dir: Path, types: tuple[ContentType, ...] = CONTENT_TYPES) -> dict[str, dict]:
    """Return {file name: schema} for every content type and for site.yaml, and for the
    translations of each (content/<language>/<folder>/<id>.yaml: <type>.translation.json)."""
    ids = known_ids(content_dir, types)
    return {**{f"{ctype.name}.json": type_schema(ctype, ids) for ctype in (*types, SITE)},
            **{f"{ctype.name}.translation.json": translation_schema(ctype, ids) for ctype in (*types, SITE)}}


def translation_schema(ctype: ContentType, ids: dict[str, list[str]]) -> dict:
    """Return the JSON Schema of a translation file: the type's translatable fields, none
    required, and `translated_from`, a short hash of the English of each."""
    fields = [f for f in ctype.fields if f.translatable]
    where = "content/<language>/site.yaml" if not ctype.folder else f"content/<language>/{ctype.folder}/<id>.yaml"
    return {
        "$schema": DIALECT,
        "$id": f"{ctype.name}.translation.json",
        "title": f"{ctype.label}, translated ({where})",
        "description": "The translatable fields of the English file of the same name, in this folder's language.",
        "type": "object",
        "properties": {**{f.name: field_schema(f, ids) for f in fields},
                       "translated_from": {
                           "description": "Which English each field was translated from (written by "
                                          "`python build.py new --translate … --restamp`; not edited by hand).",
                           "type": "object",
                           "propertyNames": {"enum": [f.name for f in fields]},
                           "additionalProperties": {"type": "string", "pattern": "^[0-9a-f]{12}$"}}},
        "additionalProperties": False,
    }


def refresh_schemas(content_dir: Path) -> None:
    """Write the schemas beside content_dir, as every build does; never fail the build over it."""
    try:
        write_schemas(content_dir, schemas_dir_for(content_dir))
    except (OSError, BuildFailed):
        pass   # a read-only checkout or an unreadable folder: the build itself says what is wrong


def write_schemas(content_dir: Path, out_dir: Path) -> list[Path]:
    """Write the schemas into out_dir (only files whose text changed); return every schema path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in all_schemas(content_dir).items():
        path = out_dir / name
        text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
