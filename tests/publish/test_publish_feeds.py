"""feed.xml is valid Atom 1.0 (read by feedparser) and calendar.ics valid RFC 5545
(read by icalendar): all-day entries as DATE values, timed ones with their TZID."""
import datetime as dt
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest

from site_builder import Paths, build
from site_builder.publish import feeds
from site_builder.publish import files as publish
from site_builder.core.runner import Runner
from site_builder.model.errors import Problems
from site_builder.core.pages import plan_pages
from site_builder.core.progress import Progress
from site_builder.pipeline import Options, read_site
from site_builder.pipeline import make_views as build_views

from ..conftest import TEMPLATES
from ..publish_helpers import TIMED

BASE = "https://user.github.io/repo/"


@pytest.fixture
def site(make_site, tmp_path):
    out = tmp_path / "_site"
    build(Paths(make_site(TIMED), TEMPLATES, out), base_url=BASE)
    return out


def test_feed_is_valid_atom_with_every_meeting_and_event_newest_first(site):
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert feed.bozo is False, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Test explainer"
    assert feed.feed.id == BASE
    assert {link.rel: link.href for link in feed.feed.links} == {"alternate": BASE, "self": BASE + "feed.xml"}
    assert [e.link for e in feed.entries] == [BASE + "meetings/talks/", BASE + "meetings/dinner/",
                                              BASE + "events/arrival/", BASE + "events/vote/"]
    assert [e.id for e in feed.entries] == [e.link for e in feed.entries]
    for entry in feed.entries:
        assert (site / entry.link.removeprefix(BASE) / "index.html").is_file()


def test_feed_dates_carry_the_local_time_zone(site):
    entries = {e.title: e for e in feedparser.parse((site / "feed.xml").read_bytes()).entries}
    assert entries["Blinken lands in Shanghai"].published == "2024-04-24T16:05:00+08:00"
    assert tuple(entries["Blinken lands in Shanghai"].published_parsed)[:5] == (2024, 4, 24, 8, 5)
    assert entries["A vote in Washington"].updated == "2024-04-23T00:00:00-04:00"
    assert entries["Blinken lands in Shanghai"].tags[0].term == "Fentanyl"


def test_feed_text_is_escaped_once(site):
    entries = {e.title: e for e in feedparser.parse((site / "feed.xml").read_bytes()).entries}
    summary = entries["Working dinner, cancelled"].summary
    assert summary == "A dinner with Wang Yi that did not take place; \u201cquotes\u201d &amp; 1 &lt; 2."


