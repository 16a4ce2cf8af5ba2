"""Build the read-only views that templates see: fields converted for display,
Markdown rendered, references and backlinks as other views.

This is the serialised view of the model (as in Zola's ser.rs): templates get
plain data and never compute anything. Knows nothing about Jinja or files.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

from markupsafe import Markup

from ..model.entities import Entity, Site
from ..model.translations import site_languages
from . import markup, messages

from ..model import urls
from ..model.kinds import Refs
from ..model.schema import ZONE_NAMES
from ..model.typography import curly_quotes
from .markup import Target
from .runner import Runner, View

_CITE_RE = re.compile(r'<sup class="cite">.*?</sup>|<span class="gloss-def"[^>]*>[^<]*</span>')   # and definitions
_BREAK_RE = re.compile(r"</(?:p|li|h[1-6]|div|td|th)>|<br\s*/?>")
_TAG_RE = re.compile(r"<[^>]+>")
_WIKI_TEXT_RE = re.compile(r"\[\[([^\[\]|]+?)(?:\|([^\[\]]+?))?\]\]")


def plain_text(html: str, limit: int = 200) -> str:
    """Return the text of an HTML fragment, shortened to about `limit` characters: without its
    citation markers and the glossary definitions beside its terms (markup.py)."""
    text = _TAG_RE.sub("", _BREAK_RE.sub(" ", _CITE_RE.sub("", str(html))))
    text = " ".join(Markup(text).unescape().split()).replace(" .", ".").replace(" ,", ",").replace(" ;", ";")
    if len(text) <= limit:
        return text
    return _cut_at_sentence(text, limit)


_TEXT_SENTENCE_END_RE = re.compile(r"(?<![A-Z])(?<!\.[A-Za-z])[.!?][\u201d\u2019\"')]*(?= )")


def _cut_at_sentence(text: str, limit: int) -> str:
    """Shorten text at the last sentence end within `limit` characters (or the first one
    within twice that); only a text with no sentence end that early is cut at a word, with '…'."""
    ends = [m.end() for m in _TEXT_SENTENCE_END_RE.finditer(text) if m.end() <= 2 * limit]
    within = [e for e in ends if e <= limit]
    if within and within[-1] >= limit * 0.4:
        return text[: within[-1]]
    if ends:
        return text[: ends[0]]
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def entity_path(entity: Entity) -> str:
    """Return the URL path of an entity's page ('/' for the site settings)."""
    return urls.url_path(entity.type.folder, entity.id) if entity.type.folder else "/"


_MARKER_RE = re.compile(r'<sup class="cite"><a ([^>]*)>')
_ATTRIBUTE_RE = re.compile(r'([a-z-]+)="([^"]*)"')


def citation_markers(htmls: list[str]) -> dict[str, list[dict[str, str]]]:
    """Return, for each source cited in the HTML (in order), the links back to its markers:
    [{"href": "#<marker id>", "label": "a"}, …], lettered a to z, then aa, ab…"""
    found: dict[str, list[str]] = {}
    for html in htmls:
        for match in _MARKER_RE.finditer(str(html)):
            attributes = dict(_ATTRIBUTE_RE.findall(match.group(1)))
            href, marker = attributes.get("href", ""), attributes.get("id")
            if marker and "#cite-" in href:
                found.setdefault(href.rsplit("#cite-", 1)[1], []).append(marker)
    return {ref: [{"href": f"#{marker}", "label": _letters(i)} for i, marker in enumerate(markers)]
            for ref, markers in found.items()}


def _letters(index: int) -> str:
    """Return a, b, … z, aa, ab, … for 0, 1, … 25, 26, 27, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def id_scope(owner: Entity) -> str:
    """Return what makes the ids in an entity's Markdown its own (markup.id_scope)."""
    return f"{owner.type.name}:{owner.id}"


def make_resolver(owner: Entity, site: Site, base_url: str):
    """Return the [[id]] resolver for Markdown owned by `owner` (numbering its citations)."""
    numbers = {e.id: n for n, e in enumerate(site.links_of(owner).get("citations", ()), start=1)}
    owner_href = urls.href(entity_path(owner), base_url)

    def resolve(ref: str) -> Target:
        target = site.by_id.get(ref)
        if target is None:   # a draft, left out of this build: its text is not shown, nor a link
            return Target(ref, None, "draft")
        href = urls.href(entity_path(target), base_url)
        if ref in numbers:
            return Target(target.title, href, target.type.name, numbers[ref], f"{owner_href}#cite-{ref}")
        if target.type.glossary:
            return Target(target.title, href, target.type.name, hint=term_hint(target, site))
        return Target(target.title, href, target.type.name)

    return resolve


