"""Issue 19, "The reader's first minute", measured in headless Chromium on the real site served
under its sub-path: the answer on the first screen, each related entity at most twice, editors'
notes in one collapsed block, a timeline that tells time, search that ranks, a home page that
answers. Screenshots at 375 and 1280 px, light and dark, go to test-artifacts/screenshots/first-minute/."""
from __future__ import annotations

import re

import pytest

from site_builder import Paths, build
from site_builder.model import urls

from site_builder.model.schema import DATED

from ..browser_support import ARTEFACTS, chromium, serve, site_under_subpath
from ..conftest import ROOT, TEMPLATES

CONTENT = ROOT / "content"
SHOTS = ARTEFACTS / "screenshots" / "first-minute"
PHONE_SCREEN = {"width": 375, "height": 667}
WIDE = {"width": 1280, "height": 900}
# The pages the issue measured, with their height at 1280 px before the change.
WANG_YI_MEETING = "meetings/blinken-wang-yi/"
FENTANYL_ISSUE = "issues/fentanyl-precursors/"


@pytest.fixture(scope="module")
def base(tmp_path_factory, content):
    root = tmp_path_factory.mktemp("first-minute")
    base_url = content.settings["base_url"]
    build(Paths(CONTENT, TEMPLATES, site_under_subpath(base_url, root)))
    with serve(root) as origin:
        yield origin + urls.base_path(base_url)


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


def entity_pages(content) -> list[str]:
    """One page of every entity type with a summary: the richest, as the issue tried."""
    pages = []
    for ctype in content.site.types:
        entities = content.by_type.get(ctype.name, [])
        if entities and ctype.field("summary"):
            richest = max(entities, key=lambda e: (sum(len(v) for v in content.links_of(e).values()), e.id))
            pages.append(f"{ctype.folder}/{richest.id}/")
    named = [path for path in (WANG_YI_MEETING, FENTANYL_ISSUE)
             if path.split("/")[1] in content.site.by_id]   # an editor may have deleted them
    return sorted(set(pages) | set(named))


