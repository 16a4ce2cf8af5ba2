"""Loading YAML: every plain value a string, positions kept, unsafe constructs refused."""
from pathlib import Path

from site_builder.model.errors import Problems
from site_builder.core.loader import load_file, parse
from site_builder.model.schema import PERSON


def load(text: str, name: str = "people/x.yaml"):
    problems = Problems()
    doc = parse(text, name, PERSON, "x", problems)
    return doc, [str(p) for p in problems.items]


def test_plain_values_stay_strings():
    doc, errors = load("country: NO\nrole: 010\nname: 10:30\nsummary: yes\nbody: 1.10\n")
    assert errors == []
    assert doc.data == {"country": "NO", "role": "010", "name": "10:30", "summary": "yes", "body": "1.10"}


def test_positions_of_keys_values_and_list_items():
    doc, _ = load("name: Wang Yi\nsources:\n  - a\n  - b\n")
    assert (doc.at("name").line, doc.at("name").col) == (1, 7)
    assert (doc.at("sources", 1).line, doc.at("sources", 1).col) == (4, 5)
    assert doc.at("sources", key=True).line == 2


def test_duplicate_key_names_both_lines():
    _, errors = load("name: Wang Yi\nrole: FM\nname: Wang Xiaohong\n", "people/wang-yi.yaml")
    assert errors == ["people/wang-yi.yaml:3:1: name: duplicate key (first defined on line 1)"]


def test_unquoted_colon_is_a_syntax_error_with_line_and_hint():
    _, errors = load("name: Wang Yi\nrole: Minister: foreign affairs\n")
    assert errors == ['people/x.yaml:2:7: role: the value contains \': \', which YAML reads as a new field '
                      '(put the whole value in quotes: role: "Minister: foreign affairs")']


def test_tab_indentation_is_explained():
    _, errors = load("name:\tWang Yi\nsources:\n\t- a\n")
    assert errors == ["people/x.yaml:3:1: sources: a tab is used to indent this line; YAML needs spaces "
                      "(replace the tab with spaces: - a)"]


def test_explicit_tags_are_refused():
    _, errors = load("name: !!python/object/apply:os.system ['id']\n")
    assert errors == ["people/x.yaml:1:7: name: explicit tags are not allowed "
                      "(found tag:yaml.org,2002:python/object/apply:os.system) "
                      "(includes and custom types are not supported)"]


def test_anchors_and_aliases_are_refused():
    _, errors = load("name: &n Wang Yi\nrole: *n\n")
    assert errors == ["people/x.yaml:1:7: anchors (&n) are not allowed (repeat the value instead)",
                      "people/x.yaml:2:7: aliases (*n) are not allowed (repeat the value instead)"]


def test_billion_laughs_is_refused_without_expanding():
    bomb = 'a: &a ["lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(8))
    _, errors = load(bomb)
    assert errors and all("not allowed" in e for e in errors)


def test_merge_keys_are_refused():
    _, errors = load("name: Wang\nbody:\n  <<: {a: b}\n")
    assert any("merge keys (<<) are not allowed" in e for e in errors)


def test_empty_file_and_wrong_top_level():
    assert load("# just a comment\n")[1] == [
        "people/x.yaml:1:1: file is empty (expected a mapping with name, role, country, summary)"]
    assert load("- a\n- b\n")[1] == ["people/x.yaml:1:1: top level must be a mapping of field: value"]


def test_deep_nesting_is_refused():
    _, errors = load("name: " + "[" * 50 + "]" * 50 + "\n")
    assert errors and "nesting too deep" in errors[0]


def test_non_utf8_names_line(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"name: Jos\xe9\n")
    problems = Problems()
    assert load_file(path, PERSON, "x", problems).broken
    assert str(problems.items[0]).endswith(
        "x.yaml:1:10: not valid UTF-8 (invalid continuation byte at byte 9) (save the file as UTF-8)")


def test_utf8_bom_is_accepted_and_utf16_refused(tmp_path: Path):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_bytes("\ufeffname: Wang Yi\n".encode("utf-8"))
    bad.write_bytes("name: Wang Yi\n".encode("utf-16"))
    problems = Problems()
    assert load_file(good, PERSON, "good", problems).data == {"name": "Wang Yi"}
    assert load_file(bad, PERSON, "bad", problems).broken
    assert "file is UTF-16 (save it as UTF-8)" in str(problems.items[0])


def test_a_file_deleted_while_its_folder_is_read_is_no_longer_content(tmp_path: Path, monkeypatch):
    from site_builder.core import loader
    from site_builder.model.schema import CONTENT_TYPES, SITE
    (tmp_path / "site.yaml").write_text("title: T\n")
    (tmp_path / "people").mkdir()
    for name in ("a", "b", "c"):
        (tmp_path / f"people/{name}.yaml").write_text(f"name: {name.upper()}\n")
    (tmp_path / "people/d.yaml").mkdir()   # not a file: still reported as it was
    real_scan = loader._scan_folder

    def scan_then_delete(folder, ctype):   # an editor deletes b.yaml between listing and reading
        found = real_scan(folder, ctype)
        (folder / "b.yaml").unlink(missing_ok=True)
        return found

    monkeypatch.setattr(loader, "_scan_folder", scan_then_delete)
    problems = Problems()
    _, docs, _ = loader.load_content(tmp_path, CONTENT_TYPES, SITE, problems)
    assert [doc.id for doc in docs] == ["a", "c"]
    assert [p.message for p in problems.items] == ["unexpected file in content"]
