"""Export the whole dataset for reuse: data.json, an index of the site and of every data
file, and each content type's entities in data files of at most FILE_BUDGET bytes, every
entity with every field, each reference and backlink resolved to the id, type, title and
URL of its target.

An entity's own id, type, title and page URL stand beside its `fields` (named as
in schema.py, so a field called `url` never hides the page's URL) and `links`.

Field values follow the declarations in schema.py (Markdown as written, less what
its page does not show, plus its plain text). Works on linked entities and their views; every URL comes from
urls.py. Knows nothing about Jinja or the disk.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable, TypeVar
from zoneinfo import ZoneInfo

from ..model.entities import Entity, Links, Site
from ..model import urls
from ..model.hashing import digest
from ..model.schema import COMMON_FIELDS, ContentType
from ..model.kinds import MARKDOWN_MAX, Markdown, MarkdownList, MarkdownMap, Refs
from ..core.markup import shown_markdown
from ..core.views import entity_path, plain_text

T = TypeVar("T")
FORMAT_VERSION = 2
# Bytes. No data file is larger, except one that holds a single entity whose record alone is
# (issue 23: data.json was 75 MB at the benchmark's large preset).
FILE_BUDGET = 1_000_000
# How a type's entities are cut into files, so that an edit rewrites one file and not every
# file after it (issue 23). Entities go in id order; a run of them ends after each entity
# whose id's digest is divisible by RUN (one in RUN, on average: about 100 kB of meetings at
# the large preset). A run larger than the budget is cut the same way with RUN / 2, and a
# piece still larger with RUN / 4, and so on down to one entity a file. Where a file ends thus
# depends on ids alone (and on whether its run fits), so an edit changes only its own file
# (its run's files when it takes the run across the budget), and an added or deleted entity
# only the file it falls in: cutting at a fixed count of entities would move every later
# entity when one is added, cutting greedily by bytes every later entity when one grows. A
# file is named by its first id, not numbered, so that a new file renames no other.
RUN = 16


@dataclass(frozen=True, slots=True)
class DataFile:
    """One data file of a content type: its URL path, the first and last id it holds and how many."""

    path: str
    first: str
    last: str
    count: int


# The data files of a run, each with its bytes (None: kept as the last build wrote it, output.py).
RunFiles = list[tuple[DataFile, bytes | None]]


def dataset_files(site: Site, views: dict[str, dict[str, Any]], base_url: str, budget: int = FILE_BUDGET,
                  make_run: Callable[[ContentType, list[Entity]], RunFiles] | None = None
                  ) -> list[tuple[str, bytes | None]]:
    """Return (output file, bytes) of data.json and of every data file, type by type in id order.

    `make_run(ctype, run)` gives the files of one run of entities (see RUN), by default
    run_files over record_json (files.py passes one that keeps the files of unchanged runs)."""
    def fresh(ctype: ContentType, run: list[Entity]) -> RunFiles:
        records = [(e.id, record_json(e, site.links_of(e), views[e.id], base_url)) for e in run]
        return run_files(ctype.folder, records, budget)

    make_run = make_run or fresh
    listed: dict[str, list[DataFile]] = {}
    files: list[tuple[str, bytes | None]] = []
    for ctype in site.types:
        listed[ctype.folder] = []
        for run in data_runs(site.by_type[ctype.name]):
            for file, data in make_run(ctype, run):
                listed[ctype.folder].append(file)
                files.append((urls.output_file(file.path), data))
    return [(urls.output_file(urls.DATA_INDEX_PATH), index_json(site, base_url, listed)), *files]


def data_runs(entities: Iterable[Entity]) -> list[list[Entity]]:
    """Return entities in id order, cut after each one whose id's digest is divisible by RUN."""
    return _cut(sorted(entities, key=lambda e: e.id), RUN, lambda e: e.id)


