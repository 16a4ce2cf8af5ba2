"""Read content/ into RawDocs: every value a string, list or mapping, each with its position.

The loader is the only stage that reads content files. It knows the folder layout
(from schema) but nothing about field meanings; validate.py converts the values.
"""
from __future__ import annotations

import errno
import functools
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..model import inputs
from .runner import Runner
from ..model.entities import RawDoc
from ..model.errors import Location, Problems, SiteError
from ..model.kinds import LANGUAGE_TAG_RE
from ..model.schema import ContentType
from . import scalars, yamlexplain

# CBaseLoader: libyaml's parser with no implicit typing, so `NO` stays 'NO' and
# `10:30` stays '10:30'; the pure-Python loader is ten times slower (issue 7).
_BaseLoader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_PLAIN_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 6
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".bak", ".orig")


def value_at(doc: RawDoc, path: tuple) -> Any:
    """Return the loaded value at path (a string, list or mapping), or None."""
    value: Any = doc.data
    for part in path:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def locate(doc: RawDoc, path: tuple, offset: int) -> Location:
    """Return where character `offset` of the string at path stands in doc's file.

    Exact in every scalar style (plain, quoted, '|' and '>' blocks, over many lines,
    with escapes and CRLF): the file is read again and the value read from its first
    mark. When that does not give back the value loaded (the file changed since, or a
    construct not mapped), the start of the value: never a wrong place."""
    pos = doc.pos(path)
    if pos is None:
        return doc.at(*path)
    value = value_at(doc, path)
    if not isinstance(value, str):
        return pos.value
    source = _read_source(doc.path)
    if source is None:
        return pos.value
    index = scalars.source_index(source, pos.value.line, pos.value.col, pos.style, value, offset)
    if index is None:
        return pos.value
    return Location(doc.path, *source.line_col(index))


