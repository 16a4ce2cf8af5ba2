"""The site in each of its languages: /zh-hans/ pages made from translations, the switcher,
hreflang, the notes on stale and untranslated text, pinyin order and the sitemap's alternates."""
from __future__ import annotations

import xml.etree.ElementTree as etree

from bs4 import BeautifulSoup

from site_builder import Paths, build
from site_builder.core.messages import sort_text
from site_builder.model.translations import text_hash

import pytest

from ..conftest import MINIMAL, TEMPLATES, write_tree

SITE = """
    title: Test explainer
    description: A tiny site for tests.
    base_url: https://example.org/repo/
    language: en
    languages: [en, zh-Hans]
    parties: [United States, China]
"""


def stamped(english: dict[str, object], **fields: object) -> str:
    """A translation file giving `fields`, made from the English values in `english`."""
    import yaml
    body = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    return body + "translated_from:\n" + "".join(f"  {name}: {text_hash(english[name])}\n" for name in fields)


def translated() -> dict[str, str]:
    return {
        "site.yaml": SITE,
        "zh-Hans/site.yaml": stamped({"title": "Test explainer", "parties": ("United States", "China")},
                                     title="测试解读", parties=["美国", "中国"]),
        "zh-Hans/meetings/talks.yaml": stamped({"title": "Talks in Beijing", "location": "Beijing",
                                                "summary": "Talks with [[wang-yi]] and [[wang-yi|the minister]]."},
                                               title="北京会谈", location="北京", summary="与[[wang-yi]]会谈。"),
        "zh-Hans/people/wang-yi.yaml": stamped({"name": "Wang Yi"}, name="王毅"),
        "zh-Hans/people/antony-blinken.yaml": stamped({"name": "Antony Blinken"}, name="安东尼·布林肯"),
    }


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    """One build of a small site in English and Chinese, read by every test but the stale one."""
    root = tmp_path_factory.mktemp("languages")
    content = write_tree(root / "content", {**MINIMAL, **translated()})
    build(Paths(content, TEMPLATES, root / "site"), search=False)
    return root / "site"


def built(make_site, tmp_path):
    content = make_site(translated())
    out = tmp_path / "site"
    report = build(Paths(content, TEMPLATES, out), search=False)
    return out, report


def page(out, path: str) -> BeautifulSoup:
    return BeautifulSoup((out / path).read_text(encoding="utf-8"), "html.parser")


def test_each_language_has_its_pages_under_its_folder_with_its_lang_and_words(two_sites):
    out = two_sites
    english, chinese = page(out, "meetings/talks/index.html"), page(out, "zh-hans/meetings/talks/index.html")
    assert english.html["lang"] == "en" and chinese.html["lang"] == "zh-Hans"
    assert english.h1.text == "Talks in Beijing" and chinese.h1.text == "北京会谈"
    assert chinese.title.text == "北京会谈 · 测试解读"
    # The engine's own words come from the catalogue; the [[link]] shows the translated name.
    assert [a.text for a in chinese.select(".breadcrumbs a")] == ["首页", "会见"]
    assert "王毅" in chinese.select_one(".brief").text
    # Static files and the search index are shared: linked at the site's base.
    assert chinese.select_one('link[rel="stylesheet"]')["href"] == "/repo/static/style.css"
    assert not (out / "zh-hans" / "static").exists() and not (out / "zh-hans" / "robots.txt").exists()


def test_the_switcher_and_hreflang_lead_to_the_same_page_in_each_language(two_sites):
    out = two_sites
    for path, other in (("people/wang-yi/index.html", "/repo/zh-hans/people/wang-yi/"),
                        ("zh-hans/people/wang-yi/index.html", "/repo/people/wang-yi/")):
        soup = page(out, path)
        links = soup.select("nav.languages a")
        assert [a["href"] for a in links] == [other]
        assert (out / other.removeprefix("/repo/") / "index.html").is_file()
        alternates = {link["hreflang"]: link["href"] for link in soup.select('link[rel="alternate"][hreflang]')}
        assert alternates == {"en": "https://example.org/repo/people/wang-yi/",
                              "zh-Hans": "https://example.org/repo/zh-hans/people/wang-yi/",
                              "x-default": "https://example.org/repo/people/wang-yi/"}


def test_an_untranslated_field_shows_the_english_marked_as_english(two_sites):
    chinese = page(two_sites, "zh-hans/issues/fentanyl/index.html")   # no translation at all
    assert chinese.h1["lang"] == "en" and chinese.h1.text == "Fentanyl"
    marked = chinese.select('[lang="en"].untranslated')
    assert marked and "Precursor chemicals." in marked[0].text
    # The summary's first sentence is still the standfirst, as on the English page.
    assert chinese.select_one(".brief-head .standfirst .untranslated[lang=en]").text.strip() == "Precursor chemicals."
    assert "尚未翻译" in chinese.select_one(".translation-note").text
    translated = page(two_sites, "zh-hans/meetings/talks/index.html")   # translated in full
    assert not translated.select(".untranslated, .translation-note") and not translated.h1.has_attr("lang")


def test_an_english_edit_makes_the_translation_stale_in_check_and_on_the_page(make_site, tmp_path):
    out, report = built(make_site, tmp_path)
    assert [w for w in report.warnings if w.stale] == []
    assert not page(out, "zh-hans/meetings/talks/index.html").select('.translation-note a[hreflang="en"]')
    talks = (tmp_path / "content" / "meetings" / "talks.yaml")
    talks.write_text(talks.read_text().replace("summary: Talks with", "summary: Long talks with"))
    report = build(Paths(tmp_path / "content", TEMPLATES, out), search=False)
    assert [(w.field, w.message) for w in report.warnings if w.stale] == \
        [("summary", f"the English changed since this was translated ({tmp_path / 'content' / 'meetings' / 'talks.yaml'})")]
    chinese = page(out, "zh-hans/meetings/talks/index.html")
    note = chinese.select_one('.translation-note a[hreflang="en"]')
    assert note["href"] == "/repo/meetings/talks/"
    assert chinese.h1.text == "北京会谈"   # the translation is still shown, with the note


def test_names_sort_by_pinyin_in_chinese(two_sites):
    out = two_sites
    names = [a.text for a in page(out, "zh-hans/people/index.html").select("main li > a")]
    assert names == ["安东尼·布林肯", "王毅"]   # an … wang
    assert sorted(["王毅", "习近平", "安东尼·布林肯", "陈吉宁"], key=sort_text("zh-Hans")) == \
        ["安东尼·布林肯", "陈吉宁", "王毅", "习近平"]


def test_the_sitemap_names_every_page_in_every_language(two_sites):
    out = two_sites
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = etree.parse(out / "sitemap.xml").getroot()
    locs = [u.findtext("s:loc", namespaces=ns) for u in root.findall("s:url", ns)]
    assert "https://example.org/repo/people/wang-yi/" in locs
    assert "https://example.org/repo/zh-hans/people/wang-yi/" in locs
    entry = next(u for u in root.findall("s:url", ns) if u.findtext("s:loc", namespaces=ns).endswith("/zh-hans/"))
    assert {x.get("hreflang"): x.get("href") for x in entry.findall("x:link", ns)} == \
        {"en": "https://example.org/repo/", "zh-Hans": "https://example.org/repo/zh-hans/"}
    assert (out / "zh-hans" / "feed.xml").is_file() and (out / "zh-hans" / "data.json").is_file()
    assert not (out / "zh-hans" / "sitemap.xml").exists()
