"""End to end in headless Chromium, on the real site served under its sub-path: a reader's path
home -> meeting -> person -> issue, the timeline filters, search in English and Chinese, layouts
from 320 px up in light and dark mode (screenshots kept in test-artifacts/), print, and JS off."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder import Paths, build
from site_builder.model import urls

from ..browser_support import ARTEFACTS, DESKTOP, PHONE, chromium, serve, site_under_subpath
from ..conftest import ROOT, TEMPLATES

CONTENT = ROOT / "content"
SCREENS = ARTEFACTS / "screenshots"


@pytest.fixture(scope="module")
def base(tmp_path_factory, content):
    """Build the real site and serve it under its sub-path; yield the site's root URL."""
    root = tmp_path_factory.mktemp("e2e")
    base_url = content.settings["base_url"]
    build(Paths(CONTENT, TEMPLATES, site_under_subpath(base_url, root)))
    with serve(root) as origin:
        yield origin + urls.base_path(base_url)


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP)
    yield context.new_page()
    context.close()


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_reader_goes_home_meeting_person_issue(page, base, content):
    # A meeting whose participants raised issues, so the whole path exists in the content.
    meeting = next(m for m in content.by_type["meeting"]
                   if any(content.links_of(p)["issues_raised"] for p in content.links_of(m)["participants"]))
    person = next(p for p in content.links_of(meeting)["participants"] if content.links_of(p)["issues_raised"])
    issue = content.links_of(person)["issues_raised"][0]
    page.goto(base)
    page.locator("#meetings-heading + ol").get_by_role("link", name=meeting.title, exact=True).click()
    page.wait_for_url(f"**/meetings/{meeting.id}/")
    assert page.locator("h1").inner_text() == meeting.title
    page.locator("dl.infobox").get_by_role("link", name=re.compile("^" + re.escape(person.title))).click()
    page.wait_for_url(f"**/people/{person.id}/")
    assert page.locator("h1").inner_text().startswith(person.title)
    page.locator("#raised-heading + ul").get_by_role("link", name=issue.title, exact=True).click()
    page.wait_for_url(f"**/issues/{issue.id}/")
    assert page.locator("h1").inner_text() == issue.title
    assert path_of(page.url).startswith(urls.base_path(content.settings["base_url"]))


def visible_items(page) -> list[str]:
    return page.eval_on_selector_all(
        ".tl-item:not([hidden]) .tl-title a", "links => links.map(a => a.getAttribute('href'))")


def test_timeline_filters_by_issue_and_by_person(page, base, content):
    dated = [e for t in ("meeting", "event") for e in content.by_type.get(t, [])]
    page.goto(base + "timeline/")
    assert len(visible_items(page)) == len(dated)
    assert page.locator("#filter-issue").is_enabled()
    issue = min(content.by_type["issue"], key=lambda i: (len(content.links_of(i)["meetings"]) + len(content.links_of(i).get("events", ())), i.id))
    page.select_option("#filter-issue", issue.id)
    expected = {e.id for e in dated if issue in content.links_of(e).get("issues", ())}
    shown = {h.rstrip("/").rsplit("/", 1)[-1] for h in visible_items(page)}
    assert shown == expected
    assert f"Showing {len(expected)} of {len(dated)}" in page.locator("#filter-status").inner_text()
    assert f"issue={issue.id}" in page.url
    page.reload()  # the filter is kept in the address, so a shared link shows the same view
    assert {h.rstrip("/").rsplit("/", 1)[-1] for h in visible_items(page)} == expected
    page.select_option("#filter-issue", "")
    person = content.by_type["person"][0]
    page.select_option("#filter-person", person.id)
    expected = {e.id for e in dated if person in content.links_of(e).get("participants", ()) + content.links_of(e).get("people", ())}
    assert {h.rstrip("/").rsplit("/", 1)[-1] for h in visible_items(page)} == expected
    hidden_days = page.eval_on_selector_all(".tl-day[hidden]", "days => days.length")
    empty_days = page.eval_on_selector_all(
        ".tl-day:not([hidden])", "days => days.filter(d => !d.querySelector('.tl-item:not([hidden])')).length")
    assert empty_days == 0 and hidden_days >= 0