def _read_source(shown: str) -> scalars.Source | None:
    """Return a content file's text as parse() read it (decoded, NFC), or None; read again
    only when the file changed (a file's errors ask for it many times)."""
    try:
        stat = os.stat(shown)
    except OSError:
        return None
    return _source(shown, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _source(shown: str, mtime_ns: int, size: int) -> scalars.Source | None:
    try:
        raw = inputs.read_regular(Path(shown), MAX_FILE_BYTES)
    except OSError:
        return None
    text = decode(raw, shown, Problems())
    return None if text is None else scalars.Source(text)


def display_path(path: Path) -> str:
    """Return path relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=256)
def _shown_folder(folder: str, cwd: str) -> str | None:
    try:
        return str(Path(folder).resolve().relative_to(Path(cwd).resolve()))
    except ValueError:
        return None


def _display_file(path: Path) -> str:
    """Return display_path(path), resolving each folder once rather than each file (issue 7)."""
    if path.is_symlink():
        return display_path(path)
    folder = _shown_folder(str(path.parent), os.getcwd())
    return str(path) if folder is None else os.path.join(folder, path.name) if folder != "." else path.name


def is_ignored(name: str) -> bool:
    """Tell editors' backup, lock and temp files apart from content."""
    return (name.startswith(".") or name.endswith(IGNORED_SUFFIXES) or name == "4913"
            or name.startswith("___jb_") or name.endswith("___jb_tmp___") or name.endswith("___jb_old___"))


def load_content(content_dir: Path, types: tuple[ContentType, ...], site_type: ContentType,
                 problems: Problems, runner: Runner = Runner()) -> tuple[RawDoc | None, list[RawDoc], list[RawDoc]]:
    """Load site.yaml, every entity file and every translation below content_dir, in a stable order.

    A folder named like a language tag holds translations, content/<language>/<folder>/<id>.yaml
    (whether site.yaml declares the language is the translation stage's question).
    Files the runner does not recall are parsed through runner.map; problems are reported
    in file order either way.
    """
    folders = {t.folder: t for t in types}
    site_doc = None
    if not content_dir.is_dir():
        problems.add(Location(display_path(content_dir)), None, "content folder not found",
                     "pass the folder that holds site.yaml with --content")
        return None, [], []
    site_file = content_dir / "site.yaml"
    if site_file.is_file() and not site_file.is_symlink():
        site_doc = load_file(site_file, site_type, "site", problems, runner)
    elif os.path.lexists(site_file):   # a link, a pipe, a folder: never opened, never "missing"
        problems.add(Location(display_path(site_file)), None,
                     "symlinks are not allowed in content" if site_file.is_symlink() else "not a regular file",
                     "site.yaml must be a plain file")
    else:
        problems.add(Location(display_path(site_file)), None, "site.yaml is missing",
                     "create it with title, description, base_url and language")
    found: list[SiteError | _File] = []   # in order: a problem, or a file to load
    for entry in _listing(content_dir, found):
        if is_ignored(entry.name) or entry.name == "site.yaml":
            continue
        where = Location(display_path(Path(entry.path)))
        if entry.is_symlink():
            found.append(SiteError(where, None, "symlinks are not allowed in content"))
        elif entry.is_dir() and entry.name in folders:
            found.extend(_scan_folder(Path(entry.path), folders[entry.name]))
        elif entry.is_dir() and LANGUAGE_TAG_RE.match(entry.name):
            found.extend(_scan_language(Path(entry.path), entry.name, folders, site_type))
        else:
            found.append(SiteError(where, None, f"unexpected {'folder' if entry.is_dir() else 'file'} in content",
                                   "content folders are: " + ", ".join(sorted(folders))
                                   + "; translations go in content/<language>/<folder>/"))
    files = [item for item in found if isinstance(item, _File)]
    loaded = iter(_load_files(files, runner))
    docs: list[RawDoc] = []
    translations: list[RawDoc] = []
    for item in found:
        if isinstance(item, SiteError):
            problems.extend([item])
            continue
        doc, file_problems = next(loaded)
        problems.extend(file_problems)
        if doc is not None:
            (docs if doc.language is None else translations).append(doc)
    return site_doc, docs, translations


@dataclass(frozen=True, slots=True)
class _File:
    """A content file to load: where it is, its type and id, and its name as shown."""

    path: Path
    type: ContentType
    id: str
    shown: str
    language: str | None = None   # a translation's language


def _listing(folder: Path, found: list) -> list[os.DirEntry]:
    """Return the folder's entries by name, or none after noting why it cannot be read."""
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        found.append(SiteError(Location(display_path(folder)), None, f"cannot read folder: {exc.strerror}",
                               "check its permissions"))
        return []


def _scan_language(folder: Path, language: str, folders: dict[str, ContentType],
                   site_type: ContentType) -> list[SiteError | _File]:
    """Return the translation files of content/<language>/: site.yaml's and one folder per
    content type, as in English."""
    found: list[SiteError | _File] = []
    for entry in _listing(folder, found):
        if is_ignored(entry.name):
            continue
        if entry.name == "site.yaml" and entry.is_file(follow_symlinks=False):
            path = Path(entry.path)
            found.append(_File(path, site_type, "site", _display_file(path), language))
        elif entry.is_dir(follow_symlinks=False) and entry.name in folders:
            found.extend(_scan_folder(Path(entry.path), folders[entry.name], language))
        else:
            found.append(SiteError(Location(_display_file(Path(entry.path))), None,
                                   "symlinks are not allowed in content" if entry.is_symlink()
                                   else f"unexpected {'folder' if entry.is_dir() else 'file'} in content",
                                   f"content/{language}/ holds translations: site.yaml and the content folders "
                                   + ", ".join(sorted(folders))))
    return found


def _scan_folder(folder: Path, ctype: ContentType, language: str | None = None) -> list[SiteError | _File]:
    found: list[SiteError | _File] = []
    for entry in _listing(folder, found):
        if is_ignored(entry.name):
            continue
        path = Path(entry.path)
        shown = _display_file(path)
        if entry.is_symlink():
            found.append(SiteError(Location(shown), None, "symlinks are not allowed in content"))
        elif not entry.is_file(follow_symlinks=False) or path.suffix != ".yaml":
            hint = "rename it to .yaml" if path.suffix == ".yml" else f"{ctype.folder}/ holds only <id>.yaml files"
            found.append(SiteError(Location(shown), None, "unexpected file in content", hint))
        else:
            found.append(_File(path, ctype, path.stem, shown, language))
    return found


def _load_files(files: list[_File], runner: Runner,
                gone_ok: bool = True) -> list[tuple[RawDoc | None, list[SiteError]]]:
    """Return (doc, its problems) for each file: recalled by the hash of its bytes, else
    parsed, the misses through runner.map (each worker hands back plain values).
    With gone_ok, a file deleted since its folder was listed gives (None, []): it is no
    longer content; otherwise it is reported as unreadable."""
    results: list[tuple[RawDoc | None, list[SiteError]] | None] = []
    misses: list[tuple[int, _File, bytes, str | None]] = []
    for file in files:
        problems = Problems()
        raw = _read(file.path, file.shown, problems, gone_ok)
        if raw is None:
            broken = RawDoc(file.shown, file.type, file.id, {}, broken=True, language=file.language) \
                if problems.items else None
            results.append((broken, problems.items))
            continue
        key = runner.key(raw, file.shown, file.type.name, file.id)
        if key is not None and (cached := runner.recall("parsed", key)) is not None:
            results.append((_thaw(cached, file), []))
            continue
        misses.append((len(results), file, raw, key))
        results.append(None)
    parsed = runner.map(_parse_files, None, misses, min_per_worker=PARALLEL_MIN_FILES)
    for (index, file, _, key), (frozen, file_problems) in zip(misses, parsed):
        if frozen is None:
            results[index] = (RawDoc(file.shown, file.type, file.id, {}, broken=True, language=file.language),
                              file_problems)
            continue
        if key is not None:
            runner.keep("parsed", key, frozen)
        results[index] = (_thaw(frozen, file), file_problems)
    return results


PARALLEL_MIN_FILES = 1000   # per worker; parsing a file takes ~0.1 ms, handing it back a third of that


def _parse_files(_shared: None, jobs: list[tuple[int, _File, bytes, str | None]]) -> list[tuple[tuple | None, list]]:
    out = []
    for _, file, raw, _ in jobs:
        problems = Problems()
        doc = _parse_raw(raw, file.shown, file.type, file.id, problems, file.language)
        out.append((None if doc.broken else _freeze(doc), problems.items))
    return out


def load_file(path: Path, ctype: ContentType, doc_id: str, problems: Problems,
              runner: Runner = Runner()) -> RawDoc:
    """Load one YAML file; report every problem into `problems` (an unusable file comes back broken)."""
    (doc, file_problems), = _load_files([_File(path, ctype, doc_id, _display_file(path))], runner, gone_ok=False)
    problems.extend(file_problems)
    return doc


def _read(path: Path, shown: str, problems: Problems, gone_ok: bool = False) -> bytes | None:
    """Return the file's bytes, or None after reporting why not (or, with gone_ok, silently
    when the file no longer exists: an editor deleted it while the folder was being read)."""
    try:
        # Opened without following links or blocking, and never read past the budget.
        return inputs.read_regular(path, MAX_FILE_BYTES)
    except inputs.NotReadable as exc:
        problems.add(Location(shown, 1, 1) if exc.errno == errno.EFBIG else Location(shown), None, exc.strerror)
        return None
    except OSError as exc:
        if gone_ok and isinstance(exc, FileNotFoundError):
            return None
        problems.add(Location(shown), None, f"cannot read file: {exc.strerror}")
        return None


def _parse_raw(raw: bytes, shown: str, ctype: ContentType, doc_id: str, problems: Problems,
               language: str | None = None) -> RawDoc:
    text = decode(raw, shown, problems)
    if text is None:
        return RawDoc(shown, ctype, doc_id, {}, broken=True)
    return parse(text, shown, ctype, doc_id, problems, language)


def _freeze(doc: RawDoc) -> tuple:
    """Return a parsed document as plain values for the cache (only files that parsed cleanly)."""
    return doc.data, doc.positions


def _thaw(frozen: tuple, file: _File) -> RawDoc:
    data, positions = frozen
    return RawDoc(file.shown, file.type, file.id, data, positions, language=file.language)


def decode(raw: bytes, shown: str, problems: Problems) -> str | None:
    """Decode UTF-8 (with or without BOM), naming the line of any bad byte."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(Location(shown, 1, 1), None, "file is UTF-16", "save it as UTF-8")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.add(Location(shown, line, col), None,
                     f"not valid UTF-8 ({exc.reason} at byte {exc.start})", "save the file as UTF-8")
        return None
    return unicodedata.normalize("NFC", text)


def parse(text: str, shown: str, ctype: ContentType, doc_id: str, problems: Problems,
          language: str | None = None) -> RawDoc:
    """Parse YAML text into a RawDoc, refusing tags, anchors, aliases and duplicate keys
    (`language`: the text is a translation into it)."""
    broken = RawDoc(shown, ctype, doc_id, {}, broken=True)
    errors: list[SiteError] = []
    # Aliases (*x) need an anchor (&x); without one compose() fails on them and says
    # so. Only files with a '&' need the slower scan (Markdown bold is full of '*').
    if "&" in text:
        errors.extend(_anchor_errors(text, shown))
    try:
        node = yaml.compose(text, Loader=_BaseLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problems.add(*(_explained(text, shown, ctype, mark.line + 1 if mark else None)
                       or _syntax_error(exc, shown, text)))
        return broken
    except yaml.reader.ReaderError as exc:
        problems.add(*_character_error(exc, shown, text))
        return broken
    except yaml.YAMLError as exc:
        problems.add(Location(shown, 1, 1), None, f"YAML error: {exc}")
        return broken
    except RecursionError:
        problems.add(Location(shown, 1, 1), None, "nesting too deep")
        return broken
    if errors:
        problems.extend(errors)
        return broken
    if node is None:
        names = ", ".join(f.name for f in ctype.fields if f.required)
        problems.add(Location(shown, 1, 1), None, "file is empty",
                     f"delete it, then `python build.py new --translate {language} {ctype.name} {doc_id}` "
                     "writes it with each field to translate under its English" if language
                     else f"expected a mapping with {names}")
        return broken
    if not isinstance(node, yaml.MappingNode):
        problems.add(_loc(shown, node.start_mark), None, "top level must be a mapping of field: value")
        return broken
    positions: dict[tuple, tuple] = {}
    walker = _Walker(shown, positions)
    doc = RawDoc(shown, ctype, doc_id, walker.value(node, (), 0), positions)
    if not walker.errors and _misread(node, ctype):
        # A value YAML read as a list where text was meant: say so on its line.
        found = _explained(text, shown, ctype, None)
        if found:
            problems.add(*found)
            return broken
    if walker.errors:
        problems.extend(walker.errors)
        return broken
    return doc


def _misread(node: Any, ctype: ContentType) -> bool:
    """Tell whether a field that holds text got a [list] or {mapping} written on its line."""
    for key_node, value_node in node.value:
        fdef = ctype.field(key_node.value) if isinstance(key_node, yaml.ScalarNode) else None
        if (fdef is not None and getattr(value_node, "flow_style", False)
                and fdef.kind.json_schema().get("type") == "string"):
            return True
    return False


def _explained(text: str, shown: str, ctype: ContentType, stop_line: int | None) -> tuple | None:
    """Return the problem as located and explained by yamlexplain, or None."""
    found = yamlexplain.explain(text, ctype, stop_line)
    if found is None:
        return None
    return Location(shown, found.line, found.col), found.field, found.message, found.hint


def _loc(shown: str, mark: Any) -> Location:
    return Location(shown, mark.line + 1, mark.column + 1)


def _anchor_errors(text: str, shown: str) -> list[SiteError]:
    # Report the first anchor and the first alias; a billion-laughs file has dozens.
    found: dict[str, list] = {"anchors": [], "aliases": []}
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.AliasEvent):
                found["aliases"].append(event)
            elif getattr(event, "anchor", None):
                found["anchors"].append(event)
    except yaml.YAMLError:
        pass  # compose() reports the syntax error with its position
    errors = []
    for kind, sign in (("anchors", "&"), ("aliases", "*")):
        events = found[kind]
        if events:
            more = f"; {len(events) - 1} more {kind} in this file" if len(events) > 1 else ""
            errors.append(SiteError(_loc(shown, events[0].start_mark), None,
                                    f"{kind} ({sign}{events[0].anchor}) are not allowed",
                                    "repeat the value instead" + more))
    return errors


_SYNTAX_HINTS = (
    ("mapping values are not allowed", "unquoted ': ' inside a value", 'wrap the value in "double quotes"'),
    ("cannot start any token", None, "tab character; YAML needs spaces for indentation"),
    ("found undefined alias", None, "aliases are not allowed; repeat the value instead"),
    ("exceeded maximum nesting depth", "nesting too deep", f"at most {MAX_DEPTH} levels"),
    ("could not find expected ':'", None, "each line needs 'field: value'; quote values that contain ': '"),
)


def _syntax_error(exc: yaml.MarkedYAMLError, shown: str, text: str) -> tuple:
    mark = exc.problem_mark or exc.context_mark
    message = exc.problem or "YAML syntax error"
    hint = None
    for needle, better, tip in _SYNTAX_HINTS:
        if needle in message:
            message, hint = better or message, tip
            break
    location = _loc(shown, mark) if mark else Location(shown, 1, 1)
    field_name = _field_on_line(text, location.line)
    return location, field_name, f"YAML syntax error: {message}", hint


def _character_error(exc: yaml.reader.ReaderError, shown: str, text: str) -> tuple:
    # libyaml counts the position in UTF-8 bytes; turn it into a line and column.
    raw = text.encode("utf-8")[: exc.position]
    line = raw.count(b"\n") + 1
    col = len(raw[raw.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
    code = ord(exc.character) if isinstance(exc.character, str) else exc.character
    return (Location(shown, line, col), _field_on_line(text, line),
            f"control character U+{code:04X} is not allowed", "delete it; it is invisible in most editors")


def _field_on_line(text: str, line: int) -> str | None:
    lines = text.splitlines()
    for number in range(min(line, len(lines)) - 1, -1, -1):
        candidate = lines[number]
        if candidate and not candidate[0].isspace() and ":" in candidate and not candidate.startswith(("#", "-")):
            return candidate.split(":", 1)[0].strip() or None
    return None


class _Walker:
    """Turn a composed node tree into plain data, recording positions and refusing
    explicit tags, reused nodes, non-string keys, duplicate keys and deep nesting."""

    def __init__(self, shown: str, positions: dict[tuple, tuple]):
        self.shown, self.positions, self.errors = shown, positions, []
        self.seen: set[int] = set()

    def fail(self, node: Any, message: str, hint: str | None = None, field_name: str | None = None) -> None:
        self.errors.append(SiteError(_loc(self.shown, node.start_mark), field_name, message, hint))

    def value(self, node: Any, path: tuple, depth: int) -> Any:
        if id(node) in self.seen:
            self.fail(node, "aliases are not allowed", "repeat the value instead", path_name(path))
            return None
        self.seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            self.fail(node, f"explicit tags are not allowed (found {node.tag})",
                      "includes and custom types are not supported", path_name(path))
            return None
        if depth > MAX_DEPTH:
            self.fail(node, "nesting too deep", None, path_name(path))
            return None
        if isinstance(node, yaml.ScalarNode):
            return node.value
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                line, col = child.start_mark.line + 1, child.start_mark.column + 1
                self.positions[path + (index,)] = (line, col, line, col, getattr(child, "style", None))
                items.append(self.value(child, path + (index,), depth + 1))
            return items
        return self.mapping(node, path, depth)

    def mapping(self, node: Any, path: tuple, depth: int) -> dict:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                self.fail(key_node, "keys must be plain words", None, path_name(path))
                continue
            key = key_node.value
            key_loc = _loc(self.shown, key_node.start_mark)
            if key == "<<":
                self.fail(key_node, "merge keys (<<) are not allowed", "repeat the fields instead", path_name(path))
                continue
            if key in first_line:
                self.errors.append(SiteError(key_loc, path_name(path + (key,)),
                                             f"duplicate key (first defined on line {first_line[key]})"))
                continue
            first_line[key] = key_loc.line
            mark = value_node.start_mark
            self.positions[path + (key,)] = (key_loc.line, key_loc.col, mark.line + 1, mark.column + 1,
                                             getattr(value_node, "style", None))
            result[key] = self.value(value_node, path + (key,), depth + 1)
        return result


def path_name(path: tuple) -> str | None:
    """Render a data path as a field name: ('participants', 1) -> 'participants[1]'."""
    if not path:
        return None
    text = str(path[0])
    for part in path[1:]:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text

