"""Compute what the reader's pages show beyond one entity's own fields: timelines,
relationship graphs, where glossary terms are used, and the extra navigation.

Everything is plain data (and SVG Markup from graph.py) added to the views, so
templates only display it. Knows nothing about Jinja or files.
"""
from __future__ import annotations

from typing import Any

from . import graph, timeline

from ..model import urls
from ..model.urls import EXTRA_PAGES
from ..core.links import WIKILINK_RE, Site, markdown_texts
from ..core.validate import Entity



def extra_nav(base_url: str) -> list[dict[str, str]]:
    """Return the navigation entries of the timeline, graph and search pages."""
    return [{"kind": kind, "label": title, "href": urls.href(path, base_url)} for kind, path, title in EXTRA_PAGES]


def add_reader_views(views: dict[str, dict[str, Any]], site: Site) -> None:
    """Add timelines, neighbourhood graphs and glossary mentions to the entity views."""
    involving = timeline.items_by_entity(timeline.timeline_items(views))
    for entity in site.by_id.values():
        view = views[entity.id]
        if entity.type.name in ("person", "issue"):
            view["timeline"] = timeline.group_by_day(involving.get(entity.id, []))
        meetings = [view] if entity.type.name == "meeting" else view["links"].get("meetings", [])
        if entity.type.name in ("person", "issue", "meeting") and meetings:
            shown = meetings[-graph.MAX_MEETINGS:]
            label = f"Meetings, people and issues around {view['title']}"
            # Drawn when its page renders (in the render workers), never kept for all pages at once.
            view["graph"] = {"meetings": shown, "svg": graph.DrawnSvg(meetings, label, focus=entity.id),
                             "shown": len(shown), "total": len(meetings)}
        else:
            view["graph"] = None
    for term in site.by_type.get("term", []):
        views[term.id]["mentioned_in"] = []
    for term_id, users in _term_mentions(site).items():
        views[term_id]["mentioned_in"] = [views[e.id] for e in users]


def site_extras(site: Site, views: dict[str, dict[str, Any]], base_url: str) -> dict[str, Any]:
    """Return the site-wide reader data: the whole timeline, its filters and the full graph."""
    items = timeline.timeline_items(views)
    meetings = [i["entry"] for i in items if i["entry"]["type"] == "meeting"]
    return {
        "nav": extra_nav(base_url),
        "days": timeline.group_by_day(items),
        "filters": timeline.filter_choices(items, views),
        "item_count": len(items),
        # Drawn when the graph page renders: only that page shows it (and reads every meeting).
        "graph_svg": graph.DrawnSvg(meetings, "Who met whom, and about what: people, meetings and issues")
        if meetings else None,
        "graph_meetings": meetings,
        "glossary_href": next((urls.href(urls.index_path(t.folder), base_url) for t in site.types
                               if t.name == "term"), None),
        "pagefind_js": urls.href("/pagefind/pagefind.js", base_url),
        **{f"{kind}_href": urls.href(path, base_url) for kind, path, _ in EXTRA_PAGES},
    }


def _term_mentions(site: Site) -> dict[str, list[Entity]]:
    found: dict[str, list[Entity]] = {}
    for entity in site.by_id.values():
        for _, text in markdown_texts(entity):
            for match in WIKILINK_RE.finditer(text):
                target = site.by_id.get(match.group(1).strip())
                if target is not None and target.type.name == "term" and target is not entity:
                    users = found.setdefault(target.id, [])
                    if entity not in users:
                        users.append(entity)
    order = {t.name: i for i, t in enumerate(site.types)}
    return {k: sorted(v, key=lambda e: (order[e.type.name], e.sort_key())) for k, v in found.items()}
