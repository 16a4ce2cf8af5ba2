"""The content types, declared once as data: the single source for validation,
links, pages, JSON Schema and scaffolding.

Adding a type means one ContentType here, adding it to CONTENT_TYPES, and one
template named after it. This module holds declarations only, no behaviour.
"""
from __future__ import annotations

from dataclasses import dataclass

from .words import N_
from .kinds import (Choice, Date, FieldKind, Flag, Hostname, LanguageTag, LanguageTags, Markdown, MarkdownList, MarkdownMap,
                    Number, Refs, Text, TextList, Time, TimeZone, Url)


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a content type."""

    name: str
    kind: FieldKind
    help: str
    required: bool = False
    backlink: str | None = None   # name of the list this reference fills on its target
    symmetric: bool = False       # a reference to the same type that holds both ways
    default: object = None
    needs: str | None = None      # another field that must be set when this one is
    every_party: bool = False     # a statement by party: each of site.yaml's `parties` must have one
    item: str | None = None       # one item of a list field, in words ("participant"); else the
                                  # name without its final s
    own_page: bool = True         # shown on its entity's own page, so the source list there links
                                  # back to its citations (False: shown elsewhere only)
    translatable: bool = False    # words for readers, given again in content/<lang>/<folder>/<id>.yaml;
                                  # ids, dates, references and choices stay in the English file only


@dataclass(frozen=True, slots=True)
class Derived:
    """A list computed by following a backlink, then a field of what it found.

    Derived("issues_raised", via="meetings", then="issues") on people lists the
    issues of every meeting a person attended.
    """

    name: str
    via: str
    then: str


# The roles a type can play. The engine asks for a role, never for a type's name, so a
# new type takes its part in the timeline, the feed or the calendar by declaring it.
DATED = "dated"            # on the timeline, in date and time order (its `date`, `time`, `timezone`)
IN_FEED = "feed"           # an entry of the Atom feed, feed.xml (its `date` and `summary`)
IN_CALENDAR = "calendar"   # a VEVENT of calendar.ics (its `date`, `summary`, `location`, `status`)
WARN_ORPHAN = "orphan"     # check warns when nothing links to one of these
INVOLVED = "involved"      # its page shows the timeline of the dated entries that involve it

# How readers name the time zones of dated entries ('Beijing time (UTC+8)'); a zone not listed
# is named after its city ('Los Angeles time').
ZONE_NAMES = {
    "Asia/Shanghai": N_("Beijing time"),
    "America/New_York": N_("Washington time"),
    "America/Los_Angeles": N_("California time"),
    "Europe/Brussels": N_("Brussels time"),
    "Europe/Rome": N_("Italy time"),
}

# Columns of the who-met-whom graph (ContentType.graph).
GRAPH_ATTENDEE = "attendee"  # left: linked from the hubs' attendees field
GRAPH_HUB = "hub"            # middle: a gathering, in time order, linked to its attendees and topics
GRAPH_TOPIC = "topic"        # right: linked from the hubs' topics field
GRAPH_COLUMNS = (GRAPH_ATTENDEE, GRAPH_HUB, GRAPH_TOPIC)


@dataclass(frozen=True, slots=True)
class ContentType:
    """A kind of entity: where its files live, its fields, and how its pages look."""

    name: str
    folder: str
    label: str                    # singular, for readers ("Meeting")
    plural: str                   # index page heading ("Meetings")
    title_field: str
    fields: tuple[Field, ...]
    order_by: tuple[str, ...] = ()
    derived: tuple[Derived, ...] = ()
    sequence: bool = False        # pages link to the previous and next entity in order
    description: str = ""
    citable: bool = False         # [[id]] of this type in a text is a citation of it
    roles: tuple[str, ...] = ()   # DATED, IN_FEED, IN_CALENDAR, WARN_ORPHAN, INVOLVED (a tuple: its repr,
                                  # part of the up-to-date key, is the same in every process)
    glossary: str | None = None   # a glossary entry, defined by this field: [[id]] links to it get
                                  # the definition as a hint, and its page lists where it is mentioned
    attendees: str | None = None  # field of the people taking part: timeline filter, JSON-LD attendees,
                                  # the graph's edges of a hub
    topics: str | None = None     # field of the subjects it is about: timeline filter, feed and calendar
                                  # categories, the graph's edges of a hub
    graph: str | None = None      # its column in the who-met-whom graph (GRAPH_COLUMNS), if any
    graph_note: str | None = None  # field shown when hovering its graph node (a hub shows its date)
    featured: str | None = None   # on the home page: the site.yaml field (and the key templates read)
    language_field: str | None = None   # field naming the language its title is written in, when not the site's
    own_title: tuple[str, str] | None = None   # (field, value): the title is in that language only when the
                                               # field has the value (else the site wrote it, in its own)
                                  # that picks which; every entity of the type when that is unset
    json_ld: str | None = None    # schema.org type of its JSON-LD node: Event, Person, CreativeWork,
                                  # DefinedTerm (publish/seo.py knows these)

    def __post_init__(self) -> None:
        # Every entity type (not site.yaml) gets the fields all entities share, declared once below.
        if self.folder:
            object.__setattr__(self, "fields", self.fields + COMMON_FIELDS)

    @property
    def template(self) -> str:
        return f"{self.name}.html"

    def has(self, role: str) -> bool:
        return role in self.roles

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


SOURCE_KINDS = ("official", "state media", "wire", "press", "reference", "article")
CONFIDENCE = Field("confidence", Choice(("confirmed", "reported", "disputed")),
                   "confirmed (by a primary record), reported (by the press only) or disputed "
                   "(the records disagree).")
CORRECTIONS = Field("corrections", MarkdownList(),
                    "What the source article got wrong, one per item: what it said, what the record "
                    "shows, and the source (Markdown).", translatable=True)
DRAFT = Field("draft", Flag(),
              "true while the entry is being written: left out of the published site, "
              "shown by serve with a draft banner.", default=False)
COMMON_FIELDS: tuple[Field, ...] = (DRAFT,)   # fields every entity type has, after its own

DAY_ORDER = Field("day_order", Number(1, 99),
                  "Its place among the day's entries when their clock times are not known (1 for the "
                  "first, 2 for the next...), as a source gives the order.")

SOURCES_FIELD = Field("sources", Refs("source"), "Ids of the sources behind this entry.",
                      backlink="cited_by")
REQUIRED_SOURCES = Field("sources", Refs("source", min_items=1),
                         "Ids of the sources behind this entry (at least one).",
                         required=True, backlink="cited_by")

PERSON = ContentType(
    name="person", folder="people", label=N_("Person"), plural=N_("People"), title_field="name",
    order_by=("name",),
    description=N_("A person who took part in or shaped the events."),
    fields=(
        Field("name", Text(), "Name as readers know it, family name first for Chinese names.", required=True,
              translatable=True),
        Field("role", Text(), "Role held at the time of the events.", required=True, translatable=True),
        Field("country", Text(), "Country the person represents.", required=True, translatable=True),
        Field("summary", Markdown(), "One or two sentences on who this is (Markdown).", required=True,
              translatable=True),
        Field("native_name", Text(), "Name in native script, e.g. 王毅."),
        Field("native_lang", Text(max_length=20), "BCP 47 language tag of native_name.", default="zh-Hans"),
        Field("organization", Text(), "Organisation the person belongs to.", translatable=True),
        Field("body", Markdown(), "Longer biography (Markdown).", translatable=True),
        SOURCES_FIELD,
        CORRECTIONS,
    ),
    derived=(Derived("issues_raised", via="meetings", then="issues"),),
    roles=(WARN_ORPHAN, INVOLVED), graph=GRAPH_ATTENDEE, graph_note="role",
    featured="featured_people", json_ld="Person",
)

MEETING = ContentType(
    name="meeting", folder="meetings", label=N_("Meeting"), plural=N_("Meetings"), title_field="title",
    order_by=("date", "day_order", "time"), sequence=True,
    description=N_("A meeting between officials or with other groups."),
    roles=(DATED, IN_FEED, IN_CALENDAR), attendees="participants", topics="issues",
    graph=GRAPH_HUB, json_ld="Event",
    fields=(
        Field("title", Text(), "Headline of the meeting.", required=True, translatable=True),
        Field("date", Date(), "Local date, YYYY-MM-DD.", required=True),
        Field("location", Text(), "Place, e.g. 'Diaoyutai State Guesthouse, Beijing'.", required=True,
              translatable=True),
        Field("status", Choice(("held", "scheduled", "expected", "cancelled")),
              "held, scheduled, expected or cancelled.", required=True),
        Field("participants", Refs("person", min_items=1), "Ids of the people who took part.",
              required=True, backlink="meetings", item="participant"),
        Field("summary", Markdown(), "What happened, in a few sentences (Markdown).", required=True, translatable=True),
        REQUIRED_SOURCES,
        Field("time", Time(), "Local start time, HH:MM (24-hour).", needs="timezone"),
        DAY_ORDER,
        Field("timezone", TimeZone(), "IANA time zone of the date and time, e.g. Asia/Shanghai."),
        Field("issues", Refs("issue"), "Ids of the issues that came up.", backlink="meetings"),
        # The Markdown fields in the order the page shows them: a source list's letters
        # (↑ a b c) follow this order back to the citations.
        Field("outcomes", MarkdownList(), "Results agreed or announced, one per item (Markdown).", item="outcome",
              translatable=True),
        Field("readouts", MarkdownMap(), "Each side's official account, by party (Markdown).", translatable=True),
        Field("body", Markdown(), "Longer account (Markdown).", translatable=True),
        Field("article_said", Markdown(), "What the source article reported or expected (Markdown).",
              translatable=True),
        CONFIDENCE,
        CORRECTIONS,
    ),
)

EVENT = ContentType(
    name="event", folder="events", label=N_("Event"), plural=N_("Events"), title_field="title",
    order_by=("date", "day_order", "time"),
    description=N_("Something on the timeline that is not a meeting: a vote, a signing, a trip."),
    roles=(DATED, IN_FEED, IN_CALENDAR), attendees="people", topics="issues", json_ld="Event",
    graph=GRAPH_HUB,
    fields=(
        Field("title", Text(), "Headline of the event.", required=True, translatable=True),
        Field("date", Date(), "Local date, YYYY-MM-DD.", required=True),
        Field("summary", Markdown(), "What happened (Markdown).", required=True, translatable=True),
        REQUIRED_SOURCES,
        Field("time", Time(), "Local time, HH:MM (24-hour).", needs="timezone"),
        DAY_ORDER,
        Field("timezone", TimeZone(), "IANA time zone of the date and time, e.g. America/New_York."),
        Field("location", Text(), "Place.", translatable=True),
        Field("people", Refs("person"), "Ids of the people involved.", backlink="events", item="person"),
        Field("issues", Refs("issue"), "Ids of the issues involved.", backlink="events"),
        Field("body", Markdown(), "Longer account (Markdown).", translatable=True),
        CONFIDENCE,
        CORRECTIONS,
    ),
)

ISSUE = ContentType(
    name="issue", folder="issues", label=N_("Issue"), plural=N_("Issues"), title_field="title",
    order_by=("title",),
    derived=(Derived("people_involved", via="meetings", then="participants"),),
    description=N_("A subject on which the two governments talk, agree or disagree."),
    roles=(INVOLVED,), graph=GRAPH_TOPIC, featured="featured_issues",
    fields=(
        Field("title", Text(), "Name of the issue.", required=True, translatable=True),
        Field("summary", Markdown(), "Neutral summary (Markdown).", required=True, translatable=True),
        REQUIRED_SOURCES,
        Field("positions", MarkdownMap(), "Each party's stated position, attributed and cited (Markdown).",
              every_party=True, translatable=True),
        Field("related", Refs("issue"), "Ids of related issues (linked both ways).",
              backlink="related", symmetric=True, item="related issue"),
        Field("body", Markdown(), "Background (Markdown).", translatable=True),
        CORRECTIONS,
    ),
)

TERM = ContentType(
    name="term", folder="terms", label=N_("Glossary term"), plural=N_("Glossary"), title_field="term",
    order_by=("term",),
    description=N_("A term readers may not know."),
    roles=(WARN_ORPHAN,), glossary="definition", json_ld="DefinedTerm",
    fields=(
        Field("term", Text(), "The term as it appears in text.", required=True, translatable=True),
        Field("definition", Markdown(), "A short neutral definition (Markdown).", required=True, translatable=True),
        SOURCES_FIELD,
    ),
)

SOURCE = ContentType(
    name="source", folder="sources", label=N_("Source"), plural=N_("Sources"), title_field="title",
    order_by=("publisher", "title"), citable=True, language_field="language", own_title=("title_as", "published"),
    description=N_("A document, article or transcript that claims rest on."),
    roles=(WARN_ORPHAN,), json_ld="CreativeWork",
    fields=(
        Field("title", Text(), "Title of the document or article.", required=True),
        Field("publisher", Text(), "Who published it.", required=True, translatable=True),
        Field("kind", Choice(SOURCE_KINDS),
              "official (a government's own record), state media, wire, press, reference, "
              "or article (the source article itself).", required=True),
        Field("title_as", Choice(("published", "descriptive")),
              "published (the title exactly as the publisher gave it) or descriptive (written here "
              "because none was found; shown in brackets).", default="published"),
        Field("url", Url(), "Link (http or https); leave out if there is no credible one."),
        Field("author", Text(), "Author or byline.", translatable=True),
        Field("language", LanguageTag(), "Language the document is written in, e.g. zh-Hans; leave out "
              "when it is the site's own (its title is then marked as in that language on every page)."),
        Field("date", Date(), "Publication date, YYYY-MM-DD."),
        Field("accessed", Date(), "Date the text was last read for this site, YYYY-MM-DD."),
        Field("note", Markdown(), "What this source is used for (Markdown).", translatable=True),
    ),
)

CONTENT_TYPES: tuple[ContentType, ...] = (MEETING, EVENT, PERSON, ISSUE, TERM, SOURCE)

SITE = ContentType(
    name="site", folder="", label="Site", plural="Site", title_field="title",
    description="content/site.yaml: the settings and front page of the explainer.",
    fields=(
        Field("title", Text(), "Title of the explainer.", required=True, translatable=True),
        Field("description", Text(), "One-sentence description.", required=True, translatable=True),
        Field("base_url", Url(), "Where the site is published, e.g. https://user.github.io/repo/.", required=True),
        Field("language", Text(max_length=20), "BCP 47 language tag of the site, e.g. en.", required=True),
        Field("languages", LanguageTags(),
              "The languages the site is written in, the first being `language` (the content/<folder>/ files), "
              "each other one a folder of translations, e.g. [en, zh-Hans]; just `language` when left out.",
              item="language"),
        Field("intro", Markdown(), "The story in a few paragraphs for the home page (Markdown).", translatable=True),
        Field("intros", MarkdownMap(tuple(t.folder for t in CONTENT_TYPES)),
              "What each index page says first, for readers, by folder, e.g. people: The officials who "
              "met, and those who spoke for them (Markdown). An index without one shows its type's description.",
              item="index intro", own_page=False, translatable=True),
        Field("featured_people", Refs("person"), "Ids of the key people for the home page.", item="featured person"),
        Field("featured_issues", Refs("issue"), "Ids of the key issues for the home page.", item="featured issue"),
        Field("focus_from", Date(), "First day of what the explainer is about (e.g. a visit): the timeline "
              "groups and marks its days and links to them, YYYY-MM-DD.", needs="focus_to"),
        Field("focus_to", Date(), "Last day of what the explainer is about, YYYY-MM-DD.", needs="focus_from"),
        Field("focus_title", Text(), "What those days are called on the timeline, e.g. 'The visit, 24–26 April 2024'.",
              default="The days this explainer is about", translatable=True),
        Field("domain", Hostname(), "Custom domain for GitHub Pages, e.g. explainer.example.org (writes CNAME)."),
        Field("parties", TextList(max_length=80),
              "The sides whose statement every issue must give, e.g. United States, China (checked by check --strict); "
              "a translation gives their names in its language, in the same order.", item="party", translatable=True),
        Field("quote_only", TextList(),
              "Wording that may appear only inside quotation marks, e.g. a source's loaded phrase (checked by check --strict).", item="quote-only phrase"),
        Field("refused_hosts", TextList(max_length=253),
              "Web sites no source may link to, e.g. content farms (checked by check --strict).", item="refused host"),
    ),
)

TYPES_BY_NAME = {t.name: t for t in CONTENT_TYPES}
TYPES_BY_FOLDER = {t.folder: t for t in CONTENT_TYPES}
