"""Field kinds: how one YAML value is checked, converted and described in JSON Schema.

A kind sees one value at a time; it knows nothing about other entities (references
are resolved in links.py) nor about where the value came from (the caller adds it).
"""
from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from .typography import curly_quotes

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_RE = re.compile(ID_PATTERN)
ID_MAX = 80
MARKDOWN_MAX = 20_000
# Names Windows cannot create, so a clone on Windows would lose the page.
RESERVED_IDS = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)),
                          *(f"lpt{n}" for n in range(1, 10))})


# Characters no field may hold, decided per class (issue 21 #14, #15): C0 and C1 controls
# (tab and newline aside) and DEL break the feed and calendar and mean nothing in
# prose; bidi embeddings, overrides and isolates reorder what readers see (Trojan
# Source, CVE-2021-42574); zero-width space, word joiner, invisible operators, BOM,
# interlinear annotations and Hangul fillers are invisible and join nothing, so a
# name of only those would count as filled in. All are refused at their field, never
# stripped: the editor sees what was there. ZWJ and ZWNJ (Persian, Indic scripts,
# emoji) and LRM/RLM (the direction of neutral characters in Arabic and Hebrew) stay.
_FORBIDDEN_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b"
                           "\u2060-\u2064\ufeff\ufff9-\ufffb\u115f\u1160\u3164\uffa0\u180e]")
_ENTITY_RE = re.compile(r"&#[xX]?[0-9a-fA-F]+;?")


def forbidden_character(text: str) -> str | None:
    """Return why text may not be published (its first control or invisible character), or None.
    Numeric character references (&#8238;) count: Markdown turns them into the character."""
    found = _FORBIDDEN_RE.search(text)
    if found is None and "&#" in text:
        found = next((m for m in map(_FORBIDDEN_RE.search, map(html.unescape, _ENTITY_RE.findall(text))) if m), None)
    if found is None:
        return None
    char = found.group()
    name = unicodedata.name(char, "control character").lower()
    return f"invisible or control character U+{ord(char):04X} ({name}) is not allowed"


FORBIDDEN_HINT = "delete it; most editors do not show it"


class FieldError(Exception):
    """A value that does not fit its kind; `index` names the list item or map key."""

    def __init__(self, message: str, hint: str | None = None, index: int | str | None = None,
                 fix: str | None = None):
        super().__init__(message)
        self.message, self.hint, self.index = message, hint, index
        self.fix = fix   # the value written right, shown after the field name: the hint pasted is valid YAML


def _describe(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "a string"}.get(type(value), type(value).__name__)


def check_id(value: Any) -> str:
    """Return value if it is a valid entity id, else raise FieldError."""
    if not isinstance(value, str):
        raise FieldError(f"expected an id, got {_describe(value)}")
    if len(value) > ID_MAX:
        raise FieldError(f"id longer than {ID_MAX} characters")
    if not ID_RE.match(value):
        raise FieldError(f"'{value}' is not a valid id",
                         "use lowercase letters, digits and single hyphens, e.g. 'wang-yi'")
    if value in RESERVED_IDS:
        raise FieldError(f"'{value}' is a reserved file name on Windows", "choose another id")
    return value


class FieldKind:
    """What every kind does: convert one raw YAML value (raising FieldError), describe itself
    in JSON Schema, and say which parts of a converted value are Markdown and how a
    template sees the value. Kinds that hold no Markdown keep the defaults."""

    __slots__ = ()

    def convert(self, value: Any) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict:
        raise NotImplementedError

    def markdown(self, value: Any) -> Iterator[tuple[int | str | None, str, bool]]:
        """Yield (item index or label, or None for the whole value; text; rendered inline?)
        for every Markdown string in a converted value."""
        return iter(())

    def display(self, value: Any, render: Callable[[str, bool], Any]) -> Any:
        """Return the value as templates see it; render(text, inline) makes Markdown HTML."""
        return value


