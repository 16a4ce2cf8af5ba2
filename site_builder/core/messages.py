"""The words of the site's frame in the site's language: headings, labels, notes and dates.

The templates mark their own words with `_()` and `ngettext()` (Jinja's i18n extension, new
style: placeholders are named and escaped). English is the templates' own text. Another
language reads its translations from a Gettext catalogue beside the templates,
`templates/locale/<language>.po`, which translators edit with any PO editor (Poedit, Weblate,
Lokalize) and `pybabel update` keeps in step with `templates/locale/messages.pot`
(see docs/architecture.md). Babel reads the catalogue, checks its placeholders and formats
dates by each language's conventions (CLDR): a well-kept library instead of a hand-rolled
dictionary and strftime's C locale.

Knows nothing about content or pages.
"""
from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

from ..model import inputs
from ..model.errors import Location, Problems
from .loader import display_path

DEFAULT_LANGUAGE = "en"
LOCALE_FOLDER = "locale"
TEMPLATE_FILE = "messages.pot"
MAX_CATALOGUE_BYTES = 2_000_000

# The English dates the templates show, by hand: strftime's %A and %B in the C locale, which
# Python keeps unless told otherwise (nothing here calls locale.setlocale), without its cost.
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def catalogue_path(templates_dir: Path, language: str) -> Path:
    """Return where the catalogue of `language` lives: templates/locale/<language>.po."""
    return templates_dir / LOCALE_FOLDER / f"{language}.po"


def translations(templates_dir: Path, language: str) -> gettext.NullTranslations:
    """Return the translations of the templates' words into `language`: none for English
    or for a language without a catalogue (check_catalogues reports the missing one)."""
    path = catalogue_path(templates_dir, language)
    if language == DEFAULT_LANGUAGE or not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as source:
        catalogue = read_po(source, locale=_locale(language))
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled)


def check_catalogues(templates_dir: Path, language: str, problems: Problems) -> None:
    """Report, at their line, what would break the frame in `language`: a catalogue that does
    not parse, a translation whose placeholders differ from the English, a language Babel does
    not know; and, as a warning, a language without a catalogue."""
    if language == DEFAULT_LANGUAGE:
        return
    path = catalogue_path(templates_dir, language)
    shown = display_path(path)
    if _locale(language) is None:
        problems.add(Location(shown), None, f"the site's language '{language}' is not one Babel knows: "
                     "dates are written in English", "use a BCP 47 tag such as en, zh-Hans or fr", warning=True)
    if not path.is_file():
        problems.add(Location(shown), None, f"no catalogue for '{language}': the site's headings and labels stay in English",
                     f"copy templates/{LOCALE_FOLDER}/{TEMPLATE_FILE} to {shown} and translate it", warning=True)
        return
    try:
        data = inputs.read_regular(path, MAX_CATALOGUE_BYTES)
        lines = data.decode("utf-8").splitlines()
        bad = [number for number, line in enumerate(lines, start=1) if not _PO_LINE_RE.match(line)]
        if bad:   # Babel reads `msgstr Aller` as "lle" without a word: refuse what is not PO
            raise PoFileError("not a PO line: each is a keyword and a \"quoted\" text, a \"quoted\" "
                              "continuation, a # comment or blank", catalog=None, line=lines[bad[0] - 1], lineno=bad[0])
        with io.BytesIO(data) as source:
            catalogue = read_po(source, locale=_locale(language), abort_invalid=True)
    except PoFileError as exc:
        problems.add(Location(shown, getattr(exc, "lineno", 0) or 0), None, f"the catalogue does not parse: {exc.args[0]}",
                     "each entry is a msgid line, then its msgstr line, in double quotes")
        return
    except OSError as exc:
        problems.add(Location(shown), None, f"cannot read file: {exc.strerror}")
        return
    except UnicodeDecodeError as exc:
        problems.add(Location(shown), None, f"the catalogue is not UTF-8 text ({exc.reason} at byte {exc.start})",
                     "save it as UTF-8")
        return
    for message in catalogue:
        if message.id:
            for error in _placeholder_errors(message.id, message.string):
                english = message.id if isinstance(message.id, str) else message.id[0]
                problems.add(Location(shown, _msgstr_line(lines, message.lineno)), "msgstr", f"the translation of \"{english}\" {error}",
                             "keep every %(name)s placeholder of the English, spelled the same; write a percent sign as %%")


_PO_LINE_RE = re.compile(r'\s*(?:#.*|(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*)?$')


def _msgstr_line(lines: list[str], msgid_line: int) -> int:
    """Return the line of the msgstr that follows the msgid at msgid_line (1-based)."""
    for number in range(max(msgid_line, 1), len(lines) + 1):
        if lines[number - 1].startswith("msgstr"):
            return number
    return msgid_line


_PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sd]")


