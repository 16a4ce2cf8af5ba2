"""Compute what the reader's pages show beyond one entity's own fields: timelines,
relationship graphs, where glossary terms are used, and the extra navigation.

Everything is plain data (and SVG Markup from graph.py) added to the views, so
templates only display it. Knows nothing about Jinja or files.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from ..model.entities import Entity, Site
from . import graph, timeline

from ..model import urls
from ..model.kinds import Refs
from ..model.schema import GRAPH_HUB, INVOLVED, ContentType
from ..model.urls import EXTRA_PAGES
from ..core.links import WIKILINK_RE, markdown_texts
from ..core.pages import timeline_years



def extra_nav(base_url: str, words: Callable[[str], str] = str) -> list[dict[str, str]]:
    """Return the navigation entries of the timeline, graph and search pages (labels in the site's language)."""
    return [{"kind": kind, "label": words(title), "href": urls.href(path, base_url)} for kind, path, title in EXTRA_PAGES]


def add_reader_views(views: dict[str, dict[str, Any]], site: Site, words: Callable[[str], str] = str) -> None:
    """Add timelines, neighbourhood graphs and glossary mentions to the entity views."""
    involving = timeline.items_by_entity(timeline.timeline_items(views, site.types))
    the_plan, hub_links = graph.plan(site.types, words), _hub_links(site.types)
    fields = hub_fields(the_plan)
    for entity in site.by_id.values():
        view = views[entity.id]
        if entity.type.has(INVOLVED):
            view["timeline"] = timeline.group_by_day(involving.get(entity.id, []))
        hubs = [view] if entity.type.graph == GRAPH_HUB else _linked(view, hub_links.get(entity.type.name, []))
        view["graph"] = _graph_view(entity, view, hubs, the_plan, fields, words) if entity.type.graph and hubs else None
    for ctype in site.types:
        for term in site.by_type.get(ctype.name, []) if ctype.glossary else []:
            views[term.id]["mentioned_in"] = []
    for term_id, users in _term_mentions(site).items():
        views[term_id]["mentioned_in"] = [views[e.id] for e in users]


def _hub_links(types: tuple[ContentType, ...]) -> dict[str, list[str]]:
    """Return, by type name, the names of the links that list the hubs (meetings) its entities are in:
    the backlinks of the hubs' attendees and topics fields."""
    found: dict[str, list[str]] = {}
    for hub in types:
        fields = [hub.field(name) for name in (hub.attendees, hub.topics) if name] if hub.graph == GRAPH_HUB else []
        for fdef in fields:
            if fdef is not None and isinstance(fdef.kind, Refs) and fdef.backlink:
                names = found.setdefault(fdef.kind.target, [])
                names += [] if fdef.backlink in names else [fdef.backlink]
    return found


def _linked(view: dict[str, Any], names: list[str]) -> list[dict[str, Any]]:
    if len(names) == 1:
        return view["links"].get(names[0], [])
    return list({v["id"]: v for name in names for v in view["links"].get(name, [])}.values())


def _graph_view(entity: Entity, view: dict[str, Any], hubs: list[dict[str, Any]], the_plan: graph.Plan,
                fields: dict[str, dict[str, str | None]], words: Callable[[str], str] = str) -> dict:
    shown = hubs[-graph.MAX_MEETINGS:]
    label = words("Meetings, people and issues around %(title)s") % {"title": view["title"]}
    # Drawn when its page renders (in the render workers), never kept for all pages at once.
    return {"hubs": shown, "svg": graph.DrawnSvg(hubs, label, focus=entity.id, the_plan=the_plan),
            "shown": len(shown), "total": len(hubs), "fields": fields}


def hub_fields(the_plan: graph.Plan) -> dict[str, dict[str, str | None]]:
    """Return, by hub type, the fields templates list as its attendees and its topics."""
    return {name: dict(zip(("attendees", "topics"), fields)) for name, fields in the_plan.hub_fields.items()}


def site_extras(site: Site, views: dict[str, dict[str, Any]], base_url: str,
                words: Callable[[str], str] = str, site_base: str | None = None,
                fold: Callable[[str], str] = str.casefold) -> dict[str, Any]:
    """Return the site-wide reader data: the whole timeline, its filters and the full graph.
    `words` gives the engine's labels in the site's language; `site_base` is the base URL of
    the site's first language, where the search index of every language is."""
    items = timeline.timeline_items(views, site.types)
    years = timeline_years(site)
    focused = lambda days: timeline.group_by_focus(  # noqa: E731
        days, site.settings.get("focus_from"), site.settings.get("focus_to"),
        site.settings.get("focus_title") or words("The days this explainer is about"), words)
    the_plan = graph.plan(site.types, words)
    meetings = [i["entry"] for i in items if i["entry"]["type"] in the_plan.hub_fields]
    drawn = graph.most_connected(meetings, the_plan)
    linked = {v["id"] for m in meetings for name in the_plan.hub_fields[m["type"]] if name for v in m.get(name) or ()}
    # People (and issues) in no meeting or event: drawn too, without lines, so the graph has everyone.
    loose = tuple(views[e.id] for t in site.types if t.graph and t.graph != GRAPH_HUB
                  for e in site.by_type.get(t.name, []) if e.id not in linked)
    return {
        "nav": extra_nav(base_url, words),
        "days": timeline.group_by_day(items),
        "day_groups": focused(timeline.group_by_day(items)),
        # A long timeline is split by year (pages.timeline_years): each year's groups, and the index.
        "year_groups": {str(y): focused(timeline.group_by_day([i for i in items if i["entry"]["when"]["date"].year == y]))
                        for y in years},
        "years": [{"year": str(y), "href": urls.href(urls.timeline_year_path(y), base_url),
                   "count": sum(1 for i in items if i["entry"]["when"]["date"].year == y)} for y in years],
        "legend": [dict(marker, label=words(marker["label"])) for marker in timeline.legend(site.types)],
        "filters": timeline.filter_choices(items, views),
        "item_count": len(items),
        # Drawn when the graph page renders: only that page shows it (and reads every meeting).
        "graph_svg": graph.DrawnSvg(drawn, words("Who met whom, and about what: people, meetings and issues"),
                                    the_plan=the_plan, loose=loose if len(drawn) == len(meetings) else ())
        if meetings else None,
        "graph_drawn": drawn,
        "graph_meetings": meetings,
        "graph_loose": list(loose),
        "graph_fields": hub_fields(the_plan),
        # Every page A to Z on the search page (where search leads without JavaScript), while it fits.
        "az": az_index([views[e.id] for e in site.by_id.values()], fold) if len(site.by_id) <= AZ_MAX else [],
        "glossary_href": next((urls.href(urls.index_path(t.folder), base_url) for t in site.types
                               if t.glossary), None),
        "pagefind_js": urls.href("/pagefind/pagefind.js", site_base or base_url),
        **{f"{kind}_href": urls.href(path, base_url) for kind, path, _ in EXTRA_PAGES},
    }


def _term_mentions(site: Site) -> dict[str, list[Entity]]:
    found: dict[str, list[Entity]] = {}
    for entity in site.by_id.values():
        for _, text in markdown_texts(entity):
            for match in WIKILINK_RE.finditer(text):
                target = site.by_id.get(match.group(1).strip())
                if target is not None and target.type.glossary and target is not entity:
                    users = found.setdefault(target.id, [])
                    if entity not in users:
                        users.append(entity)
    order = {t.name: i for i, t in enumerate(site.types)}
    return {k: sorted(v, key=lambda e: (order[e.type.name], e.sort_key())) for k, v in found.items()}


_HAN_RE = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
AZ_MAX = 3000   # entities listed A to Z on one page; beyond this the index pages take over (about 300 KB)


def az_index(entries: list[dict[str, Any]], fold: Callable[[str], str] = str.casefold) -> list[dict[str, Any]]:
    """Return every entity's view under the letter its title starts with, A to Z, for the search
    page's list of every page (what the search box leads to without JavaScript). `fold` is the
    language's order (core/messages.py sort_text): a Chinese title is under its pinyin's letter."""
    def key(view: dict[str, Any]) -> tuple[str, str]:
        title = view["title"].lstrip("\"'\u201c\u2018(\u300a")
        return fold(title), view["id"]
    letters: dict[str, list[dict[str, Any]]] = {}
    for view in sorted(entries, key=key):
        first = key(view)[0][:1].upper()
        # A title in another language (a source's own title) is marked as such for screen readers.
        entry = {"href": view["href"], "title": view["title"], "label": view["label"],
                 "lang": view.get("title_lang") or ("zh" if fold is str.casefold and _HAN_RE.search(view["title"]) else None)}
        letters.setdefault(first if first.isalpha() and first.isascii() else "#", []).append(entry)
    return [{"letter": letter, "id": f"az-{letter if letter != '#' else 'other'}", "entries": items}
            for letter, items in sorted(letters.items(), key=lambda kv: (kv[0] == "#", kv[0]))]
