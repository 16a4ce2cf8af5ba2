"""The preview's parts without a server: debouncing, watching, the error page, Host checks, rebuilds."""
from __future__ import annotations

import asyncio
import http.client
import os
import re
import socket
import threading
from contextlib import contextmanager

import pytest
from bs4 import BeautifulSoup
from tornado import httpserver, netutil

from site_builder import BuildFailed
from site_builder.preview import errorpage
from site_builder.model.errors import Location, SiteError
from site_builder.pipeline import Paths
from site_builder.preview.rebuild import Previewer, State, clean_old_work_dirs, other_language_folders
from site_builder.preview.serve import allowed_host, bind_warning, make_app, own_names, preview_urls, reloader
from site_builder.preview.watch import Debouncer, EventWatcher, Watcher, changed_paths, scan

from ..conftest import TEMPLATES, MINIMAL, write_tree


# -- debouncing ------------------------------------------------------------------------

def test_a_burst_of_changes_is_released_once_after_the_quiet_period():
    debouncer = Debouncer(quiet=0.25, max_wait=2.0)
    for i in range(20):
        debouncer.add([f"content/people/p{i}.yaml"], now=i * 0.01)
        assert debouncer.due(now=i * 0.01) is None
    assert debouncer.due(now=0.19 + 0.24) is None
    released = debouncer.due(now=0.19 + 0.25)
    assert released == {f"content/people/p{i}.yaml" for i in range(20)}
    assert debouncer.due(now=10) is None


def test_each_new_change_restarts_the_quiet_period():
    debouncer = Debouncer(quiet=0.25, max_wait=2.0)
    debouncer.add(["a"], now=0.0)
    debouncer.add(["b"], now=0.2)
    assert debouncer.due(now=0.3) is None
    assert debouncer.due(now=0.45) == {"a", "b"}


def test_separate_bursts_are_released_separately():
    debouncer = Debouncer(quiet=0.25)
    debouncer.add(["a"], now=0.0)
    assert debouncer.due(now=0.3) == {"a"}
    debouncer.add(["b"], now=1.0)
    assert debouncer.due(now=1.3) == {"b"}


def test_changes_that_never_pause_are_still_released_after_max_wait():
    debouncer = Debouncer(quiet=0.25, max_wait=2.0)
    released = []
    for step in range(40):
        now = step * 0.1
        debouncer.add([f"f{step}"], now)
        if burst := debouncer.due(now):
            released.append((now, burst))
    assert [now for now, _ in released] == [pytest.approx(2.0)]
    assert len(released[0][1]) == 21


def test_no_change_releases_nothing():
    debouncer = Debouncer()
    debouncer.add([], now=0.0)
    assert debouncer.due(now=5.0) is None


# -- watching --------------------------------------------------------------------------

def test_scan_sees_added_deleted_renamed_and_atomically_saved_files(tmp_path):
    root = write_tree(tmp_path / "content", {"people/a.yaml": "name: A", "people/b.yaml": "name: B"})
    people = root / "people"
    before = scan([root])
    (people / "c.yaml").write_text("name: C")
    os.rename(people / "b.yaml", people / "d.yaml")
    (people / "a.yaml.tmp").write_text("name: A2")
    os.replace(people / "a.yaml.tmp", people / "a.yaml")   # atomic save: same name, new inode
    after = scan([root])
    files = {os.path.basename(p) for p in changed_paths(before, after)} - {"people"}
    assert files == {"a.yaml", "b.yaml", "c.yaml", "d.yaml"}


def test_scan_ignores_editor_temp_files_and_does_not_follow_symlinks(tmp_path):
    root = write_tree(tmp_path / "content", {"people/a.yaml": "name: A"})
    outside = write_tree(tmp_path / "outside", {"x.yaml": "x: 1"})
    before = scan([root])
    for junk in (".a.yaml.swp", "a.yaml~", "4913", "a.yaml___jb_tmp___", ".#a.yaml"):
        (root / "people" / junk).write_text("junk")
    (root / "loop").symlink_to(outside)
    after = scan([root])
    assert {os.path.basename(p) for p in changed_paths(before, after)} == {"people", "loop"}
    assert not any("x.yaml" in p for p in after)


