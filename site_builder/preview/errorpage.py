"""Show build problems in the browser: an overlay on the last good page, or a whole error page.

Every problem is printed exactly as the terminal shows it (`path:line:col: field:
message (hint)`) and HTML-escaped, since messages quote the editor's own text.
Knows nothing about HTTP, livereload or building; the caller passes the script tag
that keeps the page live.
"""
from __future__ import annotations

from html import escape
from typing import Iterable

from ..model.errors import SiteError

OVERLAY_ID = "site-builder-errors"

_BOX = ("position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;"
        "background:#1d0707;color:#fff;font:16px/1.5 system-ui,sans-serif")
_CODE = "font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap;word-break:break-word"


def problem_list(problems: Iterable[SiteError]) -> str:
    """Return an ordered list of the problems as HTML, one <li> each."""
    items = "".join(f'<li><code style="{_CODE}">{escape(str(problem))}</code></li>' for problem in problems)
    return f'<ol style="padding-left:1.5rem">{items}</ol>'


def _heading(problems: list[SiteError]) -> str:
    count = len(problems)
    return f"Build failed: {count} problem{'s' if count != 1 else ''}"


def overlay(problems: Iterable[SiteError]) -> str:
    """Return a full-window box listing the problems, to lay over the last good page."""
    problems = list(problems)
    return (f'<div id="{OVERLAY_ID}" role="alert" style="{_BOX}">'
            f'<h2 style="margin-top:0;color:#ff8a80">{_heading(problems)}</h2>'
            "<p>Fix these files and save: this page reloads by itself. "
            "Underneath is the last good build "
            '<button type="button" onclick="this.closest(\'[role=alert]\').remove()">show it</button></p>'
            f"{problem_list(problems)}</div>")


def error_page(problems: Iterable[SiteError], script: str = "") -> str:
    """Return a whole HTML page listing the problems, for when there is no good build to show."""
    problems = list(problems)
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{_heading(problems)}</title>{script}</head>"
            f"<body>{overlay(problems)}</body></html>")


def inject(html: bytes, snippet: str) -> bytes:
    """Insert snippet just before </body> (or at the end when a page has none)."""
    data = snippet.encode("utf-8")
    at = html.lower().rfind(b"</body>")
    return html + data if at < 0 else html[:at] + data + html[at:]