def shoot(page, name: str, first_screen: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if first_screen:
        page.screenshot(path=str(SHOTS / f"{name}-first-screen.png"))


# --- 1. Answer first ---------------------------------------------------------------------------

def test_on_a_phone_the_summary_starts_on_the_first_screen(browser, base, content):
    context = browser.new_context(viewport=PHONE_SCREEN)
    page = context.new_page()
    try:
        for path in entity_pages(content):
            page.goto(base + path)
            top = page.evaluate("document.querySelector('.standfirst').getBoundingClientRect().top + scrollY")
            assert top <= 450, (path, top)
            # Title, standfirst, then the rest of the summary: nothing comes between them but the dateline.
            order = page.evaluate("""() => Array.from(document.querySelectorAll(
                '.brief h1, .brief .standfirst, .brief .dateline, .brief-body > *:first-child, .rail'))
                .map(e => e.className || e.tagName)""")
            assert order[:2] == ["H1", "standfirst"], (path, order)
            assert order[-1] == "rail", (path, order)   # on a phone the fact box follows the text
            shoot(page, path.strip("/").replace("/", "-") + "-375", first_screen=True)
    finally:
        context.close()


def test_at_desktop_width_the_fact_box_is_a_side_rail(browser, base, content):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    try:
        for path in entity_pages(content):
            page.goto(base + path)
            box = page.evaluate("""() => { const r = document.querySelector('.rail').getBoundingClientRect(),
                b = document.querySelector('.brief-body').getBoundingClientRect(),
                h = document.querySelector('.brief h1').getBoundingClientRect();
                return {rail_left: r.left, rail_top: r.top, body_right: b.right, title_top: h.top}; }""")
            assert box["rail_left"] >= box["body_right"], (path, box)       # beside the text
            assert box["rail_top"] <= box["title_top"] + 100, (path, box)   # from the top of the page
            shoot(page, path.strip("/").replace("/", "-") + "-1280")
    finally:
        context.close()


@pytest.mark.facts_of("blinken-wang-yi")
def test_a_meeting_gives_outcomes_then_what_each_side_said(browser, base):
    context = browser.new_context(viewport=PHONE_SCREEN)
    page = context.new_page()
    try:
        page.goto(base + WANG_YI_MEETING)
        tops = page.evaluate("""() => ['.standfirst', '#outcomes-heading', '#readouts-heading']
            .map(s => document.querySelector(s).getBoundingClientRect().top + scrollY)""")
        assert tops == sorted(tops)
        following = page.evaluate("document.getElementById('outcomes-heading').parentElement.nextElementSibling"
                                  ".querySelector('h2').id")
        assert following == "readouts-heading"
    finally:
        context.close()


# --- 2. Say it once ----------------------------------------------------------------------------

VISIBLE_LINKS = """() => { const seen = {};
  for (const a of document.querySelectorAll('main a[href]')) {
    if (!a.checkVisibility()) continue;
    const u = new URL(a.getAttribute('href'), location.href);
    if (u.hash || u.pathname === location.pathname) continue;
    seen[u.pathname] = (seen[u.pathname] || 0) + 1;
  }
  return seen; }"""


def test_a_related_entity_appears_at_most_twice(browser, base, content):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    try:
        for path in entity_pages(content):
            page.goto(base + path)
            repeated = {href: n for href, n in page.evaluate(VISIBLE_LINKS).items()
                        if n > 2 and href.count("/") > 3}   # entity pages, not the index pages
            assert repeated == {}, path
    finally:
        context.close()


@pytest.mark.facts_of("blinken-wang-yi", "fentanyl-precursors")
def test_the_pages_the_issue_measured_keep_their_graph_folded(browser, base):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    try:
        # How tall these pages are depends on how much an editor writes (after the fact-checks
        # the Wang Yi meeting holds both full readouts), so no height is pinned here: the closing
        # note reports them. What the layout owes is that the graph stays folded.
        for path in (FENTANYL_ISSUE, WANG_YI_MEETING):
            page.goto(base + path)
            open_graphs = page.eval_on_selector_all("section.neighbours details", "ds => ds.filter(d => d.open).length")
            assert open_graphs == 0
            heights = page.evaluate("document.documentElement.scrollHeight")
            print(f"{path}: {heights} px at 1280")
    finally:
        context.close()


@pytest.mark.facts_of("fentanyl-precursors")
def test_the_graph_and_its_words_are_available_not_repeated(browser, base):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    try:
        page.goto(base + FENTANYL_ISSUE)
        graph = page.locator("section.neighbours details.graph-open")
        assert not graph.evaluate("d => d.open")
        assert not page.locator("section.neighbours svg").is_visible()
        graph.locator("summary").first.click()
        assert page.locator("section.neighbours svg").is_visible()
    finally:
        context.close()


# --- 3. Editors' notes in their place -----------------------------------------------------------

@pytest.mark.facts_of("blinken-wang-yi")
def test_notes_on_the_sources_are_one_collapsed_block(browser, base, content):
    context = browser.new_context(viewport=PHONE_SCREEN)
    page = context.new_page()
    try:
        page.goto(base + WANG_YI_MEETING)
        block = page.locator("details.about-sources")
        assert block.count() == 1 and not block.evaluate("d => d.open")
        assert block.locator("h3", has_text="What the source article said").count() == 1
        assert not page.get_by_text("The article expected this meeting").is_visible()
        block.locator("summary").click()
        assert page.get_by_text("The article expected this meeting").is_visible()
        shoot(page, "about-the-sources-open-375")
        for path in entity_pages(content):
            page.goto(base + path)
            assert page.locator("details.about-sources").count() <= 1, path
    finally:
        context.close()


# --- 4. A timeline that tells time ----------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE_SCREEN, WIDE], ids=["375", "1280"])
def test_the_timeline_names_each_zone_groups_the_visit_and_explains_its_markers(browser, base, content,
                                                                              viewport, scheme):
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(base + "timeline/")
        text = page.locator("#timeline").inner_text()
        for abbreviation in ("CST", "EDT", "EST", "PST", "PDT"):
            assert f" {abbreviation}" not in text
        zones = page.eval_on_selector_all(".tl-item .tl-zone", "zs => zs.map(z => z.textContent)")
        zoned = [e for t in content.site.types for e in content.by_type.get(t.name, [])
                 if e.values.get("date") and e.values.get("timezone")]
        assert len(zones) == len(zoned)   # every item whose zone is known says it in words
        assert "Beijing time (UTC+8)" in zones and "Washington time (UTC\u22124)" in zones
        # The visit's days are one group, marked, with a link that jumps to it.
        start, end = content.settings["focus_from"], content.settings["focus_to"]
        visit = page.locator("section.tl-focus")
        assert visit.count() == 1
        days = visit.locator(".tl-day > .tl-date time").evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))")
        assert days and all(start.isoformat() <= d <= end.isoformat() for d in days)
        assert visit.evaluate("s => getComputedStyle(s).borderLeftStyle") == "solid"
        page.get_by_role("link", name="Jump to the visit").click()
        assert page.url.endswith("#" + visit.get_attribute("id"))
        assert abs(visit.evaluate("s => s.getBoundingClientRect().top")) < 5
        # Each marker is in the legend.
        legend = page.locator("ul.tl-legend li")
        assert legend.all_inner_texts() == ["Meeting", "Event"]
        marks = page.eval_on_selector_all("ul.tl-legend .tl-mark",
                                          "ms => ms.map(m => getComputedStyle(m, '::before').content)")
        titles = page.eval_on_selector_all(".tl-meeting .tl-title, .tl-event .tl-title",
                                           "ts => new Set(ts.map(t => getComputedStyle(t, '::before').content)).size")
        assert len(set(marks)) == 2 == titles
        page.goto(base + "timeline/")
        repeated = {h: n for h, n in page.evaluate(VISIBLE_LINKS).items() if n > 2 and h.count("/") > 3}
        assert repeated == {}   # names in the "With …" lines are text: the person filter finds them
        shoot(page, f"timeline-{viewport['width']}-{scheme}", first_screen=True)
    finally:
        context.close()


