"""data.json indexes the data files, which hold every entity with every declared field,
its references and backlinks resolved to id, type, title and URL, in the shape the docs
describe; no data file exceeds the budget, and an edit rewrites only the data file of the
entity edited (and the index when what it lists changes)."""
import dataclasses
import json
import os
import shutil
import zlib

import jsonschema
import pytest

from benchmarks.corpus import generate, write_content
from site_builder.model.schema import COMMON_FIELDS
from site_builder import Paths, build, load_site
from site_builder.model import urls
from site_builder.pipeline import make_views
from site_builder.publish import dataset
from site_builder.publish.dataset import data_runs, dataset_files, run_files
from site_builder.speed.runner import FastRunner
from site_builder.speed.cache import Cache
from site_builder.model.kinds import Markdown, MarkdownList, MarkdownMap, Refs

from ..conftest import TEMPLATES
from ..publish_helpers import CONTENT, build_real, data_entities, data_file, data_index

BASE = "https://user.github.io/repo/"
REF = {"type": "object", "required": ["id", "type", "title", "url"], "additionalProperties": False,
       "properties": {"id": {"type": "string"}, "type": {"type": "string"}, "title": {"type": "string"},
                      "url": {"type": "string", "pattern": "^" + BASE}}}
TEXT = {"type": "object", "required": ["markdown", "text"], "additionalProperties": False,
        "properties": {"markdown": {"type": "string"}, "text": {"type": "string"}}}
SMALL_BUDGET = 20_000   # bytes: cuts the benchmark's small corpus (about 1 MB of data) into many files


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return build_real(tmp_path_factory.mktemp("data"), BASE)


@pytest.fixture(scope="module")
def data(out) -> dict[str, list[dict]]:
    return data_entities(out)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The benchmark's small corpus, written once: (content folder, site, views)."""
    content = tmp_path_factory.mktemp("small") / "content"
    write_content(generate("small"), content)
    site, settings, _ = load_site(content)
    return content, site, make_views(site, settings, BASE)


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


def record_schema(ctype) -> dict:
    """Return a JSON Schema for one entity's record, derived from its content type in schema.py."""
    own = [f for f in ctype.fields if f not in COMMON_FIELDS]   # `draft`: the data has no drafts
    fields = {"type": "object", "properties": {f.name: field_schema(f.kind) for f in own},
              "required": [f.name for f in own], "additionalProperties": False}
    properties = {**REF["properties"], "type": {"const": ctype.name}, "when": {"type": "string"},
                  "fields": fields,
                  "links": {"type": "object", "additionalProperties": {"type": "array", "items": REF}}}
    return {"type": "object", "properties": properties, "additionalProperties": False,
            "required": ["id", "type", "title", "url", "fields", "links"]}


def index_schema(types) -> dict:
    """Return a JSON Schema for data.json, the index."""
    listed = {"type": "object", "required": ["url", "first", "last", "count"], "additionalProperties": False,
              "properties": {"url": {"type": "string", "pattern": f"^{BASE}data/.+\\.json$"},
                             "first": {"type": "string"}, "last": {"type": "string"},
                             "count": {"type": "integer", "minimum": 1}}}
    about = {t.folder: {"type": "object", "additionalProperties": False,
                        "required": ["type", "label", "plural", "description", "count", "files"],
                        "properties": {"type": {"const": t.name}, "label": {"type": "string"},
                                       "plural": {"type": "string"}, "description": {"type": "string"},
                                       "count": {"type": "integer"}, "files": {"type": "array", "items": listed}}}
             for t in types}
    return {"type": "object", "required": ["version", "site", "types"], "additionalProperties": False,
            "properties": {"version": {"const": 2}, "site": {"type": "object"},
                           "types": {"type": "object", "properties": about, "additionalProperties": False,
                                     "required": list(about)}}}


def test_data_json_and_every_data_file_fit_the_schema_derived_from_the_content_types(out):
    site, _, _ = load_site(CONTENT)
    index = data_index(out)
    jsonschema.validate(index, index_schema(site.types))
    for ctype in site.types:
        for listed in index["types"][ctype.folder]["files"]:
            jsonschema.validate(json.loads(data_file(out, listed["url"]).read_bytes()), {
                "type": "object", "required": ["version", "folder", "entities"], "additionalProperties": False,
                "properties": {"version": {"const": 2}, "folder": {"const": ctype.folder},
                               "entities": {"type": "array", "items": record_schema(ctype)}}})


