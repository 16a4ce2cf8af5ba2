"""Content checks: the editorial rules every explainer follows, whatever it is about.

- Every statement attributed to a party (a readout, a position) cites a source.
- Every field that gives each party's statement (declared `every_party`) has one for each of
  the parties site.yaml lists under `parties`.
- Wording listed under `quote_only` appears only inside quotation marks.
- No source links to a site listed under `refused_hosts`.

They are warnings: the preview shows them and a plain build goes on, while `check --strict`
(what the deploy runs) fails on them. A site that lists nothing under a setting has that
rule off. Knows nothing about HTML, templates or files.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from ..model.entities import Entity, Site
from ..model.errors import Problems
from ..model.kinds import MarkdownMap, Text, Url
from .links import WIKILINK_RE, markdown_texts, text_location

# Opening and closing quotation marks: curly double quotes and CJK corner brackets. Single
# curly quotes are left out: ’ is also the apostrophe.
_OPENING, _CLOSING = "“「『", "”」』"


def check_content(entities: list[Entity], site: Site, problems: Problems) -> None:
    """Report every entity that breaks one of the rules above."""
    parties = site.settings.get("parties") or ()
    quote_only = site.settings.get("quote_only") or ()
    refused = tuple(host.lower().removeprefix("www.") for host in site.settings.get("refused_hosts") or ())
    for entity in entities:
        _check_statements(entity, site, parties, problems)
        if refused:
            _check_hosts(entity, refused, problems)
        if quote_only:
            _check_quotes(entity, quote_only, problems)


def _check_statements(entity: Entity, site: Site, parties: tuple[str, ...], problems: Problems) -> None:
    for fdef in entity.type.fields:
        if not isinstance(fdef.kind, MarkdownMap) or fdef.kind.labels:
            continue   # a map of fixed labels (site.yaml's intros, by folder) holds no party's words
        statements = dict(entity.values.get(fdef.name) or ())
        for party, text in statements.items():
            if not _cites(text, site):
                problems.add(entity.doc.at(fdef.name, party), f"{fdef.name}: {party}",
                             f"what {party} said cites no source",
                             "add [[source-id]] after the claim", warning=True)
        if fdef.every_party:
            for party in parties:
                if party not in statements:
                    problems.add(entity.doc.at(fdef.name), fdef.name,
                                 f"no statement for {party}",
                                 f"add '{party}: …' with a citation, or say with a source that none was published",
                                 warning=True)


def _cites(text: str, site: Site) -> bool:
    for match in WIKILINK_RE.finditer(text):
        target = site.by_id.get(match.group(1).strip())
        if target is not None and target.type.citable:
            return True
    return False


def _check_hosts(entity: Entity, refused: tuple[str, ...], problems: Problems) -> None:
    for fdef in entity.type.fields:
        value = entity.values.get(fdef.name)
        if not isinstance(fdef.kind, Url) or not value:
            continue
        host = (urlsplit(value).hostname or "").removeprefix("www.")
        if any(host == bad or host.endswith("." + bad) for bad in refused):
            problems.add(entity.doc.at(fdef.name), fdef.name, f"{host} is on the site's list of refused hosts",
                         "cite the original record instead (site.yaml: refused_hosts)", warning=True)


def _texts(entity: Entity):
    """Yield (field path, text) for every text an entity shows: plain lines and Markdown."""
    for fdef in entity.type.fields:
        value = entity.values.get(fdef.name)
        if isinstance(fdef.kind, Text) and isinstance(value, str):
            yield (fdef.name,), value
    yield from ((path, text) for path, text in markdown_texts(entity) if len(path) > 1)


def _check_quotes(entity: Entity, phrases: tuple[str, ...], problems: Problems) -> None:
    for path, text in _texts(entity):
        for phrase in phrases:
            start = text.find(phrase)
            while start != -1:
                if not _inside_quotes(text, start):
                    problems.add(text_location(entity, path, text, start), _field_name(path),
                                 f"'{phrase}' appears outside quotation marks",
                                 "quote and attribute it, or reword it (site.yaml: quote_only)", warning=True)
                start = text.find(phrase, start + 1)


def _inside_quotes(text: str, index: int) -> bool:
    before = text[:index]
    last_open = max(before.rfind(mark) for mark in _OPENING + '"')
    if last_open == -1:
        return False
    if text[last_open] == '"':   # straight quotes alternate: inside after an odd count
        return before.count('"') % 2 == 1
    return last_open > max(before.rfind(mark) for mark in _CLOSING)


def _field_name(path: tuple) -> str:
    name = str(path[0])
    return name if len(path) == 1 else f"{name}: {path[1]}" if isinstance(path[1], str) else f"{name}[{path[1]}]"
