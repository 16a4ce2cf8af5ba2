"""The cache and the in-place output update never change what a build writes.

On the benchmark's medium corpus (generated once per module): a warm build, an
incremental build after edits, a build with a corrupt cache or with a cache from
another version, and a multi-core build all write exactly the bytes of a cold,
single-core build; a failed build leaves the previous site untouched.
"""
from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from benchmarks.corpus import generate, write_content
import functools

import site_builder
from site_builder import BuildFailed, Paths
from site_builder.speed import cache as cache_module
from site_builder.core import output
from site_builder.speed import uptodate
from site_builder.speed.runner import FastRunner
from site_builder.speed.cache import Cache

from ..conftest import TEMPLATES

# The search index is rebuilt whole into a staging folder; these tests pin the cache and
# the in-place update, which are what a build without search uses.
build = functools.partial(site_builder.build, search=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("medium")
    write_content(generate("medium"), root / "content")
    shutil.copytree(TEMPLATES, root / "templates")
    return root


@pytest.fixture(scope="module")
def cold(corpus, tmp_path_factory) -> dict[str, bytes]:
    """The reference: a build without cache, on one core, into a fresh folder."""
    out = tmp_path_factory.mktemp("cold") / "_site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITE_BUILDER_JOBS", "1")
        build(Paths(corpus / "content", corpus / "templates", out))
    return snapshot(out)


@pytest.fixture()
def work(corpus, tmp_path) -> Path:
    """A private copy of the medium corpus that a test may edit."""
    shutil.copytree(corpus / "content", tmp_path / "content")
    shutil.copytree(corpus / "templates", tmp_path / "templates")
    return tmp_path


def paths(root: Path, out: str = "_site") -> Paths:
    return Paths(root / "content", root / "templates", root / out)


def test_medium_corpus_is_big_enough_to_use_every_core(cold):
    assert len([name for name in cold if name.endswith("index.html")]) > 1800


