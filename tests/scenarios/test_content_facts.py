"""The facts of the published explainer, checked in the built pages.

Each test parses the HTML of the real content, so an edit that breaks a date, a
place, a role, a native name or a figure the brief singles out fails here. They check
that the facts are there, never that nothing else is: an editor's new meeting, person or
issue, or entries reordered by date, keep them green, and the facts of an entity an editor
deletes are deselected (conftest's `facts_of`). Dates, zones, places and roles are read from
the page's dateline and its <time datetime>, with the zone a date is local to from the built
site's data files (a page names the zone only beside a clock time); text is read from the page's
own voice (standfirst and prose), not from where the layout puts it. Rules that every explainer follows (both
parties' positions, every statement cited, wording only in quotes, refused hosts) are
content checks in site_builder/checks.py, run by `check --strict`.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from site_builder import Paths, build, load_site
from site_builder.model.typography import curly_quotes

from ..conftest import ROOT, TEMPLATES, real_content_ids
from ..publish_helpers import data_entities

CONTENT = ROOT / "content"
BASE = "https://example.org/"
SEED_CITE = "cite-seed-article"

MEETINGS = {
    # id: (local date, zone, place)
    "blinken-chen-jining": ("2024-04-25", "Asia/Shanghai", "Shanghai"),
    "blinken-nyu-shanghai-students": ("2024-04-25", "Asia/Shanghai", "NYU Shanghai, Shanghai"),
    "blinken-shanghai-business-leaders": ("2024-04-25", "Asia/Shanghai",
                                          "Shanghai (venue not reported in the sources cited here)"),
    "blinken-wang-yi": ("2024-04-26", "Asia/Shanghai", "Diaoyutai State Guesthouse, Beijing"),
    "wang-xiaohong-meeting": ("2024-04-26", "Asia/Shanghai", "Beijing"),
    "blinken-xi-jinping": ("2024-04-26", "Asia/Shanghai", "Great Hall of the People, Beijing"),
}

EVENTS = {
    "blinken-trip-postponed-2023": ("2023-02-03", "America/New_York"),
    "woodside-summit": ("2023-11-15", "America/Los_Angeles"),
    "counternarcotics-working-group-launch": ("2024-01-30", "Asia/Shanghai"),
    "pre-trip-background-briefing": ("2024-04-19", "America/New_York"),
    "house-passes-aid-bills": ("2024-04-20", "America/New_York"),
    "senate-passes-aid-package": ("2024-04-23", "America/New_York"),
    "blinken-arrives-shanghai": ("2024-04-24", "Asia/Shanghai"),
    "biden-signs-aid-law": ("2024-04-24", "America/New_York"),
    "beijing-press-conference": ("2024-04-26", "Asia/Shanghai"),
    "tiktok-divestiture-deadline": ("2025-01-19", "America/New_York"),
    "blinken-beijing-visit-june-2023": ("2023-06-19", "Asia/Shanghai"),
    "yellen-china-visit-april-2024": ("2024-04-04", "Asia/Shanghai"),
    "g7-foreign-ministers-capri": ("2024-04-19", "Europe/Rome"),
    "us-sanctions-may-2024": ("2024-05-01", "America/New_York"),
    "ai-dialogue-geneva": ("2024-05-14", "Europe/Zurich"),
    "supreme-court-upholds-tiktok-law": ("2025-01-17", "America/New_York"),
}

NATIVE_NAMES = {"chen-jining": "陈吉宁", "wang-yi": "王毅", "wang-xiaohong": "王小洪",
                "xi-jinping": "习近平", "wang-wenbin": "汪文斌", "lin-jian": "林剑", "xie-feng": "谢锋"}

GLOSSARY = ["dual-use-goods", "divestiture", "divest-or-ban-law", "precursor-chemicals", "working-group",
            "politburo", "one-china", "party-secretary", "readout", "state-media",
            "central-foreign-affairs-commission", "state-councilor", "foreign-military-financing",
            "industrial-overcapacity", "background-briefing", "second-thomas-shoal",
            "south-china-sea-arbitration", "taiwan-relations-act", "three-communiques", "six-assurances",
            "cpc-ccp", "core-interests", "first-button"]



def facts(ids) -> list:
    """One parameter per id, each deselected if an editor has deleted that entity."""
    return [pytest.param(i, marks=pytest.mark.facts_of(i)) for i in sorted(ids)]



@pytest.fixture(scope="module")
def site_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("facts") / "_site"
    build(Paths(CONTENT, TEMPLATES, out), base_url=BASE)
    return out


def page(site_dir: Path, *parts: str) -> BeautifulSoup:
    path = site_dir.joinpath(*parts, "index.html")
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def infobox(soup: BeautifulSoup) -> dict[str, object]:
    """Map each <dt> label of the infobox to its <dd> element."""
    box = soup.find("dl", class_="infobox")
    return {dt.get_text(strip=True): dt.find_next_sibling("dd") for dt in box.find_all("dt")}


def dateline(soup: BeautifulSoup):
    """The line under an entity's title: date (with time and zone when a source gives a time)
    and place for meetings and events, role and country for people."""
    line = soup.find(class_="dateline")
    assert line is not None, "the page has no dateline"
    return line


@lru_cache(maxsize=4)
def _data(site_dir: Path) -> dict[str, list[dict]]:
    return data_entities(site_dir)


def record(site_dir: Path, folder: str, entity_id: str) -> dict:
    """The published fields of an entity, from the built site's data files."""
    found = [e for e in _data(site_dir)[folder] if e["id"] == entity_id]
    assert len(found) == 1, (folder, entity_id)
    return found[0]["fields"]


