"""The overlay as an editor sees it: headless Chromium at desktop and phone widths, with screenshots.

Screenshots go to test-artifacts/overlay/ (git-ignored) for a person to look at.
"""
from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import Error as PlaywrightError, expect, sync_playwright

from ..conftest import ROOT
from ..serving import running_server
from .test_serve_browser import ARGS, CHROMIUM, WAIT_MS, save_atomically

SHOTS = ROOT / "test-artifacts" / "overlay"
BASE = "/diplomatic-explainer/"
WIDTHS = {"desktop": (1280, 900), "phone": (375, 812)}


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def shoot(browser, url: str, name: str, act=None) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in WIDTHS.items():
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url)
        if act:
            act(page)
        page.screenshot(path=str(SHOTS / f"{name}-{label}-{width}.png"), full_page=False)
        page.close()


@pytest.mark.facts_of("blinken-wang-yi")
def test_overlay_cards_warnings_and_out_of_date_banner(tmp_path, browser):
    with running_server(tmp_path) as server:
        meeting = server.content / "meetings" / "blinken-wang-yi.yaml"
        original = meeting.read_text(encoding="utf-8")
        url = f"http://127.0.0.1:{server.port}{BASE}meetings/blinken-wang-yi/"
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        # An editor over-indents a field, and a person nobody links to is added (a warning).
        (server.content / "people/jen-daskal.yaml").write_text(
            "name: Jen Daskal\nrole: Adviser\ncountry: United States\nsummary: An adviser.\n", encoding="utf-8")
        save_atomically(meeting, original.replace("location: Diaoyutai", "  location: Diaoyutai"))
        overlay = page.locator("#site-builder-errors")
        expect(overlay).to_be_visible(timeout=WAIT_MS)
        card = overlay.locator(".sb-card").first
        expect(card.locator("h3")).to_contain_text("Location: 'location' is indented")
        line = next(n for n, text in enumerate(original.splitlines(), 1) if text.startswith("location: Diaoyutai"))
        expect(card.locator("a")).to_have_attribute("href", f"vscode://file{meeting}:{line}:3")
        expect(card.locator("pre")).to_contain_text(f"{line} │   location: Diaoyutai")
        expect(card.locator(".sb-hint")).to_contain_text("Start the line at the left edge: location: Diaoyutai")
        # What the unreadable file links to is unknown: no "linked from nowhere" warnings meanwhile.
        expect(overlay.locator(".sb-quiet")).to_have_count(0)
        shoot(browser, url, "problem-cards")
        page.get_by_role("button", name="Show it").click()
        banner = overlay.locator(".sb-banner")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("Out of date: fix the 1 problem first")
        expect(page.locator("main h1")).to_be_visible()   # the last good page underneath
        shoot(browser, url, "out-of-date-banner",
              act=lambda p: p.get_by_role("button", name="Show it").click())
        page.get_by_role("button", name="Show the problems").click()
        expect(overlay.locator(".sb-card").first).to_be_visible()

        # A second problem in plain words: a deleted person is still a participant.
        save_atomically(meeting, original.replace("  - wang-yi\n", "  - wang-xiaohongg\n", 1))
        expect(overlay.locator(".sb-card h3").first).to_have_text(
            "The second participant: unknown person 'wang-xiaohongg'", timeout=WAIT_MS)
        expect(overlay.locator(".sb-quiet h2").first).to_contain_text("warning")   # a quieter section
        expect(overlay.locator(".sb-quiet")).to_contain_text("person 'jen-daskal' is not linked from anywhere")
        shoot(browser, url, "plain-words")
        save_atomically(meeting, original)
        expect(overlay).to_have_count(0, timeout=WAIT_MS)
        expect(page.locator("#site-builder-errors-notes summary")).to_contain_text("warning", timeout=WAIT_MS)


@pytest.mark.facts_of("blinken-wang-yi")
def test_a_first_build_that_fails_says_there_is_nothing_to_show_yet(tmp_path, browser):
    content = tmp_path / "content"
    subprocess.run(["cp", "-r", str(ROOT / "content"), str(content)], check=True)
    meeting = content / "meetings" / "blinken-wang-yi.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("location: Diaoyutai", "location:Diaoyutai"),
                       encoding="utf-8")
    with running_server(tmp_path, content=content) as server:
        url = f"http://127.0.0.1:{server.port}{BASE}"
        page = browser.new_page()
        page.goto(url)
        overlay = page.locator("#site-builder-errors")
        expect(overlay).to_contain_text("There is nothing to show yet", timeout=WAIT_MS)
        expect(overlay).not_to_contain_text("last version")
        expect(overlay.locator(".sb-card h3")).to_have_text(["Location: there is no space after the colon"])
        expect(overlay.get_by_role("button")).to_have_count(0)
        shoot(browser, url, "first-build-failed")


def test_new_then_serve_shows_the_draft_at_once(tmp_path, browser):
    with running_server(tmp_path) as server:
        made = subprocess.run([sys.executable, "build.py", "new", "person", "jen-daskal",
                               "--content", str(server.content)], cwd=ROOT, capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
        url = f"http://127.0.0.1:{server.port}{BASE}people/jen-daskal/"
        page = browser.new_page()
        for _ in range(60):
            try:
                response = page.goto(url)
            except PlaywrightError:   # the 404 page reloaded itself as the build finished: ask again
                response = None
            if response is not None and response.status == 200:
                break
            page.wait_for_timeout(500)
        expect(page.locator(".draft-banner")).to_contain_text("Draft", timeout=WAIT_MS)
        expect(page.locator("#site-builder-errors-notes summary")).to_contain_text("1 draft", timeout=WAIT_MS)
        shoot(browser, url, "draft-page", act=lambda p: p.locator("#site-builder-errors-notes summary").click())