def test_every_entity_is_there_once_in_id_order_and_the_index_says_where(out, data):
    site, _, _ = load_site(CONTENT)
    index = data_index(out)
    for ctype in site.types:
        assert [e["id"] for e in data[ctype.folder]] == sorted(e.id for e in site.by_type[ctype.name])
        about = index["types"][ctype.folder]
        assert about["count"] == len(site.by_type[ctype.name])
        for listed in about["files"]:
            ids = [e["id"] for e in json.loads(data_file(out, listed["url"]).read_bytes())["entities"]]
            assert (listed["first"], listed["last"], listed["count"]) == (ids[0], ids[-1], len(ids))
            assert listed["url"] == urls.absolute(urls.data_file_path(ctype.folder, ids[0]), BASE)
    listed = {data_file(out, f["url"]) for about in index["types"].values() for f in about["files"]}
    assert listed == set((out / "data").rglob("*.json"))   # no data file that the index does not list
    assert index["site"] == {"title": site.settings["title"], "description": site.settings["description"],
                             "language": site.settings["language"], "url": BASE}


def data_snapshot(out) -> dict[str, bytes]:
    files = [out / "data.json", *(out / "data").rglob("*")]
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(files) if p.is_file()}


@pytest.mark.parametrize("table, stored", [
    ("data", b"not zlib"), ("data", ()), ("data", (("/data/meetings/x.json", "x", "x", 1, "0" * 40, b"not zlib"),)),
    ("data", (("/data/meetings/x.json", "x", "x", 1, "0" * 40, zlib.compress(b"{}")),)), ("data", ()),
    ("files", (0, 0)), ("files", "text")])
def test_data_files_a_tampered_cache_holds_are_made_again(out, tmp_path, monkeypatch, table, stored):
    build(Paths(CONTENT, TEMPLATES, tmp_path / "first"), base_url=BASE, search=False,
          runner=FastRunner(Cache(tmp_path / "cache")))
    real_get, hits = Cache.get, []

    def tampered_get(self, name, key, default=None):   # every entry of the table is `stored`
        value = real_get(self, name, key, default)
        if name == table and value is not None:
            hits.append(key)
            return stored
        return value

    monkeypatch.setattr(Cache, "get", tampered_get)
    (tmp_path / "first" / "robots.txt").unlink()   # so that the up-to-date check cannot skip the build
    for folder in ("second", "first"):   # a new output folder, and the one the cache describes
        build(Paths(CONTENT, TEMPLATES, tmp_path / folder), base_url=BASE, search=False,
              runner=FastRunner(Cache(tmp_path / "cache")))
    assert len(hits) > 10
    expected = data_snapshot(out)   # made by the plain runner
    assert len(expected) > 10
    assert data_snapshot(tmp_path / "first") == expected
    assert data_snapshot(tmp_path / "second") == expected


def test_no_data_file_exceeds_the_budget_and_each_entity_is_in_exactly_one(small):
    _, site, views = small
    files = dict(dataset_files(site, views, BASE, SMALL_BUDGET))
    index = json.loads(files.pop("data.json"))
    listed = [(folder, f) for folder, about in index["types"].items() for f in about["files"]]
    assert sorted(urls.output_file(urls.data_file_path(folder, f["first"])) for folder, f in listed) == sorted(files)
    assert len(index["types"]["meetings"]["files"]) > 10   # a corpus that needs many files
    seen: list[str] = []
    for name, data in files.items():
        entities = json.loads(data)["entities"]
        seen += [e["id"] for e in entities]
        # Only a file of one entity may be larger: one record is never cut.
        assert len(data) <= SMALL_BUDGET or len(entities) == 1, name
    assert sorted(seen) == sorted(e.id for e in site.by_id.values())
    assert len(seen) == len(set(seen))
    for folder, about in index["types"].items():
        ranges = [(f["first"], f["last"]) for f in about["files"]]
        assert all(first <= last < after for (first, last), (after, _) in zip(ranges, ranges[1:]))
        assert about["count"] == sum(f["count"] for f in about["files"])


def test_a_run_too_large_is_cut_into_files_and_a_record_larger_than_the_budget_has_one_alone():
    records = [(f"e{n:02}", b'{"id":"e%02d"}' % n) for n in range(40)]
    records[7] = ("e07", b'{"id":"e07","note":"%s"}' % (b"x" * 300))
    assert len(run_files("things", records, 10_000)) == 1   # fits: one file
    made = run_files("things", records, 100)
    assert [e["id"] for _, data in made for e in json.loads(data)["entities"]] == [i for i, _ in records]
    assert [(f.first, f.count) for f, _ in made if f.first <= "e07" <= f.last] == [("e07", 1)]
    assert all(len(data) <= 100 for f, data in made if f.first != "e07")
    assert json.loads(made[-1][1])["folder"] == "things" and made[-1][0].last == "e39"