def assert_dated(site_dir: Path, folder: str, entity_id: str, date: str, zone: str) -> BeautifulSoup:
    """The page dates the entity by its local date; the zone it is local to is the published one,
    and a time, when the page gives one, carries that zone's offset and names the zone."""
    soup = page(site_dir, folder, entity_id)
    line = dateline(soup)
    stamp = line.time["datetime"]
    assert stamp.split("T")[0] == date, stamp
    assert record(site_dir, folder, entity_id)["timezone"] == zone
    if "T" in stamp:
        moment = dt.datetime.fromisoformat(stamp)
        assert moment.utcoffset() == moment.replace(tzinfo=ZoneInfo(zone)).utcoffset(), (stamp, zone)
        assert "time (UTC" in words(line), words(line)
    return soup


def role(soup: BeautifulSoup) -> str:
    """A person's role as the page's dateline gives it (role · country)."""
    return words(dateline(soup)).rsplit(" · ", 1)[0]


def summary(soup: BeautifulSoup) -> BeautifulSoup:
    """What the page says in its own voice: the standfirst and the prose, without the editors'
    notes on the sources (what the source article said, corrections) or the fact box."""
    parts = [e for e in soup.main.find_all(class_=["standfirst", "prose"])
             if not e.find_parent("details", class_="about-sources") and not e.find_parent("aside")]
    assert parts, "the page has no summary"
    own = BeautifulSoup("".join(str(e) for e in parts), "html.parser")
    for definition in own.select(".gloss-def"):   # a glossary term's definition beside it: the term's words
        definition.decompose()
    return own


def about_sources(soup: BeautifulSoup):
    """The one collapsed block of editors' notes on the sources."""
    blocks = soup.find_all("details", class_="about-sources")
    assert len(blocks) == 1, len(blocks)
    assert blocks[0].find("summary").get_text(strip=True) == "About the sources"
    return blocks[0]


def section(soup: BeautifulSoup, heading_id: str):
    heading = soup.find(id=heading_id)
    assert heading is not None, heading_id
    return heading.parent


def cited(element) -> set[str]:
    """Return the anchors (cite-<source id>) of the citation markers inside element."""
    return {a["href"].split("#", 1)[1] for sup in element.find_all("sup", class_="cite") for a in sup.find_all("a")}


def words(element) -> str:
    """Return the text of element with runs of whitespace collapsed to one space."""
    return " ".join(element.get_text().split())


def inside_quotes(text: str, index: int) -> bool:
    return text.rfind("“", 0, index) > text.rfind("”", 0, index)


def test_content_loads_strictly_with_no_problems():
    site, _, warnings = load_site(CONTENT, strict=True)
    # A translation left behind by an edit of its English is stale: a warning for the translator,
    # never a fault of the content (the deploy gate's editor deletes a translated meeting).
    assert [w for w in warnings if not w.stale] == []
    assert site.by_id


@pytest.mark.parametrize("meeting_id", facts(MEETINGS))
def test_meeting_date_zone_place_and_status(site_dir, meeting_id):
    date, zone, place = MEETINGS[meeting_id]
    soup = assert_dated(site_dir, "meetings", meeting_id, date, zone)
    assert words(dateline(soup)).endswith(f" · {place}"), words(dateline(soup))
    assert record(site_dir, "meetings", meeting_id)["location"] == place
    assert infobox(soup)["Status"].get_text(strip=True) == "held"


