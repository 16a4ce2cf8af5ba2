"""The explainer in each of its languages, in headless Chromium on the real site served under its
sub-path: the switcher on every page type leads to the same page, search works in each language
(Pagefind's index per language), no text is in another language than its page without a `lang`
mark, and a translation whose English changed says so on the page."""
from __future__ import annotations

import re

import pytest

from site_builder import Paths, build
from site_builder.model import urls
from site_builder.model.translations import site_languages

from ..browser_support import DESKTOP, PHONE, serve
from ..conftest import MINIMAL, ROOT, TEMPLATES, write_tree
from .test_a11y import page_paths
from .test_e2e_reader import base, browser  # noqa: F401 (the real site served under its sub-path; the browser)

CONTENT = ROOT / "content"

# Every text node of a page, in whichever language is in force where it stands: a run of three
# Latin words must not sit in an element (or page) marked Chinese, and any Han must sit in one
# marked Chinese (or Japanese). URLs and host names are not words.
UNMARKED = r"""() => {
  const han = /[\u3400-\u9fff]/, latin = /(^|[^A-Za-z0-9_.@\/:#-])[A-Za-z][A-Za-z'’.-]*([ ,]+[A-Za-z][A-Za-z'’.-]*){2,}/;
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, svg title, [hidden]')) continue;
    let text = node.textContent.replace(/https?:\/\/\S+/g, '');
    const marked = (parent.closest('[lang]') || document.documentElement).getAttribute('lang').toLowerCase();
    const foreign = (latin.test(text) && marked.startsWith('zh'))
                    || (han.test(text) && !marked.startsWith('zh') && !marked.startsWith('ja'));
    if (foreign) found.push(text.trim().slice(0, 60));
  }
  return found;
}"""


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


def other_languages(content) -> list[str]:
    return list(site_languages(content.settings)[1:])


def real_paths() -> list[str]:
    """One page of every type of the real site, as paths below its base."""
    return [p.removeprefix("diplomatic-explainer/") for p in page_paths()
            if p.startswith("diplomatic-explainer/") and not p.startswith("diplomatic-explainer/zh-hans/")]


def test_the_switcher_leads_to_the_same_page_in_each_language_on_every_page_type(page, base, content):
    assert other_languages(content), "the real content declares a second language"
    for language in other_languages(content):
        folder = urls.language_folder(language, content.settings["language"])
        for path in real_paths():
            if path.endswith("404.html"):
                continue
            page.goto(base + path)
            page.click(f'nav.languages a[hreflang="{language}"]')
            page.wait_for_url(f"**{base.split('//', 1)[1].split('/', 1)[1]}{folder}{path}")
            assert page.evaluate("document.documentElement.lang") == language
            page.click(f'nav.languages a[hreflang="{content.settings["language"]}"]')
            page.wait_for_url(re.compile(re.escape(base + path) + "$"))
            assert page.evaluate("document.documentElement.lang") == content.settings["language"]


@pytest.mark.parametrize("language, query", [("en", "Wang Yi"), ("zh-Hans", "王毅")])
def test_search_finds_wang_yi_in_each_language(page, base, content, language, query):
    folder = urls.language_folder(language, content.settings["language"])
    page.goto(base + folder)
    page.fill("#site-search-q", query)
    page.press("#site-search-q", "Enter")
    page.wait_for_url(f"**/{folder}search/?q=*")
    page.wait_for_selector("#search-results li a")
    hrefs = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
    home = re.sub(r"^https?://[^/]+", "", base) + folder
    assert f"{home}people/wang-yi/" in hrefs
    # Each language's search finds that language's pages only.
    assert all(h.startswith(home) and (folder or "/zh-hans/" not in h) for h in hrefs)


def test_no_text_is_in_another_language_without_a_lang_mark(page, base, content):
    found = {}
    for language in site_languages(content.settings):
        folder = urls.language_folder(language, content.settings["language"])
        for path in real_paths():
            page.goto(base + folder + path)
            unmarked = page.evaluate(UNMARKED)
            if unmarked:
                found[folder + path] = unmarked[:5]
    assert found == {}


def test_the_checker_finds_unmarked_text(page, base):
    # Guards the check above against passing everything: an English page with Chinese in it.
    page.set_content('<html lang="en"><body><p>Talks with 王毅</p><p lang="zh">王毅</p></body></html>')
    assert page.evaluate(UNMARKED) == ["Talks with 王毅"]
    page.set_content('<html lang="zh-Hans"><body><p>他说 three English words</p><p>TikTok 和 H.R. 815</p></body></html>')
    assert page.evaluate(UNMARKED) == ["他说 three English words"]