def test_watcher_poll_reports_a_burst_once_it_is_quiet(tmp_path):
    root = write_tree(tmp_path / "content", {"people/a.yaml": "name: A"})
    watcher = Watcher([root], on_change=lambda paths: None, debouncer=Debouncer(quiet=0.25))
    (root / "people" / "a.yaml").write_text("name: A, edited")
    (root / "people" / "b.yaml").write_text("name: B")
    assert watcher.poll(now=0.0) is None
    assert watcher.poll(now=0.1) is None
    burst = watcher.poll(now=0.4)
    assert {os.path.basename(p) for p in burst} >= {"a.yaml", "b.yaml"}
    assert watcher.poll(now=1.0) is None


def _collect(watcher_roots, make_changes, settle=1.5):
    """Run an EventWatcher over roots while make_changes() runs; return the bursts it reported."""
    import queue
    import time
    bursts: queue.Queue = queue.Queue()
    watcher = EventWatcher(watcher_roots, bursts.put, say=lambda line: bursts.put(("said", line)))
    try:
        make_changes("before start")
        watcher.start()
        time.sleep(0.6)   # the events flow from the first yield on
        make_changes("after start")
        time.sleep(settle)
    finally:
        watcher.stop()
    found = []
    while not bursts.empty():
        found.append(bursts.get())
    return found


def test_file_events_report_a_burst_of_saves_as_one_change(tmp_path):
    root = write_tree(tmp_path / "content", {"people/a.yaml": "name: A"})

    def changes(when):
        if when == "after start":
            for n in range(20):   # a search-and-replace over twenty files, written at once
                (root / "people" / f"p{n}.yaml").write_text(f"name: P{n}")
            (root / "people" / ".a.yaml.swp").write_text("editor's swap file")
    bursts = _collect([root], changes)
    assert not any(isinstance(b, tuple) for b in bursts), bursts   # events, not the polling fallback
    assert len(bursts) <= 2, [len(b) for b in bursts]   # coalesced (at most split at a settle point)
    seen = {os.path.basename(p) for burst in bursts for p in burst}
    assert {f"p{n}.yaml" for n in range(20)} <= seen
    assert ".a.yaml.swp" not in seen


def test_a_save_before_the_watcher_starts_is_not_missed(tmp_path):
    root = write_tree(tmp_path / "content", {"people/a.yaml": "name: A"})

    def changes(when):
        if when == "before start":   # during the first build, before the events flow
            (root / "people" / "a.yaml").write_text("name: A, edited during the first build")
    bursts = _collect([root], changes)
    assert any(str(root / "people" / "a.yaml") in burst for burst in bursts)


def test_an_atomic_save_is_one_burst(tmp_path):
    """vim, VS Code: write a temp file, rename it over the file. One burst names the file;
    how fast it comes is measured by benchmarks/reload.py, not here."""
    root = write_tree(tmp_path / "content", {"people/a.yaml": "name: A"})

    def changes(when):
        if when == "after start":
            (root / "people" / "a.yaml.tmp").write_text("name: A, saved")
            os.replace(root / "people" / "a.yaml.tmp", root / "people" / "a.yaml")
    bursts = _collect([root], changes)
    assert [str(root / "people" / "a.yaml") in burst for burst in bursts] == [True]


def test_a_missing_folder_is_an_empty_scan(tmp_path):
    assert scan([tmp_path / "nowhere"]) == {}


# -- the error page --------------------------------------------------------------------

PROBLEMS = [
    SiteError(Location("content/people/wang-yi.yaml", 3, 7), "name", "unknown field '<script>alert(1)</script>'",
              "did you mean 'name'?"),
    SiteError(Location("templates/person.html", 8, 0), None, "template error: 'dict object' has no attribute 'x'",
              "while rendering content/people/wang-yi.yaml"),
]


def test_overlay_has_a_card_per_problem_with_the_terminal_line_in_small_print():
    box = BeautifulSoup(errorpage.overlay(PROBLEMS), "html.parser").find(id=errorpage.OVERLAY_ID)
    assert box["role"] == "alert"
    assert [p.get_text() for p in box.select(".sb-card .sb-tech")] == [str(p) for p in PROBLEMS]
    assert box.find("h2").get_text() == "Build failed: 2 problems"