@pytest.mark.parametrize("event_id", facts(EVENTS))
def test_event_date_and_zone(site_dir, event_id):
    date, zone = EVENTS[event_id]
    # The local date, with the local time and offset after it when a source gives a time.
    assert_dated(site_dir, "events", event_id, date, zone)


@pytest.mark.facts_of("biden-signs-aid-law", "blinken-arrives-shanghai")
def test_signing_is_dated_in_washington_and_arrival_in_shanghai(site_dir):
    signing = dateline(assert_dated(site_dir, "events", "biden-signs-aid-law", "2024-04-24", "America/New_York"))
    arrival = dateline(assert_dated(site_dir, "events", "blinken-arrives-shanghai", "2024-04-24", "Asia/Shanghai"))
    # The White House times Biden's remarks, just after he signed, at 10:57 EDT; no source gives
    # the signing's own clock time, so the signing is dated by the day in Washington (a time, if an
    # editor finds one, must be the signing's, in Washington time).
    assert signing.time["datetime"].startswith("2024-04-24")
    assert not signing.time["datetime"].startswith("2024-04-24T10:57"), "10:57 EDT times the remarks"
    if "T" in signing.time["datetime"]:
        assert "Washington time (UTC−4)" in words(signing)
    # No source gives the landing's clock time: the arrival is dated by the day in Shanghai.
    assert arrival.time["datetime"] == "2024-04-24"


def test_meetings_are_listed_in_order_on_the_home_page(site_dir):
    home = page(site_dir)
    cards = section(home, "meetings-heading").find_all("li")
    listed = [li.a["href"].split("/")[-2] for li in cards]
    dates = [li.time["datetime"] for li in cards]
    assert dates == sorted(dates), "meetings are not in date order"
    known = [m for m in listed if m in MEETINGS]
    assert known == [m for m in MEETINGS if m in known], "the visit's meetings are out of order"
    assert {m: d for m, d in zip(listed, dates) if m in MEETINGS} == {m: MEETINGS[m][0] for m in known}
    assert set(known) == set(MEETINGS) & real_content_ids(), "a meeting of the visit is missing"


@pytest.mark.parametrize("person_id", facts(NATIVE_NAMES))
def test_native_names_carry_their_language(site_dir, person_id):
    soup = page(site_dir, "people", person_id)
    assert soup.h1.find("span", lang="zh-Hans").get_text() == NATIVE_NAMES[person_id]
    native = infobox(soup)["Native name"]
    assert (native["lang"], native.get_text(strip=True)) == ("zh-Hans", NATIVE_NAMES[person_id])


@pytest.mark.facts_of("blinken-wang-yi", "wang-yi")
def test_meeting_pages_show_native_names_of_participants(site_dir):
    participants = infobox(page(site_dir, "meetings", "blinken-wang-yi"))["Participants"]
    assert "王毅" in [s.get_text() for s in participants.find_all("span", lang="zh-Hans")]


ROLES = {
    "wang-yi": ("Minister of Foreign Affairs", "Central Foreign Affairs Commission"),
    "chen-jining": ("Communist Party Secretary of Shanghai",),
    "wang-xiaohong": ("State Councilor", "Minister of Public Security"),
    "xi-jinping": ("President of the People's Republic of China",),
    "antony-blinken": ("US Secretary of State",),
    "nicholas-burns": ("US Ambassador to China",),
    "xie-feng": ("Ambassador of the People's Republic of China to the United States",),
}


@pytest.mark.parametrize("person_id", facts(ROLES))
def test_roles_held_at_the_time(site_dir, person_id):
    role_ = role(page(site_dir, "people", person_id))
    assert role_ == curly_quotes(record(site_dir, "people", person_id)["role"])   # shown with typographic quotes
    assert all(curly_quotes(part) in role_ for part in ROLES[person_id]), role_


@pytest.mark.facts_of("chen-jining")
def test_chen_is_shanghais_top_official_not_chinas(site_dir):
    soup = page(site_dir, "people", "chen-jining")
    text = words(summary(soup))
    assert "the city’s highest-ranking official" in text
    assert "He is Shanghai’s top official, not China’s." in text