@pytest.mark.facts_of("blinken-xi-jinping", "fentanyl-precursors", "taiwan-indo-pacific-funding", "tiktok-divest-or-ban-law", "wang-yi")
def test_filtering_the_timeline_hides_empty_groups(browser, base):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    try:
        page.goto(base + "timeline/?issue=tiktok-divest-or-ban-law")
        shown = page.eval_on_selector_all("section.tl-group", "gs => gs.filter(g => !g.hidden).length")
        for group in page.locator("section.tl-group:not([hidden])").all():
            assert group.locator(".tl-item:not([hidden])").count() > 0
        assert shown >= 1
    finally:
        context.close()


# --- 6. Search that ranks ---------------------------------------------------------------------------

# The five queries of the issue, and the page each is about (it ranked 3rd, 6th, 6th, 3rd and 5th).
RANKED = [("Wang Yi", "people/wang-yi/"), ("TikTok", "issues/tiktok-divest-or-ban-law/"),
          ("Taiwan", "issues/taiwan-indo-pacific-funding/"), ("fentanyl", "issues/fentanyl-precursors/"),
          ("Blinken Xi", "meetings/blinken-xi-jinping/")]


def results(page) -> list[str]:
    page.wait_for_selector("#search-results li a")
    return page.eval_on_selector_all("#search-results li > a", "links => links.map(a => a.getAttribute('href'))")


@pytest.mark.parametrize("query,about", [pytest.param(q, a, marks=pytest.mark.facts_of(a.split("/")[1]))
                                         for q, a in RANKED])
def test_the_page_a_query_is_about_comes_first(browser, base, query, about):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    try:
        page.goto(base + "search/?q=" + query.replace(" ", "+"))
        found = results(page)
        assert found[0] == "/" + base.split("://", 1)[1].split("/", 1)[1] + about, found[:5]
        excerpts = page.eval_on_selector_all("#search-results li > p", "ps => ps.map(p => p.textContent)")
        for text in excerpts:   # labels never run into their values ("PublisherTASS DateTuesday")
            assert not any(f"{label}{c}" in text for label in ("Publisher", "Date", "Kind", "Author", "Link")
                           for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), text
        if query == "Wang Yi":
            shoot(page, "search-wang-yi-1280")
    finally:
        context.close()


