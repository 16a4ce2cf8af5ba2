"""Turn Markdown fields into HTML, resolving [[id]] and [[id|text]] links.

Python-Markdown is configured once here. A link to a source becomes a numbered
citation marker; any other link shows the target's title. URLs come from urls.py
via the Resolver the caller passes; this module knows nothing about pages or files.
"""
from __future__ import annotations

import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Callable

import markdown
from markdown.inlinepatterns import InlineProcessor
from markupsafe import Markup

from .inline_speed import speed_up_inline
from .links import WIKILINK_RE


@dataclass(frozen=True, slots=True)
class Target:
    """What a [[id]] link needs to know about the entity it points to."""

    title: str
    href: str
    type: str
    citation: int | None = None      # number of a source in the page's citation list
    citation_href: str | None = None  # where that number points (the owner's source list)


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
        anchor = etree.Element("a", {"href": target.href, "class": f"ref ref-{target.type}"})
        anchor.text = (text or target.title).strip()
        return anchor, m.start(0), m.end(0)


_local = threading.local()


def _converter() -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(extensions=["tables", "sane_lists", "smarty"], output_format="html")
        # Priority above Python-Markdown's own link pattern (160) so [[...]] is ours.
        md.inlinePatterns.register(_WikiLinkProcessor(md), "wikilink", 175)
        speed_up_inline(md)
        _local.md = md
    return md


def render_markdown(text: str, resolve: Resolver, inline: bool = False) -> Markup:
    """Render Markdown to HTML; `inline` drops the wrapping <p> of a one-paragraph text."""
    md = _converter()
    md.resolve = resolve
    html = md.reset().convert(text)
    if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)