@dataclass(frozen=True, slots=True)
class Text(FieldKind):
    """A single line of plain text (never HTML)."""

    multiline: bool = False
    max_length: int = 500

    def convert(self, value: Any) -> str:
        if not isinstance(value, str):
            raise FieldError(f"expected text, got {_describe(value)}")
        value = unicodedata.normalize("NFC", value.strip())
        if why := forbidden_character(value):   # before the empty check: '\u200b' is not filled in
            raise FieldError(why, FORBIDDEN_HINT)
        if not value:
            raise FieldError("is empty")
        if len(value) > self.max_length:
            raise FieldError(f"longer than {self.max_length} characters")
        if not self.multiline and "\n" in value:
            raise FieldError("must be a single line")
        return value

    def json_schema(self) -> dict:
        return {"type": "string", "minLength": 1, "maxLength": self.max_length}

    def display(self, value: str, render: Callable[[str, bool], Any]) -> Any:
        return curly_quotes(value)   # typographic, as Markdown's smarty makes a Markdown field


@dataclass(frozen=True, slots=True)
class Markdown(Text):
    """Markdown text; may contain [[id]] and [[id|text]] links."""

    multiline: bool = True
    max_length: int = MARKDOWN_MAX

    def markdown(self, value: str) -> Iterator[tuple[None, str, bool]]:
        yield None, value, False

    def display(self, value: str, render: Callable[[str, bool], Any]) -> Any:
        return render(value, False)


@dataclass(frozen=True, slots=True)
class Date(FieldKind):
    """A calendar date written YYYY-MM-DD."""

    def convert(self, value: Any) -> dt.date:
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise FieldError(f"expected a date as YYYY-MM-DD, got {value!r}")
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise FieldError(f"{exc} (got '{value}')") from None

    def json_schema(self) -> dict:
        return {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}


@dataclass(frozen=True, slots=True)
class Time(FieldKind):
    """A local time of day written HH:MM (24-hour)."""

    def convert(self, value: Any) -> dt.time:
        if not isinstance(value, str) or not re.fullmatch(r"\d{2}:\d{2}", value):
            raise FieldError(f"expected a time as HH:MM, got {value!r}")
        try:
            return dt.time.fromisoformat(value)
        except ValueError as exc:
            raise FieldError(f"{exc} (got '{value}')") from None

    def json_schema(self) -> dict:
        return {"type": "string", "pattern": r"^\d{2}:\d{2}$"}


@dataclass(frozen=True, slots=True)
class TimeZone(FieldKind):
    """An IANA time zone name such as Asia/Shanghai (never an abbreviation like CST)."""

    def convert(self, value: Any) -> ZoneInfo:
        if not isinstance(value, str) or "/" not in value or value not in _zones():
            raise FieldError(f"unknown time zone {value!r}",
                             "use an IANA name such as 'Asia/Shanghai' or 'America/New_York'")
        return ZoneInfo(value)

    def json_schema(self) -> dict:
        return {"type": "string", "pattern": r"^[A-Za-z_]+/[A-Za-z_/+-]+$"}

    def display(self, value: ZoneInfo, render: Callable[[str, bool], Any]) -> str:
        return value.key


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


@dataclass(frozen=True, slots=True)
class Number(FieldKind):
    """A whole number between minimum and maximum."""

    minimum: int = 0
    maximum: int = 1_000_000

    def convert(self, value: Any) -> int:
        if not isinstance(value, str) or not value.strip().isdigit():
            raise FieldError(f"expected a whole number, got {_describe(value)}", "write digits only, e.g. 2")
        number = int(value.strip())
        if not self.minimum <= number <= self.maximum:
            raise FieldError(f"must be between {self.minimum} and {self.maximum}")
        return number

    def json_schema(self) -> dict:
        # Editors write a number; the builder reads every scalar as a string.
        return {"anyOf": [{"type": "integer", "minimum": self.minimum, "maximum": self.maximum},
                          {"type": "string", "pattern": r"^\d+$"}]}


@dataclass(frozen=True, slots=True)
class Choice(FieldKind):
    """One of a fixed set of words."""

    options: tuple[str, ...]

    def convert(self, value: Any) -> str:
        if value not in self.options:
            from .errors import suggest
            hint = suggest(str(value), self.options) or "one of: " + ", ".join(self.options)
            raise FieldError(f"expected one of {', '.join(self.options)}, got {value!r}", hint)
        return value

    def json_schema(self) -> dict:
        return {"type": "string", "enum": list(self.options)}


@dataclass(frozen=True, slots=True)
class Url(FieldKind):
    """An absolute http(s) URL."""

    def convert(self, value: Any) -> str:
        if not isinstance(value, str):
            raise FieldError(f"expected a URL, got {_describe(value)}")
        if why := forbidden_character(value):
            raise FieldError(why, FORBIDDEN_HINT)
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value.strip()):
            raise FieldError(f"expected an http or https URL, got {value!r}")
        return value.strip()

    def json_schema(self) -> dict:
        return {"type": "string", "pattern": r"^https?://\S+$", "format": "uri"}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:ID_MAX] or "an-id"