def test_search_results_have_more(browser, base):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    try:
        page.goto(base + "search/?q=Blinken")
        first = results(page)
        total = int(page.locator("#search-status").inner_text().split()[0])
        assert total > 20 and len(first) == 20
        more = page.locator("#search-more")
        assert more.is_visible()
        more.click()
        page.wait_for_function("document.querySelectorAll('#search-results li').length > 20")
        assert len(results(page)) == min(40, total)
    finally:
        context.close()


def test_without_javascript_search_leads_to_every_page_a_to_z(browser, base, content):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE_SCREEN)
    page = context.new_page()
    try:
        page.goto(base)
        page.fill("#site-search-q", "Wang Yi")
        page.press("#site-search-q", "Enter")
        page.wait_for_url("**/search/?q=*")
        assert "q=Wang+Yi" in page.url   # the query is kept in the address
        listed = page.eval_on_selector_all(".az-list a", "links => links.map(a => a.getAttribute('href'))")
        assert len(listed) == len(content.site.by_id) == len(set(listed))
        assert any(href.endswith("/people/wang-yi/") for href in listed)
        titles = page.eval_on_selector_all(".az-list a", "links => links.map(a => a.textContent)")
        letters = page.eval_on_selector_all(".az h3", "hs => hs.map(h => h.textContent)")
        assert letters == sorted(letters, key=lambda l: (l == "#", l))
        assert len(titles) == len(listed)
        shoot(page, "search-nojs-375", first_screen=True)
    finally:
        context.close()


# --- 7. The home page answers ------------------------------------------------------------------------

