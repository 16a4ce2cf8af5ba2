"""Start a translation of an entity, and record which English a translation now follows.

`python build.py new --translate zh-Hans meeting blinken-wang-yi` writes
content/zh-Hans/meetings/blinken-wang-yi.yaml: every translatable field the English gives,
empty, under its English text as comments, and `translated_from:` with the hash of each
field's English now. Once the translator has brought a translation up to date with a
changed English, `--restamp` writes those hashes again, writes the English comments anew and
adds any field the English has gained, empty; the translator's own lines stay as they were.
Only the English file and site.yaml are read, so a problem elsewhere in the content does not
stand in the way. Knows nothing about rendering, serving or git.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.loader import display_path, load_file, parse
from ..core.translations import MADE_FROM
from ..core.validate import validate_doc
from ..model.entities import Entity
from ..model.errors import BuildFailed, Problems, suggest
from ..model.schema import CONTENT_TYPES, SITE, ContentType
from ..model.translations import site_languages, text_hash, translatable_fields
from .scaffold import refuse, type_named


def translation_path(content_dir: Path, language: str, ctype: ContentType, entity_id: str) -> Path:
    """Return where the translation of an entity into language lives."""
    if not ctype.folder:   # the site's settings: content/<language>/site.yaml
        return content_dir / language / "site.yaml"
    return content_dir / language / ctype.folder / f"{entity_id}.yaml"


def new_translation(content_dir: Path, language: str, type_name: str, entity_id: str, restamp: bool = False,
                    types: tuple[ContentType, ...] = CONTENT_TYPES) -> Path:
    """Write the translation file of an entity (or, with restamp, its translated_from block);
    raise BuildFailed saying why not."""
    english = _english(content_dir, language, type_name, entity_id, types)
    path = translation_path(content_dir, language, english.type, entity_id)
    if restamp:
        if not path.is_file():
            raise refuse(display_path(path), "no translation to restamp",
                          f"start one with `python build.py new --translate {language} {type_name} {entity_id}`")
        text = path.read_text(encoding="utf-8")
        path.write_text(restamped(text, english, display_path(path), language), encoding="utf-8")
        return path
    if path.exists() or path.is_symlink():
        raise refuse(display_path(path), "this translation exists already",
                      "to record that it follows the English now, add --restamp")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:   # "x": never overwrite, even in a race
        handle.write(scaffold_translation(english, language))
    return path


def _english(content_dir: Path, language: str, type_name: str, entity_id: str,
             types: tuple[ContentType, ...]) -> Entity:
    """Return the English entity to translate, once the language is one site.yaml declares."""
    ctype = SITE if type_name == SITE.name else type_named(type_name, entity_id, types)
    problems = Problems()
    settings = validate_doc(load_file(content_dir / "site.yaml", SITE, "site", problems), problems)
    languages = site_languages(settings.values)
    spelt = next((tag for tag in languages if tag.lower() == language.lower() and tag != language), None)
    if not problems.errors and spelt:   # zh-hans for zh-Hans: the tag as site.yaml writes it
        problems.add(settings.doc.at("languages"), "languages", f"site.yaml writes this language '{spelt}'",
                     f"write it as site.yaml does: {spelt}")
    elif not problems.errors and language not in languages[1:]:
        problems.add(settings.doc.at("languages"), "languages",
                     f"'{language}' is the site's own language" if languages[:1] == (language,)
                     else f"'{language}' is not one of the site's languages",
                     f"declare it in site.yaml: languages: [{', '.join(languages[:1] + (language,))}]")
    if ctype is SITE:   # `new --translate zh-Hans site site`: the title, intros and party names
        if problems.errors:
            raise BuildFailed(problems.errors)
        return settings
    source = content_dir / ctype.folder / f"{entity_id}.yaml"
    if not source.is_file():
        ids = sorted(path.stem for path in source.parent.glob("*.yaml"))
        raise refuse(display_path(source), f"no {ctype.name} '{entity_id}' to translate",
                     suggest(entity_id, ids) or "a translation starts from the English file")
    english = validate_doc(load_file(source, ctype, entity_id, problems), problems)
    if problems.errors:
        raise BuildFailed(problems.errors)
    return english


def _english_comment(value: Any) -> list[str]:
    """Return the English of a field as comment lines, written as the field would be."""
    return [line.rstrip() for line in _english_lines(value)]


def _english_lines(value: Any) -> list[str]:
    if isinstance(value, str):
        lines = value.splitlines()
        return [f"# English: {lines[0]}"] if len(lines) == 1 else ["# English:"] + [f"#   {line}" for line in lines]
    out = ["# English:"]
    for item in value:
        label, text = item if isinstance(item, tuple) else (None, item)
        lines = text.splitlines() or [""]
        if label is None:
            out += [f"#   - {lines[0]}"] + [f"#     {line}" for line in lines[1:]]
        else:
            out += [f"#   {label}: |"] + [f"#     {line}" for line in lines]
    return out


def _empty_field(name: str, value: Any) -> list[str]:
    """Return the lines of a field to translate: its English as comments, the field empty, a blank."""
    return _english_comment(value) + [f"{name}: |" if isinstance(value, str) and "\n" in value else f"{name}:", ""]


def scaffold_translation(english: Entity, language: str) -> str:
    """Return the text of a new translation of english into language."""
    command = f"python build.py new --translate {language} {english.type.name} {english.id} --restamp"
    lines = [f"# The {english.type.label.lower()} '{english.id}' in {language}, translated from {english.path}.",
             "# Write each field in this language under its English (the comments). A field left",
             "# empty shows the English until it is translated. Keep each [[id]] link as it is:",
             "# [[id|your words]] shows your words. Lists keep the English items' order, and",
             "# readouts and positions the English labels.",
             f"# '{MADE_FROM}' records which English each field was made from: when `check` says",
             "# the English changed, bring the translation up to date, then run",
             f"#   {command}",
             ""]
    for name in translatable_fields(english):
        lines += _empty_field(name, english.values[name])
    return "\n".join(lines + made_from_block(english)) + "\n"


def made_from_block(english: Entity) -> list[str]:
    """Return the translated_from block: the hash of each translatable field's English now."""
    return [f"{MADE_FROM}:"] + [f"  {name}: {text_hash(english.values[name])}" for name in translatable_fields(english)]