def _placeholder_errors(english: str | tuple[str, ...], translated: str | tuple[str, ...]) -> list[str]:
    """Return what is wrong with the placeholders of a translation: one the English does not
    have (rendering would fail), one it drops (the page would lose a name or a number), or
    text the %-formatting of Jinja's new-style gettext cannot read."""
    englishes = (english,) if isinstance(english, str) else english
    forms = [t for t in ((translated,) if isinstance(translated, str) else translated) if t]
    known = {token for text in englishes for token in _PLACEHOLDER_RE.findall(text)}
    errors = []
    for form in forms:
        tokens = set(_PLACEHOLDER_RE.findall(form))
        if tokens - known:
            errors.append(f"has {', '.join(sorted(tokens - known))}, which the English has not")
        if isinstance(english, str) and known - tokens:
            errors.append(f"drops {', '.join(sorted(known - tokens))}")
        try:
            form % {token[2:-2]: 0 for token in known | tokens}
        except (ValueError, TypeError, KeyError) as exc:
            errors.append(f"cannot be filled in: {exc}")
    return errors


@functools.lru_cache(maxsize=16)
def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language, sep="-")
    except (UnknownLocaleError, ValueError):
        return None


def date_formats(language: str) -> tuple[Callable[[dt.date], str], Callable[[dt.date], str]]:
    """Return the long and the short way of writing a date in `language`:
    "Friday 26 April 2024" and "26 Apr 2024" in English, 2024年4月26日星期五 and 2024年4月26日 in Chinese."""
    if language == DEFAULT_LANGUAGE or _locale(language) is None:
        return long_date, short_date
    where = _locale(language)
    return (lambda value: format_date(value, "full", locale=where),
            lambda value: format_date(value, "medium", locale=where))


def long_date(value: dt.date) -> str:
    """Return e.g. "Thursday 4 March 2021" (strftime "%A %-d %B %Y")."""
    return f"{_DAYS[value.weekday()]} {value.day} {_MONTHS[value.month - 1]} {value.year}"


def short_date(value: dt.date) -> str:
    """Return e.g. "4 Mar 2021" (strftime "%-d %b %Y")."""
    return f"{value.day} {_MONTHS[value.month - 1][:3]} {value.year}"


@dataclass(frozen=True, slots=True)
class Words:
    """The engine's own words in one language, called like gettext, and how a date is written
    there without its weekday (None: the engine's English default)."""

    gettext: Callable[[str], str]
    day: Callable[[dt.date], str] | None = None

    def __call__(self, text: str) -> str:
        return self.gettext(text)


def words_in(templates_dir: Path, language: str, site_language: str) -> Words:
    """Return the engine's words in `language`, from the templates' catalogue."""
    day = None if language == site_language else date_formats(language)[1]
    return Words(translations(templates_dir, language).gettext, day)


@functools.lru_cache(maxsize=None)
def sort_text(language: str) -> Callable[[str], str]:
    """Return how `language` orders names: Chinese by Hanyu Pinyin with tone numbers (as
    Chinese dictionaries and indexes do: 布林肯 -> 'bu4 lin2 ken3'), any other by case-folded text.

    pypinyin (MIT, maintained since 2013) holds the readings of every common character and
    of phrases whose reading differs, which no table written here would. One function per
    language for the process, so that the preview's rebuilds look up the names read before."""
    if language.split("-")[0].lower() != "zh":
        return str.casefold
    from pypinyin import Style, lazy_pinyin   # loaded only for a Chinese site

    @functools.lru_cache(maxsize=None)
    def pinyin(text: str) -> str:
        return " ".join(lazy_pinyin(text, style=Style.TONE3)).casefold()
    return pinyin


def language_name(language: str) -> str:
    """Return a language's name in that language, as a language switcher shows it (CLDR):
    'en' -> 'English', 'zh-Hans' -> '中文 (简体)'; the tag itself when CLDR does not know it."""
    locale = _locale(language)
    name = locale.get_display_name(locale) if locale else None
    return name[:1].upper() + name[1:] if name else language