@pytest.mark.facts_of("senior-state-department-official")
def test_unnamed_official_is_not_given_a_name(site_dir):
    soup = page(site_dir, "people", "senior-state-department-official")
    assert soup.h1.get_text(strip=True) == "Unnamed senior State Department official"
    assert role(soup) == "Background briefer before the trip (name withheld)"


@pytest.mark.facts_of("taiwan-indo-pacific-funding", "biden-signs-aid-law")
def test_taiwan_support_is_inside_the_indo_pacific_funding(site_dir):
    own = summary(page(site_dir, "issues", "taiwan-indo-pacific-funding"))
    text = words(own)
    assert "about $8.1 billion" in text
    assert "The Taiwan support is part of the $8.1 billion, not in addition to it." in text
    assert {"cite-congressional-record-hr8036", "cite-jang-aid-package"} <= cited(own)
    signing = words(page(site_dir, "events", "biden-signs-aid-law").main)
    assert "part of the roughly $8.1 billion Indo-Pacific funding, not in addition to it" in signing


@pytest.mark.facts_of("tiktok-divest-or-ban-law", "biden-signs-aid-law", "tiktok-divestiture-deadline")
def test_tiktok_law_number_division_and_window(site_dir):
    issue = page(site_dir, "issues", "tiktok-divest-or-ban-law")
    text = words(summary(issue))
    assert "Division H of Public Law 118-50" in text
    assert "270 days from enactment on 24 April 2024" in text
    assert "extend this once, by up to 90 days" in text
    signing = words(summary(page(site_dir, "events", "biden-signs-aid-law")))
    assert "Public Law 118-50, carries the TikTok divest-or-ban law as its Division H" in signing
    deadline = page(site_dir, "events", "tiktok-divestiture-deadline")
    assert "19 April 2025" in words(summary(deadline))


@pytest.mark.parametrize("meeting_id", facts(MEETINGS))
def test_article_said_is_kept_apart_and_cites_the_article(site_dir, meeting_id):
    soup = page(site_dir, "meetings", meeting_id)
    about = about_sources(soup)
    assert "open" not in about.attrs, "the editors' notes on the sources are collapsed"
    heading = about.find(lambda tag: tag.name in ("h2", "h3") and tag.get_text(strip=True) ==
                         "What the source article said")
    assert heading is not None
    said = heading.find_next_sibling()
    assert SEED_CITE in cited(said)
    assert cited(summary(soup)) - {SEED_CITE}, "what happened must cite reporting other than the article"


@pytest.mark.parametrize("meeting_id", facts(["blinken-chen-jining", "blinken-wang-yi", "blinken-xi-jinping",
                                              "wang-xiaohong-meeting"]))
def test_both_sides_accounts_side_by_side(site_dir, meeting_id):
    readouts = section(page(site_dir, "meetings", meeting_id), "readouts-heading")
    parties = readouts.find_all("section", class_="position")
    assert [p.h3.get_text() for p in parties] == ["United States", "China"]
    assert all(cited(p) for p in parties)


@pytest.mark.facts_of("blinken-wang-yi")
def test_beijing_outcomes_come_from_outside_the_article(site_dir):
    outcomes = section(page(site_dir, "meetings", "blinken-wang-yi"), "outcomes-heading")
    items = outcomes.find_all("li")
    assert len(items) >= 3
    assert all(cited(li) and SEED_CITE not in cited(li) for li in items)
    assert any("artificial intelligence" in words(li) for li in items)


@pytest.mark.facts_of("seed-article")
def test_seed_source_is_the_article_without_invented_url(site_dir):
    box = infobox(page(site_dir, "sources", "seed-article"))
    assert box["Kind"].get_text(strip=True) == "source article"
    assert box["Author"].get_text(strip=True) == "Chioma Kalu"
    assert box["Link"].get_text(strip=True) == "No address recorded" and box["Link"].a is None
    assert "Date" not in box