def test_english_no_translation_gives_yet_is_marked_as_english_on_every_page(page, tmp_path):
    from site_builder.model.translations import text_hash
    # An editor's new meeting and person, not translated yet: their one-line fields (a place, a
    # role, a title) show in English on the Chinese pages wherever a template puts them, in
    # lists, captions, the graph's SVG and the links to the next meeting, and are marked there.
    site_yaml = "title: Test\ndescription: A test.\nbase_url: https://example.org/repo/\nlanguage: en\nlanguages: [en, zh-Hans]\n"
    content = write_tree(tmp_path / "content", {
        **MINIMAL, "site.yaml": site_yaml,
        "meetings/talks.yaml": MINIMAL["meetings/talks.yaml"].replace("location: Beijing",
                                                                      "location: Great Hall of the People, Beijing"),
        "meetings/reception.yaml": """
            title: Reception at the US Embassy
            date: 2024-04-27
            location: US Embassy, Beijing
            status: held
            participants: [antony-blinken, jane-roe]
            summary: A reception with [[wang-yi]] [[src-a]].
            sources: [src-a]
        """,
        "people/jane-roe.yaml": """
            name: Jane Roe
            role: Deputy Chief of Mission, US Embassy in Beijing
            country: United States
            summary: A diplomat [[src-a]].
        """,
        "zh-Hans/people/wang-yi.yaml": f"name: 王毅\ntranslated_from:\n  name: {text_hash('Wang Yi')}\n",
        "zh-Hans/meetings/talks.yaml": f"title: 北京会谈\ntranslated_from:\n  title: {text_hash('Talks in Beijing')}\n"})
    out = tmp_path / "root" / "repo"
    build(Paths(content, TEMPLATES, out), search=False)
    pages = sorted(p.relative_to(out).as_posix() for p in (out / "zh-hans").rglob("*.html"))
    assert "zh-hans/meetings/reception/index.html" in pages
    found = {}
    with serve(tmp_path / "root") as origin:
        for path in pages:
            page.goto(f"{origin}/repo/{path}")
            unmarked = page.evaluate(UNMARKED)
            if unmarked:
                found[path] = unmarked
        assert found == {}
        page.goto(f"{origin}/repo/zh-hans/meetings/reception/")
        assert page.locator('[lang="en"]', has_text="US Embassy, Beijing").count() > 0
        assert page.locator('.untranslated [lang="zh"]', has_text="王毅").count() > 0   # a name in the English


def test_a_translation_behind_its_english_shows_the_note_in_the_browser(browser, tmp_path):
    from site_builder.model.translations import text_hash
    site_yaml = "title: Test\ndescription: A test.\nbase_url: https://example.org/repo/\nlanguage: en\nlanguages: [en, zh-Hans]\n"
    content = write_tree(tmp_path / "content", {**MINIMAL, "site.yaml": site_yaml,
                                                "zh-Hans/meetings/talks.yaml":
                                                    f"title: 北京会谈\ntranslated_from:\n  title: {text_hash('Talks in Beijing')}\n"})
    out = tmp_path / "root" / "repo"
    build(Paths(content, TEMPLATES, out), search=False)
    talks = content / "meetings" / "talks.yaml"
    with serve(tmp_path / "root") as origin:
        context = browser.new_context(viewport=DESKTOP)
        try:
            tab = context.new_page()
            tab.goto(origin + "/repo/zh-hans/meetings/talks/")
            assert tab.locator(".translation-note a").count() == 0
            talks.write_text(talks.read_text().replace("Talks in Beijing", "Talks in Beijing, 26 April"))
            build(Paths(content, TEMPLATES, out), search=False)
            # A new address: the first load may still be fresh in the browser's cache (the
            # server's Last-Modified has a resolution of one second).
            tab.goto(origin + "/repo/zh-hans/meetings/talks/?after-the-edit")
            note = tab.locator(".translation-note", has=tab.locator("a"))
            assert note.is_visible()
            tab.click(".translation-note a")
            tab.wait_for_url("**/repo/meetings/talks/")
            assert tab.locator("h1").inner_text() == "Talks in Beijing, 26 April"
        finally:
            context.close()
