"""Write a new, empty content file listing every field of its type, each with a comment.

`python build.py new person wang-yi` writes content/people/wang-yi.yaml: the schema line
for the editor, then the required fields, then the optional ones, every field empty and
preceded by a one-line comment from its declaration. The file starts as a draft, so it
builds at once: `check` lists the required fields still empty, serve shows the page with
a draft banner, and the published site leaves it out. Empty optional fields count as absent.
Knows nothing about rendering or serving.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..model.errors import BuildFailed, Location, SiteError
from ..model.kinds import Choice, FieldError, MarkdownList, MarkdownMap, Refs, check_id
from ..core.loader import display_path
from ..model.schema import CONTENT_TYPES, DRAFT, ContentType, Field
from .editor_schemas import schemas_dir_for


def _shape(fdef: Field) -> str:
    kind = fdef.kind
    if isinstance(kind, Refs):
        return f"a list of {kind.target} ids, one '- id' per line"
    if isinstance(kind, MarkdownList):
        return "a list, one '- text' per line"
    if isinstance(kind, MarkdownMap):
        return "one 'label: text' line per party, indented"
    if isinstance(kind, Choice) and not all(option in fdef.help for option in kind.options):
        return "one of " + ", ".join(kind.options)
    return ""


def field_comment(fdef: Field) -> str:
    """Return the one-line comment above a field: what it holds, its shape, whether it is required."""
    notes = [note for note in (_shape(fdef), "required" if fdef.required else "optional") if note]
    if fdef.default is not None:
        notes.append(f"default {fdef.default}")
    help_text = fdef.help.rstrip(".")
    return f"# {help_text}. ({'; '.join(notes)})"


def scaffold(ctype: ContentType, entity_id: str, schema_ref: str) -> str:
    """Return the text of a new file of type ctype."""
    lines = [f"# yaml-language-server: $schema={schema_ref}",
             f"# {ctype.label} '{entity_id}': {ctype.description}",
             "# Fill in the required fields; leave optional ones empty or delete them.",
             "# Link to anything with [[id]] or [[id|your text]] in any Markdown field.",
             "",
             "# A draft: serve shows it with a banner, the published site leaves it out.",
             "# Delete this line when the entry is ready to publish.",
             "draft: true",
             ""]
    for fdef in sorted(ctype.fields, key=lambda f: not f.required):
        if fdef is not DRAFT:
            lines += [field_comment(fdef), f"{fdef.name}:"]
    return "\n".join(lines) + "\n"


def refuse(path: Path | str, message: str, hint: str | None = None) -> BuildFailed:
    """Return the one problem that stops `new`, to raise."""
    return BuildFailed([SiteError(Location(str(path)), None, message, hint)])


def type_named(type_name: str, entity_id: str, types: tuple[ContentType, ...]) -> ContentType:
    """Return the type called type_name; raise BuildFailed when there is none or entity_id is no id."""
    ctype = next((t for t in types if t.name == type_name), None)
    if ctype is None:
        raise refuse(type_name, "unknown content type", "one of: " + ", ".join(t.name for t in types))
    try:
        check_id(entity_id)
    except FieldError as exc:
        raise refuse(entity_id, f"cannot use this id: {exc.message}", exc.hint) from None
    return ctype


def new_file(content_dir: Path, type_name: str, entity_id: str, schemas_dir: Path | None = None,
             types: tuple[ContentType, ...] = CONTENT_TYPES) -> Path:
    """Write content_dir/<folder>/<id>.yaml; refuse a bad id or one that any type already uses."""
    ctype = type_named(type_name, entity_id, types)
    for other in types:
        existing = content_dir / other.folder / f"{entity_id}.yaml"
        if existing.exists() or existing.is_symlink():
            raise refuse(display_path(existing), f"id '{entity_id}' is already used by a {other.name}",
                          "ids are unique across the whole site; choose another")
    path = content_dir / ctype.folder / f"{entity_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    schemas_dir = schemas_dir or schemas_dir_for(content_dir)
    schema_ref = Path(os.path.relpath(schemas_dir.absolute() / f"{ctype.name}.json", path.parent.absolute()))
    with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(scaffold(ctype, entity_id, schema_ref.as_posix()))
    return path
