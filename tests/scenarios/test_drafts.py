"""Drafts: `draft: true` builds at once, is shown by serve with a banner, and appears in no published file."""
from __future__ import annotations

import subprocess
import sys

import pytest

from site_builder import BuildFailed, Paths, build, load_site
from site_builder.tools.scaffold import new_file

from ..conftest import ROOT, TEMPLATES

SECRET = "Zanzibarian-embargo-7731"   # text that must never leave the draft

DRAFT_PERSON = f"""
    draft: true
    name: Jen Daskal {SECRET}
    role: Adviser {SECRET}
    country: United States
    summary: Still being researched. {SECRET} [[src-a]]
"""
DRAFT_MEETING = f"""
    draft: true
    title: A meeting not yet confirmed {SECRET}
    date: 2024-04-27
    location: Beijing {SECRET}
    status: expected
    participants: [antony-blinken, jen-daskal]
    summary: "{SECRET}: with [[jen-daskal]]."
    sources: [src-a]
"""
# A published meeting that names the draft person: builds, without a link or the draft's text.
PUBLISHED_MEETING = """
    title: Talks in Beijing
    date: 2024-04-26
    location: Beijing
    status: held
    participants: [antony-blinken, wang-yi, jen-daskal]
    issues: [fentanyl]
    summary: Talks with [[wang-yi]], [[jen-daskal]] and [[jen-daskal|an adviser]].
    sources: [src-a]
"""


def published_files(out):
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in out.rglob("*") if path.is_file()}


def test_no_draft_text_appears_in_any_published_file(make_site, tmp_path):
    content = make_site({"people/jen-daskal.yaml": DRAFT_PERSON, "meetings/maybe.yaml": DRAFT_MEETING,
                         "meetings/talks.yaml": PUBLISHED_MEETING})
    out = tmp_path / "out"
    report = build(Paths(content, TEMPLATES, out), strict=True)   # drafts never fail --strict
    files = published_files(out)
    assert "index.html" in files and "data.json" in files and "feed.xml" in files and "sitemap.xml" in files
    # Only the published meeting's own Markdown source (in its data file) names the draft's id.
    leaks = [name for name, data in files.items()
             if SECRET.encode() in data or b"/jen-daskal/" in data or b"/maybe/" in data or b"Jen Daskal" in data]
    assert leaks == []
    talks = files["meetings/talks/index.html"].decode()
    assert "/people/jen-daskal/" not in talks and "/meetings/maybe/" not in talks
    assert 'an adviser' in talks   # the link's own words stay, as plain text
    assert not (out / "people/jen-daskal").exists() and not (out / "meetings/maybe").exists()
    assert {p.location.path.rsplit("/", 1)[-1] for p in report.warnings if p.draft} == {"jen-daskal.yaml",
                                                                                       "maybe.yaml"}


def test_serve_builds_drafts_with_a_banner(make_site, tmp_path):
    content = make_site({"people/jen-daskal.yaml": DRAFT_PERSON, "meetings/talks.yaml": PUBLISHED_MEETING})
    out = tmp_path / "out"
    build(Paths(content, TEMPLATES, out), drafts=True, search=False)
    page = (out / "people/jen-daskal/index.html").read_text(encoding="utf-8")
    assert 'class="draft-banner"' in page and SECRET in page
    assert "/people/jen-daskal/" in (out / "meetings/talks/index.html").read_text(encoding="utf-8")
    assert 'class="draft-banner"' not in (out / "people/wang-yi/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("type_name", ["meeting", "event", "person", "issue", "term", "source"])
def test_a_new_file_shows_at_once_in_serve(make_site, tmp_path, type_name):
    content = make_site()
    path = new_file(content, type_name, "fresh-entry")
    out = tmp_path / "out"
    build(Paths(content, TEMPLATES, out), drafts=True, search=False)
    folder = path.parent.name
    assert 'class="draft-banner"' in (out / folder / "fresh-entry/index.html").read_text(encoding="utf-8")


def test_check_lists_what_a_draft_lacks_and_fails_only_with_no_drafts(make_site):
    content = make_site({"people/jen-daskal.yaml": "draft: true\nname: Jen Daskal\nrole:\n"})
    run = lambda *args: subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--content", str(content),
                                        *args], capture_output=True, text=True)
    ok = run("--strict")
    assert ok.returncode == 0, ok.stderr
    lines = ok.stderr.splitlines()
    assert f"{content}/people/jen-daskal.yaml:1:1: draft: person 'jen-daskal' is left out of the published site " \
           "(delete the line 'draft: true' when it is ready)" in lines
    assert any(line.startswith(f"{content}/people/jen-daskal.yaml:3:6: role: draft: still empty") for line in lines)
    assert any("country: draft: still missing" in line for line in lines)
    assert "1 draft" in ok.stdout
    refused = run("--strict", "--no-drafts")
    assert refused.returncode == 1
    with pytest.raises(BuildFailed):
        load_site(content, no_drafts=True)