@pytest.mark.parametrize("viewport", [PHONE_SCREEN, WIDE], ids=["375", "1280"])
def test_the_home_page_says_what_came_of_it(browser, base, content, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        page.goto(base)
        order = page.eval_on_selector_all("main h2", "hs => hs.map(h => h.id)")
        assert order[:3] == ["facts-heading", "outcomes-heading", "next-heading"]
        facts = page.locator("section.key-facts").inner_text()
        assert "24 April 2024" in facts and "26 April 2024" in facts
        # Key facts and what came of it cover the days the site is about (focus_from to focus_to):
        # a meeting an editor adds on another day is not expected there.
        start, end = content.settings["focus_from"], content.settings["focus_to"]
        visit = [m for m in content.by_type["meeting"] if start <= m.values["date"] <= end]
        assert visit
        for meeting in visit:
            assert meeting.values["location"] in facts
        outcomes = page.locator("#outcomes-heading").locator("xpath=..").inner_text()
        for meeting in visit:
            for text in meeting.values.get("outcomes") or []:
                plain = re.sub(r"\[\[[^\]|]*\|([^\]]*)\]\]|\[\[[^\]]*\]\]", r"\1", text).replace("'", "\u2019")
                assert " ".join(plain.split()[:3])[:15] in outcomes.replace("'", "\u2019")
        later = [e for t in content.site.types if t.has(DATED) for e in content.by_type.get(t.name, [])
                 if e.values["date"] > end]
        listed = page.locator("#next-heading + ol li").count()
        assert listed == len(later) > 0
        # No summary on the page is cut mid-clause.
        cut = page.eval_on_selector_all("main p", "ps => ps.map(p => p.textContent.trim()).filter(t => t.endsWith('…'))")
        assert cut == []
        repeated = {h: n for h, n in page.evaluate(VISIBLE_LINKS).items() if n > 2 and h.count("/") > 3}
        assert repeated == {}
        shoot(page, f"home-{viewport['width']}", first_screen=True)
    finally:
        context.close()


# --- 5. A graph for every screen -------------------------------------------------------------------

@pytest.mark.facts_of("fentanyl-precursors")
def test_the_graph_fits_a_phone_as_words_and_explains_itself_on_a_desktop(browser, base, content):
    context = browser.new_context(viewport=PHONE_SCREEN)
    page = context.new_page()
    try:
        page.goto(base + "graph/")
        assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
        assert not page.locator("figure.graph-full").is_visible()
        assert page.locator(".phone-note").is_visible() and page.locator("#words-heading").is_visible()
        shoot(page, "graph-375", first_screen=True)
        page.goto(base + FENTANYL_ISSUE)
        page.locator("section.neighbours summary").click()
        assert page.locator("section.neighbours .graph-alt").is_visible()
        assert not page.locator("section.neighbours svg").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    finally:
        context.close()
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    try:
        page.goto(base + "graph/")
        assert page.locator("ul.graph-legend").is_visible()
        labels = page.eval_on_selector_all("figure.graph-full svg text", "ts => ts.map(t => t.textContent)")
        assert not any(label.endswith("…") for label in labels)
        linked = {h.rstrip("/").rsplit("/", 1)[-1] for h in page.eval_on_selector_all(
            "figure.graph-full svg a", "as => as.map(a => a.getAttribute('href'))")}
        assert {e.id for e in content.by_type["event"] if content.links_of(e).get("people") or content.links_of(e).get("issues")} <= linked
        assert {p.id for p in content.by_type["person"]} <= linked   # every person
        node = page.locator("figure.graph-full svg a.g-meeting").first
        node.focus()
        assert node.evaluate("a => getComputedStyle(a.querySelector('rect')).strokeWidth") == "3px"
        shoot(page, "graph-1280")
    finally:
        context.close()


def test_a_long_timeline_is_split_by_year_with_a_year_index(tmp_path, monkeypatch, content):
    """At scale (the benchmark's medium preset has 1,000 dated entries over 50 years) one page
    of every day passed 1 MB; past urls.TIMELINE_YEARS_OVER entries each year has its page."""
    from bs4 import BeautifulSoup
    monkeypatch.setattr(urls, "TIMELINE_YEARS_OVER", 5)
    out = tmp_path / "_site"
    build(Paths(CONTENT, TEMPLATES, out))
    dated = {e.id: e for t in content.site.types if t.has("dated") for e in content.by_type.get(t.name, [])}
    years = sorted({e.values["date"].year for e in dated.values()})
    seen = []
    for year in years:
        page = out / "timeline" / str(year) / "index.html"
        assert page.stat().st_size < 1_000_000
        soup = BeautifulSoup(page.read_text(), "html.parser")
        assert soup.h1.get_text() == f"Timeline: {year}"
        index = [a.get_text() for a in soup.select("nav.tl-years a")]
        assert index == [str(y) for y in years]
        assert soup.select_one("nav.tl-years a[aria-current=page]").get_text() == str(year)
        ids = [a["href"].rstrip("/").rsplit("/", 1)[-1] for a in soup.select(".tl-item .tl-title a")]
        assert all(dated[i].values["date"].year == year for i in ids)
        seen += ids
    assert sorted(seen) == sorted(dated)   # every entry on exactly one year's page
    main = BeautifulSoup((out / "timeline" / "index.html").read_text(), "html.parser")
    latest = [a["href"].rstrip("/").rsplit("/", 1)[-1] for a in main.select(".tl-item .tl-title a")]
    assert latest and all(dated[i].values["date"].year == years[-1] for i in latest)
    assert f"/timeline/{years[0]}/" in (out / "sitemap.xml").read_text()


def test_at_scale_the_site_graph_draws_the_most_connected_under_1_mb():
    from site_builder.explainer import graph as graph_module
    from ..explainer.test_reader import synthetic_meetings
    meetings = synthetic_meetings(2000)
    drawn = graph_module.most_connected(meetings)
    assert len(drawn) == graph_module.MAX_SITE_HUBS
    assert [m["id"] for m in drawn] == [m["id"] for m in meetings if m in drawn]   # time order kept
    assert graph_module.most_connected(meetings) == drawn                          # deterministic
    svg = str(graph_module.render_svg(graph_module.relationship_graph(drawn), "all"))
    assert len(svg.encode()) < 1_000_000
    assert graph_module.most_connected(meetings[:10]) == meetings[:10]
