"""Compiled templates are reused, never trusted blindly, and the compiling child never lingers."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder import BuildFailed, Paths, build, render, template_cache
from site_builder.cache import Cache
from site_builder.page_cache import templates_digest

from .conftest import TEMPLATES, child_processes


@pytest.fixture()
def templates(tmp_path) -> Path:
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    return tmp_path / "templates"


@pytest.fixture(autouse=True)
def two_workers(monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_JOBS", "2")   # the child is forked only with a second core


def built_title(out: Path) -> str:
    return BeautifulSoup((out / "index.html").read_bytes(), "html.parser").title.get_text()


def test_the_child_compiles_every_template_and_is_reaped(templates):
    with template_cache.compiled_ahead(templates, templates_digest(templates), Cache(None)) as ahead:
        assert len(child_processes()) == 1
        bytecode = ahead.bytecode()
    assert child_processes() == []
    pages = sorted(p.name for p in templates.glob("*.html"))
    assert len(bytecode.known) == len(pages)
    env = render.make_environment(templates)
    env.bytecode_cache = bytecode
    for name in pages:
        env.get_template(name)
    assert bytecode.made == {}   # every template loaded from the child's bytecode, none compiled here


def test_a_child_never_asked_is_stopped(templates):
    with template_cache.compiled_ahead(templates, templates_digest(templates), Cache(None)):
        assert len(child_processes()) == 1
    assert child_processes() == []


def test_a_failed_build_leaves_no_child(make_site, tmp_path, templates):
    content = make_site({"people/bad.yaml": "name: [unclosed\n"})
    with pytest.raises(BuildFailed):
        build(Paths(content, templates, tmp_path / "_site"), search=False)
    assert child_processes() == []


def test_stale_bytecode_is_compiled_afresh(make_site, tmp_path, templates):
    content = make_site()
    digest = templates_digest(templates)
    cache = Cache(tmp_path / "cache")
    build(Paths(content, templates, tmp_path / "first"), search=False, cache=cache)
    stored = Cache(tmp_path / "cache").get(template_cache.TABLE, digest)
    assert isinstance(stored, dict) and stored
    # The same bytecode offered for changed templates (as if the digest had collided):
    # Jinja sees that the source's checksum differs and compiles the new text.
    base = templates / "base.html"
    base.write_text(base.read_text().replace("<title>", "<title>Changed: "))
    cache = Cache(tmp_path / "cache")
    cache.put(template_cache.TABLE, templates_digest(templates), stored)
    build(Paths(content, templates, tmp_path / "second"), search=False, cache=cache)
    assert built_title(tmp_path / "second").startswith("Changed: ")
    assert not built_title(tmp_path / "first").startswith("Changed: ")


def test_a_build_with_a_cache_loads_the_stored_bytecode(make_site, tmp_path, templates, monkeypatch):
    content = make_site()
    build(Paths(content, templates, tmp_path / "first"), search=False, cache=Cache(tmp_path / "cache"))
    render._environments.clear()
    compiled = []
    original = render.make_environment

    def counting(folder: Path):
        env = original(folder)
        real = env._compile
        env._compile = lambda *args: compiled.append(args) or real(*args)
        return env
    monkeypatch.setattr(render, "make_environment", counting)
    monkeypatch.setattr(template_cache, "_fork_compiler", lambda folder: pytest.fail("forked despite the cache"))
    (content / "people" / "extra.yaml").write_text((content / "people").glob("*.yaml").__next__().read_text())
    build(Paths(content, templates, tmp_path / "second"), search=False, cache=Cache(tmp_path / "cache"))
    assert compiled == []


def test_a_template_the_child_cannot_compile_is_reported_with_its_line(make_site, tmp_path, templates):
    page = templates / "person.html"
    page.write_text(page.read_text() + "\n{% if %}\n")
    with pytest.raises(BuildFailed) as failed:
        build(Paths(make_site(), templates, tmp_path / "_site"), search=False)
    assert any("person.html" in str(problem) for problem in failed.value.problems)
    assert child_processes() == []
