"""The reader's explainer features, checked on parsed HTML: timeline, positions side by side,
citations, infoboxes, glossary links, the relationship graph, search wiring, budgets."""
from __future__ import annotations

import datetime

import gzip
import re
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from bs4 import BeautifulSoup

from site_builder import BuildFailed, Paths, build, load_site
from site_builder.explainer import graph as graph_module
from site_builder import pipeline
from site_builder.publish import search
from site_builder.pipeline import make_views as build_views

from ..conftest import ROOT, TEMPLATES, child_processes
from ..publish_helpers import data_entities
from ..reader_fixtures import RICH

CONTENT = ROOT / "content"

def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def real_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reader-real") / "_site"
    build(Paths(CONTENT, TEMPLATES, out))
    return out


@pytest.fixture
def rich_site(make_site, tmp_path) -> Path:
    out = tmp_path / "_site"
    build(Paths(make_site(base=RICH), TEMPLATES, out))
    return out


def entity_id(href: str) -> str:
    return href.rstrip("/").rsplit("/", 1)[-1]


# --- timeline ---------------------------------------------------------------------------

def test_timeline_lists_every_meeting_and_event_grouped_by_local_day(real_site):
    site, _, _ = load_site(CONTENT)
    page = soup(real_site / "timeline" / "index.html")
    days = page.select("ol.timeline > li.tl-day")
    listed = [entity_id(a["href"]) for a in page.select(".tl-item .tl-title a")]
    expected = {e.id for t in ("meeting", "event") for e in site.by_type.get(t, [])}
    assert sorted(listed) == sorted(expected) and len(listed) == len(expected)
    dates = [day.find("time")["datetime"] for day in days]
    assert dates == sorted(set(dates))
    for day in days:
        for item in day.select(".tl-item"):
            entity = site.by_id[entity_id(item.select_one(".tl-title a")["href"])]
            assert entity.values["date"].isoformat() == day.find("time")["datetime"]


def test_timeline_items_carry_filter_keys_and_local_times(rich_site):
    page = soup(rich_site / "timeline" / "index.html")
    items = {entity_id(li.select_one(".tl-title a")["href"]): li for li in page.select(".tl-item")}
    assert items["talks"]["data-issues"].split() == ["fentanyl"]
    assert set(items["talks"]["data-people"].split()) == {"antony-blinken", "wang-yi"}
    assert items["talks"].select_one(".tl-when time")["datetime"] == "2024-04-26T09:30+08:00"
    assert items["signing"].select_one(".tl-when time")["datetime"] == "2024-04-24T12:00-04:00"
    first_day = page.select("li.tl-day")[0]
    # Both happened on 24 April in their own zones; the untimed dinner comes first.
    assert [entity_id(a["href"]) for a in first_day.select(".tl-title a")] == ["dinner", "signing"]
    options = {o["value"] for o in page.select("#filter-issue option")} - {""}
    assert options == {"fentanyl"}


def test_timeline_filters_say_they_need_javascript(rich_site):
    page = soup(rich_site / "timeline" / "index.html")
    assert page.select_one("#timeline-filters fieldset").has_attr("disabled")
    assert "needs JavaScript" in page.select_one("#filter-status").get_text()


def test_issue_page_shows_its_own_timeline(rich_site):
    page = soup(rich_site / "issues" / "fentanyl" / "index.html")
    section = page.find(id="timeline-heading").parent
    assert [entity_id(a["href"]) for a in section.select(".tl-compact a")] == ["signing", "talks"]
    assert all(t.has_attr("datetime") for t in section.find_all("time"))


# --- positions, readouts, citations, infoboxes --------------------------------------------

def test_positions_side_by_side_each_with_a_citation_that_resolves(rich_site):
    page = soup(rich_site / "issues" / "fentanyl" / "index.html")
    columns = page.select(".side-by-side > section.position")
    assert [c.h3.get_text() for c in columns] == ["United States", "China"]
    ids = {tag["id"] for tag in page.find_all(id=True)}
    for column in columns:
        marker = column.select_one("sup.cite a")
        assert marker is not None and marker["href"].split("#")[1] in ids