def term_hint(term: Entity, site: Site, limit: int = 200) -> str:
    """Return a term's definition as short plain text (cut at a sentence end, with typographic
    quotes), shown beside each link to the term."""
    def words(match: re.Match) -> str:
        target = site.by_id.get(match.group(1).strip())
        if match.group(2):
            return match.group(2)
        return "" if target is None or target.type.citable else target.title

    text = " ".join(_WIKI_TEXT_RE.sub(words, term.values.get(term.type.glossary) or "").split())
    text = curly_quotes(re.sub(r"[*_`]", "", text).replace(" .", ".").replace(" ,", ","))
    return text if len(text) <= limit else _cut_at_sentence(text, limit)


def when(values: dict[str, Any], words: Callable[[str], str] = str) -> dict[str, Any] | None:
    """Return the date, time and zone of a dated entity, with an ISO 8601 form for <time>."""
    date = values.get("date")
    if date is None:
        return None
    time, zone = values.get("time"), values.get("timezone")
    iso = date.isoformat()
    if time is not None:
        moment = dt.datetime.combine(date, time, tzinfo=zone)
        iso = moment.isoformat(timespec="minutes")
    moment = dt.datetime.combine(date, time or dt.time(12), tzinfo=zone) if zone else None
    return {"date": date, "time": time, "timezone": zone.key if zone else None,
            "zone_abbr": moment.tzname() if moment else None,
            "zone_label": zone_label(zone.key, moment.utcoffset(), words) if moment else None,
            "iso": iso}


def zone_label(key: str, offset: dt.timedelta | None, words: Callable[[str], str] = str) -> str:
    """Return a time zone as readers say it, never a bare abbreviation: 'Beijing time (UTC+8)'."""
    name = words(ZONE_NAMES[key]) if key in ZONE_NAMES else key.rsplit("/", 1)[-1].replace("_", " ") + " time"
    if offset is None:
        return name
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "\u2212"
    hours, rest = divmod(abs(minutes), 60)
    return f"{name} (UTC{sign}{hours}{f':{rest:02d}' if rest else ''})"


_SENTENCE_END_RE = re.compile(r'[.!?][\u201d\u2019"\')]*(?:<sup class="cite">.*?</sup>)*(?=\s)')
_ABBREVIATION_RE = re.compile(r"(?:\b[A-Z]|\.\w+|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|No|vs|etc|approx|Jan|Feb|Mar|Apr|Jun|"
                              r"Jul|Aug|Sep|Sept|Oct|Nov|Dec))$")


_UNTRANSLATED_RE = re.compile(r'(<div lang="[^"]*" class="untranslated">)(.*)</div>', re.S)   # _in_language's block


def split_lead(html: str) -> tuple[Markup, Markup]:
    """Split rendered Markdown after its first sentence: (the lead, the rest), both HTML.

    The lead is the first sentence of the first paragraph (with its citation markers), cut
    only where no inline element is open; the rest is everything after it, so nothing is lost.
    """
    html = str(html).strip()
    untranslated = _UNTRANSLATED_RE.fullmatch(html)
    if untranslated:   # the English shown for want of a translation: each part keeps its lang
        opening, inner = untranslated.groups()
        lead, rest = split_lead(inner)
        return (Markup(f"{opening}{lead}</div>") if lead else lead,
                Markup(f"{opening}{rest}</div>") if rest else rest)
    if not html.startswith("<p>"):
        return Markup(""), Markup(html)
    end = html.find("</p>")
    if end < 0:
        return Markup(""), Markup(html)
    first = html[3:end]
    for match in _SENTENCE_END_RE.finditer(first):
        before = first[: match.start()]
        if before.rfind("<") > before.rfind(">") or _open_tags(before):
            continue   # inside a tag's attributes, or inside a link or an emphasis
        if _ABBREVIATION_RE.search(_TAG_RE.sub("", before)):
            continue
        rest = first[match.end():].strip()
        if not rest:
            break
        return Markup(f"<p>{first[:match.end()]}</p>"), Markup(f"<p>{rest}</p>{html[end + 4:]}")
    return Markup(html[: end + 4]), Markup(html[end + 4:].strip())


def _open_tags(html: str) -> bool:
    """Return whether an inline element opened in `html` is still open at its end."""
    depth = 0
    for tag in re.finditer(r"<(/?)([a-zA-Z0-9]+)[^>]*?(/?)>", html):
        if tag.group(3) or tag.group(2).lower() in ("br", "img", "wbr"):
            continue
        depth += -1 if tag.group(1) else 1
    return depth != 0


# Adds what a wing's pages show to the views; its labels in the site's language by the third argument.
Extend = Callable[[dict[str, View], Site, Callable[[str], str]], None]


