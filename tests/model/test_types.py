"""A new content type is one declaration plus one template: no package edits."""
import gzip
import json
import re
import shutil
from html.parser import HTMLParser
from xml.etree import ElementTree

import icalendar
import pytest

from site_builder import Paths, build
from site_builder.model.kinds import Date, Refs, Text, Markdown, Time, TimeZone
from site_builder.model.schema import (CONTENT_TYPES, DATED, GRAPH_HUB, IN_CALENDAR, IN_FEED, ContentType,
                                       Field)

from ..conftest import MINIMAL, TEMPLATES, write_tree
from ..publish_helpers import data_entities

ORGANIZATION = ContentType(
    name="organization", folder="organizations", label="Organisation", plural="Organisations",
    title_field="name", order_by=("name",),
    fields=(
        Field("name", Text(), "Name.", required=True),
        Field("summary", Markdown(), "What it is.", required=True),
        Field("members", Refs("person"), "Member ids.", backlink="organizations"),
    ),
)


def test_declared_type_gets_pages_index_and_backlinks(make_site, tmp_path):
    content = make_site({"organizations/state-department.yaml": """
        name: U.S. Department of State
        summary: Led by [[antony-blinken]].
        members: [antony-blinken]
    """})
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "organization.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>{{ page.entity.name }}</h1>'
        '{% for p in page.entity.members %}<a href="{{ p.href }}">{{ p.title }}</a>{% endfor %}{% endblock %}')
    out = tmp_path / "_site"
    build(Paths(content, templates, out), types=CONTENT_TYPES + (ORGANIZATION,))
    page = (out / "organizations" / "state-department" / "index.html").read_text()
    assert "<h1>U.S. Department of State</h1>" in page
    assert '<a href="/repo/people/antony-blinken/">Antony Blinken</a>' in page
    assert (out / "organizations" / "index.html").is_file()


# --- a new dated type: one declaration and one template -----------------------------------------

SUMMIT = ContentType(
    name="summit", folder="summits", label="Summit", plural="Summits", title_field="title",
    order_by=("date", "time"),
    roles=(DATED, IN_FEED, IN_CALENDAR), attendees="delegates", topics="agenda",
    graph=GRAPH_HUB, json_ld="Event",
    fields=(
        Field("title", Text(), "Headline.", required=True),
        Field("date", Date(), "Local date.", required=True),
        Field("summary", Markdown(), "What happened.", required=True),
        Field("time", Time(), "Local time.", needs="timezone"),
        Field("timezone", TimeZone(), "IANA time zone."),
        Field("location", Text(), "Place."),
        Field("delegates", Refs("person"), "Who came.", backlink="summits"),
        Field("agenda", Refs("issue"), "What was on the agenda.", backlink="summits"),
    ),
)
SUMMIT_TEMPLATE = ('{% extends "base.html" %}{% block main_attrs %} data-pagefind-body{% endblock %}'
                   '{% block main %}<h1>{{ page.entity.title }}</h1>{{ page.entity.summary }}{% endblock %}')
SUMMIT_YAML = """
    title: Lima summit
    date: 2024-11-16
    time: "15:00"
    timezone: America/Lima
    location: Lima
    delegates: [wang-yi]
    agenda: [fentanyl]
    summary: Leaders met on the sidelines of APEC.
"""


class _Html(HTMLParser):
    """Collect the start tags of a page (tag, attributes) and its text."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def having(self, tag: str, **wanted: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in wanted.items())]


@pytest.fixture(scope="module")
def summit_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("summit")
    content = write_tree(root / "content", MINIMAL | {"summits/lima.yaml": SUMMIT_YAML})
    templates = root / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "summit.html").write_text(SUMMIT_TEMPLATE)
    out = root / "_site"
    build(Paths(content, templates, out), types=CONTENT_TYPES + (SUMMIT,), search=True)
    return out


HREF = "/repo/summits/lima/"


def test_new_dated_type_has_its_own_page(summit_site):
    page = _Html((summit_site / "summits" / "lima" / "index.html").read_text())
    assert "Lima summit" in page.text
    assert "data-pagefind-body" in page.having("main", id="main")[0]      # what Pagefind indexes
    ld = [json.loads(s) for s in re.findall(r'<script type="application/ld\+json">\n(.*)\n</script>',
                                            (summit_site / "summits" / "lima" / "index.html").read_text())]
    event = next(n for n in ld[0]["@graph"] if n["@type"] == "Event")
    assert [a["name"] for a in event["attendee"]] == ["Wang Yi"]


def test_new_dated_type_is_on_the_timeline(summit_site):
    page = _Html((summit_site / "timeline" / "index.html").read_text())
    item = next(a for a in page.having("li") if a.get("class", "").startswith("tl-item tl-summit"))
    assert item["data-people"] == "wang-yi" and item["data-issues"] == "fentanyl"
    assert page.having("a", href=HREF)


def test_new_dated_type_is_in_the_feed(summit_site):
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    feed = ElementTree.parse(summit_site / "feed.xml").getroot()
    entry = next(e for e in feed.findall("atom:entry", ns)
                 if e.find("atom:link", ns).get("href") == "https://example.org" + HREF)
    assert entry.find("atom:title", ns).text == "Lima summit"
    assert [c.get("term") for c in entry.findall("atom:category", ns)] == ["Fentanyl"]


def test_new_dated_type_is_in_the_calendar(summit_site):
    calendar = icalendar.Calendar.from_ical((summit_site / "calendar.ics").read_bytes())
    event = next(e for e in calendar.walk("VEVENT") if str(e["uid"]) == "summit-lima@example.org")
    assert str(event["summary"]) == "Lima summit"
    assert event.decoded("dtstart").isoformat() == "2024-11-16T15:00:00-05:00"
    assert str(event["location"]) == "Lima"


def test_new_hub_type_is_in_the_graph(summit_site):
    graph = _Html((summit_site / "graph" / "index.html").read_text())
    assert graph.having("a", href=HREF, **{"class": "g-node g-summit"})
    person = _Html((summit_site / "people" / "wang-yi" / "index.html").read_text())
    assert person.having("a", href=HREF, **{"class": "g-node g-summit"})     # in his neighbourhood graph
    assert person.having("a", href="/repo/meetings/talks/", **{"class": "g-node g-meeting"})


def test_new_dated_type_is_in_the_search_index(summit_site):
    assert [e["id"] for e in data_entities(summit_site)["summits"]] == ["lima"]
    fragments = [gzip.decompress(p.read_bytes()).removeprefix(b"pagefind_dcd")
                 for p in (summit_site / "pagefind" / "fragment").iterdir()]
    urls = {json.loads(f)["url"] for f in fragments}
    assert "/summits/lima/" in urls
