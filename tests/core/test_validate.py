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
