"""Turn Markdown fields into HTML, resolving [[id]] and [[id|text]] links.

Python-Markdown is configured once here. A link to a source becomes a numbered
citation marker; any other link shows the target's title. URLs come from urls.py
via the Resolver the caller passes; this module knows nothing about pages or files.

Every result passes through sanitize.py. Text whose bracket structure would make
Python-Markdown's link parsing quadratic (Python-Markdown#798), and other shapes it
parses in quadratic time or by deep recursion (issue 21), is not parsed at all: it is
shown as escaped plain text, and contentlint.py reports it as an error.
"""
from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Callable

import markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString
from markupsafe import Markup, escape

from ..model.hashing import digest
from .links import WIKILINK_RE
from .sanitize import sanitize


@dataclass(frozen=True, slots=True)
class Target:
    """What a [[id]] link needs to know about the entity it points to."""

    title: str
    href: str | None                 # None: a draft left out of the site (the link becomes plain text)
    type: str
    citation: int | None = None      # number of a source in the page's citation list
    citation_href: str | None = None  # where that number points (the owner's source list)
    hint: str | None = None           # short text shown on hover, e.g. a glossary definition


Resolver = Callable[[str], Target]


class _WikiLinkProcessor(InlineProcessor):
    """[[id]] and [[id|text]]: a citation marker, a link with the target's title, or a
    glossary term with its definition beside it.

    Citation markers and definitions get ids unique on any page that shows the text: the
    text's scope (md.id_scope, from its owner and the text itself) and a count. A source
    list links back to its markers by these ids (views.py finds them in the HTML).
    """

    def __init__(self, md: markdown.Markdown):
        super().__init__(WIKILINK_RE.pattern, md)

    def _next_id(self) -> str:
        self.md.id_count = getattr(self.md, "id_count", 0) + 1   # markdown_to_html sets both
        return f"{getattr(self.md, 'id_scope', 'r')}-{self.md.id_count}"

    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown's name)
        target = self.md.resolve(m.group(1).strip())
        text = m.group(2)
        if target.citation is not None and text is None:
            sup = etree.Element("sup", {"class": "cite"})
            anchor = etree.SubElement(sup, "a", {"href": target.citation_href, "id": self._next_id(),
                                                 "title": target.title})
            anchor.text = f"[{target.citation}]"
            return sup, m.start(0), m.end(0)
        if target.href is None:
            span = etree.Element("span", {"class": f"ref ref-{target.type}"})
            span.text = (text or target.title).strip()
            return span, m.start(0), m.end(0)
        anchor = etree.Element("a", {"href": target.href, "class": f"ref ref-{target.type}"})
        # '[[id| ]]' shows the title, as '[[id]]' does: never a link with no text (issue 21 #16).
        anchor.text = (text or "").strip() or target.title.strip()
        if not target.hint:
            return anchor, m.start(0), m.end(0)
        # A glossary term: its definition opens beside it on hover, keyboard focus and (with
        # reader.js) a tap; style.css shows it, screen readers read it as the link's description.
        wrapper = etree.Element("span", {"class": "gloss"})
        wrapper.append(anchor)
        hint_id = self._next_id()
        anchor.set("aria-describedby", hint_id)
        hint = etree.SubElement(wrapper, "span", {"class": "gloss-def", "id": hint_id, "role": "tooltip"})
        hint.text = AtomicString(target.hint)
        return wrapper, m.start(0), m.end(0)


_local = threading.local()


def _converter(tune: Callable[[markdown.Markdown], None] | None = None) -> markdown.Markdown:
    """Return this thread's converter; `tune` (the runner's) is applied once to a new one."""
    made = _local.__dict__.setdefault("made", {})
    md = made.get(tune)
    if md is None:
        md = markdown.Markdown(extensions=["tables", "sane_lists", "smarty"], output_format="html")
        # Priority above Python-Markdown's own link pattern (160) so [[...]] is ours.
        md.inlinePatterns.register(_WikiLinkProcessor(md), "wikilink", 175)
        if tune is not None:
            tune(md)
        made[tune] = md
    return md


# Unclosed or deeply nested brackets cost Python-Markdown O(n²): 800 unclosed '['
# take 0.5 s, 8000 take 12 s (Python-Markdown#798). Real prose never has 8 open at once.
MAX_OPEN = 8


# Only escapes, the brackets and (for '(') line ends matter; re finds them in C.
_BRACKET_TOKENS = {"[": re.compile(r"\\.|[\[\]]", re.S), "(": re.compile(r"\\.|[()\n]", re.S)}


# Shapes Python-Markdown handles in quadratic time or by recursion (issue 21 #3, #5):
# underline and rule lines ('a\n=\n' repeated: 1 s per 10 kB), '<' never closed
# ('<a b=' or '<http://a' repeated), and list or quote markers nested on one line
# ('* * * ... a' 500 deep raises RecursionError). Prose has a few of each, never hundreds.
MAX_RULE_LINES = 200
MAX_UNCLOSED_ANGLES = 64
MAX_NESTING = 16
_RULE_LINE_RE = re.compile(r"^ {0,3}(?:=+|-+|(?:\* *){3,}|(?:_ *){3,})[ \t]*$", re.M)
_ANGLE_RE = re.compile(r"[<>]")
_NESTED_RE = re.compile(r"^(?:[ \t]*(?:[*+-]|\d{1,9}[.)]|>)(?=[ \t]|$)[ \t]*){%d}" % (MAX_NESTING + 1), re.M)
NESTED_TOO_DEEP = f"lists or quotes nested more than {MAX_NESTING} levels deep"


