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
from markdown.treeprocessors import InlineProcessor as InlineTreeprocessor
from markdown.util import AtomicString
from markupsafe import Markup

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
        _speed_up_inline(md)
        _local.md = md
    return md


class _FastInlineProcessor(InlineTreeprocessor):
    """Python-Markdown's inline pass, minus the work that cannot change its result.

    The stock pass looks each pattern up in a Registry and calls __applyPattern for
    every (text, pattern) pair; most patterns cannot match, and __applyPattern then
    returns the text unchanged. Here the patterns are a plain list and a pattern whose
    own regular expression finds nothing from startIndex on is skipped at once: the
    same result, about 30% less Markdown time (issue 7; tests/test_markup_speed.py).
    """

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        if isinstance(data, AtomicString):
            return data
        patterns, regexes = self._fast_patterns
        apply = self._InlineProcessor__applyPattern
        start, count = 0, len(patterns)
        while patternIndex < count:
            regex = regexes[patternIndex]
            if regex is not None and regex.search(data, start) is None:
                patternIndex, start = patternIndex + 1, 0   # what __applyPattern returns on no match
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


def _speed_up_inline(md: markdown.Markdown) -> None:
    for processor in md.treeprocessors:
        if type(processor) is InlineTreeprocessor and hasattr(processor, "_InlineProcessor__applyPattern"):
            processor.__class__ = _FastInlineProcessor
            processor.inlinePatterns = list(processor.inlinePatterns)
            processor._fast_patterns = (processor.inlinePatterns,
                                        [p.getCompiledRegExp() if isinstance(p, InlineProcessor) else None
                                         for p in processor.inlinePatterns])


def render_markdown(text: str, resolve: Resolver, inline: bool = False) -> Markup:
    """Render Markdown to HTML; `inline` drops the wrapping <p> of a one-paragraph text."""
    md = _converter()
    md.resolve = resolve
    html = md.reset().convert(text)
    if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)
