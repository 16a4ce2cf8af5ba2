"""`new --translate` and `--restamp`, `check --translations`, and the English diff of a stale translation."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from site_builder import BuildFailed, load_site
from site_builder.cli import main
from site_builder.core.loader import load_file
from site_builder.model.errors import Problems
from site_builder.model.schema import TYPES_BY_NAME
from site_builder.model.translations import text_hash
from site_builder.tools.translate import new_translation

from ..core.test_translations import TWO_LANGUAGES

TALKS = "zh-Hans/meetings/talks.yaml"


def test_a_new_translation_lists_each_translatable_field_under_its_english(make_site):
    content = make_site({"site.yaml": TWO_LANGUAGES})
    path = new_translation(content, "zh-Hans", "meeting", "talks")
    assert path == content / TALKS
    text = path.read_text(encoding="utf-8")
    assert "# English: Talks in Beijing\ntitle:\n" in text
    assert "# English: Talks with [[wang-yi]] and [[wang-yi|the minister]].\nsummary:\n" in text
    assert "date" not in text.split("\n\n", 1)[1] and "participants" not in text   # given once, in English
    assert text.endswith(f"translated_from:\n  title: {text_hash('Talks in Beijing')}\n  location: "
                         f"{text_hash('Beijing')}\n  summary: "
                         f"{text_hash('Talks with [[wang-yi]] and [[wang-yi|the minister]].')}\n")
    doc = load_file(path, TYPES_BY_NAME["meeting"], "talks", Problems())
    assert not doc.broken and set(doc.data) == {"title", "location", "summary", "translated_from"}
    site, _, warnings = load_site(content, strict=True)   # empty fields: the English shows
    assert warnings == [] and site.translation_of(site.by_id["talks"], "zh-Hans").entity.values == {}


def test_a_filled_in_translation_checks_clean(make_site, capfd):
    content = make_site({"site.yaml": TWO_LANGUAGES})
    path = new_translation(content, "zh-Hans", "meeting", "talks")
    path.write_text(path.read_text(encoding="utf-8").replace("title:\n", "title: 北京会谈\n")
                    .replace("summary:\n", "summary: |\n  与[[wang-yi]]会谈。\n"), encoding="utf-8")
    assert main(["check", "--strict", "--content", str(content)]) == 0
    assert capfd.readouterr().out == "checked 5 entities: no problems\n"


def test_new_translate_refuses_an_undeclared_language_a_missing_entity_and_an_existing_file(make_site):
    content = make_site()
    with pytest.raises(BuildFailed) as failed:
        new_translation(content, "zh-Hans", "meeting", "talks")
    assert [str(p) for p in failed.value.problems] == [
        f"{content}/site.yaml:1:1: languages: 'zh-Hans' is not one of the site's languages "
        "(declare it in site.yaml: languages: [en, zh-Hans])"]
    content = make_site({"site.yaml": TWO_LANGUAGES})
    with pytest.raises(BuildFailed) as failed:   # not "declare zh-hans": the site has it, spelt zh-Hans
        new_translation(content, "zh-hans", "meeting", "talks")
    assert [str(p).split(": ", 1)[1] for p in failed.value.problems] == [
        "languages: site.yaml writes this language 'zh-Hans' (write it as site.yaml does: zh-Hans)"]
    with pytest.raises(BuildFailed, match="no meeting 'chat' to translate"):
        new_translation(content, "zh-Hans", "meeting", "chat")
    with pytest.raises(BuildFailed, match=r"no meeting 'tlaks' to translate \(did you mean 'talks'\?\)"):
        new_translation(content, "zh-Hans", "meeting", "tlaks")
    new_translation(content, "zh-Hans", "meeting", "talks")
    with pytest.raises(BuildFailed, match="this translation exists already"):
        new_translation(content, "zh-Hans", "meeting", "talks")


def test_restamp_rewrites_translated_from_and_the_english_comments_and_adds_what_the_english_gained(make_site):
    content = make_site({"site.yaml": TWO_LANGUAGES, TALKS: """
        # my notes
        # English: Talks in Shanghai
        title: 北京会谈
        translated_from:
          title: 000000000000

        # keep this
        summary: 会谈。
    """})
    assert main(["new", "--translate", "zh-Hans", "meeting", "talks", "--restamp", "--content", str(content)]) == 0
    assert (content / TALKS).read_text(encoding="utf-8") == (
        "# my notes\n# English: Talks in Beijing\ntitle: 北京会谈\n\n"
        "# English: Beijing\nlocation:\n\n"   # a field the translation lacked, empty: the English shows
        f"translated_from:\n  title: {text_hash('Talks in Beijing')}\n"
        f"  location: {text_hash('Beijing')}\n"
        f"  summary: {text_hash('Talks with [[wang-yi]] and [[wang-yi|the minister]].')}\n"
        "\n# keep this\nsummary: 会谈。\n")
    _, _, warnings = load_site(content, strict=True)
    assert warnings == []


def test_restamp_writes_multi_line_english_comments_anew(make_site):
    content = make_site({"site.yaml": TWO_LANGUAGES})
    path = new_translation(content, "zh-Hans", "meeting", "talks")
    english = content / "meetings" / "talks.yaml"
    english.write_text(english.read_text(encoding="utf-8").replace(
        "summary: Talks with [[wang-yi]] and [[wang-yi|the minister]].",
        "summary: |\n  Longer talks with [[wang-yi]].\n\n  A second paragraph."), encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("summary:\n", "summary: 会谈。\n"), encoding="utf-8")
    new_translation(content, "zh-Hans", "meeting", "talks", restamp=True)
    text = path.read_text(encoding="utf-8")
    assert "# English:\n#   Longer talks with [[wang-yi]].\n#\n#   A second paragraph.\nsummary: 会谈。\n" in text
    assert "Talks with [[wang-yi]] and" not in text
    new_translation(content, "zh-Hans", "meeting", "talks", restamp=True)   # again: nothing changes
    assert path.read_text(encoding="utf-8") == text


def test_restamp_keeps_the_translators_own_comments_beside_the_english(make_site):
    content = make_site({"site.yaml": TWO_LANGUAGES, TALKS: """
        # English: Talks in Shanghai
        # 译者注：“会谈”而非“会晤”
        title: 北京会谈

        # English: Shanghai
        #   (translator: 北京 is the capital)
        location: 北京
    """})
    new_translation(content, "zh-Hans", "meeting", "talks", restamp=True)
    text = (content / TALKS).read_text(encoding="utf-8")
    assert text.startswith("# English: Talks in Beijing\n# 译者注：“会谈”而非“会晤”\ntitle: 北京会谈\n\n"
                           "# English: Beijing\n#   (translator: 北京 is the capital)\nlocation: 北京\n\n"
                           "# English: Talks with [[wang-yi]] and [[wang-yi|the minister]].\nsummary:\n\ntranslated_from:\n")


def test_restamp_of_an_empty_translation_says_how_to_start_one(make_site):
    content = make_site({"site.yaml": TWO_LANGUAGES, TALKS: ""})
    with pytest.raises(BuildFailed, match=r"file is empty \(delete it, then `python build.py new --translate zh-Hans"):
        new_translation(content, "zh-Hans", "meeting", "talks", restamp=True)


def test_check_translations_prints_completeness_by_language_and_type(make_site, capfd):
    content = make_site({"site.yaml": TWO_LANGUAGES, TALKS: "title: 北京会谈\ntranslated_from:\n  title: 000000000000\n"})
    assert main(["check", "--translations", "--content", str(content)]) == 0
    out = capfd.readouterr().out
    assert out.splitlines()[:6] == [
        "translations: fields translated, of those the English gives",
        "  zh-Hans  meeting      1/3      33%  1 stale, 2 missing",
        "      not yet translated: talks (location, summary)",   # what to do next, by id and field
        "  zh-Hans  event        0/0        -  0 stale, 0 missing",
        "  zh-Hans  person       0/8       0%  0 stale, 8 missing",
        "      not yet translated: antony-blinken (name, role, country, summary)",
    ]


def _git(folder, *args):
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args], cwd=folder,
                   check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_stale_translation_shows_the_english_diff_from_git(make_site, capfd):
    content = make_site({"site.yaml": TWO_LANGUAGES})
    path = new_translation(content, "zh-Hans", "meeting", "talks")
    path.write_text(path.read_text(encoding="utf-8").replace("title:\n", "title: 北京会谈\n"), encoding="utf-8")
    _git(content, "init", "-q")
    _git(content, "add", ".")
    _git(content, "commit", "-q", "-m", "English and its translation")
    english = content / "meetings/talks.yaml"
    english.write_text(english.read_text().replace("Talks in Beijing", "Long talks in Beijing"))
    _git(content, "commit", "-q", "-am", "A longer title")
    english.write_text(english.read_text().replace("Long talks", "Longer talks"))   # and not yet committed
    assert main(["check", "--strict", "--content", str(content)]) == 0
    err = capfd.readouterr().err.splitlines()
    assert err[0].startswith(f"{content}/{TALKS}:11:1: title: warning: the English changed since this was translated")
    assert err[1].startswith(f"    --- {english} title (translated from, ")
    assert err[2:] == [f"    +++ {english} title (now)", "    @@ -1 +1 @@", "    -Talks in Beijing",
                       "    +Longer talks in Beijing"]


def test_without_git_a_stale_translation_shows_the_english_now(make_site, capfd, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    content = make_site({"site.yaml": TWO_LANGUAGES, TALKS: "title: 北京会谈\ntranslated_from:\n  title: 000000000000\n"})
    assert main(["check", "--content", str(content)]) == 0
    assert capfd.readouterr().err.splitlines()[1:] == [
        "    the English it was translated from is not in git; the English now:", "      Talks in Beijing"]