@dataclass(frozen=True, slots=True)
class Flag(FieldKind):
    """Yes or no, written true or false."""

    def convert(self, value: Any) -> bool:
        if isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no"):
            return value.strip().lower() in ("true", "yes")
        raise FieldError(f"expected true or false, got {_describe(value)}", "write true or false")

    def json_schema(self) -> dict:
        # Editors read `true` as a boolean; the builder reads every scalar as a string.
        return {"enum": [True, False, "true", "false"]}


def _each_once(items: list, convert: Callable[[Any], str]) -> tuple[str, ...]:
    """Return every item converted; raise FieldError, at its index, for the first that does not
    fit or is listed twice."""
    seen: set[str] = set()
    out = []
    for i, item in enumerate(items):
        try:
            converted = convert(item)
        except FieldError as exc:
            raise FieldError(exc.message, exc.hint, i) from None
        if converted in seen:
            raise FieldError(f"'{converted}' is listed twice", None, i)
        seen.add(converted)
        out.append(converted)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Refs(FieldKind):
    """A list of ids of entities of one content type (checked for existence in links.py)."""

    target: str
    min_items: int = 0

    def convert(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            if not isinstance(value, str):
                raise FieldError(f"expected a list of {self.target} ids, got {_describe(value)}")
            ids = [_slug(part) for part in re.split(r"\s*(?:[,;]|\band\b)\s*", value.strip()) if part.strip()]
            raise FieldError(f"expected a list of {self.target} ids, got {_describe(value)}",
                             "write the ids as a list", fix="[" + ", ".join(ids or ["an-id"]) + "]")
        if len(value) < self.min_items:
            raise FieldError(f"needs at least {self.min_items} {self.target} id(s)")
        return _each_once(value, check_id)

    def json_schema(self) -> dict:
        return {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN},
                "minItems": self.min_items, "uniqueItems": True}


