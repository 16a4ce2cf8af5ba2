"""Builds run without automatic cycle collection; the preview collects after each build."""
from __future__ import annotations

import gc
import weakref

import pytest

from site_builder import BuildFailed, Paths, build, pipeline
from site_builder.speed.runner import FastRunner
from site_builder.preview.rebuild import Previewer

from ..conftest import TEMPLATES


class Node:
    """An object in a reference cycle: only the cycle collector frees it."""

    def __init__(self):
        self.me = self


@pytest.fixture
def stage_spy(monkeypatch):
    """Wrap one stage of every build: note whether automatic collection was on, and leave
    behind one object in a cycle (a weak reference to it in `cycles`)."""
    seen: list[bool] = []
    cycles: list[weakref.ref] = []
    real = pipeline.read_site

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        cycles.append(weakref.ref(Node()))
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "read_site", spy)
    return seen, cycles


@pytest.fixture
def collector_off():
    """Automatic collection off for the whole test, so that only an explicit one frees cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    if was_enabled:
        gc.enable()


@pytest.fixture
def passes():
    """(generation, automatic?) of every collection pass that starts while the test runs."""
    started: list[tuple[int, bool]] = []

    def note(phase, info):
        if phase == "start":
            started.append((info["generation"], gc.isenabled()))

    gc.callbacks.append(note)
    yield started
    gc.callbacks.remove(note)


def test_a_build_pauses_automatic_collection_and_turns_it_back_on(make_site, tmp_path, stage_spy):
    seen, _ = stage_spy
    assert gc.isenabled()
    build(Paths(make_site(), TEMPLATES, tmp_path / "out"), runner=FastRunner())
    assert seen == [False]
    assert gc.isenabled()


def test_a_failed_build_turns_automatic_collection_back_on(make_site, tmp_path, stage_spy):
    seen, _ = stage_spy
    content = make_site({"people/wang-yi.yaml": "name: [unclosed\n"})
    with pytest.raises(BuildFailed):
        build(Paths(content, TEMPLATES, tmp_path / "out"), runner=FastRunner())
    assert seen == [False]
    assert gc.isenabled()


def test_a_build_leaves_collection_off_when_it_was_off(make_site, tmp_path, collector_off):
    build(Paths(make_site(), TEMPLATES, tmp_path / "out"), runner=FastRunner())
    assert not gc.isenabled()


def test_a_build_alone_leaves_its_cycles_for_later(make_site, tmp_path, stage_spy, collector_off):
    # What the preview test below relies on: nothing in a build itself frees them.
    _, cycles = stage_spy
    build(Paths(make_site(), TEMPLATES, tmp_path / "out"), runner=FastRunner())
    assert cycles[0]() is not None


def test_the_preview_frees_each_builds_cycles_in_one_pass_as_the_build_ends(make_site, tmp_path, stage_spy,
                                                                            passes):
    _, cycles = stage_spy
    content = make_site()
    preview = Previewer(Paths(content, TEMPLATES, tmp_path / "out"), say=lambda line: None, search=False)
    try:
        passes.clear()
        assert preview.build_now().problems == ()
        # One full pass, the preview's own (a young-generation pass may start before the build pauses
        # collection, from what earlier tests left counted).
        assert [p for p in passes if p[0] == 2 or not p[1]] == [(2, False)]
        assert cycles[0]() is None
        assert gc.isenabled() and gc.get_count()[0] < 100   # and none left pending for later
        (content / "people" / "wang-yi.yaml").write_text("name: [unclosed\n")
        passes.clear()
        assert preview.build_now().problems   # a failed build too
        assert [p for p in passes if p[0] == 2 or not p[1]] == [(2, False)] and cycles[1]() is None
    finally:
        preview.stop()
