"""core/progress.py: what a long build shows on a terminal and in a log, and that it changes nothing else."""
from __future__ import annotations

import io
import os
import subprocess
import sys

from site_builder.core import progress
from site_builder.pipeline import Paths, build

from ..conftest import ROOT, TEMPLATES


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_stage_lines_start_once_the_build_has_run_a_second(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(progress.time, "perf_counter", clock)
    out = io.StringIO()
    shown = progress.StageLines(out)
    shown.stage("load")
    clock.now = 0.4
    shown.stage("render")
    assert out.getvalue() == ""        # 0.4 s in: nothing yet
    clock.now = 1.5
    shown.stage("publish and search")  # past a second: the stages so far, each with its time
    assert out.getvalue() == "  stage load 0.40 s\n  stage render 1.10 s\n"
    clock.now = 1.75
    shown.done()
    assert out.getvalue().splitlines()[-1] == "  stage publish and search 0.25 s"


def test_a_short_build_in_a_log_shows_nothing(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(progress.time, "perf_counter", clock)
    out = io.StringIO()
    shown = progress.StageLines(out)
    for name in ("load", "render"):
        shown.stage(name)
        clock.now += 0.2
    shown.done()
    assert out.getvalue() == ""


def test_a_terminal_shows_one_line_rewritten_in_place_then_cleared(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(progress.time, "perf_counter", clock)
    out = io.StringIO()
    shown = progress.TerminalProgress(out)
    shown.stage("load")
    assert out.getvalue() == ""        # under a second: nothing
    clock.now = 2.0
    shown.stage("render")
    shown.step(1, 300)
    clock.now = 2.05
    shown.step(2, 300)                  # within a tenth of a second: not redrawn
    clock.now = 2.5
    shown.step(300, 300)
    shown.done()
    assert out.getvalue().split("\r\033[K") == ["", "render · 2.0 s", "render 1/300 · 2.0 s",
                                                "render 300/300 · 2.5 s", ""]


def test_the_choice_follows_the_stream_and_the_environment(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("SITE_BUILDER_STAGES")
    assert type(progress.progress_for(Tty())) is progress.TerminalProgress
    assert type(progress.progress_for(io.StringIO())) is progress.StageLines
    monkeypatch.setenv("SITE_BUILDER_STAGES", "0")
    assert type(progress.progress_for(Tty())) is progress.Progress
    monkeypatch.setenv("SITE_BUILDER_STAGES", "1")
    assert progress.progress_for(io.StringIO()).always


def test_a_build_reports_its_stages_in_order_and_every_page(make_site, tmp_path):
    seen = []

    class Recorder(progress.Progress):
        def stage(self, name):
            seen.append(name)

        def step(self, done, total):
            seen.append((done, total))

        def done(self):
            seen.append("done")

    report = build(Paths(make_site(), TEMPLATES, tmp_path / "out"), search=False, progress=Recorder())
    stages = [item for item in seen if isinstance(item, str)]
    assert stages == ["up-to-date check", "check templates", "load", "validate", "link", "markdown",
                      "plan", "views", "render", "publish and search", "done"]
    steps = [item for item in seen if isinstance(item, tuple)]
    assert steps[-1] == (report.pages, report.pages) and len(steps) == report.pages


def test_stage_lines_go_to_stderr_and_leave_the_summary_line_alone(make_site, tmp_path):
    env = {**os.environ, "SITE_BUILDER_STAGES": "1"}
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(make_site()), "--templates",
                           str(TEMPLATES), "--out", str(tmp_path / "out"), "--no-search", "--no-cache"],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("built ") and len(done.stdout.splitlines()) == 1
    names = [line.split(" stage ")[1].rsplit(" ", 2)[0] for line in done.stderr.splitlines()]
    assert names[:3] == ["up-to-date check", "check templates", "load"] and names[-1] == "publish and search"
