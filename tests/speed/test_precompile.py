"""Templates compiled ahead in a child: its bytecode is used, never trusted blindly, and the child never lingers."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder import BuildFailed, Paths, build
from site_builder.speed import precompile
from site_builder.core import render
from site_builder.speed.runner import FastRunner
from site_builder.speed.cache import Cache

from ..conftest import TEMPLATES, child_processes


@pytest.fixture()
def templates(tmp_path) -> Path:
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    return tmp_path / "templates"


@pytest.fixture(autouse=True)
def forks(monkeypatch) -> list[int]:
    """The ids of the children forked during the test (one is forked only with a second core)."""
    monkeypatch.setenv("SITE_BUILDER_JOBS", "2")
    forked: list[int] = []
    real = precompile._fork_compiler

    def recording(folder: Path):
        child = real(folder)
        forked.append(child[0] if child else 0)
        return child
    monkeypatch.setattr(precompile, "_fork_compiler", recording)
    return forked


def names(templates: Path) -> list[str]:
    return sorted(p.relative_to(templates).as_posix() for p in templates.rglob("*.html"))


def test_the_child_compiles_every_template_and_is_reaped(templates, forks):
    with precompile.precompiling(templates) as precompiled:
        assert child_processes() == [str(forks[0])]
        bytecode = precompiled.bytecode()
        assert child_processes() == []
    assert len(bytecode.known) == len(names(templates))
    env = render.make_environment(templates)
    env.bytecode_cache = bytecode
    for name in names(templates):
        env.get_template(name)
    assert bytecode.made == {}   # every template loaded from the child's bytecode, none compiled here


def test_a_child_never_asked_is_stopped(templates, forks):
    with precompile.precompiling(templates):
        assert child_processes() == [str(forks[0])]
    assert child_processes() == []


def test_a_child_that_does_not_answer_in_time_is_stopped(templates, forks, monkeypatch):
    monkeypatch.setattr(precompile, "WAIT_SECONDS", 0.0)
    with precompile.precompiling(templates) as precompiled:
        bytecode = precompiled.bytecode()
        assert child_processes() == []
    assert bytecode.known == {} and forks[0] > 0   # Jinja compiles in this process instead


def test_a_failed_build_leaves_no_child(make_site, tmp_path, templates, forks):
    content = make_site({"people/bad.yaml": "name: [unclosed\n"})
    with pytest.raises(BuildFailed):
        build(Paths(content, templates, tmp_path / "_site"), search=False, runner=FastRunner())
    assert forks and forks[0] > 0
    assert child_processes() == []


def test_stale_bytecode_is_compiled_afresh(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "t.html").write_text("old {{ x }}")
    old = precompile.compile_all(folder)

    def render_with(known: dict[str, bytes]) -> tuple[str, dict[str, bytes]]:
        env = render.make_environment(folder)
        env.bytecode_cache = bytecode = precompile.Bytecode(known)
        return env.get_template("t.html").render(x=1), bytecode.made
    assert render_with(old) == ("old 1", {})   # unchanged: the child's bytecode runs
    (folder / "t.html").write_text("new {{ x }}")
    text, made = render_with(old)
    assert text == "new 1" and len(made) == 1   # changed: the checksum differs, compiled here


def test_the_build_cache_never_holds_code(make_site, tmp_path, templates, forks):
    content = make_site()
    build(Paths(content, templates, tmp_path / "_site"), search=False, runner=FastRunner(Cache(tmp_path / "cache")))
    assert forks and forks[0] > 0
    tables = {path.name.rsplit("-", 1)[0] for path in (tmp_path / "cache").glob("*.bin")}
    assert tables and "templates" not in tables
    title = BeautifulSoup((tmp_path / "_site" / "index.html").read_bytes(), "html.parser").title
    assert title is not None and title.get_text()


def test_a_template_the_child_cannot_compile_is_reported_with_its_file(make_site, tmp_path, templates, forks):
    page = templates / "person.html"
    page.write_text(page.read_text() + "\n{% if %}\n")
    with pytest.raises(BuildFailed) as failed:
        build(Paths(make_site(), templates, tmp_path / "_site"), search=False, runner=FastRunner())
    assert any("person.html" in str(problem) for problem in failed.value.problems)
    assert child_processes() == []
