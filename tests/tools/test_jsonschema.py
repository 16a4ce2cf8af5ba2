"""The JSON Schemas for editors: valid, derived from the declarations, and in agreement with the builder."""
from __future__ import annotations

import json
import subprocess
import textwrap
import sys

import pytest
from jsonschema import Draft202012Validator

from site_builder import BuildFailed, load_site
from site_builder.model.translations import site_languages
from site_builder.model.errors import Problems
from site_builder.cli import main
from site_builder.pipeline import Paths
from site_builder.preview.rebuild import Previewer
from site_builder.tools.editor_schemas import all_schemas, known_ids, schemas_dir_for
from site_builder.core.loader import load_file
from site_builder.model.schema import CONTENT_TYPES, SITE, TYPES_BY_FOLDER

from ..conftest import MINIMAL, ROOT, write_tree

CONTENT = ROOT / "content"


def ids_offered(schema: dict, field: str) -> list[str]:
    """Return the ids the editor offers for a reference field (a required one also allows empty, for drafts)."""
    prop = schema["properties"][field]
    return next(branch for branch in (prop, *prop.get("anyOf", ())) if "items" in branch)["items"]["enum"]


def validator(schemas: dict[str, dict], type_name: str) -> Draft202012Validator:
    return Draft202012Validator(schemas[f"{type_name}.json"], format_checker=Draft202012Validator.FORMAT_CHECKER)


def as_builder_reads(path) -> dict:
    """Load a file the way the builder does (every scalar a string), as the YAML extension sees it."""
    ctype = SITE if path.name == "site.yaml" else TYPES_BY_FOLDER[path.parent.name]
    problems = Problems()
    doc = load_file(path, ctype, path.stem, problems)
    assert not problems.items, problems.items
    return doc.data


def test_every_schema_is_a_valid_json_schema():
    schemas = all_schemas(CONTENT)
    assert set(schemas) == {f"{t.name}{kind}.json" for t in (*CONTENT_TYPES, SITE) for kind in ("", ".translation")}
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)


def test_every_field_is_described_and_required_ones_come_first():
    for ctype in (*CONTENT_TYPES, SITE):
        schema = all_schemas(CONTENT)[f"{ctype.name}.json"]
        assert list(schema["properties"]) == [f.name for f in sorted(ctype.fields, key=lambda f: not f.required)]
        assert schema["required"] == [f.name for f in ctype.fields if f.required]
        assert all(prop["description"] == ctype.field(name).help for name, prop in schema["properties"].items())
        assert schema["additionalProperties"] is False


def test_references_list_the_ids_that_exist():
    meeting = all_schemas(CONTENT)["meeting.json"]
    people = sorted(p.stem for p in (CONTENT / "people").glob("*.yaml"))
    assert ids_offered(meeting, "participants") == people
    assert known_ids(CONTENT)["source"] == sorted(p.stem for p in (CONTENT / "sources").glob("*.yaml"))


def test_the_real_content_validates_against_its_schemas():
    schemas = all_schemas(CONTENT)
    files = sorted(CONTENT.rglob("*.yaml"))
    assert len(files) > 10
    for path in files:
        ctype = SITE if path.name == "site.yaml" else TYPES_BY_FOLDER[path.parent.name]
        translation = path.relative_to(CONTENT).parts[0] in site_languages(load_site(CONTENT)[0].settings)
        name = f"{ctype.name}.translation" if translation else ctype.name
        errors = [e.message for e in validator(schemas, name).iter_errors(as_builder_reads(path))]
        assert errors == [], f"{path}: {errors}"


def _without_ids(schema: dict) -> dict:
    schema = json.loads(json.dumps(schema))
    for prop in schema["properties"].values():
        for branch in (prop, *prop.get("anyOf", ())):
            if isinstance(branch.get("items"), dict):
                branch["items"].pop("enum", None)
    return schema


def test_a_new_draft_fits_its_schema_and_a_published_entry_with_empty_fields_does_not(make_site):
    from site_builder.tools.scaffold import new_file
    content = make_site()
    path = new_file(content, "meeting", "fresh-meeting")
    data = load_file(path, TYPES_BY_FOLDER["meetings"], "fresh-meeting", Problems()).data
    check = validator(all_schemas(content), "meeting")
    assert list(check.iter_errors(data)) == []
    assert not check.is_valid({**data, "draft": "false"})