def test_real_issue_positions_are_cited(real_site):
    site, _, _ = load_site(CONTENT)
    for issue in site.by_type["issue"]:
        if not issue.values.get("positions"):
            continue
        page = soup(real_site / "issues" / issue.id / "index.html")
        for column in page.select(".side-by-side > section.position"):
            assert column.select_one("sup.cite a[href*='#cite-']"), (issue.id, column.h3.text)


def test_meeting_readouts_side_by_side(rich_site):
    page = soup(rich_site / "meetings" / "talks" / "index.html")
    section = page.find(id="readouts-heading").parent
    assert [s.h3.get_text() for s in section.select(".side-by-side > section")] == ["United States", "China"]
    numbers = [a.get_text() for a in section.select("sup.cite a")]
    assert numbers == ["[1]", "[2]"]
    sources = [li["id"] for li in page.select("section.sources li")]
    assert sources == ["cite-src-a", "cite-src-b"]


def test_source_page_lists_what_cites_it(rich_site):
    page = soup(rich_site / "sources" / "src-b" / "index.html")
    cited = {entity_id(a["href"]) for a in page.find(id="cited-heading").parent.find_all("a")}
    assert {"talks", "signing", "fentanyl"} <= cited


def test_infoboxes_carry_the_facts(rich_site):
    person = soup(rich_site / "people" / "wang-yi" / "index.html").select_one("dl.infobox")
    facts = {dt.get_text(): dt.find_next_sibling("dd") for dt in person.find_all("dt")}
    assert facts["Native name"]["lang"] == "zh-Hans" and facts["Native name"].get_text() == "王毅"
    meeting_page = soup(rich_site / "meetings" / "talks" / "index.html")
    meeting = meeting_page.select_one("dl.infobox")
    facts = {dt.get_text(): dt.find_next_sibling("dd") for dt in meeting.find_all("dt")}
    assert {"Status", "Participants", "Issues raised"} <= facts.keys()
    # Date and place open the page, under the title (the dateline), not in the fact box.
    dateline = meeting_page.select_one(".brief-head .dateline")
    assert dateline.time["datetime"].startswith("2024-04-26") and "·" in dateline.get_text()
    assert facts["Participants"].find("span", lang="zh-Hans").get_text() == "王毅"
    issue = soup(rich_site / "issues" / "fentanyl" / "index.html").select_one("dl.infobox")
    assert "Raised at" in [dt.get_text() for dt in issue.find_all("dt")]


def test_every_native_name_on_the_real_site_has_its_lang(real_site):
    site, _, _ = load_site(CONTENT)
    for person in site.by_type["person"]:
        if person.values.get("native_name"):
            page = soup(real_site / "people" / person.id / "index.html")
            tagged = page.find_all(lang=person.values["native_lang"])
            assert any(t.get_text() == person.values["native_name"] for t in tagged), person.id


# --- glossary -------------------------------------------------------------------------------

def test_glossary_link_is_described_by_the_definition_beside_it(rich_site):
    page = soup(rich_site / "meetings" / "talks" / "index.html")
    link = page.select_one(".standfirst .gloss > a.ref-term, .prose .gloss > a.ref-term")
    assert entity_id(link["href"]) == "precursor"
    assert link.get_text() == "Precursor chemical"
    assert not link.get("title")   # no hover-only tooltip: the definition opens beside the link (style.css)
    definition = page.find(id=link["aria-describedby"])
    assert definition.parent is link.parent and definition["role"] == "tooltip"
    assert definition.get_text() == "A chemical used to make another, here fentanyl."


def test_a_definition_beside_its_term_is_no_part_of_the_pages_own_text(rich_site):
    page = soup(rich_site / "meetings" / "talks" / "index.html")
    description = page.find("meta", attrs={"name": "description"})["content"]
    assert description == "Talks with Wang Yi on Precursor chemical chemicals."
    talks = next(e for e in data_entities(rich_site)["meetings"] if e["id"] == "talks")
    assert talks["fields"]["summary"]["text"] == description
    assert search.NOT_INDEXED == ["--exclude-selectors", ".gloss-def"]   # nor of its search entry


