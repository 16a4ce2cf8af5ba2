"""Export the whole dataset as data.json: every entity, every field, with each
reference and backlink resolved to the id, type, title and URL of its target.

An entity's own id, type, title and page URL stand beside its `fields` (named as
in schema.py, so a field called `url` never hides the page's URL) and `links`.

Field values follow the declarations in schema.py (Markdown as written, less what
its page does not show, plus its plain text). Works on linked entities and their views; every URL comes from
urls.py. Knows nothing about Jinja or the disk.
"""
from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any, Callable
from zoneinfo import ZoneInfo

from ..model.entities import Entity, Links, Site
from ..model import urls
from ..model.schema import COMMON_FIELDS
from ..model.kinds import MARKDOWN_MAX, Markdown, MarkdownList, MarkdownMap, Refs
from ..core.markup import shown_markdown
from ..core.views import entity_path, plain_text

FORMAT_VERSION = 1


def dataset_json(site: Site, views: dict[str, dict[str, Any]], base_url: str,
                 encode: Callable[[Entity, Links, dict[str, Any], str], bytes] | None = None) -> bytes:
    """Return data.json: the site's settings and every entity by folder, in display order.

    `encode(entity, links, view, base_url)` gives one entity's JSON, by default record_json
    (publish.py passes one that reuses the records of unchanged entities)."""
    encode = encode or record_json
    head = {
        "version": FORMAT_VERSION,
        "site": {"title": site.settings.get("title"), "description": site.settings.get("description"),
                 "language": site.settings.get("language"), "url": urls.absolute("/", base_url)},
        "types": {t.folder: {"type": t.name, "label": t.label, "plural": t.plural, "description": t.description}
                  for t in site.types},
    }
    # Compact JSON (the C encoder; indenting would use the pure-Python one), one entity at
    # a time, so the records of a large site never exist all at once as Python objects,
    # and as bytes, so the whole text never exists both as str and as bytes. Each record
    # goes into one growing buffer and is dropped: the text is never held twice, as
    # records and joined (getvalue() hands over the buffer without a copy).
    out = io.BytesIO()
    out.write(_dumps(head)[:-1] + b',"entities":{')
    for n, ctype in enumerate(site.types):
        out.write(b"," * bool(n) + _dumps(ctype.folder) + b":[")
        for i, entity in enumerate(site.by_type[ctype.name]):
            if i:
                out.write(b",")
            out.write(encode(entity, site.links_of(entity), views[entity.id], base_url))
        out.write(b"]")
    out.write(b"}}\n")
    return out.getvalue()


def record_json(entity: Entity, links: Links, view: dict[str, Any], base_url: str) -> bytes:
    """Return one entity's record (see record()) as compact JSON."""
    return _dumps(record(entity, links, view, base_url))


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def reference(entity: Entity, base_url: str) -> dict[str, str]:
    """Return how data.json points at an entity: id, type, title and URL."""
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
