"""Write the meetings and events (the types with the IN_FEED and IN_CALENDAR roles) as an
Atom feed (feed.xml) and an iCalendar file (calendar.ics) that readers can subscribe to.

Uses feedgenerator (Django's Atom writer, standalone) and icalendar rather than
string building. Works on entity views; every URL comes from urls.py. Knows
nothing about Jinja or the disk. Output depends only on the content, never on
the clock, so two builds give the same bytes. Both libraries are imported where
they are used: together they take about 50 ms to import, which a build with a search
index spends while Pagefind runs (publish files are written last, output.write_site).
"""
from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from ..model.entities import Site
from ..model import urls
from ..model.schema import IN_CALENDAR, IN_FEED
from ..model.typography import curly_quotes
from ..core.views import plain_text

if TYPE_CHECKING:
    import icalendar

SUMMARY_LIMIT = 600
ICAL_STATUS = {"held": "CONFIRMED", "scheduled": "CONFIRMED", "expected": "TENTATIVE", "cancelled": "CANCELLED"}
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


@dataclass(frozen=True, slots=True)
class Happening:
    """A meeting or event on the calendar: its view, its start and the moment it sorts by,
    and the views its type's topics field lists (their titles are categories)."""

    view: dict[str, Any]
    start: dt.date | dt.datetime      # a date for an all-day entry, else an aware datetime
    moment: dt.datetime               # an aware datetime (all-day entries start at local midnight)
    topics: list[dict[str, Any]]


def happenings(site: Site, views: dict[str, dict[str, Any]], role: str = IN_FEED) -> list[Happening]:
    """Return every entity of the types with `role` (IN_FEED or IN_CALENDAR), earliest first."""
    found = []
    for ctype in site.types:
        for entity in site.by_type.get(ctype.name, []) if ctype.has(role) else []:
            found.append(_happening(views[entity.id], ctype.topics))
    return sorted(found, key=lambda h: (h.moment, h.view["id"]))


def _happening(view: dict[str, Any], topics: str | None) -> Happening:
    when = view["when"]
    zone = ZoneInfo(when["timezone"]) if when["timezone"] else dt.timezone.utc
    listed = (view.get(topics) or []) if topics else []
    if when["time"] is None:
        return Happening(view, when["date"], dt.datetime.combine(when["date"], dt.time(0), tzinfo=zone), listed)
    start = dt.datetime.combine(when["date"], when["time"], tzinfo=zone)
    return Happening(view, start, start, listed)


def data_updated(site: Site) -> dt.datetime:
    """Return midnight UTC of the latest date anywhere in the content (the data's 'as of')."""
    dates = [e.values["date"] for e in site.by_id.values() if isinstance(e.values.get("date"), dt.date)]
    return dt.datetime.combine(max(dates), dt.time(0), tzinfo=dt.timezone.utc) if dates else EPOCH


def atom_feed(site: Site, views: dict[str, dict[str, Any]], base_url: str) -> bytes:
    """Return feed.xml: every meeting and event (IN_FEED), newest first, as Atom 1.0."""
    import feedgenerator
    items = happenings(site, views, IN_FEED)
    home = urls.absolute("/", base_url)
    updated = max([h.moment for h in items] + [data_updated(site)])
    feed = feedgenerator.Atom1Feed(title=curly_quotes(site.settings.get("title", "")), link=home,
                                   description=curly_quotes(site.settings.get("description", "")),
                                   feed_url=urls.absolute("/feed.xml", base_url), feed_guid=home,
                                   language=site.settings.get("language", "en"),
                                   author_name=curly_quotes(site.settings.get("title", "")))
    feed.latest_post_date = lambda: updated  # <updated> from the data, not from the clock
    for item in reversed(items):
        view = item.view
        link = urls.absolute_href(view["href"], base_url)
        # Atom's <summary type="html"> holds escaped HTML; the plain text is escaped once more here.
        feed.add_item(title=view["title"], link=link, unique_id=link, pubdate=item.moment, updateddate=item.moment,
                      description=html.escape(plain_text(view["summary"], SUMMARY_LIMIT)),
                      categories=[topic["title"] for topic in item.topics])
    return feed.writeString("utf-8").encode("utf-8") + b"\n"


def calendar_ics(site: Site, views: dict[str, dict[str, Any]], base_url: str) -> bytes:
    """Return calendar.ics: every meeting and event (IN_CALENDAR) as an RFC 5545 VEVENT; all-day ones as DATE values."""
    events = vevents(happenings(site, views, IN_CALENDAR), calendar_host(base_url), data_updated(site), base_url)
    return calendar_from_events(site, events)


def calendar_host(base_url: str) -> str:
    """Return the host that every VEVENT's UID ends with."""
    return urlsplit(base_url).hostname or "localhost"


def vevents(items: list[Happening], host: str, stamp: dt.datetime,
            base_url: str) -> list[tuple[bytes, tuple[str, ...]]]:
    """Return each item as the bytes of one VEVENT (icalendar's own) and the TZIDs it names.

    Pure and independent per item, so publish.py makes them across cores and caches them.
    """
    made = []
    for item in items:
        event = _vevent(item, host, stamp, base_url)
        # What Calendar.get_used_tzids would find in this event: every TZID parameter.
        tzids = {value.params["TZID"] for value in event.values() if "TZID" in getattr(value, "params", {})}
        made.append((event.to_ical(), tuple(sorted(tzids))))
    return made


def calendar_from_events(site: Site, events: list[tuple[bytes, tuple[str, ...]]]) -> bytes:
    """Return calendar.ics holding the VEVENTs from vevents(), in their order.

    icalendar makes the calendar itself: its properties and one VTIMEZONE for each zone the
    events name, like Calendar.add_missing_timezones but in TZID order (that method follows
    the order of a set of strings, which changes between processes). The events' bytes go
    in just before END:VCALENDAR, where Calendar.to_ical would write the same events had
    they been added with add_component: the file is byte for byte that calendar's.
    """
    import icalendar
    title = curly_quotes(site.settings.get("title", ""))
    cal = icalendar.Calendar()
    cal.add("prodid", "-//site_builder//explainer calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", title)
    cal.add("x-wr-calname", title)
    cal.add("x-wr-caldesc", curly_quotes(site.settings.get("description", "")))
    for tzid in sorted({tzid for _, tzids in events for tzid in tzids} - {"UTC"}):
        try:
            cal.add_component(icalendar.Timezone.from_tzid(tzid))
        except ValueError:
            continue  # a zone icalendar does not know gets no VTIMEZONE, as in add_missing_timezones
    skeleton = cal.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert skeleton.endswith(end)
    return b"".join([skeleton[:-len(end)], *(ical for ical, _ in events), end])


def _vevent(item: Happening, host: str, stamp: dt.datetime, base_url: str) -> icalendar.Event:
    import icalendar
    view = item.view
    link = urls.absolute_href(view["href"], base_url)
    event = icalendar.Event()
    event.add("uid", f"{view['type']}-{view['id']}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", item.start)
    if not isinstance(item.start, dt.datetime):
        event.add("dtend", item.start + dt.timedelta(days=1))
    event.add("summary", view["title"])
    event.add("description", f"{plain_text(view['summary'], SUMMARY_LIMIT)}\n\n{link}")
    if view.get("location"):
        event.add("location", view["location"])
    event.add("url", link)
    event.add("status", ICAL_STATUS.get(view.get("status") or "held", "CONFIRMED"))
    if item.topics:
        event.add("categories", [topic["title"] for topic in item.topics])
    return event
