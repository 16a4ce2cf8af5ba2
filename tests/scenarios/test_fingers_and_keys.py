"""Issue 19, points 8 and 9, in headless Chromium on the real site served under its sub-path, at
375 and 1280 px in light and dark mode: sources that link back to every place they are cited and
straight to the original, targets of at least 24×24 px, glossary definitions that open on a tap,
on keyboard focus and on hover, the Sources index by publisher and title, typographic quotes in
every title and heading, and index pages that open with an intro written for readers.

Everything is read from the content, so an editor's additions and deletions keep these green.
Screenshots go to test-artifacts/screenshots/fingers-and-keys/."""
from __future__ import annotations

import contextlib
import gzip
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup

from site_builder import Paths, build
from site_builder.model import urls
from site_builder.model.typography import curly_quotes

from ..browser_support import ARTEFACTS, chromium, serve, site_under_subpath
from ..conftest import ROOT, TEMPLATES

CONTENT = ROOT / "content"
SHOTS = ARTEFACTS / "screenshots" / "fingers-and-keys"
PHONE_SCREEN = {"width": 375, "height": 667}
WIDE = {"width": 1280, "height": 900}
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE_SCREEN, WIDE], ids=["375", "1280"])
SCHEMES = pytest.mark.parametrize("scheme", ["light", "dark"])
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
STRAIGHT = re.compile("['\"]")


@pytest.fixture(scope="module")
def built(tmp_path_factory, content):
    root = tmp_path_factory.mktemp("fingers-and-keys")
    out = site_under_subpath(content.settings["base_url"], root)
    build(Paths(CONTENT, TEMPLATES, out), search=False)   # nothing here searches
    return root, out


@pytest.fixture(scope="module")
def base(built, content):
    with serve(built[0]) as origin:
        yield origin + urls.base_path(content.settings["base_url"])


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


@contextlib.contextmanager
def opened(browser, viewport, scheme="light", **options):
    context = browser.new_context(viewport=viewport, color_scheme=scheme, **options)
    try:
        yield context.new_page()
    finally:
        context.close()


