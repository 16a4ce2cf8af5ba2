"""Turn Markdown fields into HTML, resolving [[id]] and [[id|text]] links.

Python-Markdown is configured once here. A link to a source becomes a numbered
citation marker; any other link shows the target's title. URLs come from urls.py
via the Resolver the caller passes; this module knows nothing about pages or files.

Every result passes through sanitize.py. Text whose bracket structure would make
Python-Markdown's link parsing quadratic (Python-Markdown#798) is not parsed at all:
it is shown as escaped plain text, and contentlint.py reports it as an error.
"""
from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Callable

import markdown
from markdown.inlinepatterns import InlineProcessor
from markupsafe import Markup, escape

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
    def __init__(self, md: markdown.Markdown):
        super().__init__(WIKILINK_RE.pattern, md)

    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown's name)
        target = self.md.resolve(m.group(1).strip())
        text = m.group(2)
        if target.citation is not None and text is None:
            sup = etree.Element("sup", {"class": "cite"})
            anchor = etree.SubElement(sup, "a", {"href": target.citation_href, "title": target.title})
            anchor.text = f"[{target.citation}]"
            return sup, m.start(0), m.end(0)
        if target.href is None:
            span = etree.Element("span", {"class": f"ref ref-{target.type}"})
            span.text = (text or target.title).strip()
            return span, m.start(0), m.end(0)
        anchor = etree.Element("a", {"href": target.href, "class": f"ref ref-{target.type}"})
        if target.hint:
            anchor.set("title", target.hint)
        anchor.text = (text or target.title).strip()
        return anchor, m.start(0), m.end(0)


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


def slow_shape(text: str) -> str | None:
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


def markdown_to_html(text: str, resolve: Resolver,
                     tune: Callable[[markdown.Markdown], None] | None = None) -> tuple[str, list[str]]:
    """Return the unsanitised HTML of text and the raw HTML fragments Markdown let through."""
    md = _converter(tune)
    md.resolve = resolve
    html = md.reset().convert(text)
    raw = [fragment for fragment in md.htmlStash.rawHtmlBlocks if str(fragment).lstrip().startswith("<")]
    return html, [str(fragment) for fragment in raw]


def convert(text: str, resolve: Resolver, inline: bool = False,
            tune: Callable[[markdown.Markdown], None] | None = None) -> tuple[Markup, str, list[str], str | None]:
    """Return text's sanitised HTML, its unsanitised HTML, the raw HTML fragments in it and
    why its shape would stall the parser (slow_shape), all from one pass.

    Text of a slow shape is shown escaped and has no unsanitised HTML ('').
    `inline` drops the wrapping <p> of a one-paragraph text from the sanitised HTML.
    """
    slow = slow_shape(text)
    if slow:
        html, unsafe, raw = f"<p>{escape(text)}</p>", "", []
    else:
        unsafe, raw = markdown_to_html(text, resolve, tune)
        html = sanitize(unsafe)
    if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html), unsafe, raw, slow


def render_markdown(text: str, resolve: Resolver, inline: bool = False) -> Markup:
    """Render Markdown to sanitised HTML; `inline` drops the wrapping <p> of a one-paragraph text."""
    return convert(text, resolve, inline)[0]