def test_term_page_lists_where_it_is_used(rich_site):
    page = soup(rich_site / "terms" / "precursor" / "index.html")
    used = [entity_id(a["href"]) for a in page.find(id="used-heading").parent.find_all("a")]
    assert used == ["talks"]
    assert page.h1.get_text() == "Precursor chemical"


# --- relationship graph ------------------------------------------------------------------------

def test_full_graph_links_every_meeting_person_and_issue_and_has_words(real_site):
    site, _, _ = load_site(CONTENT)
    page = soup(real_site / "graph" / "index.html")
    svg = page.select_one("figure.graph svg")
    assert svg.title.get_text() and svg["aria-labelledby"] == svg.title["id"]
    linked = {entity_id(a["href"]) for a in svg.find_all("a")}
    # The hubs are the meetings and the events (every type in the graph's middle column).
    hubs = [(h, t) for t in site.types if t.graph == "hub" for h in site.by_type.get(t.name, [])]
    ends = lambda h, t: site.links_of(h).get(t.attendees, ()) + site.links_of(h).get(t.topics, ())  # noqa: E731
    expected = {h.id for h, _ in hubs} | {e.id for h, t in hubs for e in ends(h, t)}
    everyone = {e.id for t in site.types if t.graph in ("attendee", "topic") for e in site.by_type.get(t.name, [])}
    assert linked == expected | everyone   # people in no meeting or event too, without lines
    words = page.find(id="words-heading").parent
    order = sorted(hubs, key=lambda ht: (ht[0].values["date"], ht[0].values.get("day_order") or 0,
                                         ht[0].values.get("time") or datetime.time.min,
                                         [t.name for t in site.types].index(ht[1].name), ht[0].id))
    assert [entity_id(li.a["href"]) for li in words.select("li")] == [h.id for h, _ in order]
    edges = svg.select("g.g-edges path")
    assert len(edges) == sum(len(ends(h, t)) for h, t in hubs)


def test_entity_pages_have_a_neighbourhood_graph_centred_on_them(real_site):
    site, _, _ = load_site(CONTENT)
    for kind, folder in (("person", "people"), ("meeting", "meetings"), ("issue", "issues")):
        for entity in site.by_type[kind]:
            page = soup(real_site / folder / entity.id / "index.html")
            svg = page.select_one("section.neighbours svg")
            has_meetings = kind == "meeting" or bool(site.links_of(entity).get("meetings") or site.links_of(entity).get("events"))
            assert (svg is not None) == has_meetings, entity.id
            if svg is not None:
                focus = svg.select_one("a.g-focus")
                assert entity_id(focus["href"]) == entity.id


