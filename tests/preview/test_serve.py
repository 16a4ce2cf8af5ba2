"""The preview server against a real `serve` process on a free port: serving, safety, faults."""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest
from bs4 import BeautifulSoup
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from ..conftest import MINIMAL, TEMPLATES, write_tree
from ..serving import ROOT, running_server

BASE = "/diplomatic-explainer/"
PERSON = BASE + "people/wang-yi/"


def overlay_items(html: str) -> list[str]:
    box = BeautifulSoup(html, "html.parser").find(id="site-builder-errors")
    return [p.get_text() for p in box.select(".sb-wrap > .sb-card .sb-tech")] if box else []  # errors, not warnings


def build_count(server) -> int:
    return sum(1 for line in server.output() if line.startswith(("built ", "build failed")))


@pytest.fixture
def server(tmp_path):
    with running_server(tmp_path) as running:
        yield running


# -- what is served ------------------------------------------------------------------

def test_root_redirects_to_the_base_path(server):
    status, headers, _ = server.get("/")
    assert status == 302 and headers["Location"] == BASE


@pytest.mark.facts_of("blinken-wang-yi")
def test_pages_are_the_built_pages_plus_the_reload_script(server):
    status, headers, html = server.get(PERSON)
    assert status == 200 and headers["Cache-Control"] == "no-store"
    served = BeautifulSoup(html, "html.parser")
    scripts = [s for s in served.find_all("script") if s.get("src") == "/livereload.js"]
    assert len(scripts) == 1
    scripts[0].decompose()
    built = BeautifulSoup((server.out / "people/wang-yi/index.html").read_text(encoding="utf-8"), "html.parser")
    assert str(served) == str(built)
    assert served.find("a", href=BASE + "meetings/blinken-wang-yi/") is not None


def test_assets_and_the_reload_script_are_served(server):
    assert server.get(BASE + "static/style.css")[0] == 200
    status, _, script = server.get("/livereload.js")
    assert status == 200 and "LiveReload" in script


def test_missing_pages_get_the_site_404_page(server):
    status, _, html = server.get(BASE + "people/nobody/")
    assert status == 404
    assert BeautifulSoup(html, "html.parser").find("script", src="/livereload.js") is not None


@pytest.mark.parametrize("path", [
    BASE + "../../etc/passwd", BASE + "%2e%2e/%2e%2e/etc/passwd", BASE + ".site-builder",
    "/content/site.yaml", BASE + "../content/site.yaml", "/.git/config", BASE + ".git/config",
    "//example.com/", BASE + "people/%00/",
])
def test_only_the_built_site_is_served(server, path):
    status, headers, _ = server.get(path)
    assert status in (403, 404)
    assert "Location" not in headers


def test_foreign_host_headers_are_refused(server):
    assert server.get(PERSON, {"Host": "evil.example:8000"})[0] == 403
    assert server.get(PERSON, {"Host": f"localhost:{server.port}"})[0] == 200


def _reload_socket(port: int, origin: str, host: str | None = None):
    async def talk():
        headers = {"Origin": origin}
        if host:
            headers["Host"] = host
        connection = await websocket_connect(HTTPRequest(f"ws://127.0.0.1:{port}/livereload", headers=headers))
        await connection.write_message(json.dumps({"command": "hello", "protocols": [
            "http://livereload.com/protocols/official-7"]}))
        hello = json.loads(await connection.read_message())
        connection.close()
        return hello
    return asyncio.run(talk())


def test_reload_socket_speaks_livereload_to_same_origin_pages(server):
    hello = _reload_socket(server.port, f"http://127.0.0.1:{server.port}")
    assert hello["command"] == "hello"


@pytest.mark.parametrize("origin, host", [("http://evil.example", None),
                                          ("http://evil.example:{port}", "evil.example:{port}")])
def test_reload_socket_refuses_other_origins(server, origin, host):
    with pytest.raises(HTTPClientError) as refused:
        _reload_socket(server.port, origin.format(port=server.port), host and host.format(port=server.port))
    assert refused.value.code == 403