def run_files(folder: str, records: list[tuple[str, bytes]], budget: int, step: int = RUN
              ) -> list[tuple[DataFile, bytes]]:
    """Return the data files of one run of (id, record JSON): one file when it fits in
    `budget` bytes, else the files of its pieces cut at step / 2 (see RUN); one record
    larger than the budget gets a file of its own."""
    head = _dumps({"version": FORMAT_VERSION, "folder": folder})[:-1] + b',"entities":['
    tail = b"]}\n"
    size = len(head) + sum(len(data) + 1 for _, data in records) - 1 + len(tail)
    if size <= budget or len(records) == 1:
        ids = [entity_id for entity_id, _ in records]
        path = urls.data_file_path(folder, ids[0])
        return [(DataFile(path, ids[0], ids[-1], len(ids)), head + b",".join(data for _, data in records) + tail)]
    half = max(1, step // 2)
    return [file for piece in _cut(records, half, lambda record: record[0])
            for file in run_files(folder, piece, budget, half)]


def _cut(items: list[T], step: int, id_of: Callable[[T], str]) -> list[list[T]]:
    """Cut items (in id order) after each one whose id's digest is divisible by step."""
    pieces: list[list[T]] = [[]]
    for item in items:
        pieces[-1].append(item)
        if int(digest(id_of(item)), 16) % step == 0:
            pieces.append([])
    return [piece for piece in pieces if piece]


def index_json(site: Site, base_url: str, listed: dict[str, list[DataFile]]) -> bytes:
    """Return data.json: the site's settings and, for each content type, its data files in id order."""
    index = {
        "version": FORMAT_VERSION,
        "site": {"title": site.settings.get("title"), "description": site.settings.get("description"),
                 "language": site.settings.get("language"), "url": urls.absolute("/", base_url)},
        "types": {t.folder: {"type": t.name, "label": t.label, "plural": t.plural, "description": t.description,
                             "count": sum(f.count for f in listed[t.folder]),
                             "files": [{"url": urls.absolute(f.path, base_url), "first": f.first, "last": f.last,
                                        "count": f.count} for f in listed[t.folder]]}
                  for t in site.types},
    }
    return _dumps(index) + b"\n"


def record_json(entity: Entity, links: Links, view: dict[str, Any], base_url: str) -> bytes:
    """Return one entity's record (see record()) as compact JSON."""
    return _dumps(record(entity, links, view, base_url))


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def reference(entity: Entity, base_url: str) -> dict[str, str]:
    """Return how the data files point at an entity: id, type, title and URL."""
    return {"id": entity.id, "type": entity.type.name, "title": entity.title,
            "url": urls.absolute(entity_path(entity), base_url)}


def record(entity: Entity, links: Links, view: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Return one entity: where its page is, every declared field (null when unset), its other links."""
    out: dict[str, Any] = reference(entity, base_url)
    if view.get("when"):
        out["when"] = view["when"]["iso"]
    fields: dict[str, Any] = {}
    for fdef in entity.type.fields:
        if fdef in COMMON_FIELDS:
            continue   # draft: published entities are never drafts
        if isinstance(fdef.kind, Refs):
            fields[fdef.name] = [reference(e, base_url) for e in links.get(fdef.name, ())]
        else:
            fields[fdef.name] = field_value(entity.values.get(fdef.name), fdef.kind, view.get(fdef.name))
    out["fields"] = fields
    out["links"] = {name: [reference(e, base_url) for e in items]
                    for name, items in links.items() if name not in fields}
    return out


def field_value(value: Any, kind: object, shown: Any) -> Any:
    """Return a field's value as JSON; Markdown keeps its source and gains its plain text."""
    if value is None:
        return None
    if isinstance(kind, Markdown):
        return _text(value, shown)
    if isinstance(kind, MarkdownList):
        return [_text(text, html) for text, html in zip(value, shown)]
    if isinstance(kind, MarkdownMap):
        return [{"label": label, **_text(text, item["html"])} for (label, text), item in zip(value, shown)]
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, ZoneInfo):
        return value.key
    return value


def _text(markdown: str, html: Any) -> dict[str, str]:
    # The source as its page shows it: no HTML comment, no unused reference (issue 21 #10).
    return {"markdown": shown_markdown(markdown), "text": plain_text(html, MARKDOWN_MAX * 2)}
