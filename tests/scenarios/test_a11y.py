"""Accessibility: axe-core (WCAG 2.1 A and AA rules, and WCAG 2.2 AA's: target-size, 24×24 px)
in headless Chromium finds no violation on any page type of the real site, on a phone and a
desktop, in light and in dark mode."""
from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from site_builder import Paths, build, load_site
from site_builder.model import urls
from site_builder.model.translations import site_languages

from ..browser_support import chromium, serve, site_under_subpath
from ..conftest import ROOT, TEMPLATES
from ..reader_fixtures import build_rich_site

CONTENT = ROOT / "content"
RICH_BASE = "https://example.org/rich/"
# Page types the real content may not have yet are checked on the small RICH site.
RICH_PAGES = ["rich/events/signing/", "rich/terms/precursor/", "rich/meetings/talks/", "rich/issues/fentanyl/",
              "rich/timeline/"]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]   # wcag22aa runs axe's target-size rule


def page_paths() -> list[str]:
    """Return one page of every kind: home, each index, an entity of each type, the reader pages."""
    site, _, _ = load_site(CONTENT)
    paths = ["diplomatic-explainer/" + p for p in ("", "timeline/", "graph/", "search/", "404.html")]
    for ctype in site.types:
        paths.append(f"diplomatic-explainer/{ctype.folder}/")
        entities = site.by_type.get(ctype.name, [])
        if entities:
            # The one with the most links stands for its type: it has every section filled in.
            richest = max(entities, key=lambda e: (sum(len(v) for v in site.links_of(e).values()), e.id))
            paths.append(f"diplomatic-explainer/{ctype.folder}/{richest.id}/")
    # The same pages in each other language the site is written in (/zh-hans/…).
    folders = [urls.language_folder(lang, site.settings["language"]) for lang in site_languages(site.settings)[1:]]
    translated = [p.replace("diplomatic-explainer/", f"diplomatic-explainer/{folder}", 1) for folder in folders for p in paths]
    return paths + translated + RICH_PAGES


@pytest.fixture(scope="module")
def served_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("a11y")
    site, _, _ = load_site(CONTENT)
    base_url = site.settings["base_url"]
    assert urls.base_path(base_url) == "/diplomatic-explainer/"
    build(Paths(CONTENT, TEMPLATES, site_under_subpath(base_url, root)))
    build_rich_site(root, RICH_BASE)
    with serve(root) as origin:
        yield origin + "/"


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_no_axe_violations_on_any_page_type(served_site, browser, scheme, width):
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
    page = context.new_page()
    axe = Axe()
    found, rules = {}, set()
    try:
        for path in page_paths():
            page.goto(served_site + path)
            if path.endswith("search/"):
                page.fill("#search-q", "王毅" if "/zh-hans/" in path else "Wang Yi")
                page.press("#search-q", "Enter")
                page.wait_for_selector("#search-results li")
            result = axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS},
                                            "resultTypes": ["violations"]})
            violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result.response["violations"]]
            if violations:
                found[path] = violations
            rules |= {r["id"] for kind in ("passes", "incomplete", "violations") for r in result.response[kind]}
    finally:
        context.close()
    assert found == {}
    assert "target-size" in rules   # WCAG 2.2's rule ran and found every target big enough


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_is_visible_and_skip_link_comes_first(served_site, browser, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(served_site + "diplomatic-explainer/")
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            return {href: e.getAttribute('href'), outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                    left: e.getBoundingClientRect().left}; }""")
        assert focused["href"] == "#main"
        assert focused["outline"] != "none" and focused["width"] >= 2 and focused["left"] >= 0
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"
    finally:
        context.close()