# -- editing ---------------------------------------------------------------------------

def test_bad_yaml_shows_every_problem_escaped_over_the_last_good_page(server):
    before = build_count(server)
    original = (server.content / "people/wang-yi.yaml").read_text()
    line = len(original.splitlines()) + 1
    write_tree(server.content, {
        "people/wang-yi.yaml": original + "<script>x</script>: 1\n",
        "issues/south-china-sea.yaml": "title: [unclosed\n",
    })
    server.wait_until(lambda: build_count(server) > before, "a rebuild")
    status, _, html = server.get(PERSON)
    items = overlay_items(html)
    assert status == 200 and len(items) == 2
    assert any("south-china-sea.yaml:1:8: title: a value that starts with '[' is read as a list" in item
               for item in items)
    assert any(f"wang-yi.yaml:{line}:1: <script>x</script>: unknown field" in item for item in items)
    page = BeautifulSoup(html, "html.parser")
    scripts = page.find_all("script")
    assert "/livereload.js" in [s.get("src") for s in scripts]
    assert not [s for s in scripts if (s.string or "").strip() == "x"]  # shown as text, never run
    assert page.find("h1").get_text(strip=True).startswith("Wang Yi")  # the last good page
    assert (server.out / "people/wang-yi/index.html").is_file()
    assert f"wang-yi.yaml:{line}:1: <script>x</script>: unknown field" in "\n".join(server.lines)


def test_fixing_the_file_clears_the_problems(server):
    person = server.content / "people/wang-yi.yaml"
    original = person.read_text()
    person.write_text(original.replace("role:", "rolle:"))
    server.wait_for_line("build failed")
    assert overlay_items(server.get(PERSON)[2])
    mark = len(server.lines)
    person.write_text(original.replace("name: Wang Yi", "name: Wang Yi (fixed)"))
    server.wait_for_line("^built ", after=mark)
    html = server.get(PERSON)[2]
    assert overlay_items(html) == []
    assert "Wang Yi (fixed)" in BeautifulSoup(html, "html.parser").find("h1").get_text()


def test_a_burst_of_saves_over_many_files_gives_one_rebuild(server):
    before = build_count(server)
    names = sorted(p for p in (server.content).rglob("*.yaml"))
    assert len(names) >= 15
    for path in names:
        path.write_text(path.read_text() + "\n# touched\n")
    line = server.wait_for_line(r"^built .*and \d+ more")
    assert f"and {len(names) - 3} more" in line
    assert build_count(server) == before + 1


def test_added_deleted_and_renamed_files_rebuild(server):
    people = server.content / "people"
    shutil.copy(people / "chen-jining.yaml", people / "chen-copy.yaml")
    server.wait_until(lambda: server.get(BASE + "people/chen-copy/")[0] == 200, "the added page")
    os.rename(people / "chen-copy.yaml", people / "chen-renamed.yaml")
    server.wait_until(lambda: server.get(BASE + "people/chen-renamed/")[0] == 200, "the renamed page")
    assert server.get(BASE + "people/chen-copy/")[0] == 404
    (people / "chen-renamed.yaml").unlink()
    server.wait_until(lambda: server.get(BASE + "people/chen-renamed/")[0] == 404, "the deleted page to go")


def test_editor_temp_files_and_atomic_saves_never_break_the_preview(server):
    people = server.content / "people"
    for junk in (".wang-yi.yaml.swp", "wang-yi.yaml~", "4913", "wang-yi.yaml___jb_tmp___"):
        (people / junk).write_text("not: [yaml")
    temp = people / "wang-yi.yaml.tmp"
    temp.write_text((people / "wang-yi.yaml").read_text().replace("name: Wang Yi", "name: Wang Yi (saved)"))
    os.replace(temp, people / "wang-yi.yaml")
    server.wait_until(lambda: "(saved)" in server.get(PERSON)[2], "the atomic save to show")
    assert not any(line.startswith("build failed") for line in server.output())