@pytest.mark.parametrize("query", ["Wang Yi", "王毅"])
def test_search_finds_english_and_chinese_names(page, base, query):
    page.goto(base)
    page.fill("#site-search-q", query)
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    page.wait_for_selector("#search-results li a")
    hrefs = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith(path_of(base)) for h in hrefs)  # results live under the sub-path
    assert f"{path_of(base)}people/wang-yi/" in hrefs
    assert "match" in page.locator("#search-status").inner_text()


def test_search_for_nonsense_says_nothing_matches(page, base):
    page.goto(base + "search/?q=zzqxv")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('No page')")
    assert page.locator("#search-results li").count() == 0


def screenshot_pages(content) -> dict[str, str]:
    first = lambda kind: content.by_type[kind][0].id  # noqa: E731
    return {"home": "", "meeting": f"meetings/{first('meeting')}/", "person": "people/wang-yi/",
            "issue": f"issues/{first('issue')}/", "timeline": "timeline/", "graph": "graph/",
            "search": "search/?q=Wang+Yi"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_screenshots_and_no_sideways_scroll(browser, base, content, scheme, width):
    SCREENS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=width, color_scheme=scheme)
    page = context.new_page()
    try:
        for name, path in screenshot_pages(content).items():
            page.goto(base + path)
            if name == "search":
                page.wait_for_selector("#search-results li")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (name, overflow)
            shot = SCREENS / f"{name}-{width['width']}-{scheme}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 5_000
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (background == "rgb(255, 255, 255)") == (scheme == "light")
    finally:
        context.close()


def test_narrowest_phone_has_no_sideways_scroll(browser, base, content):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        for name, path in screenshot_pages(content).items():
            page.goto(base + path)
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, name
    finally:
        context.close()


def test_pages_do_not_shift_while_loading(page, base, content):
    page.add_init_script("""window.__shift = 0; new PerformanceObserver(list => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
      }).observe({type: 'layout-shift', buffered: true});""")
    for name, path in screenshot_pages(content).items():
        page.goto(base + path)
        if name == "search":
            page.wait_for_selector("#search-results li")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__shift") == 0, name


def test_meeting_prints_as_a_brief_with_sources(page, base, content):
    meeting = content.by_type["meeting"][0]
    page.goto(base + f"meetings/{meeting.id}/")
    page.emulate_media(media="print")
    hidden = page.eval_on_selector_all(".site-header, .breadcrumbs, .neighbours, .prev-next",
                                       "els => els.map(e => getComputedStyle(e).display)")
    assert hidden and set(hidden) == {"none"}
    assert page.locator("section.sources").is_visible()
    assert page.locator("h1").is_visible() and page.locator("dl.infobox").is_visible()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTEFACTS / f"meeting-{meeting.id}.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_everything_but_search_and_filters_works_without_javascript(browser, base, content):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        meeting = content.by_type["meeting"][0]
        page.goto(base)
        page.get_by_role("link", name=meeting.title, exact=True).first.click()
        page.wait_for_url(f"**/meetings/{meeting.id}/")
        page.locator("section.neighbours details.graph-open > summary").click()  # opens without script
        page.set_viewport_size(DESKTOP)   # a phone gets the graph in words; the drawing is for wider screens
        node = page.locator("section.neighbours svg a").first  # the graph's links work without script
        target = node.get_attribute("href")
        node.click()
        page.wait_for_url(f"**{target}")
        page.set_viewport_size(PHONE)
        page.goto(base + "timeline/")
        dated = sum(len(content.by_type.get(t, [])) for t in ("meeting", "event"))
        assert len(visible_items(page)) == dated
        assert page.locator("#filter-issue").is_disabled() and page.locator("#filter-person").is_disabled()
        assert "needs JavaScript" in page.locator("#filter-status").inner_text()
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS / "timeline-375-nojs.png"), full_page=True)
        page.fill("#site-search-q", "Wang Yi")
        page.press("#site-search-q", "Enter")
        page.wait_for_url("**/search/?q=*")
        assert "needs JavaScript" in page.locator("#search-status").inner_text()
        assert page.locator("nav.browse a").count() >= 3
        page.screenshot(path=str(SCREENS / "search-375-nojs.png"), full_page=True)
    finally:
        context.close()