def synthetic_meetings(count: int) -> list[dict]:
    people = [{"id": f"p{i}", "type": "person", "title": f"Person {i} with a rather long name", "href": f"/p{i}/",
               "role": "Official"} for i in range(count // 2)]
    issues = [{"id": f"i{i}", "type": "issue", "title": f"Issue {i}", "href": f"/i{i}/"} for i in range(count // 5)]
    return [{"id": f"m{i}", "type": "meeting", "title": f"Meeting {i}", "href": f"/m{i}/", "when": None,
             "participants": [people[(i * 7) % len(people)], people[(i * 3 + 1) % len(people)]],
             "issues": [issues[i % len(issues)]]} for i in range(count)]


def test_layout_of_hundreds_of_entities_never_overlaps_and_is_deterministic():
    meetings = synthetic_meetings(300)
    g = graph_module.relationship_graph(meetings)
    where = graph_module.layout(g)
    assert len(g.nodes) == 300 + 150 + 60
    for column in (graph_module.LEFT, graph_module.HUBS, graph_module.RIGHT):
        ys = sorted(where.positions[n.id][1] for n in g.nodes if n.column == column)
        assert all(b - a >= graph_module.ROW for a, b in zip(ys, ys[1:])), column
        assert all(0 <= y <= where.height - graph_module.ROW for y in ys)
    assert graph_module.render_svg(g, "x") == graph_module.render_svg(graph_module.relationship_graph(meetings), "x")


def test_neighbourhood_graph_is_capped():
    g = graph_module.neighbourhood(synthetic_meetings(40))
    assert (g.shown_meetings, g.total_meetings) == (graph_module.MAX_MEETINGS, 40)
    assert sum(n.kind == "meeting" for n in g.nodes) == graph_module.MAX_MEETINGS


def test_graph_labels_are_escaped():
    meetings = synthetic_meetings(10)
    meetings[0] = meetings[0] | {"title": "<script>alert(1)</script> & co"}
    svg = BeautifulSoup(str(graph_module.render_svg(graph_module.relationship_graph(meetings), "t")), "html.parser")
    assert svg.find("script") is None
    assert "<script>alert(1)</script> & co" in svg.get_text()


# --- search -----------------------------------------------------------------------------------------

def test_search_index_is_built_into_the_site(real_site):
    assert (real_site / "pagefind" / "pagefind.js").is_file()
    assert any((real_site / "pagefind").glob("pagefind.en*.pf_meta"))
    page = soup(real_site / "search" / "index.html")
    form = page.select_one("form[data-pagefind]")
    assert form["data-pagefind"] == "/diplomatic-explainer/pagefind/pagefind.js"
    assert "needs JavaScript" in page.select_one("#search-status").get_text()
    browse = {entity_id(a["href"]) for a in page.select("nav.browse a")}
    assert {"meetings", "people", "issues"} <= browse


def test_pages_are_english_with_chinese_names_as_separate_tokens(real_site):
    for path in real_site.rglob("*.html"):   # each language's pages in its folder: /zh-hans/…
        in_chinese = path.relative_to(real_site).parts[0] == "zh-hans"
        assert soup(path).html["lang"] == ("zh-Hans" if in_chinese else "en"), path
    heading = soup(real_site / "people" / "wang-yi" / "index.html").h1.get_text()
    assert "(王毅)" in heading and heading.startswith("Wang Yi")


def test_only_content_pages_are_indexed(real_site):
    assert soup(real_site / "people" / "wang-yi" / "index.html").main.has_attr("data-pagefind-body")
    for listing in ("timeline", "graph", "search", "people"):
        assert not soup(real_site / listing / "index.html").main.has_attr("data-pagefind-body"), listing


def test_failed_search_index_leaves_previous_output_untouched(make_site, tmp_path, monkeypatch):
    out = tmp_path / "_site"
    content = make_site()
    build(Paths(content, TEMPLATES, out))
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))

    @contextmanager
    def broken(staging: Path) -> Iterator[None]:
        yield
        raise BuildFailed([])
    monkeypatch.setattr(pipeline, "indexing", broken)
    with pytest.raises(BuildFailed):
        build(Paths(content, TEMPLATES, out))
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_pagefind_failing_is_reported_with_its_last_line(tmp_path, monkeypatch):
    fails = "import sys; print('first'); print('the reason'); sys.exit(3)"
    monkeypatch.setattr(search, "_pagefind", lambda: [sys.executable, "-c", fails])
    with pytest.raises(BuildFailed, match=r"Pagefind failed \(exit 3\): the reason"):
        with search.indexing(tmp_path):
            pass


def test_a_build_failing_while_pagefind_runs_stops_it(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "_pagefind", lambda: [sys.executable, "-c", "import time; time.sleep(60)"])
    started = time.monotonic()
    with pytest.raises(RuntimeError):
        with search.indexing(tmp_path):
            raise RuntimeError("the build failed meanwhile")
    assert time.monotonic() - started < 30
    assert child_processes() == []


# --- page structure and budgets ---------------------------------------------------------------------------

def test_headings_never_skip_a_level(real_site):
    for path in real_site.rglob("*.html"):
        if "pagefind" in path.parts:
            continue
        levels = [int(h.name[1]) for h in soup(path).find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
        assert levels and levels[0] == 1 and levels.count(1) == 1, path
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), (path, levels)


def test_every_page_has_skip_link_and_landmarks(real_site):
    for path in real_site.rglob("*.html"):
        if "pagefind" in path.parts:
            continue
        page = soup(path)
        skip = page.body.find("a")
        assert skip["href"] == "#main" and page.find("main", id="main"), path
        assert page.find("header") and page.find("footer") and page.find("nav"), path


def test_no_third_party_requests(real_site):
    for path in real_site.rglob("*.html"):
        page = soup(path)
        for tag, attr in (("link", "href"), ("script", "src"), ("img", "src"), ("iframe", "src")):
            for element in page.find_all(tag):
                # The canonical address and the page's versions in other languages name the site itself.
                own = tag == "link" and (element.get("rel") == ["canonical"] or element.get("hreflang"))
                if element.get(attr) and not own:
                    assert element[attr].startswith("/"), (path, element)
                if own:
                    assert element[attr].startswith("https://example.github.io/diplomatic-explainer/"), (path, element)
    css = (TEMPLATES / "static" / "style.css").read_text()
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


def test_css_and_js_fit_in_one_round_trip():
    # About 14 KB: the first TCP round trip of a new connection (10 segments of ~1.4 KB).
    static = TEMPLATES / "static"
    compressed = sum(len(gzip.compress(p.read_bytes(), 9)) for p in static.iterdir() if p.suffix in (".css", ".js"))
    assert compressed < 14_000, compressed


def test_views_keep_timeline_and_graph_data_out_of_templates():
    site, settings, _ = load_site(CONTENT)
    views = build_views(site, settings, site.settings["base_url"])
    for issue in site.by_type["issue"]:
        assert isinstance(views[issue.id]["timeline"], list)
    for meeting in site.by_type["meeting"]:
        assert str(views[meeting.id]["graph"]["svg"]).startswith("<svg")


def test_chinese_script_in_our_own_text_is_marked_as_chinese(real_site):
    # Content marks native names; this checks what the templates themselves add (search hints).
    for name in ("search", "timeline", "graph"):
        page = soup(real_site / name / "index.html")
        for text in page.find_all(string=re.compile("[\u4e00-\u9fff]")):
            holder = text.find_parent(lang=True)
            assert holder is not None and holder["lang"].startswith("zh"), (name, str(text))


def test_timeline_orders_a_days_timed_items_by_the_moment_they_happened():
    import datetime as dt

    from site_builder.explainer.timeline import timeline_items
    from site_builder.model.schema import CONTENT_TYPES

    def event(entity_id, time, zone):
        return {"id": entity_id, "type": "event", "title": entity_id, "people": [], "issues": [],
                "when": {"date": dt.date(2024, 4, 24), "time": time, "timezone": zone}}
    views = {
        "signing": event("signing", dt.time(21, 0), "America/New_York"),     # 01:00 UTC on the 25th
        "briefing": event("briefing", dt.time(15, 0), "Asia/Shanghai"),      # 07:00 UTC on the 24th
        "all-day": event("all-day", None, None),
        "arrival": event("arrival", dt.time(22, 30), "Asia/Shanghai"),       # 14:30 UTC on the 24th
    }
    order = [item["entry"]["id"] for item in timeline_items(views, CONTENT_TYPES)]
    assert order == ["all-day", "briefing", "arrival", "signing"]


def test_untimed_items_of_a_day_keep_the_order_a_source_gives():
    import datetime as dt

    from site_builder.explainer.timeline import timeline_items
    from site_builder.model.schema import CONTENT_TYPES

    def meeting(entity_id, day_order):
        return {"id": entity_id, "type": "meeting", "title": entity_id, "participants": [], "issues": [],
                "day_order": day_order, "when": {"date": dt.date(2024, 4, 26), "time": None, "timezone": None}}
    views = {"xi": meeting("xi", 3), "wang-yi": meeting("wang-yi", 1), "wang-xiaohong": meeting("wang-xiaohong", 2)}
    assert [item["entry"]["id"] for item in timeline_items(views, CONTENT_TYPES)] == ["wang-yi", "wang-xiaohong", "xi"]