def script(language: str) -> str | None:
    """Return the script a language is written in (CLDR's likely subtags): 'zh-Hans' -> 'Hans',
    'en' -> 'Latn'; None when CLDR does not know the language."""
    from babel.core import get_global
    parts = language.split("-")
    named = next((p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    if named:
        return named
    likely = get_global("likely_subtags").get(parts[0].lower())
    return next((p for p in likely.split("_")[1:] if len(p) == 4), None) if likely else None


_LATIN_RUN_RE = re.compile(r"(?<![A-Za-z0-9_.@/:#-])[A-Za-z][A-Za-z'’.-]*(?:[ ,]+[A-Za-z][A-Za-z'’.-]*){2,}")
_HAN_RUN_RE = re.compile("[\u3400-\u9fff\uf900-\ufaff][\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff01-\uff60]*")
_TAG_SPLIT_RE = re.compile(r"(<[^>]*>)")
_HAN_SCRIPTS = ("Hans", "Hant", "Hani")
# A page's tokens: comments, scripts and styles whole (their text is not the reader's), then tags.
_PAGE_TOKEN_RE = re.compile(r"<!--.*?-->|<![^>]*>|<(script|style)\b.*?</\1\s*>"
                            r"|<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9:-]*)(?P<attrs>[^>]*)>", re.S | re.I)
_LANG_ATTR_RE = re.compile(r"""\slang\s*=\s*["']?([^"'\s>]*)""", re.I)
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
_TEXT_ONLY = frozenset(("title", "option", "textarea"))


@dataclass(frozen=True, slots=True)
class RunMarks:
    """Which runs of text in another script a page marks, and as which language: on a Chinese
    page, three or more English words in a row (a name or phrase quoted in the text, read out
    in English, not spelt in Chinese); on an English page, Chinese characters. `within`: the
    scripts of the languages in force where such a run is foreign."""

    pattern: re.Pattern
    language: str
    within: tuple[str, ...] = ()

    def found(self, text: str) -> bool:
        """Tell whether the text holds such a run."""
        return self.pattern.search(text) is not None

    def mark(self, html: str) -> str:
        """Return the HTML with each such run in its text (never in a tag) marked with `lang`."""
        parts = _TAG_SPLIT_RE.split(str(html))
        for i in range(0, len(parts), 2):   # even parts are text, odd parts tags
            parts[i] = self.pattern.sub(lambda m: f'<span lang="{self.language}">{m.group(0)}</span>', parts[i])
        return "".join(parts)


def run_marks(language: str | None, languages: tuple[str, ...]) -> RunMarks | None:
    """Return the runs pages in `language` mark, on a site in `languages` (its first the one its
    content is written in), or None: a page in another script than the site's first marks that
    script's words as in it; a page in Latin script marks Han as the site's Chinese."""
    if not language or not languages:
        return None
    own = script(language)
    if own != "Latn" and script(languages[0]) == "Latn":
        return RunMarks(_LATIN_RUN_RE, languages[0], _HAN_SCRIPTS)
    chinese = next((other for other in languages if script(other) in _HAN_SCRIPTS), None)
    if own == "Latn" and chinese:
        return RunMarks(_HAN_RUN_RE, chinese.split("-")[0], ("Latn",))
    return None


def page_marks(languages: tuple[str, ...]) -> tuple[RunMarks, ...]:
    """Return the runs any page of a site in `languages` marks, whatever its language: the
    English a Chinese page quotes, and the Chinese names inside English shown on that page
    because no translation gives it yet (and the reverse on an English page)."""
    found = (run_marks(language, languages) for language in languages)
    return tuple(dict.fromkeys(m for m in found if m is not None))


def mark_page(html: str, marks: tuple[RunMarks, ...]) -> str:
    """Return a whole page with each run of `marks` marked wherever the language in force (the
    nearest `lang`, else <html lang>) is written in a script the run is foreign to: text no
    field marks, such as a one-line field no translation gives yet, shown in English on a
    Chinese page. Text that cannot hold an element is left alone (<title>, <option>,
    <textarea>, scripts, styles, comments); in SVG a run is a <tspan>."""
    out: list[str] = []
    names: list[str] = []                 # the open elements
    scripts: list[str | None] = [None]    # the script of the language in force inside each
    quiet = svg = 0                       # open elements whose text holds no element; open <svg>s
    at = kept = 0                         # where the last token ended; html[:kept] is in out
    for token in _PAGE_TOKEN_RE.finditer(html):
        start = token.start()
        if start > at and not quiet:
            text, in_force = html[at:start], scripts[-1]
            for runs in marks:
                if in_force in runs.within and runs.pattern.search(text):
                    tag = "tspan" if svg else "span"
                    out += (html[kept:at],
                            runs.pattern.sub(lambda m: f'<{tag} lang="{runs.language}">{m.group(0)}</{tag}>', text))
                    kept = start
                    break
        at = token.end()
        close, name, attrs = token.group("close", "name", "attrs")
        if name is None:
            continue   # a comment, doctype, script or style, copied whole
        name = name.lower()
        if close:
            if not names or (names[-1] != name and name not in names):
                continue
            first = len(names) - 1 - names[::-1].index(name)
            for closed in names[first:]:
                quiet -= closed in _TEXT_ONLY
                svg -= closed == "svg"
            del names[first:], scripts[first + 1:]
        elif name not in _VOID and not attrs.endswith("/"):
            lang = _LANG_ATTR_RE.search(attrs) if "lang" in attrs or "LANG" in attrs else None
            names.append(name)
            scripts.append(_script_of(lang.group(1)) if lang else scripts[-1])
            quiet += name in _TEXT_ONLY
            svg += name == "svg"
    out.append(html[kept:])
    return "".join(out)


@functools.lru_cache(maxsize=None)
def _script_of(language: str) -> str | None:
    return script(language) if language else None