def shoot(page, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def entity_pages(content) -> list[str]:
    """The home page and the richest page of every type (the one with every section filled in)."""
    pages = [""]
    for ctype in content.site.types:
        entities = content.by_type.get(ctype.name, [])
        if entities:
            richest = max(entities, key=lambda e: (sum(len(v) for v in content.links_of(e).values()), e.id))
            pages.append(f"{ctype.folder}/{richest.id}/")
    return pages


# --- 8. Sources that lead back, and to the original -------------------------------------------------

SOURCE_LIST = """() => {
  const here = location.pathname;
  const markers = Array.from(document.querySelectorAll('sup.cite a'))
    .filter(a => new URL(a.getAttribute('href'), location.href).pathname === here);
  return Array.from(document.querySelectorAll('section.sources li')).map(li => ({
    id: li.id,
    cited: markers.filter(a => new URL(a.getAttribute('href'), location.href).hash === '#' + li.id).map(a => a.id),
    backs: Array.from(li.querySelectorAll(':scope > a.backref, :scope > .backrefs a'))
      .map(a => [a.getAttribute('href').slice(1), a.textContent.trim()]),
    page: li.querySelector(':scope > a:not(.backref):not(.original)').getAttribute('href'),
    original: li.querySelector(':scope > a.original') && li.querySelector(':scope > a.original').getAttribute('href'),
  }));
}"""


def letters(n: int) -> list[str]:
    return ["↑"] if n == 1 else [chr(ord("a") + i) for i in range(n)] if n <= 26 else None


@VIEWPORTS
@SCHEMES
def test_every_source_links_back_to_each_citation_and_to_its_original(browser, base, content, viewport, scheme):
    multiple = 0
    with opened(browser, viewport, scheme) as page:
        for path in entity_pages(content):
            page.goto(base + path)
            for entry in page.evaluate(SOURCE_LIST):
                source = content.site.by_id[entry["id"].removeprefix("cite-")]
                # One way back to each citation on the page, in the order they come.
                assert [target for target, _ in entry["backs"]] == entry["cited"], (path, entry)
                if 0 < len(entry["cited"]) <= 26:
                    assert [label for _, label in entry["backs"]] == letters(len(entry["cited"])), (path, entry)
                multiple += len(entry["cited"]) > 1
                # The source's page, and beside it the original.
                assert entry["page"].endswith(f"/{source.type.folder}/{source.id}/")
                assert entry["original"] == source.values.get("url"), (path, entry)
    assert multiple > 0   # the real content cites some sources more than once on a page


@VIEWPORTS
@SCHEMES
def test_a_way_back_lands_on_its_citation_even_in_a_folded_block(browser, base, content, viewport, scheme):
    with opened(browser, viewport, scheme) as page:
        best = None   # the page and source with the most citations
        for path in entity_pages(content):
            page.goto(base + path)
            for entry in page.evaluate(SOURCE_LIST):
                if best is None or len(entry["backs"]) > len(best[1]["backs"]):
                    best = (path, entry)
        path, entry = best
        page.goto(base + path)
        for target, _ in (entry["backs"][-1], entry["backs"][0]):
            page.locator(f'#{entry["id"]} a[href="#{target}"]').click()
            page.wait_for_function("t => location.hash === '#' + t", arg=target)
            where = page.evaluate("""t => { const m = document.getElementById(t), r = m.getBoundingClientRect(),
                d = m.closest('details'); return {top: r.top, bottom: r.bottom, open: d ? d.open : true,
                mark: getComputedStyle(m).backgroundColor}; }""", target)
            assert 0 <= where["top"] and where["bottom"] <= viewport["height"], where   # in view
            assert where["open"], where                                                # unfolded if folded
            assert where["mark"] != "rgba(0, 0, 0, 0)"                                 # and marked
            if target == entry["backs"][-1][0]:
                shoot(page, f"way-back-{viewport['width']}-{scheme}")
        # A citation folded away in "About the sources" (what the source article said) is reached too.
        page.goto(base + path)
        folded = page.evaluate("""() => Array.from(document.querySelectorAll('section.sources li a[href^="#"]'))
            .map(a => a.getAttribute('href').slice(1)).find(t => document.getElementById(t).closest('details:not([open])'))""")
        if folded:
            page.locator(f'section.sources a[href="#{folded}"]').click()
            assert page.evaluate("t => document.getElementById(t).closest('details').open", folded)
        page.locator(f"#{entry['id']}").scroll_into_view_if_needed()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("section.sources").screenshot(path=str(SHOTS / f"sources-{viewport['width']}-{scheme}.png"))


# --- 8. Targets of at least 24×24 px -----------------------------------------------------------------

TARGETS = ", ".join([
    "sup.cite a", "section.sources a.backref", "section.sources .backrefs a", "section.sources a.original",
    ".site-header a", ".breadcrumbs a", ".site-footer a", ".prev-next a", ".tl-jump a", ".tl-years a",
    ".browse a", ".az-letters a", ".ref-list li > a", ".cards li > a", ".cards h3 a", ".people-list a",
    ".explore a", ".tl-compact a", ".next-list a", ".az-list a", ".tl-title a", ".infobox li > a",
    ".graph-words li > a:first-child", "svg a.g-node",
])
SIZES = """sel => Array.from(document.querySelectorAll(sel)).filter(a => a.checkVisibility()).map(a => {
  const r = a.getBoundingClientRect();
  return {what: a.closest('[class]').getAttribute('class') + ' ' + a.textContent.trim().slice(0, 40),
          width: r.width, height: r.height}; })"""


@VIEWPORTS
@SCHEMES
def test_every_target_is_at_least_24_by_24_px(browser, base, content, viewport, scheme):
    pages = entity_pages(content) + [f"{t.folder}/" for t in content.site.types] + ["timeline/", "graph/", "search/"]
    with opened(browser, viewport, scheme) as page:
        measured = 0
        for path in pages:
            page.goto(base + path)
            targets = page.evaluate(SIZES, TARGETS)
            small = [t for t in targets if t["width"] < 24 or t["height"] < 24]
            assert small == [], (path, small[:5])
            measured += len(targets)
            if path == "graph/" and viewport["width"] == WIDE["width"]:
                assert page.locator("figure.graph-full svg a.g-node").count() > 0   # the nodes were measured
                shoot(page, f"graph-{scheme}")
        assert measured > 500
        page.goto(base + entity_pages(content)[1])
        shoot(page, f"targets-{viewport['width']}-{scheme}")


# --- 8. Glossary definitions for fingers and keys ----------------------------------------------------

def glossary_page(browser, base, content) -> str:
    """The first of the tested pages whose text links to a glossary term."""
    folders = [t.folder for t in content.site.types if t.glossary]
    in_text = ", ".join(f":is(.standfirst, .prose, .position, .outcomes) a[href*='/{f}/']" for f in folders)
    with opened(browser, WIDE) as page:
        for path in entity_pages(content):
            page.goto(base + path)
            if folders and page.locator(in_text).count():
                return path
    pytest.skip("no text links to a glossary term")


def first_term(page):
    """The page's first glossary term: a link with its definition beside it."""
    assert page.locator(".gloss > a").count() > 0, "glossary terms are plain links with no definition beside them"
    return page.locator(".gloss > a").first


def definition_of(page, link) -> dict:
    return page.evaluate("""a => { const d = document.getElementById(a.getAttribute('aria-describedby')),
        r = d.getBoundingClientRect(), t = a.getBoundingClientRect();
        return {visible: d.checkVisibility(), left: r.left, right: r.right, top: r.top, under: t.bottom,
                text: d.textContent, inside: d.parentElement === a.parentElement,
                overflow: document.documentElement.scrollWidth - innerWidth}; }""", link.element_handle())


def focus_by_keyboard(page) -> None:
    """Press Tab until a glossary term's link has the focus."""
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.gloss')"):
            return
    raise AssertionError("no glossary term reached by Tab")


@VIEWPORTS
@SCHEMES
def test_a_glossary_definition_opens_on_keyboard_focus_and_closes_with_escape(browser, base, content, viewport, scheme):
    path = glossary_page(browser, base, content)
    with opened(browser, viewport, scheme) as page:
        page.goto(base + path)
        link = first_term(page)
        assert not definition_of(page, link)["visible"]   # closed until asked for
        focus_by_keyboard(page)
        link = page.locator(".gloss > a:focus")
        shown = definition_of(page, link)
        assert shown["visible"] and shown["inside"] and shown["text"].strip()
        assert shown["top"] >= shown["under"] - 1                                # below the term
        assert shown["left"] >= 0 and shown["right"] <= viewport["width"] and shown["overflow"] <= 0
        shoot(page, f"glossary-focus-{viewport['width']}-{scheme}")
        axe = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
        assert [v["id"] for v in axe.response["violations"]] == []              # the open definition too
        page.keyboard.press("Escape")
        assert not definition_of(page, link)["visible"]
        assert page.evaluate("!!document.activeElement.closest('.gloss')")       # focus stays on the term
        page.goto(page.evaluate("document.activeElement.href"))                   # it is the term's own definition
        assert page.locator(".definition").inner_text().split()[:3] == shown["text"].split()[:3]


@VIEWPORTS
@SCHEMES
def test_a_glossary_definition_opens_on_a_tap_and_a_second_tap_follows_the_link(browser, base, content, viewport, scheme):
    path = glossary_page(browser, base, content)
    with opened(browser, viewport, scheme, has_touch=True) as page:   # a phone, a large tablet
        page.goto(base + path)
        link = first_term(page)
        link.scroll_into_view_if_needed()
        link.tap()
        shown = definition_of(page, link)
        assert shown["visible"] and page.url == base + path            # it opened; the page stayed
        assert shown["left"] >= 0 and shown["right"] <= viewport["width"] and shown["overflow"] <= 0
        shoot(page, f"glossary-tap-{viewport['width']}-{scheme}")
        page.locator("h1").tap()                                       # a tap elsewhere closes it
        assert not definition_of(page, link)["visible"]
        link.tap()
        assert definition_of(page, link)["visible"]
        href = link.get_attribute("href")
        link.tap()                                                     # the second tap opens the term's page
        page.wait_for_url("**" + href)


@SCHEMES
def test_a_glossary_definition_opens_on_hover_and_stays_while_read(browser, base, content, scheme):
    path = glossary_page(browser, base, content)
    with opened(browser, WIDE, scheme) as page:
        page.goto(base + path)
        link = first_term(page)
        link.hover()
        shown = definition_of(page, link)
        assert shown["visible"]
        page.mouse.move(shown["left"] + 20, shown["top"] + 10, steps=5)   # onto the definition, to read it
        assert definition_of(page, link)["visible"]
        page.mouse.move(1, 1)
        assert not definition_of(page, link)["visible"]


@VIEWPORTS
def test_without_javascript_keyboard_focus_still_opens_a_definition(browser, base, content, viewport):
    path = glossary_page(browser, base, content)
    with opened(browser, viewport, java_script_enabled=False) as page:
        page.goto(base + path)
        first_term(page)
        focus_by_keyboard(page)
        assert definition_of(page, page.locator(".gloss > a:focus"))["visible"]


# --- 8. The Sources index, by publisher and title ----------------------------------------------------

@VIEWPORTS
@SCHEMES
def test_the_sources_index_is_sorted_by_publisher_and_title_and_shows_both(browser, base, content, viewport, scheme):
    citable = [t for t in content.site.types if t.citable]
    assert citable
    for ctype in citable:
        with opened(browser, viewport, scheme) as page:
            page.goto(base + f"{ctype.folder}/")
            shown = page.eval_on_selector_all("ul.cards > li", """lis => lis.map(li => ({
                publisher: (p => { p.querySelector('.meta')?.remove(); return p.textContent.trim(); })(
                    li.querySelector('.publisher').cloneNode(true)),   // its text, marks included, without the date
                title: li.querySelector(':scope > a').textContent.trim(),
                id: li.querySelector(':scope > a').getAttribute('href').replace(/\\/$/, '').split('/').pop()}))""")
            sources = sorted(content.by_type[ctype.name], key=lambda e: (
                e.values["publisher"].casefold(), e.values["title"].casefold(), e.id))
            assert [item["id"] for item in shown] == [e.id for e in sources]   # by publisher, then title
            for item in shown:
                source = content.site.by_id[item["id"]]
                assert item["publisher"] == curly_quotes(source.values["publisher"])
                assert item["title"].strip("[]") == source.title
            shoot(page, f"sources-index-{viewport['width']}-{scheme}")


# --- 9. Typographic quotes in every title and heading ------------------------------------------------

def test_no_title_or_heading_of_any_page_has_a_straight_quote(built):
    pages = [p for p in sorted(built[1].rglob("*.html")) if "pagefind" not in p.parts]
    assert len(pages) > 100
    found = []
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        texts = [soup.title.get_text()] + [h.get_text() for h in soup.find_all(["h1", "h2", "h3", "h4"])]
        texts += [m["content"] for m in soup.find_all("meta", attrs={"property": "og:title"})]
        found += [(path.relative_to(built[1]).as_posix(), t) for t in texts if STRAIGHT.search(t)]
    assert found == []


@VIEWPORTS
@SCHEMES
def test_titles_written_with_straight_quotes_show_curly_ones(browser, base, content, viewport, scheme):
    quoted = [e for e in content.site.by_id.values() if STRAIGHT.search(e.values[e.type.title_field])]
    if not quoted:
        pytest.skip("no title in the content has a straight quote")
    with opened(browser, viewport, scheme) as page:
        for entity in quoted:
            page.goto(base + f"{entity.type.folder}/{entity.id}/")
            shown = curly_quotes(entity.values[entity.type.title_field])
            assert page.title().startswith(shown)
            assert page.locator("h1").inner_text().startswith(shown)
            assert page.locator(".breadcrumbs [aria-current=page]").inner_text().startswith(shown)
        shoot(page, f"curly-title-{viewport['width']}-{scheme}")


# --- 9. Index pages that open with an intro for readers ---------------------------------------------

@VIEWPORTS
@SCHEMES
def test_each_index_opens_with_an_intro_written_for_readers(browser, base, content, viewport, scheme):
    intros = dict(content.settings.get("intros") or ())
    with opened(browser, viewport, scheme) as page:
        for ctype in content.site.types:
            if not content.by_type.get(ctype.name):
                continue
            assert ctype.folder in intros, f"site.yaml has no intro for {ctype.folder}/"
            page.goto(base + f"{ctype.folder}/")
            lede = page.locator("main h1 + .lede")
            words = " ".join(re.sub(r"[*_`]", "", intros[ctype.folder]).split())
            assert lede.inner_text().strip() == curly_quotes(words)
            assert lede.inner_text().strip() != ctype.description   # not the schema's words
            assert page.evaluate("document.querySelector('main h1 + .lede').getBoundingClientRect().top") < 400
        shoot(page, f"index-intro-{viewport['width']}-{scheme}")


# --- Page weight ----------------------------------------------------------------------------------

def test_every_page_weighs_at_most_40_kb_without_search(built):
    """What a reader's browser fetches for a page, compressed as GitHub Pages sends it: the HTML
    and the stylesheet and script it loads (not the search bundle, which loads only on search)."""
    out = built[1]
    static = sum(len(gzip.compress(p.read_bytes(), 9)) for p in (out / "static").iterdir()
                 if p.suffix in (".css", ".js"))
    weights = {p.relative_to(out).as_posix(): len(gzip.compress(p.read_bytes(), 9)) + static
               for p in out.rglob("*.html") if "pagefind" not in p.parts}
    heaviest = sorted(weights.items(), key=lambda item: -item[1])[:5]
    print("heaviest pages (gzip, with CSS and JS):", heaviest)
    assert max(weights.values()) <= 40_000, heaviest