def test_a_card_speaks_plainly_links_the_file_and_quotes_the_line(tmp_path):
    path = tmp_path / "talks.yaml"
    path.write_text("title: T\ndate: 2024-04-26\nparticipants:\n  - antony-blinken\n  - wang-yl\nstatus: held\n"
                    "summary: x\n")
    problem = SiteError(Location(str(path), 5, 5), "participants[1]", "unknown person 'wang-yl'",
                        "did you mean 'wang-yi'?")
    card = BeautifulSoup(errorpage.card(problem), "html.parser")
    assert card.find("h3").get_text() == "The second participant: unknown person 'wang-yl'"
    assert card.find("a")["href"] == f"vscode://file{path}:5:5"
    assert card.find("pre").get_text().splitlines() == [
        "3 │ participants:", "4 │   - antony-blinken", "5 │   - wang-yl", "        ^", "6 │ status: held",
        "7 │ summary: x"]
    assert card.select_one(".sb-hint").get_text() == "How to fix: Did you mean 'wang-yi'?"


def test_warnings_and_drafts_sit_in_a_quieter_section():
    warning = SiteError(Location("content/people/x.yaml", 1, 1), None, "person 'x' is not linked from anywhere",
                        "link it, or remove the file", warning=True)
    draft = SiteError(Location("content/people/y.yaml", 3, 6), "role", "still empty", "Role.", draft=True)
    stale = SiteError(Location("content/zh-Hans/people/y.yaml", 1, 1), "role", "the English changed",
                      warning=True, stale=True)
    box = BeautifulSoup(errorpage.overlay(PROBLEMS, [warning, draft, stale]), "html.parser")
    quiet = box.select(".sb-quiet")
    assert [q.find("h2").get_text() for q in quiet] == [
        "1 warning (the site builds, but the checks before publishing fail)", "Drafts: what they still lack",
        "Translations behind their English (python build.py check shows what changed)"]
    assert len(box.select(".sb-card")) == 5
    panel = BeautifulSoup(errorpage.warnings_panel([warning, draft, stale]), "html.parser")
    assert panel.find("summary").get_text() == "1 warning, 1 draft, 1 stale translation"


def test_show_it_folds_into_an_out_of_date_banner_and_a_first_failure_has_nothing_to_show():
    box = BeautifulSoup(errorpage.overlay(PROBLEMS), "html.parser")
    assert box.select_one(".sb-banner").get_text(" ", strip=True).startswith("Out of date: fix the 2 problems first")
    assert [b.get_text() for b in box.find_all("button")] == ["Show the problems", "Show it"]
    first = BeautifulSoup(errorpage.error_page(PROBLEMS), "html.parser")
    assert "nothing to show yet" in first.get_text() and "last version" not in first.get_text()
    assert first.find("button") is None


def test_overlay_escapes_problem_text():
    html = errorpage.overlay(PROBLEMS)
    assert BeautifulSoup(html, "html.parser").find("script") is None
    assert "&lt;script&gt;" in html


def test_error_page_is_a_whole_page_with_the_reload_script():
    page = BeautifulSoup(errorpage.error_page(PROBLEMS[:1], '<script src="/livereload.js"></script>'), "html.parser")
    assert page.find("title").get_text() == "Build failed: 1 problem"
    assert page.find("script")["src"] == "/livereload.js"
    assert len(page.find(id=errorpage.OVERLAY_ID).select(".sb-card")) == 1


@pytest.mark.parametrize("html, expected", [
    (b"<html><body><p>x</p></body></html>", b"<html><body><p>x</p><!--s--></body></html>"),
    (b"<p>x</p></BODY>", b"<p>x</p><!--s--></BODY>"),
    (b"<p>no body end</p>", b"<p>no body end</p><!--s-->"),
])
def test_inject_goes_just_before_the_end_of_body(html, expected):
    assert errorpage.inject(html, "<!--s-->") == expected


# -- Host checks and binding -------------------------------------------------------------