@dataclass(frozen=True, slots=True)
class MarkdownList(FieldKind):
    """A list of Markdown strings."""

    def convert(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise FieldError(f"expected a list, got {_describe(value)}")
        out = []
        for i, item in enumerate(value):
            try:
                out.append(Markdown().convert(item))
            except FieldError as exc:
                raise FieldError(exc.message, exc.hint, i) from None
        return tuple(out)

    def json_schema(self) -> dict:
        return {"type": "array", "items": Markdown().json_schema()}

    def markdown(self, value: tuple[str, ...]) -> Iterator[tuple[int, str, bool]]:
        for i, text in enumerate(value):
            yield i, text, True

    def display(self, value: tuple[str, ...], render: Callable[[str, bool], Any]) -> Any:
        return [render(text, True) for text in value]


@dataclass(frozen=True, slots=True)
class TextList(FieldKind):
    """A list of single lines of plain text."""

    max_length: int = 200

    def convert(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise FieldError(f"expected a list, got {_describe(value)}", "one '- text' per line")
        out = []
        for i, item in enumerate(value):
            try:
                out.append(Text(max_length=self.max_length).convert(item))
            except FieldError as exc:
                raise FieldError(exc.message, exc.hint, i) from None
        return tuple(out)

    def json_schema(self) -> dict:
        return {"type": "array", "items": Text(max_length=self.max_length).json_schema()}


@dataclass(frozen=True, slots=True)
class MarkdownMap(FieldKind):
    """A mapping from a short label (e.g. a party) to a Markdown statement; `labels`, when
    given, are the only labels allowed (e.g. the content folders)."""

    labels: tuple[str, ...] = ()

    def convert(self, value: Any) -> tuple[tuple[str, str], ...]:
        if not isinstance(value, dict):
            raise FieldError(f"expected a mapping of label: text, got {_describe(value)}")
        out = []
        for key, item in value.items():
            try:
                label = Text(max_length=80).convert(key)
                if self.labels and label not in self.labels:
                    from .errors import suggest
                    raise FieldError(f"{label!r} is not one of {', '.join(self.labels)}",
                                     suggest(label, self.labels) or "one of: " + ", ".join(self.labels))
                out.append((label, Markdown().convert(item)))
            except FieldError as exc:
                raise FieldError(exc.message, exc.hint, key) from None
        return tuple(out)

    def json_schema(self) -> dict:
        schema = {"type": "object", "additionalProperties": Markdown().json_schema()}
        if self.labels:
            schema["propertyNames"] = {"enum": list(self.labels)}
        return schema

    def markdown(self, value: tuple[tuple[str, str], ...]) -> Iterator[tuple[str, str, bool]]:
        for key, text in value:
            yield key, text, False

    def display(self, value: tuple[tuple[str, str], ...], render: Callable[[str, bool], Any]) -> Any:
        return [{"party": curly_quotes(key), "html": render(text, False)} for key, text in value]


# BCP 47 (RFC 5646, 2.1): language (with up to three extlangs), script, region, variants,
# extensions, private use. A tag is also a folder name (content/zh-Hans/), so it must be
# written in the case the registry uses (2.1.1): 'zh-hans' would be another folder on Linux.
LANGUAGE_TAG_PATTERN = (r"^(?:[a-zA-Z]{2,3}(?:-[a-zA-Z]{3}){0,3}|[a-zA-Z]{4,8})(?:-[a-zA-Z]{4})?"
                        r"(?:-(?:[a-zA-Z]{2}|[0-9]{3}))?(?:-(?:[a-zA-Z0-9]{5,8}|[0-9][a-zA-Z0-9]{3}))*"
                        r"(?:-[0-9a-wyzA-WYZ](?:-[a-zA-Z0-9]{2,8})+)*(?:-[xX](?:-[a-zA-Z0-9]{1,8})+)?$")
LANGUAGE_TAG_RE = re.compile(LANGUAGE_TAG_PATTERN)


def _canonical_case(tag: str) -> str:
    """Return tag in the registry's case: zh-Hans, en-GB, sr-Latn-RS (RFC 5646, 2.1.1)."""
    parts = tag.lower().split("-")
    out, singleton = [parts[0]], False
    for part in parts[1:]:
        singleton = singleton or len(part) == 1
        out.append(part if singleton else part.title() if len(part) == 4 and part.isalpha()
                   else part.upper() if len(part) == 2 else part)
    return "-".join(out)


@dataclass(frozen=True, slots=True)
class LanguageTag(FieldKind):
    """A BCP 47 language tag such as en or zh-Hans, in the registry's case."""

    def convert(self, value: Any) -> str:
        if not isinstance(value, str):
            raise FieldError(f"expected a language tag, got {_describe(value)}")
        tag = value.strip()
        if not LANGUAGE_TAG_RE.match(tag):
            hint = "use hyphens, e.g. 'zh-Hans'" if "_" in tag else "e.g. 'en', 'zh-Hans', 'en-GB'"
            raise FieldError(f"{tag!r} is not a BCP 47 language tag", hint)
        if tag != _canonical_case(tag):
            raise FieldError(f"language tag {tag!r} is not in the registry's case",
                             f"write it '{_canonical_case(tag)}'")
        return tag

    def json_schema(self) -> dict:
        return {"type": "string", "pattern": LANGUAGE_TAG_PATTERN}


@dataclass(frozen=True, slots=True)
class LanguageTags(FieldKind):
    """A list of BCP 47 language tags, each once."""

    def convert(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            tags = re.split(r"[\s,;]+", value.strip()) if isinstance(value, str) and value.strip() else ["en"]
            raise FieldError(f"expected a list of language tags, got {_describe(value)}",
                             "write them as a list", fix="[" + ", ".join(tags) + "]")
        return _each_once(value, LanguageTag().convert)

    def json_schema(self) -> dict:
        return {"type": "array", "items": LanguageTag().json_schema(), "minItems": 1, "uniqueItems": True}


HOST_PATTERN = r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$"
_HOST_RE = re.compile(HOST_PATTERN)


@dataclass(frozen=True, slots=True)
class Hostname(FieldKind):
    """A bare host name such as explainer.example.org (no scheme, no port, no path)."""

    def convert(self, value: Any) -> str:
        text = value.strip().lower() if isinstance(value, str) else value
        if not isinstance(text, str) or not _HOST_RE.match(text):
            raise FieldError(f"expected a host name such as 'explainer.example.org', got {value!r}",
                             "write the domain only: no https://, no port, no path")
        return text

    def json_schema(self) -> dict:
        return {"type": "string", "pattern": HOST_PATTERN}