def test_an_added_entity_changes_only_the_run_it_falls_in(small):
    _, site, _ = small
    before = [[e.id for e in run] for run in data_runs(site.by_type["meeting"])]
    assert len(before) > 4
    extra = site.by_type["meeting"][0]
    for new_id in ("aaa-first", "mmm-middle", "zzz-last", before[2][0] + "-x"):
        added = dataclasses.replace(extra, id=new_id)
        after = [[e.id for e in run] for run in data_runs([*site.by_type["meeting"], added])]
        changed = [run for run in after if run not in before]
        kept = [run for run in after if run in before]
        assert len(kept) >= len(before) - 1 and sum(len(run) for run in changed) <= \
            max(len(run) for run in before) + 1
        assert any(new_id in run for run in changed)


def _builder(corpus, tmp_path, search: bool = False):
    """Copy the corpus into tmp_path/content; return it and a build of it with a cache."""
    content = tmp_path / "content"
    shutil.copytree(corpus, content)
    paths = Paths(content, TEMPLATES, tmp_path / "_site")
    return content, lambda: build(paths, base_url=BASE, search=search, runner=FastRunner(Cache(tmp_path / "cache")))


def _stamps(out) -> dict[str, tuple[bytes, int]]:
    return {name: (data, os.stat(out / name).st_mtime_ns) for name, data in data_snapshot(out).items()}


@pytest.mark.parametrize("search", [False, True])
def test_an_edit_rewrites_only_the_data_file_of_the_entity_edited(small, tmp_path, monkeypatch, search):
    corpus, site, _ = small
    content, run = _builder(corpus, tmp_path, search)
    monkeypatch.setattr(dataset, "FILE_BUDGET", SMALL_BUDGET)
    run()
    before = _stamps(tmp_path / "_site")
    assert len(before) > 20
    # A meeting's summary: its own record changes, no other (the others show its title only).
    meeting = sorted(site.by_type["meeting"], key=lambda e: e.id)[len(site.by_type["meeting"]) // 2]
    path = content / "meetings" / f"{meeting.id}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("summary: ", "summary: Newly noted. ", 1),
                    encoding="utf-8")
    run()
    after = _stamps(tmp_path / "_site")
    changed = sorted(name for name in after if after[name] != before.get(name))
    holder = next(name for name in after if name.startswith("data/meetings/")
                  and meeting.id in [e["id"] for e in json.loads(after[name][0])["entities"]])
    assert changed == [holder] and after[holder][0] != before[holder][0]
    assert after.keys() == before.keys()
    # The same bytes as a plain build of the edited content.
    build(Paths(content, TEMPLATES, tmp_path / "plain"), base_url=BASE, search=False)
    assert {name: data for name, (data, _) in after.items()} == data_snapshot(tmp_path / "plain")


def test_an_added_or_deleted_entity_changes_its_data_file_and_the_index_only(small, tmp_path, monkeypatch):
    content, run = _builder(small[0], tmp_path)
    (content / "terms").mkdir()
    for n in range(200):   # glossary terms that nothing links to, in several files
        (content / "terms" / f"term-{n:03}.yaml").write_text(f"term: Term {n}\ndefinition: Word {n}. " + "x" * 300)
    monkeypatch.setattr(dataset, "FILE_BUDGET", SMALL_BUDGET // 4)
    run()
    files = data_index(tmp_path / "_site")["types"]["terms"]["files"]
    assert len(files) > 5
    for change in ("delete", "add"):
        before = _stamps(tmp_path / "_site")
        if change == "delete":
            (content / "terms" / "term-100.yaml").unlink()
        else:
            (content / "terms" / "term-100a.yaml").write_text("term: Term 100a\ndefinition: A new word.\n")
        run()
        after = _stamps(tmp_path / "_site")
        changed = sorted(name for name in set(after) | set(before) if after.get(name) != before.get(name))
        # The index, and the file the term is (or was) in, or two when it starts a file of its own.
        assert "data.json" in changed and 2 <= len(changed) <= 3, changed
        assert all(name == "data.json" or name.startswith("data/terms/") for name in changed), changed