def test_warm_build_writes_exactly_the_cold_bytes(work, cold, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_JOBS", "2")  # also proves the forked workers change nothing
    cache = work / "cache"
    build(paths(work), runner=FastRunner(Cache(cache)))        # fills the cache
    assert {p.name for p in cache.iterdir()} >= {"parsed-00.bin", "markdown-00.bin"}
    assert snapshot(work / "_site") == cold
    cache_module._memory.clear()                  # a new process: tables come from disk
    build(paths(work), runner=FastRunner(Cache(cache)))
    assert snapshot(work / "_site") == cold
    build(paths(work, "other"), runner=FastRunner(Cache(cache)))  # warm cache, fresh output folder
    assert snapshot(work / "other") == cold


def test_an_edit_rewrites_only_the_cache_shards_it_touched(work):
    cache = work / "cache"
    build(paths(work), runner=FastRunner(Cache(cache)))
    before = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.bin")}
    person = work / "content/people/person-00001.yaml"
    person.write_text(person.read_text().replace("summary: |\n  ", "summary: |\n  Newly noted. ", 1))
    build(paths(work), runner=FastRunner(Cache(cache)))
    after = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.bin")}
    rewritten = sorted(name for name in after if before.get(name) != after[name])
    # The edited file's parse, its Markdown, its data file (and the file's stamp), its two pages,
    # the build key.
    assert {name.rsplit("-", 1)[0] for name in rewritten} >= {"parsed", "markdown", "data", "files", "pages",
                                                              "uptodate"}
    assert len(rewritten) < len(after) / 5


def _edit(work: Path) -> None:
    person = work / "content/people/person-00001.yaml"
    person.write_text(person.read_text().replace("summary: |\n  ", "summary: |\n  A **new** line on [[issue-00003]]. "))
    meeting = work / "content/meetings/meeting-00002.yaml"
    meeting.write_text(meeting.read_text().replace("title: ", "title: Renamed "))
    template = work / "templates/person.html"
    template.write_text(template.read_text().replace("\"Meetings attended\"", "\"All meetings attended\""))
    (work / "content/meetings/meeting-00003.yaml").unlink()


def test_incremental_build_after_edits_equals_a_cold_build(work, tmp_path_factory):
    cache = Cache(work / "cache")
    build(paths(work), runner=FastRunner(cache))
    _edit(work)
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    reference = tmp_path_factory.mktemp("edited") / "_site"
    build(Paths(work / "content", work / "templates", reference))
    after = snapshot(work / "_site")
    assert after == snapshot(reference)
    assert "meetings/meeting-00003/index.html" not in after           # deleted entity: page gone
    assert b"Renamed " in after["meetings/meeting-00002/index.html"]   # its participants see the new title


def test_corrupt_cache_is_ignored_and_rewritten(work, cold):
    cache = work / "cache"
    build(paths(work), runner=FastRunner(Cache(cache)))
    tables = sorted(cache.glob("*.bin"))
    assert {t.name.rsplit("-", 1)[0] for t in tables} == {
        "data", "files", "markdown", "pages", "parsed", "published", "uptodate", "vevents"}
    for table, damage in zip(tables, itertools.cycle(("garbage", "truncated", "empty", "flipped"))):
        data = table.read_bytes()
        table.write_bytes({"garbage": b"\x00not a cache" * 50, "truncated": data[: len(data) // 2], "empty": b"",
                           "flipped": data[:-10] + bytes([data[-10] ^ 1]) + data[-9:]}[damage])
    build(paths(work), runner=FastRunner(Cache(cache)))
    assert snapshot(work / "_site") == cold
    assert all(cache_module._decode(t.read_bytes()) for t in cache.glob("*.bin"))


def test_temp_files_of_a_writer_killed_mid_write_are_removed_by_the_next_save(tmp_path):
    """A process killed while it wrote a shard (a preview server, tests/preview/test_preview_kill.py)
    left `.<shard>.<pid>.tmp`, which no later build removed."""
    folder = tmp_path / "cache"
    folder.mkdir()
    dead, alive = folder / f".pages-03.bin.{2 ** 22 + 1}.tmp", folder / ".pages-04.bin.1.tmp"  # pid 1 always runs
    for temp in (dead, alive):
        temp.write_bytes(b"half a shard")
    cache = Cache(folder)
    cache.put("pages", "key", "value")
    cache.save()
    assert not dead.exists() and alive.exists()
    assert Cache(folder).get("pages", "key") == "value"


def _poison(cache: Path, version: bytes) -> None:
    """Rewrite every rendered Markdown field as 'POISON', under the given version, and forget
    the rendered pages, so that they are rendered again."""
    for page_shard in cache.glob("pages-*.bin"):
        page_shard.unlink()
    for shard in cache.glob("markdown-*.bin"):
        entries = cache_module._decode(shard.read_bytes())
        poisoned = cache_module._encode({key: ("<p>POISON</p>", []) for key in entries})
        shard.write_bytes(poisoned.replace(cache_module.VERSION, version, 1))


def test_cache_from_another_version_is_ignored(work, cold):
    cache = work / "cache"
    build(paths(work), runner=FastRunner(Cache(cache)))
    _poison(cache, b"0" * len(cache_module.VERSION))
    build(paths(work, "second"), runner=FastRunner(Cache(cache)))   # a fresh output folder: a full build
    assert snapshot(work / "second") == cold
    # The same poisoned table under this version is trusted: the check above could fail.
    _poison(cache, cache_module.VERSION)
    build(paths(work, "third"), runner=FastRunner(Cache(cache)))
    assert b"POISON" in (work / "third/people/person-00001/index.html").read_bytes()


def test_no_cache_reads_and_writes_nothing(work, cold):
    build(paths(work), runner=FastRunner(Cache(None)))
    assert not (work / "cache").exists()
    assert snapshot(work / "_site") == cold


def test_failed_in_place_update_leaves_previous_site_untouched(work, monkeypatch):
    build(paths(work))
    before = snapshot(work / "_site")
    _edit(work)
    real_open, calls = open, []

    def failing_open(path, mode="r", *args, **kwargs):
        if "w" in mode:
            calls.append(path)
        if len(calls) > 20:
            raise OSError(28, "No space left on device")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(output, "open", failing_open, raising=False)
    with pytest.raises(BuildFailed, match="No space left on device"):
        build(paths(work))
    assert len(calls) > 20 and snapshot(work / "_site") == before   # staged files removed too


def test_content_error_leaves_previous_site_untouched(work):
    build(paths(work))
    before = snapshot(work / "_site")
    meeting = work / "content/meetings/meeting-00004.yaml"
    meeting.write_text(meeting.read_text().replace("participants:\n", "participants:\n  - nobody-at-all\n"))
    with pytest.raises(BuildFailed, match="nobody-at-all"):
        build(paths(work), runner=FastRunner(Cache(work / "cache")))
    assert snapshot(work / "_site") == before


@pytest.fixture()
def rendered(monkeypatch) -> list[list[str]]:
    """The output files of the pages each build renders, one list per build."""
    from site_builder import pipeline
    builds: list[list[str]] = []
    real = pipeline.render_pages

    def spy(renderings, *args, **kwargs):
        builds.append([one.folder + page.output for one in renderings for page in one.pages])
        return real(renderings, *args, **kwargs)

    monkeypatch.setattr(pipeline, "render_pages", spy)
    return builds


def test_editing_one_person_renders_only_the_pages_that_read_what_changed(work, cold, rendered):
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    person = work / "content/people/person-00007.yaml"
    # The body shows on the person's own page only: the pages that name the person, link
    # to them or draw them in a graph read other keys of their view (tracking.py).
    person.write_text(person.read_text().replace("body: |\n", "body: |\n  Former official.\n", 1))
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    # The summary shows on the person's page only: the list of people gives role and country.
    person.write_text(person.read_text().replace("summary: |\n  ", "summary: |\n  Newly noted. ", 1))
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    first, body, summary = rendered                        # the unchanged build rendered nothing
    assert len(first) == sum(1 for p in cold if p.endswith(".html"))  # every page, nothing else
    assert body == ["people/person-00007/index.html"]
    assert sorted(summary) == ["people/person-00007/index.html"]
    snap = snapshot(work / "_site")
    assert b"Former official." in snap["people/person-00007/index.html"]
    person.write_text(person.read_text().replace("  Former official.\n", "", 1).replace("Newly noted. ", "", 1))
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    assert snapshot(work / "_site") == cold


def test_renaming_a_person_rerenders_the_pages_that_show_them_not_every_page(work, rendered):
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    person = work / "content/people/person-00007.yaml"
    old_name = person.read_text().split("name: ", 1)[1].split("\n", 1)[0]
    # A new name that keeps the alphabetical order (for a reordered list, see the next test).
    person.write_text(person.read_text().replace(f"name: {old_name}", f"name: {old_name} Renamed", 1))
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    everything, edited = rendered
    # The graph and timeline pages draw every meeting, so they show the new name too.
    for page in ("people/person-00007/index.html", "graph/index.html", "timeline/index.html", "people/index.html"):
        assert page in edited
    assert len(edited) < len(everything) / 2
    # ... and what was kept is still right: the same bytes as a cold build of the edited content.
    reference = work / "reference"
    build(Paths(work / "content", work / "templates", reference))
    assert snapshot(work / "_site") == snapshot(reference)
    assert f"{old_name} Renamed".encode() in snapshot(work / "_site")["graph/index.html"]


def test_a_rename_that_reorders_the_people_rerenders_the_lists_not_every_page(work, rendered):
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    person = work / "content/people/person-00007.yaml"
    old_name = person.read_text().split("name: ", 1)[1].split("\n", 1)[0]
    person.write_text(person.read_text().replace(f"name: {old_name}", "name: Aaron Aardvark", 1))
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    everything, edited = rendered
    # The lists that show the order, the pages that show the name; 41 of 1,847 pages here.
    assert {"people/index.html", "index.html", "people/person-00007/index.html"} <= set(edited)
    assert len(edited) < len(everything) / 10
    reference = work / "reference"
    build(Paths(work / "content", work / "templates", reference))
    site = snapshot(work / "_site")
    assert site == snapshot(reference)
    first = BeautifulSoup(site["people/index.html"], "html.parser").select_one("main a[href*='/people/person-']")
    assert first is not None and first.get_text(strip=True) == "Aaron Aardvark"


def test_a_template_edit_renders_again_only_the_pages_that_use_it(work, rendered):
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    person = work / "templates/person.html"
    person.write_text(person.read_text().replace('<p class="dateline">', '<p class="dateline edited">', 1))
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    style = work / "templates/static/style.css"
    style.write_text(style.read_text() + "\n/* edited */\n")
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    macros = work / "templates/_macros.html"   # imported by every entity's template and the home page
    macros.write_text(macros.read_text() + "\n{# edited #}\n")
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    everything, people, static, imported = rendered
    assert sorted(people) == sorted(p for p in everything if re.fullmatch(r"people/[^/]+/index\.html", p))
    assert static == []   # pages link to static files: none changes
    assert "people/person-00001/index.html" in imported and "meetings/meeting-00001/index.html" in imported
    assert "search/index.html" not in imported and len(imported) < len(everything)
    reference = work / "reference"
    build(Paths(work / "content", work / "templates", reference))
    site = snapshot(work / "_site")
    assert site == snapshot(reference) and b"/* edited */" in site["static/style.css"]
    assert b'class="dateline edited"' in site["people/person-00001/index.html"]


def test_output_changed_by_hand_is_rebuilt(work, cold):
    cache = Cache(work / "cache")
    build(paths(work), runner=FastRunner(cache))
    page = work / "_site/people/person-00002/index.html"
    page.write_bytes(page.read_bytes().replace(b"<h1>", b"<h1>Vandalised "))
    (work / "_site/stray.html").write_text("not part of the site")
    (work / "_site/meetings/meeting-00005/index.html").unlink()
    # Same size, one byte changed: a data file (kept while as written) and the index.
    for data in (work / "_site/data.json", sorted((work / "_site/data/meetings").iterdir())[3]):
        raw = bytearray(data.read_bytes())
        at = len(raw) // 2
        raw[at] = ord("x") if raw[at] != ord("x") else ord("y")
        data.write_bytes(raw)
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    assert snapshot(work / "_site") == cold


def test_the_feed_and_the_calendar_are_remade_only_when_a_meeting_changes(work, cold, monkeypatch):
    from site_builder.publish import files as publish
    # per build: the files workers made whole (data.json is always made, beside them), the VEVENTs made
    made: list[tuple[list[str], int]] = []
    real = publish._make

    def spy(shared, jobs):
        made.append((sorted(job for job in jobs if isinstance(job, str)),
                     sum(len(job) for job in jobs if isinstance(job, range))))
        return real(shared, jobs)

    monkeypatch.setattr(publish, "_make", spy)
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")   # the spy sees the calls in this process
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    person = work / "content/people/person-00004.yaml"
    person.write_text(person.read_text().replace("summary: |\n  ", "summary: |\n  Newly noted. ", 1))
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    meeting = work / "content/meetings/meeting-00006.yaml"
    meeting.write_text(meeting.read_text().replace("title: ", "title: Renamed ", 1))
    build(paths(work), runner=FastRunner(Cache(work / "cache")))
    files = ["feed.xml", "sitemap.xml"]
    events = cold["calendar.ics"].count(b"BEGIN:VEVENT")
    # The renamed meeting's VEVENT is the only one made again; the others come from the cache.
    assert made == [(files, events), (["sitemap.xml"], 0), (files, 1)]
    reference = work / "reference"
    build(Paths(work / "content", work / "templates", reference))
    assert snapshot(work / "_site") == snapshot(reference)


def test_a_table_keeps_only_what_the_last_build_used(tmp_path):
    cache_module._memory.clear()
    first = Cache(tmp_path)
    for i in range(40):
        first.put("t", f"key-{i}", i)
    first.save()
    assert len(list(tmp_path.glob("t-*.bin"))) > 8          # spread over the shards
    (tmp_path / "t.bin").write_bytes(b"a table from before the shards")
    second = Cache(tmp_path)
    assert second.get("t", "key-1") == 1
    second.save()
    # Shards the build did not use are deleted with what they held, and so is the old layout.
    assert [p.name for p in tmp_path.glob("t*.bin")] == [f"t-{cache_module._shard('key-1'):02d}.bin"]
    cache_module._memory.clear()
    third = Cache(tmp_path)
    assert third.get("t", "key-1") == 1 and third.get("t", "key-2") is None


@pytest.mark.parametrize("tamper", [lambda entry: 5, lambda entry: (), lambda entry: entry[:3],
                                    lambda entry: (*entry[:2], [("a",)], entry[3]),
                                    lambda entry: (*entry[:2], 7, entry[3])])
def test_an_up_to_date_entry_that_is_not_what_remember_stores_means_build(tmp_path, tamper):
    out = tmp_path / "_site"
    out.mkdir()
    cache = Cache(tmp_path / "cache")
    uptodate.remember(cache, "key", out, 3, [])
    assert uptodate.previous(cache, "key", out) == (3, [])     # as remembered: nothing to do
    cache.put(uptodate.TABLE, str(out.absolute()), tamper(cache.get(uptodate.TABLE, str(out.absolute()))))
    assert uptodate.previous(cache, "key", out) is None


def test_an_up_to_date_build_reports_its_warnings_as_the_build_did(tmp_path):
    # A draft's problem stays a draft's, a stale translation stays stale: not all "warning:".
    from site_builder.model.errors import Location, SiteError
    out = tmp_path / "_site"
    out.mkdir()
    cache = Cache(tmp_path / "cache")
    kinds = [SiteError(Location("content/meetings/a.yaml", 2, 1), "summary", "is empty", None, False, True),
             SiteError(Location("content/zh-Hans/meetings/a.yaml", 3, 1), "title", "is stale", "restamp", True, False, True),
             SiteError(Location("content/people/b.yaml", 1, 1), None, "is not linked", None, True)]
    uptodate.remember(cache, "key", out, 3, kinds)
    again = uptodate.previous(cache, "key", out)[1]
    assert again == kinds
    assert [str(w).split(": ", 1)[1] for w in again] == ["summary: draft: is empty", "title: warning: is stale (restamp)",
                                                       "warning: is not linked"]


def test_a_second_cli_build_with_nothing_changed_does_nothing(tmp_path):
    """Across processes (each with its own string-hash seed) the up-to-date key is the same."""
    import os
    import subprocess
    import sys

    from ..conftest import ROOT
    args = [sys.executable, str(ROOT / "build.py"), "--content", str(ROOT / "content"), "--templates",
            str(ROOT / "templates"), "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"),
            "--no-search"]
    env = {**os.environ, "SITE_BUILDER_STAGES": "1"}
    first = subprocess.run(args, capture_output=True, text=True, env=env, check=True)
    second = subprocess.run(args, capture_output=True, text=True, env=env, check=True)
    assert "stage render" in first.stderr
    # (a warning, such as a translation whose English was deleted, is printed by every build)
    assert [line.split(" stage ")[1].rsplit(" ", 2)[0] for line in second.stderr.splitlines()
            if " stage " in line] == ["up-to-date check"]
    assert first.stdout.split()[1] == second.stdout.split()[1]   # the same page count
