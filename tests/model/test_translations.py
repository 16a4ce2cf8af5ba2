"""translated(): the translation, or the English flagged missing; stale when the English changed since."""
from __future__ import annotations

from site_builder import load_site
from site_builder.model.translations import Translated, site_languages, text_hash, translated

from ..core.test_translations import TALKS, TWO_LANGUAGES, translated_talks


def test_a_translated_field_a_missing_one_and_a_stale_one(make_site):
    content = make_site({"site.yaml": TWO_LANGUAGES, TALKS: translated_talks(title="北京会谈", summary="会谈。")})
    english = content / "meetings/talks.yaml"
    english.write_text(english.read_text().replace("Talks with", "Long talks with"))
    site, _, _ = load_site(content)
    talks = site.by_id["talks"]
    assert translated(site, talks, "zh-Hans", "title") == Translated("北京会谈")
    assert translated(site, talks, "zh-Hans", "summary") == Translated("会谈。", stale=True)
    assert translated(site, talks, "zh-Hans", "location") == Translated("Beijing", missing=True)


def test_the_default_language_and_untranslatable_or_empty_fields_are_the_english(make_site):
    site, _, _ = load_site(make_site({"site.yaml": TWO_LANGUAGES}))
    talks = site.by_id["talks"]
    assert translated(site, talks, "en", "title") == Translated("Talks in Beijing")
    assert translated(site, talks, "zh-Hans", "status") == Translated("held")
    assert translated(site, talks, "zh-Hans", "body") == Translated(None)
    assert translated(site, site.by_id["wang-yi"], "zh-Hans", "name") == Translated("Wang Yi", missing=True)


def test_languages_default_to_the_site_language():
    assert site_languages({"language": "en"}) == ("en",)
    assert site_languages({"language": "en", "languages": ("en", "zh-Hans")}) == ("en", "zh-Hans")


def test_the_hash_is_short_and_follows_the_text():
    assert len(text_hash("Talks")) == 12
    assert text_hash("Talks") == text_hash("Talks") != text_hash("Talks.")
    assert text_hash(("a", "b")) != text_hash(("a b",))
    assert text_hash(None) != text_hash("")
