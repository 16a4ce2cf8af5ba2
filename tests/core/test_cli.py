"""The command line: every bad input or interruption is one clean line and an exit code (issue 21)."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from site_builder import cli
from site_builder.cli import main

from ..conftest import ROOT, TEMPLATES

PATHS = ["--content", "content", "--templates", "templates", "--out", "_site"]


@pytest.fixture
def site(make_site, tmp_path, monkeypatch):
    make_site()
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", ["build", "check", "serve"])
@pytest.mark.parametrize("url", ["notaurl", "javascript://%0aalert(1)/", "ftp://example.org/", "https:///repo/",
                                 "https://exa mple.org/", "https://example.org/\x01"])
def test_base_url_must_be_http_or_https_with_a_host(site, capfd, command, url):
    assert main([command, *PATHS, "--base-url", url]) == 2
    err = capfd.readouterr().err
    assert "Traceback" not in err and len(err.splitlines()) == 1
    assert err.startswith("--base-url: ") and "https://user.github.io/repo/" in err
    assert not (site / "_site").exists()


def test_a_good_base_url_is_used(site):
    assert main(["build", *PATHS, "--no-search", "--base-url", "https://example.net/x/"]) == 0
    assert 'href="https://example.net/x/"' in (site / "_site/index.html").read_text()


def test_ctrl_c_is_one_line_and_exit_130(site, capfd, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "build", interrupted)
    assert main(["build", *PATHS]) == 130
    assert capfd.readouterr().err == "interrupted; _site left as it was\n"


def test_ctrl_c_in_a_real_build_leaves_no_traceback(site):
    process = subprocess.Popen([sys.executable, "-c", "import signal, os, site_builder.pipeline as p\n"
                                "real = p.read_site\n"
                                "def read_site(*a, **k):\n"
                                "    os.kill(os.getpid(), signal.SIGINT)\n"
                                "    return real(*a, **k)\n"
                                "p.read_site = read_site\n"
                                "from site_builder.cli import main; raise SystemExit(main())", "build", *PATHS],
                               cwd=site, stderr=subprocess.PIPE, text=True, env={"PYTHONPATH": str(ROOT)})
    _, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (130, "interrupted; _site left as it was\n")
    # .cache holds the editors' schemas, which every build refreshes before it starts.
    assert not (site / "_site").exists() and sorted(p.name for p in site.iterdir() if p.name != ".cache") == [
        "content", "templates"]


@pytest.mark.parametrize("argv", [
    ["new", "person", "zhou-enlai", "--content", "/proc/no-content"],
    ["schema", "--schemas", "/proc/no-schemas"],
    ["new", "person", "zhou-enlai", "--content", "content/site.yaml"],   # a file where a folder must be
])
def test_new_and_schema_on_a_folder_they_cannot_write_are_one_line(site, capfd, argv):
    assert main(argv) == 1
    err = capfd.readouterr().err
    assert "Traceback" not in err and len(err.splitlines()) == 1
    assert ": cannot write: " in err and err.endswith("(check that the folder exists and is writable)\n")


def test_schema_with_an_unreadable_content_folder_is_one_line(site, capfd, monkeypatch):
    import os
    real_scandir = os.scandir

    def scandir(path="."):
        if os.path.basename(os.fspath(path)) == "people":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)
    monkeypatch.setattr(os, "scandir", scandir)
    assert main(["schema", "--schemas", "schemas"]) == 1
    assert capfd.readouterr().err == "content/people: cannot read folder: Permission denied (check its permissions)\n"