def test_a_broken_template_names_its_line_and_the_content_file(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    with running_server(tmp_path, templates=templates) as server:
        person = templates / "person.html"
        person.write_text(person.read_text().replace("{{ p.role }}", "{{ p.rolle }}"))
        server.wait_for_line("build failed")
        items = overlay_items(server.get(PERSON)[2])
    assert len(items) == 1
    line = next(n for n, text in enumerate(person.read_text().splitlines(), 1) if "p.rolle" in text)
    assert f"person.html:{line}:" in items[0] and "rolle" in items[0] and "while rendering " in items[0] and "content/people/" in items[0]


def test_without_any_good_build_every_page_is_the_error_page_until_fixed(tmp_path):
    content = write_tree(tmp_path / "content", dict(MINIMAL, **{"people/wang-yi.yaml": "name: [\n"}))
    with running_server(tmp_path, content=content) as server:
        status, _, html = server.get("/repo/people/wang-yi/")
        assert status == 500 and len(overlay_items(html)) == 1
        write_tree(content, {"people/wang-yi.yaml": MINIMAL["people/wang-yi.yaml"]})
        server.wait_until(lambda: server.get("/repo/people/wang-yi/")[0] == 200, "the fixed site")
        assert overlay_items(server.get("/repo/people/wang-yi/")[2]) == []


def test_stopping_the_server_leaves_the_newest_build_in_the_output_folder(tmp_path):
    with running_server(tmp_path) as server:
        person = server.content / "people/wang-yi.yaml"
        person.write_text(person.read_text().replace("name: Wang Yi", "name: Wang Yi (last)"))
        server.wait_until(lambda: "(last)" in server.get(PERSON)[2], "the save to show")
    assert server.process.returncode == 0
    assert "(last)" in (server.out / "people/wang-yi/index.html").read_text()
    assert (server.out / "pagefind/pagefind.js").is_file()
    assert sorted(p.name for p in server.out.parent.iterdir()) == [".cache", "content", "site"]  # no work folders left


def test_a_save_rewrites_only_changed_files_and_search_catches_up(server):
    entry = BASE + "pagefind/pagefind-entry.json"
    server.wait_until(lambda: server.get(entry)[0] == 200, "the first search index")
    indexed = server.get(entry)[2]
    pages = [path for path in server.out.rglob("*.html") if "pagefind" not in path.parts]
    stamps = {path: os.stat(path).st_mtime_ns for path in pages + [server.out / "static/style.css"]}
    shutil.copy(server.content / "people/chen-jining.yaml", server.content / "people/chen-copy.yaml")
    server.wait_until(lambda: server.get(BASE + "people/chen-copy/")[0] == 200, "the added page")
    rewritten = [path for path, stamp in stamps.items() if os.stat(path).st_mtime_ns != stamp]
    assert server.out / "static/style.css" not in rewritten and len(rewritten) < len(pages) / 2
    server.wait_until(lambda: server.get(entry)[2] != indexed, "the search index to include the new page")
    assert not any("search index not updated" in line for line in server.output())


def test_a_port_in_use_is_a_clear_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "build.py", "serve", "--port", str(port), "--out",
                                 str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}: port already in use" in result.stderr
    assert "Traceback" not in result.stderr


def _add_unlinked_sources(content, count: int) -> list:
    paths = []
    for i in range(count):
        path = content / "sources" / f"gen-{i:04d}.yaml"
        path.write_text(f"title: Generated source {i}\npublisher: Generator\nkind: press\nnote: About [[wang-yi]], {i}.\n")
        paths.append(path)
    return paths


