"""Group the dated entries (meetings, events: types with the DATED role) by their local
day for the timeline, with what filters need.

Each item keeps its own local date, time and zone (a signing in Washington and a
meeting in Beijing on the same calendar day stay in their own zones). Works on
views (plain data); knows nothing about Jinja, HTML or files.
"""
from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Callable, Any, Iterable
from zoneinfo import ZoneInfo

from ..model.schema import DATED, ContentType


def timeline_items(views: dict[str, dict[str, Any]], types: Iterable[ContentType]) -> list[dict[str, Any]]:
    """Return every dated view of a DATED type in time order, wrapped with filter keys."""
    dated = {t.name: t for t in types if t.has(DATED)}
    rank = {name: i for i, name in enumerate(dated)}
    found = [v for v in views.values() if v.get("type") in dated and v.get("when")]
    found.sort(key=lambda view: _order(view, rank[view["type"]]))
    return [_item(view, dated[view["type"]]) for view in found]


def _order(view: dict[str, Any], type_rank: int) -> tuple:
    when = view["when"]
    # Items without a time belong to the whole day, so they come first within it. Timed
    # items follow in the order they happened: a signing at 21:00 in Washington comes after
    # a briefing at 15:00 in Beijing on the same date (UTC 01:00 the next day against
    # 07:00). Untimed items keep the order a source gives (day_order); then by type in
    # declaration order; ties break by id, as entities are ordered everywhere else.
    moment = 0.0
    if when["time"] is not None:
        zone = ZoneInfo(when["timezone"]) if when["timezone"] else dt.timezone.utc
        moment = dt.datetime.combine(when["date"], when["time"], tzinfo=zone).timestamp()
    return (when["date"], when["time"] is not None, moment, view.get("day_order") or 0, type_rank, view["id"])


def refs(view: dict[str, Any], name: str | None) -> list[dict[str, Any]]:
    """Return the views a reference field of a view lists (none when the type declares no such field)."""
    return (view.get(name) or []) if name else []


def _item(view: dict[str, Any], ctype: ContentType) -> dict[str, Any]:
    attendees = refs(view, ctype.attendees)
    topics = refs(view, ctype.topics)
    return {
        "entry": view,
        "attendees": attendees,
        "issue_keys": " ".join(i["id"] for i in topics),
        "person_keys": " ".join(p["id"] for p in attendees),
    }


def group_by_day(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the items grouped by local date: [{"date", "iso", "id", "entries"}] in order."""
    days = []
    for date, group in groupby(items, key=lambda item: item["entry"]["when"]["date"]):
        days.append({"date": date, "iso": date.isoformat(), "id": f"day-{date.isoformat()}",
                     "entries": list(group)})
    return days


def items_by_entity(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Return, for each attendee and topic (person, issue), the items that involve it, in time order."""
    mine: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        for key in dict.fromkeys((item["issue_keys"] + " " + item["person_keys"]).split()):
            mine.setdefault(key, []).append(item)
    return mine


def filter_choices(items: list[dict[str, Any]], views: dict[str, dict[str, Any]]) -> dict[str, list]:
    """Return the topics and attendees (issues, people) on the timeline, for the filter menus."""
    issue_ids = {key for item in items for key in item["issue_keys"].split()}
    person_ids = {key for item in items for key in item["person_keys"].split()}
    by_title = lambda ids: sorted((views[i] for i in ids), key=lambda v: (v["title"].casefold(), v["id"]))
    return {"topics": by_title(issue_ids), "attendees": by_title(person_ids)}


def group_by_focus(days: list[dict[str, Any]], start: dt.date | None, end: dt.date | None,
                   title: str, words: Callable[[str], str] = str) -> list[dict[str, Any]]:
    """Return the days in up to three groups: before the focus days, the focus days (the visit),
    after them; one group of every day when the site declares no focus."""
    if start is None or end is None:
        return [{"id": "days", "title": None, "focus": False, "days": days}] if days else []
    parts = [("before", words("Before"), False, [d for d in days if d["date"] < start]),
             ("focus", title, True, [d for d in days if start <= d["date"] <= end]),
             ("after", words("Afterwards"), False, [d for d in days if d["date"] > end])]
    return [{"id": f"days-{key}", "title": name, "focus": focus, "days": group}
            for key, name, focus, group in parts if group]


def legend(types: Iterable[ContentType]) -> list[dict[str, str]]:
    """Return the timeline's markers: one per dated type, with its name."""
    return [{"type": t.name, "label": t.label} for t in types if t.has(DATED)]
