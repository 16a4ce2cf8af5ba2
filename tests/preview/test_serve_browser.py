"""End to end: a real `serve` process, headless Chromium, and an editor saving YAML files."""
from __future__ import annotations

import os
import re

import pytest
import yaml
from playwright.sync_api import expect, sync_playwright

from ..serving import running_server

CHROMIUM = "/usr/lib/chromium/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 30_000


@pytest.fixture
def browser_page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def save_atomically(path, text: str) -> None:
    """Save the way many editors do: write a temp file beside it, then rename it over."""
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def test_edit_break_and_fix_yaml_reload_the_open_page(tmp_path, browser_page):
    with running_server(tmp_path) as server:
        page = browser_page
        person = server.content / "people" / "wang-yi.yaml"
        original = person.read_text(encoding="utf-8")
        role_text = yaml.safe_load(original)["role"]
        page.goto(f"http://127.0.0.1:{server.port}/diplomatic-explainer/people/wang-yi/")
        role = page.locator("p.dateline")   # a person's dateline: role · country
        expect(role).to_contain_text(role_text)

        person.write_text(re.sub(r"(?m)^role: .*$", "role: Foreign Minister (edited)", original), encoding="utf-8")
        expect(role).to_contain_text("Foreign Minister (edited)", timeout=WAIT_MS)

        save_atomically(person, original.replace("name: Wang Yi", "name: Wang: Yi"))
        overlay = page.locator("#site-builder-errors")
        expect(overlay).to_be_visible(timeout=WAIT_MS)
        expect(overlay).to_contain_text("people/wang-yi.yaml:1:", timeout=WAIT_MS)
        expect(overlay).to_contain_text("the value contains ': '")
        expect(role).to_contain_text("Foreign Minister (edited)")  # the last good page is still underneath

        save_atomically(person, original)
        expect(overlay).to_have_count(0, timeout=WAIT_MS)
        expect(role).to_contain_text(role_text, timeout=WAIT_MS)
    assert server.process.returncode is not None
