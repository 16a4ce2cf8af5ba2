"""Translations (content/<language>/<folder>/<id>.yaml): every mistake at its place, stale ones a warning."""
from __future__ import annotations

import pytest

from site_builder import BuildFailed, load_site
from site_builder.model.translations import text_hash

TWO_LANGUAGES = """
    title: Test explainer
    description: A tiny site for tests.
    base_url: https://example.org/repo/
    language: en
    languages: [en, zh-Hans]
"""
TALKS = "zh-Hans/meetings/talks.yaml"


def problems(content) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        load_site(content)
    return [str(p) for p in failed.value.problems]


def translated_talks(**fields: str) -> str:
    """A translation of the meeting 'talks' made from the English as it is now."""
    english = {"title": "Talks in Beijing", "summary": "Talks with [[wang-yi]] and [[wang-yi|the minister]]."}
    body = "".join(f"{name}: {text}\n" for name, text in fields.items())
    return body + "translated_from:\n" + "".join(f"  {name}: {text_hash(english[name])}\n" for name in fields)


def test_a_translation_made_from_the_english_now_checks_clean(make_site):
    content = make_site({"site.yaml": TWO_LANGUAGES, TALKS: translated_talks(title="北京会谈", summary="与[[wang-yi]]会谈。")})
    site, _, warnings = load_site(content, strict=True)
    translation = site.translation_of(site.by_id["talks"], "zh-Hans")
    assert translation.entity.values == {"title": "北京会谈", "summary": "与[[wang-yi]]会谈。"}
    assert dict(translation.made_from) == {"title": text_hash("Talks in Beijing"),
                                           "summary": text_hash("Talks with [[wang-yi]] and [[wang-yi|the minister]].")}
    assert warnings == []


def test_an_empty_translation_says_how_to_start_one_not_which_english_fields_are_required(make_site):
    content = make_site({"site.yaml": TWO_LANGUAGES, TALKS: ""})
    assert problems(content) == [
        f"{content}/{TALKS}:1:1: file is empty (delete it, then `python build.py new --translate zh-Hans meeting "
        "talks` writes it with each field to translate under its English)"]


def test_every_mistake_is_reported_at_its_place_in_one_run(make_site):
    content = make_site({"site.yaml": TWO_LANGUAGES, TALKS: """
        title: 北京会谈
        date: 2024-04-26
        titel: 会谈
        summary: 与[[wang-yii]]会谈。
        outcomes: 一
        translated_from:
          title: 000000000000
          outcomes: zz
          bogus: 123456789abc
    """, "zh-Hans/people/wang-yo.yaml": "name: 王毅\n", "zh-Hans/people/talks.yaml": "name: 王毅\n"})
    talks = f"{content}/zh-Hans/meetings/talks.yaml"
    restamp = "python build.py new --translate zh-Hans meeting talks --restamp"
    assert problems(content) == [
        f"{talks}:2:1: date: 'date' is not translated: it is given once, in the English file (delete it here; "
        "translatable fields: title, location, summary, outcomes, readouts, body, article_said, corrections)",
        f"{talks}:3:1: titel: unknown field 'titel' for a meeting (did you mean 'title'?)",
        f"{talks}:4:1: summary: no 'translated_from' entry: which English was it made from? "
        f"(after translating, run `{restamp}`)",
        f"{talks}:4:11: summary: unknown id 'wang-yii' (did you mean 'wang-yi'?)",
        f"{talks}:5:11: outcomes: expected a list, got a string",
        f"{talks}:8:13: translated_from.outcomes: expected a hash of 12 hex digits, got 'zz' (run `{restamp}` to write it)",
        f"{talks}:9:3: translated_from.bogus: 'bogus' is not a translatable field of a meeting "
        "(translatable fields: title, location, summary, outcomes, readouts, body, article_said, corrections)",
        f"{content}/zh-Hans/people/talks.yaml:1:1: 'talks' is a meeting, not a person "
        "(move the file to content/zh-Hans/meetings/)",
    ]


def test_a_translated_field_the_english_does_not_have_says_so_not_restamp(make_site):
    # Restamping cannot help a field with no English: the advice must not go round in circles.
    content = make_site({"site.yaml": TWO_LANGUAGES,
                         TALKS: translated_talks(title="北京会谈") + "readouts:\n  United States: 美方称……\n"})
    assert problems(content) == [
        f"{content}/zh-Hans/meetings/talks.yaml:4:1: readouts: the English ({content}/meetings/talks.yaml) has no "
        "'readouts' to translate (delete it here, or write the 'readouts' in the English file first)"]


