"""Describe the site to search engines and link previews: per-page meta data with
schema.org JSON-LD, sitemap.xml and robots.txt.

Works on the views and page contexts that templates see, and on planned Pages;
every URL comes from urls.py. Knows nothing about Jinja or the disk.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as etree
from typing import Any, Iterable

from markupsafe import Markup

from ..model.entities import Page
from ..model import urls

SCHEMA = "https://schema.org"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
FEED_PATH = "/feed.xml"
CALENDAR_PATH = "/calendar.ics"
SITEMAP_PATH = "/sitemap.xml"
# schema.org has no "held" or "expected"; EventScheduled means "as planned".
EVENT_STATUS = {"cancelled": "EventCancelled"}


def page_meta(page: dict[str, Any], site: dict[str, Any]) -> dict[str, Any]:
    """Return what templates/_meta.html shows for one page (Open Graph type, feed links, JSON-LD)."""
    base_url = site["base_url"]
    return {
        "og_type": "article" if page["kind"] == "entity" else "website",
        "noindex": page["kind"] == "404",
        "feed": urls.href(FEED_PATH, base_url),
        "calendar": urls.href(CALENDAR_PATH, base_url),
        "json_ld": json_ld_script(nodes) if (nodes := graph(page, site)) else None,
    }


def json_ld_script(nodes: list[dict[str, Any]]) -> Markup:
    """Return a <script type="application/ld+json"> holding nodes, safe inside HTML."""
    data = {"@context": SCHEMA, "@graph": nodes}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # <, > and & as JSON escapes, so no "</script>" or "<!--" can end the script early
    # (str.replace: str.translate takes 20 times as long on text with non-ASCII letters).
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">\n{text}\n</script>')


def graph(page: dict[str, Any], site: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the schema.org nodes of a page: the site on the home page, else the
    breadcrumb trail, plus the entity itself where schema.org has a type for it."""
    base_url = site["base_url"]
    if page["kind"] == "404":
        return []
    if page["kind"] == "home":
        return [{"@type": "WebSite", "name": site["title"], "description": site["description"],
                 "url": page["canonical"], "inLanguage": site["language"]}]
    nodes = [breadcrumbs(page, base_url)]
    entity, ctype = page.get("entity"), page.get("type")
    if entity and ctype and ctype["json_ld"] in ENTITY_NODES:
        node = ENTITY_NODES[ctype["json_ld"]](entity, ctype, base_url)
        # schema.org gives an Event and a CreativeWork a language: the page's for an event, the
        # document's for a source (its `language`, else the site's first).
        if ctype["json_ld"] == "Event":
            node["inLanguage"] = site["language"]
        elif ctype["json_ld"] == "CreativeWork":
            first = site["languages"][0]["tag"] if site["languages"] else site["language"]
            node["inLanguage"] = entity.get("language") or first
        nodes.append(node)
    return nodes


def breadcrumbs(page: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Return the BreadcrumbList of a page: its crumbs, then the page itself."""
    trail = [(c["title"], urls.absolute_href(c["href"], base_url)) for c in page["breadcrumbs"]]
    trail.append((page["title"], page["canonical"]))
    return {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": n, "name": name, "item": {"@type": "WebPage", "@id": url}}
        for n, (name, url) in enumerate(trail, start=1)]}


def _url(view: dict[str, Any], base_url: str) -> str:
    return urls.absolute_href(view["href"], base_url)


def person_node(person: dict[str, Any], ctype: dict[str, Any] | None, base_url: str,
                full: bool = True) -> dict[str, Any]:
    """Return a schema.org Person: name, job title, nationality and affiliation."""
    node: dict[str, Any] = {"@type": "Person", "name": person["name"], "url": _url(person, base_url),
                            "jobTitle": person["role"]}
    if not full:
        return node
    if person.get("native_name"):
        node["alternateName"] = person["native_name"]
    node["nationality"] = {"@type": "Country", "name": person["country"]}
    if person.get("organization"):
        node["affiliation"] = {"@type": "Organization", "name": person["organization"]}
    node["description"] = person["description"]
    return node


def event_node(event: dict[str, Any], ctype: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Return a schema.org Event for a meeting or event: when, where, who (its type's attendees) and its status."""
    people = (event.get(ctype["attendees"]) or []) if ctype["attendees"] else []
    node: dict[str, Any] = {
        "@type": "Event", "name": event["title"], "url": _url(event, base_url),
        "description": event["description"], "startDate": event["when"]["iso"],
        "eventStatus": f"{SCHEMA}/{EVENT_STATUS.get(event.get('status') or '', 'EventScheduled')}",
        "eventAttendanceMode": f"{SCHEMA}/OfflineEventAttendanceMode",
    }
    if event.get("location"):
        node["location"] = {"@type": "Place", "name": event["location"]}
    if people:
        node["attendee"] = [person_node(p, None, base_url, full=False) for p in people]
    return node


def source_node(source: dict[str, Any], ctype: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Return a schema.org CreativeWork for a source: its title, publisher, date and original address."""
    node: dict[str, Any] = {"@type": "CreativeWork", "name": source["title"],
                            "publisher": {"@type": "Organization", "name": source["publisher"]}}
    if source.get("date"):
        node["datePublished"] = source["date"].isoformat()
    if source.get("url"):
        node["url"] = source["url"]
    return node


def term_node(term: dict[str, Any], ctype: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Return a schema.org DefinedTerm for a glossary entry (its name is its title)."""
    return {"@type": "DefinedTerm", "name": term["title"], "description": term["description"],
            "url": _url(term, base_url)}


# By the schema.org type a content type declares (ContentType.json_ld).
ENTITY_NODES = {"Event": event_node, "Person": person_node, "CreativeWork": source_node,
                "DefinedTerm": term_node}


def sitemap_xml(pages: Iterable[Page], base_url: str, languages: list[tuple[str, str]] | None = None) -> bytes:
    """Return sitemap.xml listing the absolute URL of every page except the 404 page.

    A site in several languages (`languages`: each one's tag and base URL, base_url's among
    them) lists every page in each, each entry naming all of them with xhtml:link, as
    search engines read alternates (https://developers.google.com/search/docs/specialty/international/localized-versions#sitemap)."""
    etree.register_namespace("", SITEMAP_NS)
    etree.register_namespace("xhtml", XHTML_NS)
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset")
    versions = languages if languages and len(languages) > 1 else [(None, base_url)]
    for page in pages:
        if page.kind == "404":
            continue
        for _, base in versions:
            entry = etree.SubElement(root, f"{{{SITEMAP_NS}}}url")
            etree.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = urls.absolute(page.url, base)
            for tag, other in versions if len(versions) > 1 else ():
                etree.SubElement(entry, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=tag,
                                 href=urls.absolute(page.url, other))
    etree.indent(root)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def robots_txt(base_url: str) -> bytes:
    """Return robots.txt allowing everything and naming the sitemap."""
    return (f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(SITEMAP_PATH, base_url)}\n").encode()