@pytest.mark.parametrize("host, ok", [
    ("127.0.0.1:8000", True), ("localhost:8000", True), ("[::1]:8000", True), ("LOCALHOST:8000", True),
    ("192.168.1.20:8000", True), ("evil.example:8000", False), ("127.0.0.1.nip.io:8000", False),
    ("", False), ("localhost.evil.example", False),
])
def test_allowed_host_refuses_names_other_than_localhost(host, ok):
    assert allowed_host(host, "127.0.0.1") is ok


def test_allowed_host_accepts_the_machines_own_names_and_still_refuses_others():
    short = socket.gethostname().lower().split(".")[0]
    assert f"{short}.local" in own_names()
    for name in (short, f"{short}.local", f"{short.upper()}.LOCAL", f"{short}.local."):
        assert allowed_host(f"{name}:8012", "0.0.0.0"), name
    for name in (f"{short}.local.evil.example", f"evil-{short}.local", "mylaptop-not-mine.local", "evil.example"):
        assert not allowed_host(f"{name}:8012", "0.0.0.0"), name


def test_serving_on_every_interface_lists_a_url_per_address_and_the_local_name():
    names = frozenset({"mylaptop", "mylaptop.local"})
    assert preview_urls("0.0.0.0", 8012, "/repo/", ["192.168.1.20", "10.0.0.5", "fd00::2"], names) == [
        "http://localhost:8012/repo/", "http://192.168.1.20:8012/repo/", "http://10.0.0.5:8012/repo/",
        "http://mylaptop.local:8012/repo/"]
    assert preview_urls("::", 8012, "/", ["192.168.1.20", "fd00::2"], names) == [
        "http://localhost:8012/", "http://192.168.1.20:8012/", "http://[fd00::2]:8012/", "http://mylaptop.local:8012/"]
    assert preview_urls("127.0.0.1", 8012, "/repo/", ["192.168.1.20"], names) == ["http://127.0.0.1:8012/repo/"]


def test_the_bound_name_is_allowed():
    assert allowed_host("preview.lan:8000", "preview.lan")


@pytest.mark.parametrize("host, warns", [("127.0.0.1", False), ("localhost", False), ("::1", False),
                                         ("127.0.0.2", False), ("0.0.0.0", True), ("192.168.1.20", True),
                                         ("::", True)])
def test_binding_beyond_this_machine_warns(host, warns):
    assert (bind_warning(host) is not None) is warns


# -- rebuilding ------------------------------------------------------------------------