def test_saves_during_a_slow_build_never_show_a_half_built_site(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    generated = _add_unlinked_sources(content, 600)  # makes each build take a while
    with running_server(tmp_path, content=content) as server:
        person = content / "people/wang-yi.yaml"
        original = person.read_text()
        person.write_text(original.replace("name: Wang Yi", "name: Wang Yi (first)"))
        seen = set()
        for step in range(40):  # keep editing, deleting and reading while builds run
            if step == 10:
                for path in generated[:100]:
                    path.unlink()
            if step == 20:
                person.write_text(original.replace("name: Wang Yi", "name: Wang Yi (second)"))
            status, _, html = server.get(PERSON)
            assert status == 200
            page = BeautifulSoup(html, "html.parser")
            assert overlay_items(html) == []
            seen.add(page.find("h1").get_text(" ", strip=True))
        server.wait_until(lambda: "(second)" in server.get(PERSON)[2], "the last save to show")
        server.wait_until(lambda: server.get(BASE + "sources/gen-0000/")[0] == 404, "deleted pages to go")
        assert server.get(BASE + "sources/gen-0599/")[0] == 200
        assert not any(line.startswith("build failed") for line in server.output())
    assert all(title.startswith("Wang Yi") for title in seen)


def test_rapid_saves_end_on_the_last_one(server):
    person = server.content / "people/wang-yi.yaml"
    original = person.read_text()
    for i in range(12):  # a save every 50 ms: some land mid-debounce, some mid-build
        person.write_text(original.replace("name: Wang Yi", f"name: Wang Yi (save {i})"))
        time.sleep(0.05)
    server.wait_until(lambda: "(save 11)" in server.get(PERSON)[2], "the last save to show")


def test_phone_preview_prints_each_address_and_accepts_the_machines_own_names(tmp_path):
    from site_builder.preview.serve import own_addresses, own_names
    with running_server(tmp_path, extra=("--host", "0.0.0.0")) as server:
        server.wait_for_line(r"^  also at http://\S+\.local:")   # printed after the address
        lines = server.output()
        port = server.port
        assert any(line.startswith(f"serving http://localhost:{port}{BASE}") for line in lines)
        for address in (a for a in own_addresses() if ":" not in a):
            assert f"  also at http://{address}:{port}{BASE}" in lines
        local = next(n for n in own_names() if n.endswith(".local"))
        assert any(line.startswith(f"  also at http://{local}:{port}{BASE}") for line in lines)
        assert server.get(BASE, {"Host": f"{local}:{port}"})[0] == 200
        assert server.get(BASE, {"Host": f"evil.example:{port}"})[0] == 403


def test_the_first_build_and_each_rebuild_show_their_stages(tmp_path, make_site):
    """Issue 23, point 5: a preview rebuild that takes longer than a second shows its stages,
    as a build does (SITE_BUILDER_STAGES=1 shows them for every build, however short)."""
    content = make_site()
    port = socket.socket()
    port.bind(("127.0.0.1", 0))
    number = port.getsockname()[1]
    port.close()
    process = subprocess.Popen([sys.executable, "build.py", "serve", "--port", str(number), "--no-search",
                                "--content", str(content), "--out", str(tmp_path / "out")], cwd=ROOT,
                               env={**os.environ, "SITE_BUILDER_STAGES": "1"}, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, bufsize=1)
    lines: list[str] = []
    watchdog = threading.Timer(120, process.kill)   # never hang: the output ends, the asserts say why
    watchdog.start()
    try:
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("serving http://"):
                write_tree(content, {"people/wang-yi.yaml": MINIMAL["people/wang-yi.yaml"].replace("Wang Yi", "Wang Yi 2")})
            if line.startswith("built ") and sum(l.startswith("built ") for l in lines) == 2:
                break
    finally:
        watchdog.cancel()
        process.terminate()
        process.wait(timeout=30)
    assert sum(line.startswith("built ") for line in lines) == 2, lines
    first, second = [i for i, line in enumerate(lines) if line.startswith("built ")]
    for start, end in ((0, first), (first, second)):
        stages = [line.split()[1] for line in lines[start:end] if line.startswith("  stage ")]
        assert stages[:3] == ["up-to-date", "check", "load"] and "render" in stages, lines