@pytest.mark.parametrize("term_id", facts(GLOSSARY))
def test_glossary_terms_exist_and_are_linked_from_the_text(site_dir, term_id):
    assert page(site_dir, "terms", term_id).h1.get_text(strip=True)
    href = f"/terms/{term_id}/"
    linking = [p for p in site_dir.rglob("index.html")
               if p.parent.name not in (term_id, "terms")
               and BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").main.find("a", href=href)]
    assert linking, f"no page links to {href}"


def test_home_page_features_people_and_issues(site_dir):
    home = page(site_dir)
    people = [a["href"] for a in section(home, "people-heading").find_all("a")]
    issues = [a["href"] for a in section(home, "issues-heading").find_all("a")]
    featured = {f"/people/{p}/" for p in ("antony-blinken", "wang-yi", "xi-jinping", "chen-jining", "wang-xiaohong")}
    assert featured & {f"/people/{p}/" for p in real_content_ids()} <= set(people)
    assert "/issues/tiktok-divest-or-ban-law/" in issues or "tiktok-divest-or-ban-law" not in real_content_ids()
    intro = words(home.find("div", class_="prose"))
    assert "270 days" in intro and "up to 90 days" in intro


SOURCE_KINDS = {"official", "state media", "wire", "press", "reference", "article"}


def test_every_source_has_a_controlled_kind_and_xinhua_is_state_media(site_dir):
    for path in (site_dir / "sources").glob("*/index.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        kind = infobox(soup)["Kind"].get_text(strip=True)
        assert kind in {"official record", "state media", "news agency", "press", "reference work",
                        "source article"}, (path.parent.name, kind)
        publisher = infobox(soup)["Publisher"].get_text(strip=True)
        if publisher.startswith("Xinhua"):
            assert kind == "state media", path.parent.name


@pytest.mark.facts_of("biden-signs-aid-law", "blinken-arrives-shanghai")
def test_arrival_comes_before_the_signing_on_24_april(site_dir):
    timeline = page(site_dir, "timeline")
    day = timeline.find(id="day-2024-04-24")
    order = [a["href"].split("/")[-2] for a in day.select(".tl-title a")]
    assert order.index("blinken-arrives-shanghai") < order.index("biden-signs-aid-law")
    signing = words(page(site_dir, "events", "biden-signs-aid-law").main)
    assert "shortly before President Joe Biden signed" in signing


@pytest.mark.facts_of("wang-wenbin-taiwan-aid-remarks", "biden-signs-aid-law")
def test_beijing_remark_answers_the_senate_vote_before_the_signing(site_dir):
    remark = page(site_dir, "events", "wang-wenbin-taiwan-aid-remarks")
    text = words(remark.main)
    assert "Responding to the Senate" in text
    assert "15:54 Beijing time" in text and "10:57 EDT" in text
    assert "cite-whitehouse-remarks-hr815" in cited(remark.main)


@pytest.mark.facts_of("russia-dual-use-goods")
def test_russia_trade_quotes_chinas_own_english_and_dates(site_dir):
    china = [p for p in section(page(site_dir, "issues", "russia-dual-use-goods"), "positions-heading")
             .find_all("section", class_="position") if p.h3.get_text() == "China"][0]
    text = words(china)
    assert "On 23 April, the day before Blinken arrived" in text
    assert "interfered with or disrupted" in text
    assert "violated or undermined" not in text and "initiator" not in text
    assert "cite-mfa-briefing-2024-04-23" in cited(china)
    assert "cite-tass-lin-jian-russia-trade" not in cited(china)


@pytest.mark.facts_of("blinken-wang-yi")
def test_meetings_are_in_beijing_time_not_cst(site_dir):
    # The meeting's page gives no clock time, so the timeline is where its zone is named.
    item = page(site_dir, "timeline").find("a", href="/meetings/blinken-wang-yi/").find_parent("li")
    assert "Beijing time (UTC+8)" in words(item)
    assert "CST" not in words(item)
    assert "CST" not in words(page(site_dir, "meetings", "blinken-wang-yi").main)


@pytest.mark.facts_of("blinken-xi-jinping", "mfa-xi-blinken-readout-zh")
def test_xi_readout_quotes_the_meeting_record_not_a_later_briefing(site_dir):
    soup = page(site_dir, "meetings", "blinken-xi-jinping")
    china = [p for p in section(soup, "readouts-heading").find_all("section", class_="position")
             if p.h3.get_text() == "China"][0]
    text = words(china)
    assert "choose their own friends" not in text
    # Xinhua's official English for the passage, not a re-translation.
    assert "should not form small circles" in text
    assert "refrain from targeting, opposing or damaging each other" in text
    assert {"cite-mfa-xi-blinken-readout-zh", "cite-xinhua-xi-blinken-english"} <= cited(china)
    assert "cite-tass-lin-jian-russia-trade" not in cited(china)


@pytest.mark.facts_of("blinken-wang-yi", "chinese-embassy-five-point-consensus")
def test_five_point_consensus_is_a_numbered_list_of_five(site_dir):
    soup = page(site_dir, "meetings", "blinken-wang-yi")
    lists = [ol for ol in soup.main.find_all("ol") if "guidance of the two heads of state" in words(ol)]
    assert lists, "the five-point consensus is not a numbered list"
    points = lists[0].find_all("li", recursive=False)
    assert len(points) == 5
    assert "consular" in words(points[2]) and "Liu Zhenmin" in words(points[2])
    assert "hotspot" in words(points[4])
    assert all(cited(p) for p in points)


@pytest.mark.facts_of("russia-dual-use-goods")
def test_russia_issue_title_attributes_the_claim(site_dir):
    assert page(site_dir, "issues", "russia-dual-use-goods").h1.get_text(strip=True) == \
        "US concerns over Chinese exports to Russia\u2019s defense industry"


@pytest.mark.parametrize("issue_id", facts(["taiwan-indo-pacific-funding", "tiktok-divest-or-ban-law",
                                            "russia-dual-use-goods", "south-china-sea"]))
def test_corrections_sit_in_about_the_sources_never_in_a_position(site_dir, issue_id):
    soup = page(site_dir, "issues", issue_id)
    positions = section(soup, "positions-heading").find_all("section", class_="position")
    assert len(positions) >= 2
    for position in positions:
        assert SEED_CITE not in cited(position), position.h3.get_text()
    # Corrections, where the issue has any, sit in the one collapsed About the sources block.
    corrections = soup.select("ul.corrections")
    if corrections:
        about = about_sources(soup)
        assert all(ul.find_parent("details") is about for ul in corrections)
    assert len(soup.find_all("details", class_="about-sources")) <= 1


@pytest.mark.parametrize("entity", facts(["blinken-chen-jining", "taiwan-indo-pacific-funding",
                                          "tiktok-divest-or-ban-law", "biden-signs-aid-law"]))
def test_corrections_say_what_the_article_said_and_what_the_record_shows(site_dir, entity):
    folder = {"blinken-chen-jining": "meetings", "biden-signs-aid-law": "events"}.get(entity, "issues")
    items = page(site_dir, folder, entity).select("ul.corrections > li")
    assert items
    for item in items:
        text = words(item)
        assert "The article said" in text and "The record shows" in text
        assert SEED_CITE in cited(item) and cited(item) - {SEED_CITE}


@pytest.mark.parametrize("meeting_id", facts(MEETINGS))
def test_meetings_show_a_confidence(site_dir, meeting_id):
    box = infobox(page(site_dir, "meetings", meeting_id))
    assert box["Confidence"].get_text(strip=True)


@pytest.mark.parametrize("event_id", facts(EVENTS))
def test_events_show_a_confidence(site_dir, event_id):
    box = infobox(page(site_dir, "events", event_id))
    assert box["Confidence"].get_text(strip=True)


@pytest.mark.parametrize("folder,entity", [pytest.param(f, e, marks=pytest.mark.facts_of(e)) for f, e in
                                           [("meetings", "blinken-xi-jinping"), ("people", "xi-jinping"),
                                            ("events", "biden-xi-phone-call")]])
def test_xi_is_not_said_to_have_agreed_the_visit_in_the_april_call(site_dir, folder, entity):
    # Xi's readout of 26 April recalls the call of 2 April; it does not say the visit was agreed there.
    text = words(page(site_dir, folder, entity).main)
    assert "had been agreed" not in text
    assert "value peace, prioritise stability and uphold credibility" in text


@pytest.mark.facts_of("biden-xi-phone-call")
def test_biden_xi_call_cites_both_governments_readouts(site_dir):
    marks = cited(page(site_dir, "events", "biden-xi-phone-call").main)
    assert "cite-xinhua-biden-xi-call-zh" in marks


@pytest.mark.parametrize("event_id", facts(["wang-wenbin-taiwan-aid-remarks", "biden-signs-aid-law"]))
def test_senate_vote_is_not_the_day_before_in_beijing(site_dir, event_id):
    text = words(page(site_dir, "events", event_id).main)
    assert "vote of the day before" not in text and "package the day before" not in text
    assert "night of 23 April Washington time" in text


@pytest.mark.facts_of("blinken-shanghai-business-leaders", "state-dept-business-leaders-transcript")
def test_business_meeting_rests_on_the_state_department_transcript(site_dir):
    soup = page(site_dir, "meetings", "blinken-shanghai-business-leaders")
    assert infobox(soup)["Confidence"].get_text(strip=True).lower().startswith("confirmed")
    assert "cite-state-dept-business-leaders-transcript" in cited(soup.main)
    assert "a real hub of connection between the United States and China" in words(soup.main)
    assert "cite-beirut-news-blinken-x-post" not in cited(soup.main)


@pytest.mark.parametrize("folder,entity", [pytest.param(f, e, marks=pytest.mark.facts_of(e)) for f, e in
                                           [("issues", "fentanyl-precursors"), ("terms", "fentanyl")]])
def test_fentanyl_age_range_is_quoted_from_the_24_april_video(site_dir, folder, entity):
    text = words(page(site_dir, folder, entity).main)
    assert "18 and 49" in text and "18 and 45" not in text


def test_published_source_notes_do_not_mention_this_sites_fact_check(site_dir):
    for path in (site_dir / "sources").glob("*/index.html"):
        assert "fact-check of this site" not in path.read_text(encoding="utf-8"), path.parent.name


@pytest.mark.facts_of("trade-practices-overcapacity", "mfa-briefing-2024-04-30")
def test_china_position_on_overcapacity_quotes_its_own_record(site_dir):
    soup = page(site_dir, "issues", "trade-practices-overcapacity")
    china = [p for p in section(soup, "positions-heading").find_all("section", class_="position")
             if p.h3.get_text() == "China"][0]
    text = words(china)
    assert "built on false logic" in text
    assert "cite-mfa-briefing-2024-04-30" in cited(china)
    assert "cite-diplomatic-insight-shanghai" not in cited(soup.main)
    assert "negative factors" not in text


@pytest.mark.facts_of("blinken-nyu-shanghai-students", "embassy-students-border-april-2024")
def test_nyu_page_gives_chinas_stated_position_on_students(site_dir):
    soup = page(site_dir, "meetings", "blinken-nyu-shanghai-students")
    assert "cite-embassy-students-border-april-2024" in cited(soup.main)


@pytest.mark.facts_of("blinken-xi-jinping", "state-dept-xi-remarks-zh")
def test_xi_meeting_order_rests_on_blinkens_own_remarks(site_dir):
    soup = page(site_dir, "meetings", "blinken-xi-jinping")
    summary = words(soup.main)
    assert "It was the last meeting of the visit." not in summary
    assert "cite-state-dept-xi-remarks-zh" in cited(soup.main)


@pytest.mark.parametrize("folder,entity", [pytest.param(f, e, marks=pytest.mark.facts_of(e)) for f, e in
                                           [("meetings", "blinken-chen-jining"), ("people", "chen-jining")]])
def test_top_official_wording_is_not_called_accurate(site_dir, folder, entity):
    soup = page(site_dir, folder, entity)
    text = words(soup.main)
    assert "not an error" not in text and "which is accurate" not in text
    items = [li for li in soup.select("ul.corrections > li") if "top official in Shanghai" in words(li)]
    assert items and all("cite-xinhua-chen-jining-appointment" in cited(li) for li in items)


def test_home_page_tiktok_deadline_in_past_tense_and_next_steps_in_date_order(site_dir):
    intro = words(page(site_dir).find("div", class_="prose"))
    assert "ByteDance has 270 days" not in intro
    if "1 May 2024" in intro and "14 May" in intro:
        assert intro.index("1 May 2024") < intro.index("14 May")


@pytest.mark.facts_of("dialogue-and-channels")
def test_defense_chiefs_call_is_counted_once_and_dated_against_november_2022(site_dir):
    summary = words(page(site_dir, "issues", "dialogue-and-channels").main)
    assert "first spoke" not in summary
    assert "first since November 2022" in summary


@pytest.mark.facts_of("g7-foreign-ministers-capri", "g7-capri-ukraine-communique")
def test_g7_event_links_the_official_communique(site_dir):
    assert "cite-g7-capri-ukraine-communique" in cited(page(site_dir, "events", "g7-foreign-ministers-capri").main)


@pytest.mark.facts_of("scmp-wang-red-lines")
def test_scmp_source_title_matches_its_address(site_dir):
    soup = page(site_dir, "sources", "scmp-wang-red-lines")
    assert "Wang tells Blinken" in soup.h1.get_text()
