"""Typographic quotes for plain text: titles, names and labels.

Markdown fields get curly quotes from Python-Markdown's smarty extension (core/markup.py);
plain text fields (a title, a publisher, a party's label) are never parsed as Markdown,
so their straight quotes are turned here, by the same rules: a quote at the start, after
a space, a dash, an opening bracket or another opening quote opens; any other closes,
and an apostrophe inside a word or before a decade ('90s) is a closing single quote.
"""
from __future__ import annotations

import re

# What may come before an opening quote (besides the start of the text).
_OPENERS = " \t\n\u00a0([{\u2018\u201c\u2013\u2014-/"
_DECADE_RE = re.compile(r"\d\ds\b")


def curly_quotes(text: str) -> str:
    """Return text with its straight quotes (' and ") made typographic (‘ ’ “ ”).

    >>> curly_quotes('Xi says "partners, not rivals": China\\'s view of the \\'90s')
    'Xi says “partners, not rivals”: China’s view of the ’90s'
    """
    if "'" not in text and '"' not in text:
        return text
    out = []
    for i, char in enumerate(text):
        if char != "'" and char != '"':
            out.append(char)
            continue
        after = text[i + 1: i + 2]
        opens = (not out or out[-1] in _OPENERS) and after != "" and not after.isspace()
        if char == '"':
            out.append("\u201c" if opens else "\u201d")
        elif opens and not _DECADE_RE.match(text, i + 1):
            out.append("\u2018")
        else:
            out.append("\u2019")
    return "".join(out)
