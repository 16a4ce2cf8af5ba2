"""Every page has a unique title, a description from its entity's summary, a canonical
URL, Open Graph and Twitter tags, and schema.org JSON-LD whose every property is one
schema.org defines for its type; sitemap.xml lists every page and robots.txt names it."""
from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest

from site_builder import Paths, build, load_site
from site_builder.publish.seo import json_ld_script
from site_builder.core.views import plain_text, when

from ..conftest import TEMPLATES
from ..publish_helpers import CONTENT, FIXTURES, TIMED, build_real, json_ld, soup

BASE = "https://user.github.io/repo/"
VOCABULARY = json.loads((FIXTURES / "schemaorg-12.0.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Path:
    return build_real(tmp_path_factory.mktemp("seo"), BASE)


def pages(out: Path) -> dict[str, object]:
    return {p.relative_to(out).as_posix(): soup(p.read_bytes()) for p in sorted(out.rglob("*.html"))}


def meta(page, **attrs) -> str:
    return page.find("meta", attrs=attrs)["content"]


def test_every_page_has_unique_title_description_and_canonical(real):
    found = pages(real)
    titles = [page.title.string for page in found.values()]
    assert len(set(titles)) == len(titles)
    canonicals = {name: page.find("link", rel="canonical")["href"] for name, page in found.items()}
    assert len(set(canonicals.values())) == len(canonicals)
    for name, page in found.items():
        assert canonicals[name] == BASE + name.removesuffix("index.html"), name
        assert meta(page, name="description").strip(), name


def test_open_graph_and_twitter_tags_match_the_page(real):
    for name, page in pages(real).items():
        in_language = re.sub(r"^zh-hans/", "", name)   # the same page in another language: /zh-hans/…
        assert meta(page, property="og:url") == page.find("link", rel="canonical")["href"], name
        assert meta(page, property="og:description") == meta(page, name="description")
        assert meta(page, name="twitter:description") == meta(page, name="description")
        assert meta(page, property="og:title") == meta(page, name="twitter:title")
        assert page.title.string.startswith(meta(page, property="og:title"))
        assert meta(page, property="og:site_name") == page.select_one(".site-title a").text
        assert meta(page, name="twitter:card") == "summary"
        assert meta(page, property="og:type") == ("article" if in_language.count("/") == 2 else "website")
    assert meta(pages(real)["index.html"], property="og:site_name") == "Blinken in China, April 2024"
    assert meta(pages(real)["404.html"], name="robots") == "noindex"


def test_description_comes_from_the_entity_summary(make_site, tmp_path):
    content = make_site({"people/wang-yi.yaml": """
        name: Wang Yi
        role: Foreign Minister
        country: China
        summary: China's *Foreign Minister* and [[antony-blinken]]'s counterpart [[src-a]].
        sources: [src-a]
    """})
    out = tmp_path / "_site"
    build(Paths(content, TEMPLATES, out), base_url=BASE)
    page = soup((out / "people" / "wang-yi" / "index.html").read_bytes())
    expected = "China\u2019s Foreign Minister and Antony Blinken\u2019s counterpart."
    assert meta(page, name="description") == meta(page, property="og:description") == expected


def test_feed_and_calendar_are_announced(real):
    page = soup((real / "index.html").read_bytes())
    alternates = {link["type"]: link["href"] for link in page.find_all("link", rel="alternate") if link.get("type")}
    assert alternates == {"application/atom+xml": "/repo/feed.xml", "text/calendar": "/repo/calendar.ics"}


# ---- JSON-LD against the schema.org vocabulary -------------------------------------------

def ancestors(name: str) -> set[str]:
    """Return a schema.org class and all the classes it is a subclass of."""
    found, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(VOCABULARY["classes"].get(current, []))
    return found


def is_datatype(name: str) -> bool:
    return bool(ancestors(name) & set(VOCABULARY["datatypes"]))


def schema_problems(node: dict, where: str = "") -> list[str]:
    """Return every way a JSON-LD node breaks the schema.org vocabulary (types, properties, ranges)."""
    kind = node.get("@type")
    if kind not in VOCABULARY["classes"]:
        return [f"{where}: unknown type {kind!r}"]
    problems = []
    for key, value in node.items():
        if key.startswith("@"):
            continue
        prop = VOCABULARY["properties"].get(key)
        if prop is None:
            problems.append(f"{where}{kind}.{key}: not a schema.org property")
        elif prop.get("supersededBy"):
            problems.append(f"{where}{kind}.{key}: superseded by another property")
        elif not ancestors(kind) & set(prop["domain"]):
            problems.append(f"{where}{kind}.{key}: not a property of {kind}")
        else:
            for item in value if isinstance(value, list) else [value]:
                problems.extend(value_problems(item, prop["range"], f"{where}{kind}.{key}"))
    return problems


def value_problems(value, ranges: list[str], where: str) -> list[str]:
    if isinstance(value, dict) and "@type" in value:
        if not ancestors(value["@type"]) & set(ranges):
            return [f"{where}: a {value['@type']} is not one of {ranges}"]
        return schema_problems(value, where + " > ")
    if isinstance(value, str) and value.startswith("https://schema.org/"):
        member = VOCABULARY["members"].get(value.removeprefix("https://schema.org/"), [])
        return [] if any(ancestors(t) & set(ranges) for t in member) else [f"{where}: {value} not in {ranges}"]
    if isinstance(value, str):
        if {"Date", "DateTime"} & set(ranges) and not {"Text", "URL"} & set(ranges):
            dt.datetime.fromisoformat(value)  # raises on a malformed date
            return []
        return [] if any(is_datatype(r) and "Number" not in ancestors(r) for r in ranges) else [
            f"{where}: text where {ranges} is expected"]
    if isinstance(value, int):
        return [] if any("Number" in ancestors(r) or r == "Integer" for r in ranges) else [
            f"{where}: number where {ranges} is expected"]
    return [f"{where}: unexpected value {value!r}"]


def graph_of(page) -> list[dict]:
    blocks = json_ld(page)
    assert len(blocks) == 1 and blocks[0]["@context"] == "https://schema.org"
    return blocks[0]["@graph"]


def test_json_ld_on_every_page_fits_the_schema_org_vocabulary(real):
    for name, page in pages(real).items():
        if name.endswith("404.html"):
            assert json_ld(page) == []
            continue
        for node in graph_of(page):
            assert schema_problems(node) == [], name


def test_the_vocabulary_check_can_fail():
    assert schema_problems({"@type": "Event", "attendees": []}) == ["Event.attendees: superseded by another property"]
    assert schema_problems({"@type": "Event", "participants": []}) == ["Event.participants: not a schema.org property"]
    assert schema_problems({"@type": "Person", "startDate": "2024-04-26"}) == [
        "Person.startDate: not a property of Person"]
    assert schema_problems({"@type": "Event", "location": {"@type": "Person", "name": "x"}}) == [
        "Event.location: a Person is not one of ['Place', 'PostalAddress', 'Text', 'VirtualLocation']"]
    assert schema_problems({"@type": "Meeting"}) == [": unknown type 'Meeting'"]
    assert schema_problems({"@type": "Event", "eventStatus": "https://schema.org/Person"}) != []


def test_meeting_is_an_event_with_place_attendees_and_status(real):
    site, _, _ = load_site(CONTENT)
    for meeting in site.by_type["meeting"]:
        page = soup((real / "meetings" / meeting.id / "index.html").read_bytes())
        event = next(node for node in graph_of(page) if node["@type"] == "Event")
        assert event["name"] == meeting.title
        assert event["url"] == f"{BASE}meetings/{meeting.id}/"
        assert event["startDate"] == when(meeting.values)["iso"]
        assert event["startDate"].startswith(meeting.values["date"].isoformat())
        assert event["location"] == {"@type": "Place", "name": meeting.values["location"]}
        assert [p["name"] for p in event["attendee"]] == [site.by_id[i].title for i in meeting.values["participants"]]
        assert all(p["@type"] == "Person" and p["url"].startswith(BASE) for p in event["attendee"])
        assert event["eventStatus"] == "https://schema.org/EventScheduled"


def test_person_has_job_title_nationality_and_affiliation(make_site, tmp_path):
    content = make_site({"people/wang-yi.yaml": """
        name: Wang Yi
        role: Foreign Minister
        country: China
        organization: Ministry of Foreign Affairs
        native_name: 王毅
        summary: Foreign Minister.
        sources: [src-a]
    """})
    out = tmp_path / "_site"
    build(Paths(content, TEMPLATES, out), base_url=BASE)
    nodes = graph_of(soup((out / "people" / "wang-yi" / "index.html").read_bytes()))
    person = next(node for node in nodes if node["@type"] == "Person")
    assert person == {"@type": "Person", "name": "Wang Yi", "url": f"{BASE}people/wang-yi/",
                      "jobTitle": "Foreign Minister", "alternateName": "王毅",
                      "nationality": {"@type": "Country", "name": "China"},
                      "affiliation": {"@type": "Organization", "name": "Ministry of Foreign Affairs"},
                      "description": "Foreign Minister."}
    assert schema_problems(person) == []


def test_a_source_named_like_a_person_gets_a_distinct_title(make_site, tmp_path):
    content = make_site({"sources/wikipedia-wang-yi.yaml": """
        title: Wang Yi
        publisher: Wikipedia
        kind: reference
    """, "people/wang-yi.yaml": """
        name: Wang Yi
        role: Foreign Minister
        country: China
        summary: Foreign Minister [[wikipedia-wang-yi]].
        sources: [src-a]
    """})
    out = tmp_path / "_site"
    build(Paths(content, TEMPLATES, out), base_url=BASE)
    person = soup((out / "people" / "wang-yi" / "index.html").read_bytes())
    source = soup((out / "sources" / "wikipedia-wang-yi" / "index.html").read_bytes())
    assert person.title.string == "Wang Yi · Test explainer"
    assert source.title.string == "Wang Yi (Source) · Test explainer"
    assert meta(source, property="og:title") == "Wang Yi (Source)"
    assert source.h1.get_text(strip=True) == "Wang Yi"


def test_breadcrumbs_list_each_step_with_its_absolute_url(real):
    page = soup((real / "people" / "wang-yi" / "index.html").read_bytes())
    crumbs = next(node for node in graph_of(page) if node["@type"] == "BreadcrumbList")
    assert [(i["position"], i["name"], i["item"]["@id"]) for i in crumbs["itemListElement"]] == [
        (1, "Home", BASE), (2, "People", BASE + "people/"), (3, "Wang Yi", BASE + "people/wang-yi/")]


def test_json_ld_cannot_close_its_script_element():
    script = json_ld_script([{"@type": "Thing", "name": "</script><script>alert(1)</script> & more"}])
    page = soup(f"<html><head>{script}</head></html>")
    [tag] = page.find_all("script")
    assert json.loads(tag.string)["@graph"][0]["name"] == "</script><script>alert(1)</script> & more"


def test_sitemap_lists_every_page_once_with_absolute_urls_and_robots_names_it(real):
    root = etree.parse(real / "sitemap.xml").getroot()
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    locs = [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    expected = sorted(BASE + name.removesuffix("index.html") for name in pages(real) if not name.endswith("404.html"))
    assert sorted(locs) == expected
    assert (real / "robots.txt").read_text().splitlines() == [
        "User-agent: *", "Allow: /", "", f"Sitemap: {BASE}sitemap.xml"]


def test_plain_text_summary_drops_citation_markers():
    assert plain_text('<p>Talks <sup class="cite"><a href="#c">[1]</a></sup>.</p>') == "Talks."


def test_timed_and_cancelled_events_in_json_ld(make_site, tmp_path):
    out = tmp_path / "_site"
    build(Paths(make_site(TIMED), TEMPLATES, out), base_url=BASE)
    arrival = next(n for n in graph_of(soup((out / "events" / "arrival" / "index.html").read_bytes()))
                   if n["@type"] == "Event")
    assert arrival["startDate"] == "2024-04-24T16:05+08:00"
    assert arrival["attendee"] == [{"@type": "Person", "name": "Antony Blinken", "url": f"{BASE}people/antony-blinken/",
                                    "jobTitle": "US Secretary of State"}]
    dinner = next(n for n in graph_of(soup((out / "meetings" / "dinner" / "index.html").read_bytes()))
                  if n["@type"] == "Event")
    assert dinner["eventStatus"] == "https://schema.org/EventCancelled"
    vote = next(n for n in graph_of(soup((out / "events" / "vote" / "index.html").read_bytes()))
                if n["@type"] == "Event")
    assert "location" not in vote and "attendee" not in vote
    for node in (arrival, dinner, vote):
        assert schema_problems(node) == []


def test_sources_and_terms_have_their_schema_org_types(make_site, tmp_path):
    content = make_site({"sources/src-a.yaml": """
        title: An article
        publisher: A publisher
        kind: press
        date: 2024-04-26
        url: https://news.example.com/a
    """, "terms/dual-use.yaml": """
        term: Dual-use goods
        definition: Goods with civilian and military uses [[src-a]].
        sources: [src-a]
    """})
    out = tmp_path / "_site"
    build(Paths(content, TEMPLATES, out), base_url=BASE)
    source = graph_of(soup((out / "sources" / "src-a" / "index.html").read_bytes()))[-1]
    assert source == {"@type": "CreativeWork", "name": "An article", "datePublished": "2024-04-26",
                      "publisher": {"@type": "Organization", "name": "A publisher"},
                      "url": "https://news.example.com/a", "inLanguage": "en"}
    term = graph_of(soup((out / "terms" / "dual-use" / "index.html").read_bytes()))[-1]
    assert term == {"@type": "DefinedTerm", "name": "Dual-use goods", "url": f"{BASE}terms/dual-use/",
                    "description": "Goods with civilian and military uses."}
    assert schema_problems(source) == schema_problems(term) == []
