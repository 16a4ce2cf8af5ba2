"""Group meetings and events by their local day for the timeline, with what filters need.

Each item keeps its own local date, time and zone (a signing in Washington and a
meeting in Beijing on the same calendar day stay in their own zones). Works on
views (plain data); knows nothing about Jinja, HTML or files.
"""
from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any

TIMELINE_TYPES = ("meeting", "event")


def timeline_items(views: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Return every dated meeting and event view in time order, wrapped with filter keys."""
    dated = [v for v in views.values() if v.get("type") in TIMELINE_TYPES and v.get("when")]
    dated.sort(key=_order)
    return [_item(view) for view in dated]


def _order(view: dict[str, Any]) -> tuple:
    when = view["when"]
    # Items without a time belong to the whole day, so they come first within it; ties
    # break by id, as entities are ordered everywhere else (Entity.sort_key).
    return (when["date"], when["time"] or dt.time.min, TIMELINE_TYPES.index(view["type"]), view["id"])


def _item(view: dict[str, Any]) -> dict[str, Any]:
    people = view.get("participants") or view.get("people") or []
    issues = view.get("issues") or []
    return {
        "entry": view,
        "people": people,
        "issue_keys": " ".join(i["id"] for i in issues),
        "person_keys": " ".join(p["id"] for p in people),
    }


def group_by_day(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the items grouped by local date: [{"date", "iso", "id", "entries"}] in order."""
    days = []
    for date, group in groupby(items, key=lambda item: item["entry"]["when"]["date"]):
        days.append({"date": date, "iso": date.isoformat(), "id": f"day-{date.isoformat()}",
                     "entries": list(group)})
    return days


def items_by_entity(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Return, for each person and issue, the items that involve it, in time order."""
    mine: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        for key in dict.fromkeys((item["issue_keys"] + " " + item["person_keys"]).split()):
            mine.setdefault(key, []).append(item)
    return mine


def filter_choices(items: list[dict[str, Any]], views: dict[str, dict[str, Any]]) -> dict[str, list]:
    """Return the issues and people that appear on the timeline, for the filter menus."""
    issue_ids = {key for item in items for key in item["issue_keys"].split()}
    person_ids = {key for item in items for key in item["person_keys"].split()}
    by_title = lambda ids: sorted((views[i] for i in ids), key=lambda v: (v["title"].casefold(), v["id"]))
    return {"issues": by_title(issue_ids), "people": by_title(person_ids)}