def restamped(text: str, english: Entity, shown: str, language: str | None = None) -> str:
    """Return a translation (into `language`) with its translated_from block written anew from
    the English now (appended when it has none), the `# English:` comments that `new` wrote
    above a field written from the English now, and each field the English has gained since
    added, empty, under its English, before the block; every other line stays as it was."""
    problems = Problems()
    doc = parse(text, shown, english.type, english.id, problems, language)
    if problems.errors:
        raise BuildFailed(problems.errors)
    lines = text.splitlines()
    fields = translatable_fields(english)
    keys = {path[0]: pos[0] for path, pos in doc.positions.items() if len(path) == 1}
    for name in sorted((n for n in keys if n in fields), key=keys.get, reverse=True):   # from the end
        comments = _english_comments_above(lines, keys[name] - 1)
        if comments is not None:
            lines[slice(*comments)] = _english_comment(english.values[name])
    gained = [line for name in fields if name not in keys for line in _empty_field(name, english.values[name])]
    block = made_from_block(english)
    doc = parse("\n".join(lines) + "\n", shown, english.type, english.id, Problems())   # positions moved
    start = doc.pos((MADE_FROM,))
    if start is None:
        return "\n".join(lines + ([""] if lines and lines[-1].strip() else []) + gained + block) + "\n"
    first = start.key.line - 1
    later = [p[0] for path, p in doc.positions.items() if len(path) == 1 and p[0] > start.key.line]
    end = min(later) - 1 if later else len(lines)
    while end > first + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1   # the comments and blank lines above the next field are that field's
    gap = [""] if gained and first and lines[first - 1].strip() else []   # a blank line after the field above
    return "\n".join(lines[:first] + gap + gained + block + lines[end:]) + "\n"


def _english_comments_above(lines: list[str], key: int) -> tuple[int, int] | None:
    """Return where (start, end) the `# English:` comment `new` wrote above lines[key] is, or
    None. It is the nearest in the comments right above the field: a line `# English: text`,
    or a line `# English:` and the `#   ` lines under it. The translator's own comments
    between it and the field stay."""
    at = key - 1
    while at >= 0 and lines[at].startswith("#") and not lines[at].startswith("# English:"):
        at -= 1
    if at < 0 or not lines[at].startswith("# English:"):
        return None
    end = at + 1
    if not lines[at][len("# English:"):].strip():   # several lines: the English is indented under it
        while end < key and (lines[end].startswith("#   ") or lines[end] == "#"):
            end += 1
    return at, end
