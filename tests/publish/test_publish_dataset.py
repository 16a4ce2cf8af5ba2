"""data.json holds every entity with every declared field, its references and
backlinks resolved to id, type, title and URL, in the shape the README documents."""
import json

import jsonschema
import pytest

from site_builder.model.schema import COMMON_FIELDS
from site_builder import Paths, build, load_site
from site_builder.speed.runner import FastRunner
from site_builder.speed.cache import Cache
from site_builder.model.kinds import Markdown, MarkdownList, MarkdownMap, Refs

from ..conftest import TEMPLATES
from ..publish_helpers import CONTENT, build_real

BASE = "https://user.github.io/repo/"
REF = {"type": "object", "required": ["id", "type", "title", "url"], "additionalProperties": False,
       "properties": {"id": {"type": "string"}, "type": {"type": "string"}, "title": {"type": "string"},
                      "url": {"type": "string", "pattern": "^" + BASE}}}
TEXT = {"type": "object", "required": ["markdown", "text"], "additionalProperties": False,
        "properties": {"markdown": {"type": "string"}, "text": {"type": "string"}}}


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> dict:
    out = build_real(tmp_path_factory.mktemp("data"), BASE)
    return json.loads((out / "data.json").read_text(encoding="utf-8"))


def field_schema(kind) -> dict:
    """Return the JSON Schema of one field as data.json writes it (the README's table)."""
    if isinstance(kind, Refs):
        return {"type": "array", "items": REF}
    if isinstance(kind, Markdown):
        return {"anyOf": [TEXT, {"type": "null"}]}
    if isinstance(kind, MarkdownList):
        return {"anyOf": [{"type": "array", "items": TEXT}, {"type": "null"}]}
    if isinstance(kind, MarkdownMap):
        item = {**TEXT, "required": ["label", *TEXT["required"]],
                "properties": {"label": {"type": "string"}, **TEXT["properties"]}}
        return {"anyOf": [{"type": "array", "items": item}, {"type": "null"}]}
    return {"anyOf": [kind.json_schema(), {"type": "null"}]}


def dataset_schema(types) -> dict:
    """Return a JSON Schema for data.json, derived from the content types in schema.py."""
    entities = {}
    for ctype in types:
        own = [f for f in ctype.fields if f not in COMMON_FIELDS]   # `draft`: data.json has no drafts
        fields = {"type": "object", "properties": {f.name: field_schema(f.kind) for f in own},
                  "required": [f.name for f in own], "additionalProperties": False}
        properties = {**REF["properties"], "type": {"const": ctype.name}, "when": {"type": "string"},
                      "fields": fields,
                      "links": {"type": "object", "additionalProperties": {"type": "array", "items": REF}}}
        entities[ctype.folder] = {"type": "array", "items": {
            "type": "object", "properties": properties, "additionalProperties": False,
            "required": ["id", "type", "title", "url", "fields", "links"]}}
    return {"type": "object", "required": ["version", "site", "types", "entities"],
            "properties": {"version": {"const": 1},
                           "entities": {"type": "object", "properties": entities, "additionalProperties": False,
                                        "required": list(entities)}}}


def test_data_json_fits_the_schema_derived_from_the_content_types(data):
    site, _, _ = load_site(CONTENT)
    jsonschema.validate(data, dataset_schema(site.types))


def test_every_entity_is_there_in_display_order(data):
    site, _, _ = load_site(CONTENT)
    for ctype in site.types:
        assert [e["id"] for e in data["entities"][ctype.folder]] == [e.id for e in site.by_type[ctype.name]]
    assert data["site"] == {"title": site.settings["title"], "description": site.settings["description"],
                            "language": site.settings["language"], "url": BASE}


def test_references_and_backlinks_are_resolved(data):
    records = {e["id"]: e for entities in data["entities"].values() for e in entities}
    site, _, _ = load_site(CONTENT)
    meeting = site.by_type["meeting"][0]
    record = records[meeting.id]
    assert [p["id"] for p in record["fields"]["participants"]] == list(meeting.values["participants"])
    for person in record["fields"]["participants"]:
        assert person == {"id": person["id"], "type": "person", "title": records[person["id"]]["title"],
                          "url": f"{BASE}people/{person['id']}/"}
        assert meeting.id in [m["id"] for m in records[person["id"]]["links"]["meetings"]]
    for source in site.by_type["source"]:
        assert {c["id"] for c in records[source.id]["links"]["cited_by"]} == {e.id for e in site.links_of(source)["cited_by"]}
    every_ref = [ref for r in records.values() for value in r["fields"].values() if isinstance(value, list)
                 for ref in value if isinstance(ref, dict) and "url" in ref]
    every_ref += [ref for r in records.values() for refs in r["links"].values() for ref in refs]
    assert every_ref and all(ref["id"] in records for ref in every_ref)


def test_values_are_plain_json_with_markdown_and_its_text(data):
    meeting = data["entities"]["meetings"][0]
    assert meeting["fields"]["date"] == meeting["when"][:10]
    assert "[[" in meeting["fields"]["summary"]["markdown"]
    assert "[[" not in meeting["fields"]["summary"]["text"] and meeting["fields"]["summary"]["text"]
    wang = next(p for p in data["entities"]["people"] if p["id"] == "wang-yi")
    assert wang["fields"]["native_name"] == "王毅"
    source = next(s for s in data["entities"]["sources"] if s["fields"]["url"])
    assert source["url"] == f"{BASE}sources/{source['id']}/" and source["fields"]["url"].startswith("https://")


@pytest.mark.parametrize("stored", [b"not zlib", b"", "text", 5, (b"x",), None])
def test_records_a_tampered_cache_holds_are_made_again(tmp_path, monkeypatch, stored):
    build(Paths(CONTENT, TEMPLATES, tmp_path / "plain"), base_url=BASE, search=False)
    build(Paths(CONTENT, TEMPLATES, tmp_path / "first"), base_url=BASE, search=False,
          runner=FastRunner(Cache(tmp_path / "cache")))
    real_get, hits = Cache.get, []

    def tampered_get(self, table, key, default=None):   # every record the cache holds is `stored`
        value = real_get(self, table, key, default)
        if table == "records" and value is not None:
            hits.append(key)
            return stored
        return value

    monkeypatch.setattr(Cache, "get", tampered_get)
    build(Paths(CONTENT, TEMPLATES, tmp_path / "second"), base_url=BASE, search=False,
          runner=FastRunner(Cache(tmp_path / "cache")))
    assert len(hits) > 100
    expected = (tmp_path / "plain" / "data.json").read_bytes()
    assert (tmp_path / "first" / "data.json").read_bytes() == expected
    assert (tmp_path / "second" / "data.json").read_bytes() == expected
