"""`python build.py new`: a commented file with every field, refusing bad or taken ids."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
from jsonschema import Draft202012Validator

from site_builder import BuildFailed, load_site
from site_builder.model.errors import Problems
from site_builder.tools.editor_schemas import all_schemas
from site_builder.core.loader import load_file
from site_builder.tools.scaffold import new_file
from site_builder.model.schema import CONTENT_TYPES, TYPES_BY_NAME

from ..conftest import MINIMAL, ROOT, write_tree

FILLED = {  # a valid value for each required field, to fill a scaffold in
    "name": "X", "role": "R", "country": "C", "summary": "S.", "title": "T", "publisher": "P", "kind": "press",
    "date": "2024-04-26", "location": "L", "status": "held", "term": "T", "definition": "D.",
    "participants": "[wang-yi]", "sources": "[src-a]",
}


@pytest.mark.parametrize("type_name", [t.name for t in CONTENT_TYPES])
def test_new_file_lists_every_field_required_first_each_with_a_comment(make_site, type_name):
    content = make_site()
    path = new_file(content, type_name, "fresh-entry")
    ctype = TYPES_BY_NAME[type_name]
    assert path == content / ctype.folder / "fresh-entry.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"# yaml-language-server: $schema=../../.cache/schemas/{type_name}.json"
    keys = [line[:-1] for line in lines if re.fullmatch(r"[a-z_]+:", line)]
    assert "draft: true" in lines
    assert keys == [f.name for f in sorted(ctype.fields, key=lambda f: not f.required) if f.name != "draft"]
    for key in keys:
        comment = lines[lines.index(f"{key}:") - 1]
        fdef = ctype.field(key)
        assert comment.startswith("# " + fdef.help.rstrip("."))
        assert ("required" if fdef.required else "optional") in comment


@pytest.mark.parametrize("type_name", [t.name for t in CONTENT_TYPES])
def test_a_new_file_is_a_draft_that_builds_and_lists_its_required_fields(make_site, type_name):
    content = make_site()
    new_file(content, type_name, "fresh-entry")
    site, _, notes = load_site(content, strict=True)   # a draft fails nothing, even under --strict
    assert "fresh-entry" not in site.by_id and "fresh-entry" in site.drafts
    mine = [p for p in notes if p.location.path.endswith("fresh-entry.yaml") and p.field]
    required = [f.name for f in TYPES_BY_NAME[type_name].fields if f.required]
    assert sorted(p.field for p in mine) == sorted(required)
    assert all(p.draft and p.message == "still empty" for p in mine)
    assert all(p.location.line > 1 for p in mine)  # each points at its own line
    with pytest.raises(BuildFailed) as failed:
        load_site(content, no_drafts=True)
    assert len(failed.value.problems) == len(required) + 1


@pytest.mark.parametrize("type_name", [t.name for t in CONTENT_TYPES])
def test_a_filled_in_new_file_builds_and_matches_its_schema(make_site, type_name):
    content = make_site()
    path = new_file(content, type_name, "fresh-entry")
    text = path.read_text(encoding="utf-8")
    for fdef in TYPES_BY_NAME[type_name].fields:
        if fdef.required:
            text = text.replace(f"\n{fdef.name}:\n", f"\n{fdef.name}: {FILLED[fdef.name]}\n")
    path.write_text(text.replace("\ndraft: true\n", "\n"), encoding="utf-8")
    site, _, _ = load_site(content)
    assert "fresh-entry" in site.by_id
    data = load_file(path, TYPES_BY_NAME[type_name], "fresh-entry", Problems()).data
    assert Draft202012Validator(all_schemas(content)[f"{type_name}.json"]).is_valid(data)


def test_an_id_used_by_any_type_is_refused_and_nothing_is_written(make_site):
    content = make_site()
    before = (content / "people/wang-yi.yaml").read_text()
    with pytest.raises(BuildFailed) as failed:
        new_file(content, "issue", "wang-yi")
    assert str(failed.value.problems[0]).endswith(
        "people/wang-yi.yaml: id 'wang-yi' is already used by a person "
        "(ids are unique across the whole site; choose another)")
    assert not (content / "issues/wang-yi.yaml").exists()
    assert (content / "people/wang-yi.yaml").read_text() == before


@pytest.mark.parametrize("bad", ["Wang-Yi", "wang_yi", "../x", "-x", "x--y", "", "a" * 81])
def test_an_invalid_id_is_refused(make_site, bad):
    content = make_site()
    with pytest.raises(BuildFailed) as failed:
        new_file(content, "person", bad)
    assert "cannot use this id" in str(failed.value)
    assert sorted(p.name for p in (content / "people").iterdir()) == ["antony-blinken.yaml", "wang-yi.yaml"]


def test_new_command_exit_codes(tmp_path):
    content = write_tree(tmp_path / "content", MINIMAL)
    run = lambda *args: subprocess.run([sys.executable, "build.py", "new", *args, "--content", str(content)],
                                       cwd=ROOT, capture_output=True, text=True)
    made = run("person", "zhou-enlai")
    assert made.returncode == 0 and (content / "people/zhou-enlai.yaml").is_file()
    taken = run("source", "zhou-enlai")
    assert taken.returncode == 1 and "already used by a person" in taken.stdout + taken.stderr
    assert run("person", "Zhou").returncode == 1
    assert run("planet", "mars").returncode == 2
