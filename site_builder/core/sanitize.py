"""Sanitise HTML made from Markdown: the safety net between editors' text and readers.

An explicit allow-list (nh3): the tags Python-Markdown produces and our [[id]] links
use, with ids and classes kept so citations, footnotes and heading anchors work.
Only https, mailto and relative URLs survive. Knows nothing about Markdown or pages;
the validator (contentlint.py) reports what this module would remove.
"""
from __future__ import annotations

import re
from typing import Any

import nh3
from markupsafe import Markup, escape

URL_SCHEMES = frozenset({"https", "mailto"})

TAGS = frozenset({
    "a", "abbr", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "img", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
})

# ids and classes carry citation, footnote and heading anchors; nothing here can run code.
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang"},
    "a": {"href", "aria-describedby"},   # a glossary term's link names its definition (markup.py)
    "span": {"role"},                     # that definition: role="tooltip"
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"style"},
    "th": {"style"},
}

# Python-Markdown's tables write alignment as style="text-align: …"; nothing else is kept.
STYLE_PROPERTIES = frozenset({"text-align"})

# Removed together with their content (the rest lose the tag and keep their text).
DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript",
                               "textarea", "title", "svg", "math"})

_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f]")


def url_allowed(url: str) -> bool:
    """Tell whether a URL survives: https, mailto or relative to this site (as a browser would read it)."""
    # Browsers drop tabs and newlines anywhere and control characters at the ends,
    # so 'jav\tascript:' is javascript:. Read the scheme the same way.
    # They also read '\\' as '/' in http(s) URLs, so '//evil.example', '\\\\evil.example' and
    # '/\\evil.example' all lead to another host (issue 21 #11): not relative links.
    visible = _INVISIBLE_RE.sub("", url)
    if visible.replace("\\", "/").startswith("//"):
        return False
    match = _SCHEME_RE.match(visible)
    return match is None or match.group(1).lower() in URL_SCHEMES


def _keep_safe_urls(tag: str, attribute: str, value: str) -> str | None:
    # nh3 reads 'java    script:' (Markdown turned a tab into spaces) as a relative URL,
    # which is harmless in browsers; we drop it anyway, reading schemes as url_allowed does.
    if attribute in ("href", "src") and not url_allowed(value):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(TAGS), clean_content_tags=set(DROP_WITH_CONTENT),
    attributes={k: set(v) for k, v in ATTRIBUTES.items()}, attribute_filter=_keep_safe_urls,
    url_schemes=set(URL_SCHEMES), link_rel=None, strip_comments=True,
    filter_style_properties=set(STYLE_PROPERTIES),
)


def escape_text(value: Any) -> str:
    """Return markupsafe.escape(value), without making a Markup object of a plain str (or a
    copy of a Markup): rendering a large site escapes millions of strings."""
    if type(value) is str:
        return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace('"', "&#34;").replace("'", "&#39;"))
    if type(value) is Markup:  # already safe: escape() would only copy it
        return value
    return escape(value)


def sanitize(html: str) -> str:
    """Return html with everything outside the allow-list removed."""
    return _CLEANER.clean(html)