def test_a_translation_whose_english_is_gone_is_a_warning_that_fails_no_build(make_site):
    # Deleting or renaming an English entity is an editor's everyday change: it must never
    # block publishing because a translation of it is left behind.
    content = make_site({"site.yaml": TWO_LANGUAGES, "zh-Hans/people/wang-yo.yaml": "name: 王毅\n"})
    _, _, warnings = load_site(content, strict=True)
    assert [str(w) for w in warnings] == [
        f"{content}/zh-Hans/people/wang-yo.yaml:1:1: warning: no person 'wang-yo' to translate: its English was "
        "deleted or renamed, or this file is misnamed (did you mean 'wang-yi'?)"]
    assert warnings[0].stale


def test_a_language_folder_not_declared_in_site_yaml_is_reported_once(make_site):
    content = make_site({"site.yaml": TWO_LANGUAGES, "fr/people/wang-yi.yaml": "name: Wang Yi\n",
                         "fr/issues/fentanyl.yaml": "title: Fentanyl\n", "zh-hans/people/wang-yi.yaml": "name: 王毅\n",
                         "en/people/wang-yi.yaml": "name: Wang Yi\n"})
    assert problems(content) == [
        f"{content}/en: 'en' is the site's own language: its files are content/<folder>/<id>.yaml "
        "(move them up out of this folder)",
        f"{content}/fr: language 'fr' is not declared in site.yaml (add it to site.yaml, languages: [en, zh-Hans, fr], "
        "or, if it is no language, move the folder out of content/)",
        f"{content}/zh-hans: folder name: language tag 'zh-hans' is not in the registry's case (write it 'zh-Hans')",
    ]


def test_languages_are_bcp47_tags_the_first_being_the_site_language(make_site):
    content = make_site({"site.yaml": TWO_LANGUAGES.replace("[en, zh-Hans]", "[zh-Hans, en_GB]")})
    assert problems(content) == [
        f"{content}/site.yaml:5:22: languages[1]: 'en_GB' is not a BCP 47 language tag (use hyphens, e.g. 'zh-Hans')",
    ]
    content = make_site({"site.yaml": TWO_LANGUAGES.replace("[en, zh-Hans]", "[zh-Hans, en]")})
    assert problems(content) == [
        f"{content}/site.yaml:5:13: languages[0]: the first language is the one content/<folder>/ files are written "
        "in, site.yaml's language 'en' (start the list with it: languages: [en, zh-Hans, en])",
    ]


def test_a_stale_translation_is_a_warning_even_under_strict(make_site):
    content = make_site({"site.yaml": TWO_LANGUAGES, TALKS: translated_talks(title="北京会谈")})
    content.joinpath("meetings/talks.yaml").write_text(
        content.joinpath("meetings/talks.yaml").read_text().replace("Talks in Beijing", "Long talks in Beijing"))
    _, _, warnings = load_site(content, strict=True)
    assert [str(w) for w in warnings] == [
        f"{content}/zh-Hans/meetings/talks.yaml:1:1: title: warning: the English changed since this was translated "
        f"({content}/meetings/talks.yaml) (bring the translation up to date, then run "
        "`python build.py new --translate zh-Hans meeting talks --restamp`)",
    ]
    assert warnings[0].stale


def test_a_list_or_map_that_does_not_match_its_english_is_an_error_unless_stale(make_site):
    english = make_site({"site.yaml": TWO_LANGUAGES}).joinpath("meetings/talks.yaml")
    english.write_text(english.read_text() + "outcomes:\n  - One [[src-a]].\n  - Two.\n"
                       "readouts:\n  United States: Said [[src-a]].\n")
    outcomes = text_hash(("One [[src-a]].", "Two."))
    readouts = text_hash((("United States", "Said [[src-a]]."),))
    content = make_site({"site.yaml": TWO_LANGUAGES, TALKS: f"""
        outcomes:
          - 一。
        readouts:
          USA: 说。
        translated_from:
          outcomes: {outcomes}
          readouts: {readouts}
    """, "meetings/talks.yaml": english.read_text()})
    talks = f"{content}/zh-Hans/meetings/talks.yaml"
    assert problems(content) == [
        f"{talks}:2:3: outcomes: 1 items, but the English has 2 (translate each English item, in order)",
        f"{talks}:4:3: readouts: labels USA do not match the English's (keep the English labels: United States)",
    ]
