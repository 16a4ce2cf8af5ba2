"""What `check` says about translations beyond their problems: how complete each language is,
and what changed in the English since a stale translation was made.

The hashes in a translation name the English it was made from but cannot give it back, so
the English of then is looked for in git: the English file's past versions, newest first,
until one whose field has the recorded hash. Without git, outside a repository, or when
no version matches, the English as it is now is shown instead. Knows nothing about
rendering or serving.
"""
from __future__ import annotations

import difflib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..core.loader import decode, parse
from ..model.entities import Entity, Site, Translation
from ..model.errors import Problems, printable
from ..model.kinds import FieldError
from ..model.translations import site_languages, text_hash, translatable_fields, translated

MAX_VERSIONS = 200    # past versions of an English file looked at, newest first
GIT_SECONDS = 10      # for each git command: a slow disk or a huge history gives no diff, not a hang


@dataclass(frozen=True, slots=True)
class Completeness:
    """How much of one type the translations into one language cover."""

    language: str
    type_name: str
    translated: int     # fields translated (stale ones included)
    translatable: int   # translatable fields the English gives
    stale: int
    missing: int
    gaps: tuple[tuple[str, tuple[str, ...]], ...] = ()   # (id, its fields not translated yet), in order


MAX_GAPS_SHOWN = 10   # entities listed under a type's row; the rest are counted


def completeness(site: Site, settings: Entity | None = None) -> list[Completeness]:
    """Return, for each language after the first and each type (and the settings, when given),
    the fields translated of those there are."""
    rows = []
    for language in site_languages(site.settings)[1:]:
        groups = [(t.name, site.by_type.get(t.name, ())) for t in site.types]
        for type_name, entities in groups + ([(settings.type.name, [settings])] if settings else []):
            translated_count = translatable = stale = 0
            gaps = []
            for entity in entities:
                lacking = []
                for name in translatable_fields(entity):
                    found = translated(site, entity, language, name)
                    translatable += 1
                    translated_count += not found.missing
                    stale += found.stale
                    lacking += [name] if found.missing else []
                gaps += [(entity.id, tuple(lacking))] if lacking else []
            rows.append(Completeness(language, type_name, translated_count, translatable, stale,
                                     translatable - translated_count, tuple(gaps)))
    return rows


def completeness_table(rows: list[Completeness]) -> str:
    """Return the rows as a table for the terminal."""
    if not rows:
        return "translations: the site has one language (add others to site.yaml's languages)"
    width = max(len(row.type_name) for row in rows)
    lines = ["translations: fields translated, of those the English gives"]
    for row in rows:
        share = f"{100 * row.translated // row.translatable}%" if row.translatable else "-"
        lines.append(f"  {row.language}  {row.type_name:<{width}}  {row.translated:>5}/{row.translatable:<5} "
                     f"{share:>4}  {row.stale} stale, {row.missing} missing")
        lines += [f"      not yet translated: {entity_id} ({', '.join(fields)})"
                  for entity_id, fields in row.gaps[:MAX_GAPS_SHOWN]]
        if len(row.gaps) > MAX_GAPS_SHOWN:
            lines.append(f"      and {len(row.gaps) - MAX_GAPS_SHOWN} more")
    return "\n".join(lines)


def stale_diffs(site: Site, settings: Entity | None = None) -> dict[tuple[str, str], str]:
    """Return, by (translation file, field), what changed in the English since each stale field was translated."""
    diffs = {}
    for key, by_language in site.translations.items():
        english = site.by_id.get(key) or site.drafts.get(key) or (settings if settings and key == settings.key else None)
        if english is None:
            continue
        for translation in by_language.values():
            for name in translation.entity.values:
                if name in translation.made_from and translation.made_from[name] != text_hash(english.values.get(name)):
                    diffs[translation.entity.path, name] = english_change(english, translation, name)
    return diffs


def english_change(english: Entity, translation: Translation, name: str) -> str:
    """Return a unified diff of the English field from the version translated to now, or, when
    that version cannot be found, the English now."""
    now = _lines(english.values.get(name))
    found = _version_with_hash(english, name, translation.made_from[name])
    if found is None:
        return "\n".join(["the English it was translated from is not in git; the English now:"]
                         + [f"  {line}" for line in now])
    commit, then = found
    return "\n".join(difflib.unified_diff(_lines(then), now, f"{english.path} {name} (translated from, {commit[:10]})",
                                          f"{english.path} {name} (now)", lineterm="", n=2))


def _lines(value: Any) -> list[str]:
    """Return a field's value as the lines it is written in."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.splitlines()
    lines = []
    for item in value:
        label, text = item if isinstance(item, tuple) else (None, item)
        first, *rest = text.splitlines() or [""]
        lines += [f"{label}: {first}" if label is not None else f"- {first}"] + [f"  {line}" for line in rest]
    return lines


def _version_with_hash(english: Entity, name: str, wanted: str) -> tuple[str, Any] | None:
    """Return (commit, the field's value) of the newest committed version of the English file
    whose field has the hash wanted, or None."""
    fdef = english.type.field(name)
    for commit, text in _history(english.path):
        doc = parse(text, english.path, english.type, english.id, Problems())
        try:
            value = fdef.kind.convert(doc.data[name]) if doc.data.get(name) not in (None, "", [], {}) else None
        except FieldError:
            continue
        if text_hash(value) == wanted:
            return commit, value
    return None


def _history(path: str) -> Iterator[tuple[str, str]]:
    """Yield (commit, text) of each committed version of a file, newest first; nothing without git."""
    folder, name = os.path.dirname(os.path.abspath(path)), os.path.basename(path)
    commits = _git(folder, "log", f"-n{MAX_VERSIONS}", "--format=%H", "--", name)
    for commit in commits.decode("ascii", "replace").split() if commits else ():
        raw = _git(folder, "show", f"{commit}:./{name}")
        text = decode(raw, path, Problems()) if raw is not None else None
        if text is not None:
            yield commit, text


def _git(folder: str, *args: str) -> bytes | None:
    """Return what a git command prints, or None when git is missing or fails."""
    git = shutil.which("git")
    if git is None or not Path(folder).is_dir():
        return None
    try:
        done = subprocess.run([git, "-C", folder, *args], capture_output=True, timeout=GIT_SECONDS,
                              env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout


def indented(text: str) -> str:
    """Return text indented under the warning it explains, every line printable."""
    return "\n".join(printable(f"    {line}") for line in text.splitlines())