def slow_shape(text: str) -> str | None:
    """Return why text would make the Markdown parser slow or recurse too deep, or None."""
    why = _bracket_shape(text)
    if why is None and text.count("\n") >= MAX_RULE_LINES \
            and len(_RULE_LINE_RE.findall(text)) > MAX_RULE_LINES:
        why = f"more than {MAX_RULE_LINES} underline or rule lines ('===', '---')"
    if why is None and text.count("<") > MAX_UNCLOSED_ANGLES:
        run = longest = 0
        for sign in _ANGLE_RE.findall(text):
            run = run + 1 if sign == "<" else 0
            longest = max(longest, run)
        if longest > MAX_UNCLOSED_ANGLES:
            why = f"more than {MAX_UNCLOSED_ANGLES} '<' without a closing '>'"
    if why is None and _NESTED_RE.search(text):
        why = NESTED_TOO_DEEP
    return why


def _bracket_shape(text: str) -> str | None:
    """Return why text would make the Markdown parser slow (too many '[' or '(' open), or None."""
    for open_, close in (("[", "]"), ("(", ")")):
        if text.count(open_) <= MAX_OPEN:
            continue  # never deeper than the count
        depth = deepest = 0
        for token in _BRACKET_TOKENS[open_].findall(text):
            if token == open_:
                depth += 1
                deepest = max(deepest, depth)
            elif token == close and depth:
                depth -= 1
            elif token == "\n":
                depth = 0  # a link's (url) never spans lines
        if deepest > MAX_OPEN:
            return f"more than {MAX_OPEN} '{open_}' open at once (unclosed or nested brackets)"
    return None


def id_scope(scope: str, text: str, inline: bool) -> str:
    """Return the prefix of the ids made in a text (citation markers, definitions): the same
    for the same owner (`scope`) and text in every build, different for any other."""
    return "r" + digest(scope, text, "inline" if inline else "block")[:8]


def markdown_to_html(text: str, resolve: Resolver,
                     tune: Callable[[markdown.Markdown], None] | None = None,
                     ids: str = "r") -> tuple[str, list[str]]:
    """Return the unsanitised HTML of text and the raw HTML fragments Markdown let through;
    the ids made in it start with `ids` (id_scope)."""
    md = _converter(tune)
    md.resolve = resolve
    md.id_scope, md.id_count = ids, 0
    html = md.reset().convert(text)
    raw = [fragment for fragment in md.htmlStash.rawHtmlBlocks if str(fragment).lstrip().startswith("<")]
    return html, [str(fragment) for fragment in raw]


def convert(text: str, resolve: Resolver, inline: bool = False,
            tune: Callable[[markdown.Markdown], None] | None = None,
            scope: str = "") -> tuple[Markup, str, list[str], str | None]:
    """Return text's sanitised HTML, its unsanitised HTML, the raw HTML fragments in it and
    why its shape would stall the parser (slow_shape), all from one pass.

    Text of a slow shape is shown escaped and has no unsanitised HTML ('').
    `inline` drops the wrapping <p> of a one-paragraph text from the sanitised HTML.
    `scope` names the text's owner, so that the ids made in it are unique on any page.
    """
    slow = slow_shape(text)
    if slow:
        html, unsafe, raw = f"<p>{escape(text)}</p>", "", []
    else:
        try:
            unsafe, raw = markdown_to_html(text, resolve, tune, id_scope(scope, text, inline))
        except RecursionError:   # a nesting the shape check did not foresee
            slow, unsafe, raw = NESTED_TOO_DEEP, "", []
            html = f"<p>{escape(text)}</p>"
        else:
            html = sanitize(unsafe)
    if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html), unsafe, raw, slow


# What a page never shows of a Markdown source (issue 21 #10): HTML comments (the
# sanitizer drops them) and reference definitions no link uses ('[note]: https://intranet/').
# A machine-readable copy of the source (data.json) leaves them out too.
_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_REFERENCE_RE = re.compile(r"^ {0,3}\[([^\[\]]+)\]:[ \t]*\S.*(?:\n[ \t]+[\"'(].*)?$\n?", re.M)
_BRACKETED_RE = re.compile(r"\[([^\[\]]+)\]")


def shown_markdown(text: str) -> str:
    """Return text without what its page does not show: HTML comments and unused reference definitions."""
    if "<!--" in text:
        text = _COMMENT_RE.sub("", text)
    unused = {start for start, _ in unused_references(text)}
    return _REFERENCE_RE.sub(lambda m: "" if m.start() in unused else m.group(0), text) if unused else text


def unused_references(text: str) -> list[tuple[int, str]]:
    """Return (offset, label) of every reference definition that no link of text uses."""
    if "]:" not in text:
        return []
    used = {_label(label) for label in _BRACKETED_RE.findall(_REFERENCE_RE.sub("", text))}
    return [(m.start(), m.group(1)) for m in _REFERENCE_RE.finditer(text) if _label(m.group(1)) not in used]


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


def render_markdown(text: str, resolve: Resolver, inline: bool = False, scope: str = "") -> Markup:
    """Render Markdown to sanitised HTML; `inline` drops the wrapping <p> of a one-paragraph text."""
    return convert(text, resolve, inline, scope=scope)[0]
