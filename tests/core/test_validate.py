"""Validation: closed schemas, required fields, typed values, all problems in one run."""
import datetime as dt

import pytest

from site_builder import BuildFailed, load_site


def problems(content) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        load_site(content)
    return [str(p) for p in failed.value.problems]


def test_valid_values_are_converted(make_site):
    site, _, warnings = load_site(make_site())
    meeting = site.by_id["talks"]
    assert meeting.values["date"] == dt.date(2024, 4, 26)
    assert meeting.values["participants"] == ("antony-blinken", "wang-yi")
    assert warnings == []


def test_unknown_field_suggests_closest(make_site):
    content = make_site({"issues/fentanyl.yaml": "titel: Fentanyl\nsummary: x\nsources: [src-a]\n"})
    assert problems(content) == [
        f"{content}/issues/fentanyl.yaml:1:1: titel: unknown field 'titel' for a issue (did you mean 'title'?)",
    ]   # not also "title: required field is missing": one typo, one problem


def test_wrong_kinds_are_reported_together(make_site):
    content = make_site({"meetings/talks.yaml": """
        title: Talks
        date: 2024-02-30
        location: Beijing
        status: hold
        participants: wang-yi
        summary: x
        sources: []
    """})
    assert problems(content) == [
        f"{content}/meetings/talks.yaml:2:7: date: day is out of range for month (got '2024-02-30')",
        f"{content}/meetings/talks.yaml:4:9: status: expected one of held, scheduled, expected, cancelled, "
        f"got 'hold' (did you mean 'held'?)",
        f"{content}/meetings/talks.yaml:5:15: participants: expected a list of person ids, got a string "
        f'(write the ids as a list: participants: [wang-yi])',
        f"{content}/meetings/talks.yaml:7:10: sources: required field is empty "
        f"(Ids of the sources behind this entry (at least one).)",
    ]


def test_invalid_file_name_is_not_an_id(make_site):
    content = make_site({"sources/Bad_Name.yaml": "title: t\npublisher: p\nkind: press\n"})
    assert any("Bad_Name.yaml:1:1: file name: 'Bad_Name' is not a valid id" in p for p in problems(content))


def test_time_needs_a_timezone(make_site):
    content = make_site({"meetings/talks.yaml": """
        title: Talks
        date: 2024-04-26
        time: "09:30"
        location: Beijing
        status: held
        participants: [wang-yi]
        summary: x
        sources: [src-a]
    """})
    assert any("talks.yaml:3:7: time: needs 'timezone' to be set too" in p for p in problems(content))


def test_url_must_be_http(make_site):
    content = make_site({"sources/src-a.yaml": "title: t\npublisher: p\nurl: javascript:alert(1)\nkind: press\n"})
    assert problems(content) == [
        f"{content}/sources/src-a.yaml:3:6: url: expected an http or https URL, got 'javascript:alert(1)'"]


# Issue 21 #14, #15: controls and invisible characters, written through YAML escapes
# (the reader refuses them raw), are refused at their field in every text kind.
@pytest.mark.parametrize("value, code", [
    (r'"Visit\x01"', "U+0001 (control character)"), (r'"Visit\0"', "U+0000 (control character)"),
    (r'"Vi\x0bsit"', "U+000B (control character)"), (r'"Vi\x85sit"', "U+0085 (control character)"),
    (r'"Visit\u202e"', "U+202E (right-to-left override)"), (r'"Vi\u2066sit"', "U+2066 (left-to-right isolate)"),
    (r'"\u200b"', "U+200B (zero width space)"), (r'"Visit\ufeff"', "U+FEFF (zero width no-break space)"),
    (r'"Visit\u2060"', "U+2060 (word joiner)"), ('"Visit &#8238;"', "U+202E (right-to-left override)"),
])
@pytest.mark.parametrize("field, where", [("title", "1:8"), ("summary", "3:10")])
def test_control_and_invisible_characters_are_refused_at_their_field(make_site, value, code, field, where):
    fields = {"title": "Fentanyl", "summary": "Text."}
    fields[field] = value
    content = make_site({"issues/fentanyl.yaml": f"title: {fields['title']}\nsources: [src-a]\n"
                                                 f"summary: {fields['summary']}\n"})
    assert problems(content) == [f"{content}/issues/fentanyl.yaml:{where}: {field}: invisible or control character "
                                 f"{code} is not allowed (delete it; most editors do not show it)"]


def test_joiners_and_direction_marks_that_scripts_need_are_kept(make_site):
    site, _, _ = load_site(make_site({"people/wang-yi.yaml": 'name: Wang Yi\nrole: FM\ncountry: China\n'
                                      'native_name: "\u0645\u06cc\u200c\u0631\u0648\u0645 \u200f"\n'
                                      'summary: "\U0001F468\u200d\U0001F469"\nsources: [src-a]\n'}))
    assert site.by_id["wang-yi"].values["native_name"] == "\u0645\u06cc\u200c\u0631\u0648\u0645 \u200f"


def test_list_and_map_items_and_urls_are_checked_too(make_site):
    content = make_site({"sources/src-a.yaml": 'title: t\npublisher: p\nkind: press\nurl: "https://example.org/\\x01"\n'})
    assert problems(content) == [f"{content}/sources/src-a.yaml:4:6: url: invisible or control character U+0001 "
                                 "(control character) is not allowed (delete it; most editors do not show it)"]


def test_a_number_field_takes_digits_in_its_range():
    from site_builder.model.kinds import FieldError, Number
    assert Number(1, 99).convert(" 7 ") == 7
    for bad, message in (("0", "must be between 1 and 99"), ("100", "must be between 1 and 99"),
                         ("two", "expected a whole number, got a string"), ("-1", "expected a whole number, got a string")):
        with pytest.raises(FieldError) as caught:
            Number(1, 99).convert(bad)
        assert caught.value.message == message
