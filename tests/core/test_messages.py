"""The frame's words and dates in the site's language (core/messages.py), and the catalogues
that carry them (templates/locale/)."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from site_builder import BuildFailed, Paths, build
from site_builder.core import messages
from site_builder.model.errors import Problems

from ..conftest import TEMPLATES

LOCALE = TEMPLATES / messages.LOCALE_FOLDER
ENGINE = TEMPLATES.parent / "site_builder"


def test_english_dates_are_what_strftime_writes():
    days = [dt.date(1999, 12, 1) + dt.timedelta(days=n) for n in range(12000)]
    long_date, short_date = messages.date_formats("en")
    for day in days + [dt.date(1, 1, 1), dt.date(9999, 12, 31)]:
        assert long_date(day) == f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"
        assert short_date(day) == f"{day.day} {day.strftime('%b %Y')}"


def test_chinese_dates_follow_chinese_conventions():
    long_date, short_date = messages.date_formats("zh-Hans")
    assert long_date(dt.date(2024, 4, 26)) == "2024年4月26日星期五"
    assert short_date(dt.date(2024, 4, 26)) == "2024年4月26日"


def _extracted() -> set[str | tuple[str, ...]]:
    """The msgids the templates and the engine's labels hold now, as pybabel extract reads them
    (templates/locale/babel.cfg, with the keywords N_ and words)."""
    keywords = {**DEFAULT_KEYWORDS, "N_": None, "words": None}
    options = {"**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}
    found = set()
    for folder, method_map in ((TEMPLATES, [("**.html", "jinja2")]), (ENGINE, [("**.py", "python")])):
        for _, _, message, _, _ in extract_from_dir(str(folder), method_map, options, keywords=keywords):
            found.add(message if isinstance(message, str) else tuple(message))
    return found


def _catalogue(name: str):
    with (LOCALE / name).open("rb") as source:
        return read_po(source)


def _ids(catalogue) -> set[str | tuple[str, ...]]:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalogue if m.id}


def test_the_template_catalogue_holds_exactly_the_templates_words():
    """messages.pot is what `pybabel extract` makes of the templates today: a word added to a
    template without updating it (docs/architecture.md says how) fails here."""
    assert _ids(_catalogue(messages.TEMPLATE_FILE)) == _extracted()


@pytest.mark.parametrize("po", sorted(p.name for p in LOCALE.glob("*.po")))
def test_every_catalogue_translates_every_word_with_the_same_placeholders(po):
    catalogue = _catalogue(po)
    assert _ids(catalogue) == _extracted()
    untranslated = [m.id for m in catalogue if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))]
    assert untranslated == []
    problems = Problems()
    messages.check_catalogues(TEMPLATES, po.removesuffix(".po"), problems)
    assert problems.items == []


def test_a_site_in_chinese_has_its_frame_in_chinese(make_site, tmp_path):
    content = make_site({"site.yaml": """
        title: 测试
        description: 测试用的小网站。
        base_url: https://example.org/repo/
        language: zh-Hans
    """})
    out = tmp_path / "_site"
    build(Paths(content, TEMPLATES, out))
    page = BeautifulSoup((out / "meetings" / "talks" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.html["lang"] == "zh-Hans"
    assert page.select_one("a.skip-link").get_text() == "跳到正文"
    assert page.select_one("aside.facts")["aria-label"] == "要点"
    assert page.select_one("p.dateline time").get_text() == "2024年4月26日星期五"
    assert [dt.get_text() for dt in page.select("aside.facts dt")][:1] == ["状态"]
    assert page.select_one("#sources-heading").get_text() == "来源"


def _site_with_catalogue(make_site, tmp_path, po: str):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "locale" / "fr.po").write_text(po, encoding="utf-8")
    content = make_site({"site.yaml": """
        title: Essai
        description: Un petit site.
        base_url: https://example.org/repo/
        language: fr
    """})
    return content, templates


HEADER = 'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'


def test_a_translation_that_drops_a_placeholder_is_an_error_at_its_line(make_site, tmp_path):
    content, templates = _site_with_catalogue(make_site, tmp_path, HEADER + (
        'msgid "Skip to content"\nmsgstr "Aller au contenu"\n\n'
        '#, python-format\nmsgid "Original at %(host)s"\nmsgstr "Original sur le site"\n'))
    with pytest.raises(BuildFailed) as failed:
        build(Paths(content, templates, tmp_path / "_site"))
    text = str(failed.value)
    assert "templates/locale/fr.po:11:1: msgstr:" in text.replace(str(tmp_path) + "/", "")
    assert "Original at %(host)s" in text
    assert not (tmp_path / "_site").exists()


def test_a_catalogue_that_does_not_parse_is_an_error_at_its_line(make_site, tmp_path):
    content, templates = _site_with_catalogue(make_site, tmp_path, HEADER + 'msgid "Skip to content"\nmsgstr Aller\n')
    with pytest.raises(BuildFailed) as failed:
        build(Paths(content, templates, tmp_path / "_site"))
    assert "templates/locale/fr.po:7" in str(failed.value).replace(str(tmp_path) + "/", "")


def test_a_language_without_a_catalogue_warns_and_keeps_the_english_words(make_site, tmp_path):
    content = make_site({"site.yaml": """
        title: Essai
        description: Un petit site.
        base_url: https://example.org/repo/
        language: fr
    """})
    out = tmp_path / "_site"
    report = build(Paths(content, TEMPLATES, out))
    assert any("no catalogue for 'fr'" in str(w) for w in report.warnings)
    page = BeautifulSoup((out / "meetings" / "talks" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.select_one("a.skip-link").get_text() == "Skip to content"
    assert page.select_one("p.dateline time").get_text() == "vendredi 26 avril 2024"   # Babel knows French dates


def test_a_page_is_marked_wherever_the_language_in_force_is_not_the_runs():
    marks = messages.page_marks(("en", "zh-Hans"))
    page = ('<!doctype html><html lang="zh-Hans"><head><title>Talks in the Great Hall</title>'
            '<script>if (a<b) s = "three English words";</script></head><body>'
            '<p>地点：Great Hall of the People<br>会谈</p><p lang="en">Already in English here</p>'
            '<div lang="en"><p>Talks with <a href="/p/">王毅</a> in Beijing</p></div>'
            '<svg><title>A graph of talks</title><text x="1">Reception at the Embassy</text></svg>'
            '<!-- three English words --><select><option>Choose a meeting</option></select>'
            '<img alt="Three words here" src="a.png">Deputy Chief of Mission</body></html>')
    soup = BeautifulSoup(messages.mark_page(page, marks), "html.parser")
    assert [(e.name, e.text) for e in soup.select('[lang="en"]')] == [
        ("span", "Great Hall of the People"), ("p", "Already in English here"),
        ("div", "Talks with 王毅 in Beijing"), ("tspan", "Reception at the Embassy"), ("span", "Deputy Chief of Mission")]
    # A Chinese name inside English that no translation gives yet is marked as Chinese again.
    assert [(e.name, e.text) for e in soup.select('[lang="zh"]')] == [("span", "王毅")]
    # Text that cannot hold an element, and attributes, are left as they were.
    assert soup.title.string == "Talks in the Great Hall" and soup.option.string == "Choose a meeting"
    assert 'if (a<b) s = "three English words";' in str(soup.script) and soup.img["alt"] == "Three words here"
    marked = messages.mark_page('<html lang="en"><body><p>Talks with 王毅</p><p lang="zh-Hans">王毅</p></body></html>',
                                marks)
    assert marked.count('lang="zh"') == 1 and '<span lang="zh">王毅</span>' in marked
    assert messages.page_marks(("en",)) == ()   # a site in one language marks nothing