def build_views(site: Site, settings: Entity | None, base_url: str, rendered: dict | None = None,
                runner: Runner = Runner(), extend: tuple[Extend, ...] = (),
                language: str | None = None, words: Callable[[str], str] = str) -> dict[str, View]:
    """Return a view for every entity (and 'site' for the settings), keyed by id.

    `rendered` holds Markdown HTML already made by markdown.py, keyed by (path, text, inline);
    each of `extend` then adds to the views (e.g. explainer/sitepages.py's timelines).
    `language` is the pages' language and `words` gives the engine's labels in it.
    """
    entities = list(site.by_id.values()) + ([settings] if settings else [])
    views = {e.key: _base_view(e, site, base_url, rendered or {}, runner, language, words)
             for e in entities}
    for entity in entities:
        view = views[entity.key]
        links = site.links_of(entity)
        for name, items in links.items():
            view["links"][name] = [views[e.id] for e in items]
        for fdef in entity.type.fields:
            if isinstance(fdef.kind, Refs):
                view[fdef.name] = [views[e.id] for e in links.get(fdef.name, ())]
        cited_at = view.pop("cited_at", {})
        view["citations"] = [{"n": n, "anchor": f"cite-{e.id}", "entry": views[e.id],
                              "cited_at": cited_at.get(e.id, [])}
                             for n, e in enumerate(links.get("citations", ()), start=1)]
    for add in extend:
        add(views, site, words)
    return views


def _other_language(entity: Entity, language: str | None, site_language: str | None) -> str | None:
    """Return the language the entity says its title is in (ContentType.language_field; the
    site's own when it names none), when it is not the pages' language."""
    if not entity.type.language_field or not language:
        return None
    own = entity.type.own_title
    written_here = own is not None and (entity.values.get(own[0]) or own[1]) != own[1]
    named = (None if written_here else entity.values.get(entity.type.language_field)) or site_language
    return named if named and named != language else None


def _marked_runs(render: Callable[[str, bool], Markup], marks: messages.RunMarks) -> Callable[[str, bool], Markup]:
    """Return `render` with runs of words in another script marked as in their language."""
    return lambda text, inline: Markup(marks.mark(render(text, inline)))


def _in_language(render: Callable[[str, bool], Markup], language: str) -> Callable[[str, bool], Markup]:
    """Return `render` with its HTML marked as written in `language` (a block, or inline text)."""
    def marked(text: str, inline: bool) -> Markup:
        tag = "span" if inline else "div"
        return Markup(f'<{tag} lang="{language}" class="untranslated">{render(text, inline)}</{tag}>')
    return marked


def _base_view(entity: Entity, site: Site, base_url: str, rendered: dict, runner: Runner,
               language: str | None = None, words: Callable[[str], str] = str) -> View:
    resolve = make_resolver(entity, site, base_url)

    def render_markdown(text: str, resolve, inline: bool = False) -> Markup:
        done = rendered.get((entity.path, text, inline))
        return done if done is not None else markup.render_markdown(text, resolve, inline, id_scope(entity))

    view = runner.view(entity.key, {
        "id": entity.id, "type": entity.type.name, "label": words(entity.type.label),
        "title": entity.title, "path": entity.path, "links": {},
        "href": urls.href(entity_path(entity), base_url), "when": when(entity.values, words),
    })
    shown: list[str] = []   # the Markdown HTML of the entity's own page, in field order
    marks = messages.run_marks(language, site_languages(site.settings))

    def show(text: str, inline: bool) -> Markup:
        html = render_markdown(text, resolve, inline)
        shown.append(html)
        return html

    for fdef in entity.type.fields:
        value = entity.values.get(fdef.name)
        if value is None or isinstance(fdef.kind, Refs):
            view.setdefault(fdef.name, [] if isinstance(fdef.kind, Refs) else None)
        else:
            html = show if fdef.own_page else lambda text, inline: render_markdown(text, resolve, inline)
            if fdef.name in entity.shown_in:   # no translation: the English, marked as such
                html = _in_language(html, entity.shown_in[fdef.name])
            elif marks:   # a page in another script: English quoted in the text is marked as English
                html = _marked_runs(html, marks)
            view[fdef.name] = fdef.kind.display(value, html)
    # Another language's page: which fields show the English, which translations are stale.
    view["lang_of"] = dict(entity.shown_in)
    view["title_lang"] = entity.shown_in.get(entity.type.title_field) or _other_language(entity, language, site.settings.get("language"))
    view["stale"] = list(entity.stale)
    view["cited_at"] = citation_markers(shown)
    summary = view.get("summary") or view.get("definition") or view.get("note")
    if view.get("summary"):
        view["lead"], view["summary_rest"] = split_lead(view["summary"])
    view["description"] = plain_text(summary) if summary else entity.title
    return view