def tree(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def renamed(name: str) -> dict[str, str]:
    return {"people/wang-yi.yaml": MINIMAL["people/wang-yi.yaml"].replace("Wang Yi", name)}


def test_previewer_keeps_the_last_good_build_when_a_build_fails(tmp_path, make_site):
    content = make_site()
    lines: list[str] = []
    out = tmp_path / "out"
    preview = Previewer(Paths(content, TEMPLATES, out), say=lines.append, search=False)
    good = preview.build_now()
    assert good.root == out.absolute() and good.base_path == "/repo/" and good.problems == ()
    before = tree(out)
    write_tree(content, {"people/wang-yi.yaml": "name: [\n"})
    bad = preview.build_now(["people/wang-yi.yaml"])
    assert bad.root == good.root and bad.epoch == good.epoch + 1 and bad.overlay is None
    assert len(bad.problems) == 1 and "wang-yi.yaml:1:7" in str(bad.problems[0])
    assert tree(out) == before
    assert lines[-1].startswith("build failed: 1 problem (changed: people/wang-yi.yaml); still serving")
    preview.stop()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cache", "content", "out"]  # .cache: the editors' schemas


def test_previewer_drops_a_failure_when_newer_changes_wait(tmp_path, make_site):
    content = make_site({"people/wang-yi.yaml": "name: [\n"})
    preview = Previewer(Paths(content, TEMPLATES, tmp_path / "out"), say=lambda line: None)
    preview.request(["people/wang-yi.yaml"])  # the file changed again while this build ran
    assert preview.build_now(drop_stale=True) is None
    assert preview.state.epoch == 0


def test_previewer_turns_an_unexpected_exception_into_a_problem(tmp_path, make_site, monkeypatch):
    content = make_site()
    preview = Previewer(Paths(content, TEMPLATES, tmp_path / "out"), say=lambda line: None)

    def explode(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr("site_builder.preview.rebuild.build", explode)
    state = preview.build_now()
    assert [str(p) for p in state.problems] == ["site_builder: internal error: RuntimeError: boom"]


def test_a_rebuild_that_ends_after_the_server_stopped_finishes_without_browsers(tmp_path, make_site):
    """Ctrl-C during a rebuild: the loop closed first, and telling browsers raised in the build
    thread (a traceback, and the rebuild abandoned as an internal error)."""
    loop = asyncio.new_event_loop()
    loop.close()
    said: list[str] = []
    preview = Previewer(Paths(make_site(), TEMPLATES, tmp_path / "out"), say=said.append, on_update=reloader([loop]),
                        search=False)
    state = preview.build_now()
    assert state.problems == () and state.root is not None
    assert not any("Traceback" in line or "internal error" in line for line in said)


PAGE = "people/wang-yi/index.html"


def test_changed_files_are_served_from_memory_before_they_reach_the_disk(tmp_path, make_site):
    content = make_site({"people/zhou-enlai.yaml": "name: Zhou Enlai\nrole: Premier\ncountry: China\nsummary: Premier.\n"})
    out = tmp_path / "out"
    seen: list[tuple] = []
    preview = Previewer(Paths(content, TEMPLATES, out), say=lambda line: None, search=False,
                        on_update=lambda state: seen.append((state, previous[0].read(PAGE), tree(out))))
    previous = [preview.state]
    first = preview.build_now()
    previous[0] = first
    old_page = (out / PAGE).read_bytes()
    write_tree(content, renamed("Wang Yi Edited"))
    (content / "people/zhou-enlai.yaml").unlink()
    final = preview.build_now()

    shown, before, disk = seen[-1]   # at the moment browsers were told to reload
    assert len(seen) == 2            # one reload per build: dropping the overlay is silent
    assert disk[PAGE] == old_page and "people/zhou-enlai/index.html" in disk   # nothing renamed yet
    assert before == old_page        # a request still holding the previous State: the previous build
    assert b"Wang Yi Edited" in shown.overlay[PAGE] and shown.read(PAGE) == shown.overlay[PAGE]
    assert shown.overlay["people/zhou-enlai/index.html"] is None
    assert shown.read("people/zhou-enlai/index.html") is None  # deleted pages are gone at once
    assert shown.read("static/style.css") == (out / "static/style.css").read_bytes()  # unchanged: from disk
    assert "static/style.css" not in shown.overlay

    assert final.overlay is None and final.epoch == shown.epoch == first.epoch + 1
    assert final.read(PAGE) == shown.read(PAGE) == (out / PAGE).read_bytes()  # the held State reads on
    assert not (out / "people/zhou-enlai").exists()
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]


def test_a_build_with_warnings_reloads_browsers_once_with_its_panel(tmp_path, make_site):
    """The staged files went up without the warnings panel, and every build with warnings
    told browsers to reload a second time to show it: a flash, and the edit seen later."""
    unlinked = "name: Zhou Enlai\nrole: Premier\ncountry: China\nsummary: Premier.\n"
    content = make_site({"people/zhou-enlai.yaml": unlinked})
    seen: list[State] = []
    preview = Previewer(Paths(content, TEMPLATES, tmp_path / "out"), say=lambda line: None, search=False,
                        on_update=seen.append)
    preview.build_now()
    for name, people in (("Wang Yi Edited", {}), ("Wang Yi Again", {"people/li-qiang.yaml": unlinked})):
        seen.clear()
        write_tree(content, {**renamed(name), **people})
        final = preview.build_now()
        assert len(seen) == 1 and seen[0].overlay and name.encode() in seen[0].read(PAGE)
        assert seen[0].warnings == final.warnings and final.epoch == seen[0].epoch
        # no one links Zhou Enlai, and then Li Qiang either: the panel shown at once says so
        assert len(final.warnings) == 1 + bool(people)


def test_the_build_line_says_how_many_pages_were_rendered_again(tmp_path, make_site):
    from site_builder.speed.cache import Cache
    content = make_site()
    said: list[str] = []
    preview = Previewer(Paths(content, TEMPLATES, tmp_path / "out"), say=said.append, search=False,
                        cache=Cache(tmp_path / "cache"))
    preview.build_now()
    write_tree(content, {"sources/src-a.yaml": MINIMAL["sources/src-a.yaml"].replace("A publisher", "Another")})
    preview.build_now()
    preview.build_now()   # nothing changed
    first, edited, same = [line for line in said if line.startswith("built ")]
    total = int(re.match(r"built (\d+) pages", first).group(1))
    assert "rendered again" not in first   # every page rendered: nothing to say
    again = int(re.search(r", (\d+) rendered again", edited).group(1))
    assert 1 <= again < total and ", none rendered again" in same


def test_a_rebuild_rewrites_only_changed_files(tmp_path, make_site):
    from site_builder.speed.cache import Cache
    content = make_site()
    out = tmp_path / "out"
    preview = Previewer(Paths(content, TEMPLATES, out), say=lambda line: None, search=False,
                        cache=Cache(tmp_path / "cache"))
    preview.build_now()
    stamps = {p: os.stat(p).st_mtime_ns for p in out.rglob("*") if p.is_file()}
    seen = []
    preview.on_update = seen.append
    write_tree(content, {"sources/src-a.yaml": MINIMAL["sources/src-a.yaml"].replace("A publisher", "Another")})
    preview.build_now()
    changed = {p.relative_to(out).as_posix() for p, stamp in stamps.items() if os.stat(p).st_mtime_ns != stamp}
    assert set(seen[0].overlay) == changed
    assert "sources/src-a/index.html" in changed and "static/style.css" not in changed
    assert len(changed) < len(stamps)
    preview.build_now()  # nothing changed since: nothing is rewritten
    assert seen[-1].overlay in (None, {})


def test_the_search_index_follows_in_the_background_and_builds_leave_it(tmp_path, make_site):
    content = make_site()
    out = tmp_path / "out"
    seen = []
    preview = Previewer(Paths(content, TEMPLATES, out), say=lambda line: None, on_update=seen.append)
    preview.build_now()
    preview.settle()
    entry = (out / "pagefind/pagefind-entry.json").read_bytes()
    write_tree(content, {"people/zhou-enlai.yaml": "name: Zhou Enlai\nrole: Premier\ncountry: China\nsummary: Premier.\n"})
    preview.build_now()
    staged = [state for state in seen if state.overlay][-1]   # (a warnings panel follows: no one links him)
    assert "people/zhou-enlai/index.html" in staged.overlay
    assert all(not name.startswith("pagefind/") for name in staged.overlay)  # the build leaves the index alone
    assert (out / "pagefind/pagefind-entry.json").read_bytes() == entry
    preview.settle()
    assert (out / "pagefind/pagefind-entry.json").read_bytes() != entry  # one more page indexed
    preview.stop()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cache", "content", "out"]  # .cache: the editors' schemas


def test_a_search_index_swap_killed_between_its_two_renames_is_finished_at_the_next_start(tmp_path, make_site,
                                                                                        monkeypatch):
    """A preview server killed between the renames of reindex_live (old index out, new one in)
    left the site without a search index, and the next start deleted both copies (found by
    tests/preview/test_preview_kill.py)."""
    import site_builder.publish.search as search
    out = tmp_path / "out"
    preview = Previewer(Paths(make_site(), TEMPLATES, out), say=lambda line: None)
    preview.build_now()
    preview.settle()
    moves, real_replace = [], os.replace

    def killed(source, target):   # the old index out, then the server dies
        moves.append(target)
        if len(moves) == 2:
            raise KeyboardInterrupt
        real_replace(source, target)
    monkeypatch.setattr(search.os, "replace", killed)
    monkeypatch.setattr(search.shutil, "rmtree", lambda *a, **k: None)   # SIGKILL runs no cleanup
    work = tmp_path / ".out.search-work"
    with pytest.raises(KeyboardInterrupt):
        search.reindex_live(out, work)
    monkeypatch.undo()
    assert not (out / "pagefind").exists()
    work.rename(tmp_path / f".out.search-{2 ** 22 + 1}")   # a dead server's, as search_work_dir names it
    clean_old_work_dirs(out)
    assert (out / "pagefind/pagefind.js").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cache", "content", "out"]


def test_the_output_folder_holds_the_newest_good_build(tmp_path, make_site):
    content = make_site()
    out = tmp_path / "out"
    preview = Previewer(Paths(content, TEMPLATES, out), say=lambda line: None)
    preview.build_now()
    write_tree(content, renamed("Wang Yi 2"))
    preview.build_now()
    write_tree(content, {"people/wang-yi.yaml": "name: [\n"})
    preview.build_now()
    preview.stop()
    assert "Wang Yi 2" in (out / PAGE).read_text()
    assert (out / "pagefind/pagefind.js").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cache", "content", "out"]  # .cache: the editors' schemas


@contextmanager
def serving(preview: Previewer):
    """Run serve.make_app for preview on a free port in a thread; yield a GET function."""
    sockets = netutil.bind_sockets(0, "127.0.0.1")
    port = sockets[0].getsockname()[1]
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        server = httpserver.HTTPServer(make_app(preview, "127.0.0.1", port))
        server.add_sockets(sockets)
        loop.call_soon(started.set)
        loop.run_forever()
        server.stop()

    def get(path: str) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield get
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def test_the_server_answers_from_the_overlay_before_the_folder(tmp_path, make_site):
    content = make_site()
    preview = Previewer(Paths(content, TEMPLATES, tmp_path / "out"), say=lambda line: None, search=False)
    built = preview.build_now()
    overlay = {PAGE: b"<html><body><h1>From memory</h1></body></html>", "people/antony-blinken/index.html": None,
               "people/new/index.html": b"<html><body>New</body></html>", "data.json": b'{"new": true}'}
    preview.state = State(built.epoch + 1, built.root, built.base_path, (), overlay)
    with serving(preview) as get:
        status, _, body = get("/repo/people/wang-yi/")
        assert status == 200 and b"From memory" in body and b"/livereload.js" in body
        assert get("/repo/people/new/")[0] == 200
        status, headers, _ = get("/repo/people/new")
        assert status == 301 and headers["Location"] == "/repo/people/new/"
        status, _, body = get("/repo/people/antony-blinken/")  # deleted by the newest build, still on disk
        assert status == 404 and body.startswith((tmp_path / "out/404.html").read_bytes()[:40])
        status, headers, body = get("/repo/data.json")
        assert status == 200 and body == b'{"new": true}' and headers["Content-Type"] == "application/json"
        assert get("/repo/static/style.css")[0] == 200   # not in the overlay: from the folder
        assert get("/repo/people/../../out/index.html")[0] == 404
        preview.state = built  # the overlay's bytes are on disk now: the folder answers alone
        status, _, body = get("/repo/people/wang-yi/")
        assert status == 200 and b"From memory" not in body and b"Wang Yi" in body
        assert get("/repo/people/antony-blinken/")[0] == 200


def test_an_output_folder_not_made_by_the_builder_is_refused(tmp_path, make_site):
    content = make_site()
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    preview = Previewer(Paths(content, TEMPLATES, tmp_path / "mine"), say=lambda line: None)
    with pytest.raises(BuildFailed):
        preview.check_output()


def test_livereload_and_tornado_are_imported_by_serve_only():
    import ast
    from pathlib import Path
    importers = set()
    for path in sorted((Path(__file__).parent.parent.parent / "site_builder").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name.split(".")[0] in ("livereload", "tornado") for name in names):
                importers.add(path.name)
    assert importers == {"serve.py"}


def test_the_preview_names_where_each_translation_is_served(tmp_path):
    two = "title: T\ndescription: D.\nbase_url: https://example.org/repo/\nlanguage: en\nlanguages: [en, zh-Hans]\n"
    assert other_language_folders(write_tree(tmp_path / "two", {"site.yaml": two})) == [("zh-Hans", "zh-hans/")]
    assert other_language_folders(write_tree(tmp_path / "one", {"site.yaml": MINIMAL["site.yaml"]})) == []
    assert other_language_folders(write_tree(tmp_path / "broken", {"site.yaml": "languages: [en\n"})) == []