def test_calendar_is_valid_icalendar_with_dates_and_zones(site):
    cal = icalendar.Calendar.from_ical((site / "calendar.ics").read_bytes())
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert list(events) == ["A vote in Washington", "Blinken lands in Shanghai", "Working dinner, cancelled",
                            "Talks in Beijing"]
    for event in events.values():
        assert event.get("UID") and event.get("DTSTAMP") and event.get("DTSTART")
        assert str(event["URL"]).startswith(BASE)
    assert len({str(e["UID"]) for e in events.values()}) == len(events)
    all_day = events["Talks in Beijing"]
    assert all_day["DTSTART"].params.get("VALUE") == "DATE"
    assert all_day.decoded("DTSTART") == dt.date(2024, 4, 26)
    assert all_day.decoded("DTEND") == dt.date(2024, 4, 27)
    zoned_day = events["A vote in Washington"]
    assert zoned_day.decoded("DTSTART") == dt.date(2024, 4, 23)
    timed = events["Blinken lands in Shanghai"]
    assert timed["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert timed.decoded("DTSTART") == dt.datetime(2024, 4, 24, 16, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert {tz["TZID"] for tz in cal.walk("VTIMEZONE")} == {"Asia/Shanghai"}


def test_calendar_status_location_and_description(site):
    cal = icalendar.Calendar.from_ical((site / "calendar.ics").read_bytes())
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    dinner = events["Working dinner, cancelled"]
    assert dinner["STATUS"] == "CANCELLED"
    assert str(dinner["LOCATION"]) == "Diaoyutai, Beijing"
    assert str(dinner["DESCRIPTION"]).endswith(f"\n\n{BASE}meetings/dinner/")
    assert events["Talks in Beijing"]["STATUS"] == "CONFIRMED"
    assert [str(c) for c in events["Blinken lands in Shanghai"]["CATEGORIES"].cats] == ["Fentanyl"]


def test_feed_and_calendar_do_not_depend_on_the_clock(make_site, tmp_path):
    content = make_site(TIMED)
    first, second = tmp_path / "one", tmp_path / "two"
    build(Paths(content, TEMPLATES, first), base_url=BASE)
    build(Paths(content, TEMPLATES, second), base_url=BASE)
    for name in ("feed.xml", "calendar.ics", "data.json", "sitemap.xml"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    stamp = icalendar.Calendar.from_ical((first / "calendar.ics").read_bytes()).walk("VEVENT")[0].decoded("DTSTAMP")
    assert stamp == dt.datetime(2024, 4, 26, tzinfo=dt.timezone.utc)  # the latest date in the content


def test_site_without_meetings_still_has_a_valid_feed_and_calendar(make_site, tmp_path):
    content = make_site({"meetings/talks.yaml": None})
    out = tmp_path / "_site"
    build(Paths(content, TEMPLATES, out))
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert feed.bozo is False and feed.version == "atom10" and feed.entries == []
    cal = icalendar.Calendar.from_ical((out / "calendar.ics").read_bytes())
    assert cal.walk("VEVENT") == []


HEARING = """
    title: A hearing in Washington
    date: 2024-04-23
    time: "10:00"
    timezone: America/New_York
    issues: [fentanyl]
    summary: A timed event in a second time zone.
    sources: [src-a]
"""


def test_calendar_is_the_bytes_of_one_icalendar_calendar_holding_every_event(make_site, monkeypatch):
    """VEVENTs serialized one by one (across processes) and spliced into the calendar icalendar
    makes give the bytes of one Calendar holding them all, its VTIMEZONEs in TZID order."""
    content = make_site({**TIMED, "events/hearing.yaml": HEARING})
    read = read_site(content, Options(), Runner(), Progress())
    site, settings, markdown = read.site, read.settings, read.markdown
    views = build_views(site, settings, BASE, markdown)
    host, stamp = feeds.calendar_host(BASE), feeds.data_updated(site)
    whole = icalendar.Calendar.from_ical(feeds.calendar_from_events(site, []))   # the header alone
    for item in feeds.happenings(site, views):
        whole.add_component(feeds._vevent(item, host, stamp, BASE))
    whole.add_missing_timezones()
    zones = sorted(whole.timezones, key=lambda zone: zone.tz_name)
    whole.subcomponents = zones + [c for c in whole.subcomponents if c.name != "VTIMEZONE"]
    expected = whole.to_ical()

    assert feeds.calendar_ics(site, views, BASE) == expected
    monkeypatch.setattr(publish, "PARALLEL_FROM", 0)     # every job in a worker, one event per job
    monkeypatch.setattr(publish, "EVENTS_PER_JOB", 1)
    monkeypatch.setenv("SITE_BUILDER_JOBS", "2")
    pages = plan_pages(site, Problems())
    assert dict(publish.publish_files(pages, site, settings, views, BASE))["calendar.ics"] == expected
    cal = icalendar.Calendar.from_ical(expected)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/New_York", "Asia/Shanghai"]
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == [
        "A vote in Washington", "A hearing in Washington", "Blinken lands in Shanghai",
        "Working dinner, cancelled", "Talks in Beijing"]
    hearing = cal.walk("VEVENT")[1]
    assert hearing["DTSTART"].params["TZID"] == "America/New_York"
    assert hearing.decoded("DTSTART") == dt.datetime(2024, 4, 23, 10, tzinfo=ZoneInfo("America/New_York"))