def test_schemas_are_written_where_git_ignores_them_and_nothing_tracked_changes():
    """No schemas are committed: they would go stale with every new id. `build.py schema` (and every
    build and serve rebuild) writes them into .cache/schemas/, which git ignores."""
    assert not (ROOT / "schemas").exists()
    done = subprocess.run([sys.executable, "build.py", "schema"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("wrote 14 schemas into .cache/schemas ")
    assert schemas_dir_for(CONTENT) == ROOT / ".cache" / "schemas"
    for name, schema in all_schemas(CONTENT).items():
        assert json.loads((ROOT / ".cache/schemas" / name).read_text(encoding="utf-8")) == schema
    ignored = subprocess.run(["git", "check-ignore", "-q", ".cache/schemas/meeting.json"], cwd=ROOT)
    assert ignored.returncode == 0
    changed = subprocess.run(["git", "status", "--porcelain", "--", ".cache", ".vscode", "schemas"], cwd=ROOT,
                             capture_output=True, text=True).stdout
    assert changed == ""


def test_a_build_writes_the_schemas_beside_its_content(make_site):
    content = make_site()
    out = content.parent / "out"
    assert main(["build", "--content", str(content), "--out", str(out), "--no-search", "--no-cache"]) == 0
    assert sorted(p.name for p in (content.parent / ".cache/schemas").iterdir()) == sorted(all_schemas(content))


def test_a_person_added_while_serving_is_known_to_the_schema_the_editor_loads(make_site):
    content = make_site()
    preview = Previewer(Paths(content, ROOT / "templates", content.parent / "out"), say=lambda line: None)
    preview.build_now()
    write_tree(content, {"people/jen-daskal.yaml": "name: Jen Daskal\nrole: R\ncountry: US\nsummary: S.\n"})
    meeting = content / "meetings/talks.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("- wang-yi", "- jen-daskal"), encoding="utf-8")
    preview.build_now()   # what a save does while serving
    preview.stop()
    editor = settings_schemas(content.parent)["content/meetings/*.yaml"]
    data = load_file(meeting, TYPES_BY_FOLDER["meetings"], "talks", Problems()).data
    assert list(Draft202012Validator(editor).iter_errors(data)) == []
    assert "jen-daskal" in ids_offered(editor, "participants")


def settings_schemas(root) -> dict[str, dict]:
    """Return {file glob: schema} as VS Code loads them through .vscode/settings.json from root."""
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    return {glob: json.loads((root / path).read_text(encoding="utf-8"))
            for path, (glob,) in settings["yaml.schemas"].items()}


def test_vscode_settings_map_every_type_to_its_schema():
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    expected = {f"./.cache/schemas/{t.name}.json": [f"content/{t.folder}/*.yaml"] for t in CONTENT_TYPES}
    expected["./.cache/schemas/site.json"] = ["content/site.yaml"]
    # Translations: content/<language>/<folder>/<id>.yaml and content/<language>/site.yaml.
    expected.update({f"./.cache/schemas/{t.name}.translation.json": [f"content/*/{t.folder}/*.yaml"] for t in CONTENT_TYPES})
    expected["./.cache/schemas/site.translation.json"] = ["content/*/site.yaml"]
    assert settings["yaml.schemas"] == expected


def _plain(name: str) -> str:
    return textwrap.dedent(MINIMAL[name]).lstrip()


# The builder and the schema must agree: each case is one file of MINIMAL replaced.
BAD = {
    "unknown field": ("people/wang-yi.yaml", _plain("people/wang-yi.yaml") + "titel: x\n"),
    "missing required": ("people/wang-yi.yaml", "name: Wang Yi\nrole: FM\ncountry: China\n"),
    "empty required": ("sources/src-a.yaml", "title: An article\npublisher:\nkind: press\n"),
    "bad date": ("meetings/talks.yaml", _plain("meetings/talks.yaml").replace("2024-04-26", "26/04/2024")),
    "bad choice": ("meetings/talks.yaml", _plain("meetings/talks.yaml").replace("status: held", "status: done")),
    "unknown person": ("meetings/talks.yaml", _plain("meetings/talks.yaml").replace("- wang-yi", "- wang-yii")),
    "scalar for list": ("issues/fentanyl.yaml", "title: Fentanyl\nsummary: S.\nsources: src-a\n"),
    "listed twice": ("issues/fentanyl.yaml", "title: F\nsummary: S.\nsources:\n  - src-a\n  - src-a\n"),
    "no sources": ("issues/fentanyl.yaml", "title: F\nsummary: S.\nsources: []\n"),
    "bad url": ("sources/src-a.yaml", "title: T\npublisher: P\nkind: press\nurl: ftp://example.org/x\n"),
    "bad time": ("meetings/talks.yaml", _plain("meetings/talks.yaml") + "time: 9am\ntimezone: Asia/Shanghai\n"),
    "time without zone": ("meetings/talks.yaml", _plain("meetings/talks.yaml") + "time: '09:30'\n"),
    "list for text": ("people/wang-yi.yaml", _plain("people/wang-yi.yaml").replace("role: Foreign Minister",
                                                                                    "role: [a, b]")),
}
GOOD = {
    "optional left empty": ("people/wang-yi.yaml", _plain("people/wang-yi.yaml") + "organization:\nbody: ''\n"),
    "time with zone": ("meetings/talks.yaml", _plain("meetings/talks.yaml") + "time: '09:30'\ntimezone: Asia/Shanghai\n"),
    "source with url": ("sources/src-a.yaml", "title: T\npublisher: P\nurl: https://example.org/x\nkind: official\n"),
}


def _verdicts(make_site, name: str, text: str) -> tuple[bool, bool]:
    content = make_site({name: text})
    try:
        load_site(content)
        builder_ok = True
    except BuildFailed as failed:
        assert not any("YAML syntax" in p.message for p in failed.problems)
        builder_ok = not any(name in p.location.path for p in failed.problems)
    path = content / name
    data = load_file(path, TYPES_BY_FOLDER[path.parent.name], path.stem, Problems()).data
    schema_ok = validator(all_schemas(content), TYPES_BY_FOLDER[path.parent.name].name).is_valid(data)
    return builder_ok, schema_ok


@pytest.mark.parametrize("case", sorted(BAD))
def test_builder_and_schema_both_refuse(make_site, case):
    assert _verdicts(make_site, *BAD[case]) == (False, False)


@pytest.mark.parametrize("case", sorted(GOOD))
def test_builder_and_schema_both_accept(make_site, case):
    assert _verdicts(make_site, *GOOD[case]) == (True, True)


def test_schema_command_writes_one_file_per_type(tmp_path):
    content = write_tree(tmp_path / "content", MINIMAL)
    result = subprocess.run([sys.executable, "build.py", "schema", "--content", str(content),
                             "--schemas", str(tmp_path / "schemas")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert written == sorted(f"{t.name}{kind}.json" for t in (*CONTENT_TYPES, SITE) for kind in ("", ".translation"))
    person = json.loads((tmp_path / "schemas" / "meeting.json").read_text())
    assert ids_offered(person, "participants") == ["antony-blinken", "wang-yi"]
