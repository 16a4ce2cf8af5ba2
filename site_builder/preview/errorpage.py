"""Show build problems in the browser, for editors: one card per problem, laid over the
last good page, or a whole page when there is no good build yet.

Each card names the file (a link that opens it in VS Code at the line), quotes the
offending line with two lines around it and a marker under the column, says what is
wrong in plain words ("the second participant", not `participants[1]`) and how to fix
it. Warnings and what drafts still lack sit in a quieter section below. "Show it"
folds the cards into an "out of date" banner over the last good page.

Every text is HTML-escaped, since messages and excerpts quote the editor's own text.
Knows nothing about HTTP, livereload or building; the caller passes the script tag
that keeps the page live. Files are read only to quote them (`read` can be replaced).
"""
from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import quote

from ..model.errors import SiteError, plain_field
from ..model.schema import CONTENT_TYPES, SITE

OVERLAY_ID = "site-builder-errors"
CONTEXT_LINES = 2
MAX_LINE_CHARS = 200

Reader = Callable[[str], "list[str] | None"]

_STYLE = """
.sb-overlay{position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1.5rem 1rem;
  background:rgba(32,33,36,.92)}
.sb{color:#202124;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;text-align:left}
.sb *{box-sizing:border-box}
.sb .sb-wrap{max-width:52rem;margin:0 auto}
.sb .sb-head{background:#fff;border-radius:8px;padding:1rem 1.25rem;margin-bottom:1rem;border-top:6px solid #c5221f}
.sb h2{margin:0 0 .25rem;font-size:1.35rem;color:#a50e0e}
.sb .sb-head p{margin:.25rem 0}
.sb button{font:inherit;font-size:.95rem;padding:.35rem .9rem;border-radius:6px;border:1px solid #5f6368;
  background:#fff;color:#202124;cursor:pointer;min-height:44px}
.sb .sb-card{background:#fff;border-radius:8px;padding:1rem 1.25rem;margin:0 0 1rem;border-left:6px solid #c5221f}
.sb .sb-card h3{margin:0 0 .35rem;font-size:1.1rem;line-height:1.35;overflow-wrap:anywhere}
.sb .sb-file{margin:0 0 .5rem;font-size:.95rem;overflow-wrap:anywhere}
.sb .sb-file a{color:#1a56c4}
.sb pre{margin:.5rem 0;padding:.6rem .75rem;background:#f6f7f9;border:1px solid #dadce0;border-radius:6px;
  overflow-x:auto;font:14px/1.45 ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;white-space:pre}
.sb pre .sb-bad{background:#fce8e6;font-weight:600}
.sb pre .sb-mark{color:#c5221f;font-weight:700}
.sb .sb-hint{margin:.5rem 0 0;padding:.5rem .75rem;background:#e6f4ea;border-radius:6px;overflow-wrap:anywhere}
.sb .sb-hint code{font:14px/1.45 ui-monospace,Menlo,Consolas,monospace;background:#fff;padding:0 .2rem}
.sb .sb-quiet h2{color:#e8eaed;font-size:1.1rem;margin:1.5rem 0 .5rem}
.sb-notes .sb-quiet h2{color:#3c4043}
.sb .sb-quiet .sb-card{background:#f1f3f4;border-left-color:#80868b;padding:.6rem 1rem;font-size:.95rem}
.sb .sb-quiet .sb-card h3{font-size:1rem;font-weight:600}
.sb .sb-tech{color:#5f6368;font-size:.8rem;margin:.5rem 0 0;overflow-wrap:anywhere}
.sb .sb-banner{display:none}
.sb-overlay.sb-folded{inset:0 0 auto 0;padding:0;background:none;overflow:visible}
.sb-folded .sb-wrap{display:none}
.sb-folded .sb-banner{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:center;
  padding:.5rem 1rem;background:#a50e0e;color:#fff;font-weight:600;box-shadow:0 2px 6px rgba(0,0,0,.3)}
.sb-notes{position:fixed;right:.5rem;bottom:.5rem;z-index:2147483646;max-width:min(40rem,calc(100vw - 1rem));
  max-height:80vh;overflow:auto;background:#e8eaed;border:1px solid #80868b;border-radius:8px;padding:.25rem .75rem}
.sb-notes summary{cursor:pointer;min-height:32px;padding-top:.25rem}
@media (max-width:480px){.sb-overlay{padding:.75rem .5rem}
  .sb .sb-card,.sb .sb-head{padding:.75rem}
  .sb pre{font-size:12px}}
"""

_FOLD = ("var o=document.getElementById('" + OVERLAY_ID + "');"
         "o.classList.toggle('sb-folded');o.setAttribute('role',o.classList.contains('sb-folded')?'status':'alert')")

ITEMS = {f.name: f.item for t in (*CONTENT_TYPES, SITE) for f in t.fields if f.item}   # one item, in words


def read_lines(path: str) -> list[str] | None:
    """Return the lines of a file to quote, or None when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None


def editor_link(path: str, line: int = 0, col: int = 0) -> str:
    """Return a vscode://file/ link that opens path at line and column."""
    where = quote(str(Path(path).absolute()).replace("\\", "/"), safe="/:")
    if not where.startswith("/"):
        where = "/" + where
    return f"vscode://file{where}" + (f":{line}:{col or 1}" if line else "")


def excerpt(lines: list[str], line: int, col: int) -> str:
    """Return HTML for the line with CONTEXT_LINES around it, numbered, and a ^ under the column."""
    if not 1 <= line <= len(lines):
        return ""
    first, last = max(1, line - CONTEXT_LINES), min(len(lines), line + CONTEXT_LINES)
    width = len(str(last))
    out = []
    for number in range(first, last + 1):
        text = lines[number - 1].replace("\t", "→")[:MAX_LINE_CHARS]
        row = f"{number:>{width}} │ {text}"
        if number == line:
            out.append(f'<span class="sb-bad">{escape(row)}</span>')
            if col:
                marker = " " * (width + 3 + min(col, MAX_LINE_CHARS) - 1) + "^"
                out.append(f'<span class="sb-mark" aria-hidden="true">{marker}</span>')
        else:
            out.append(escape(row))
    return "<pre>" + "\n".join(out) + "</pre>"


def _hint_html(hint: str) -> str:
    # A hint that ends in the corrected text ("…: location: Beijing") shows that text as code.
    advice, sep, fix = hint.partition(": ")
    if sep and (":" in fix or fix.startswith(("-", "[", '"', "'"))) and len(advice) < 80:
        return f"{escape(advice[:1].upper() + advice[1:])}: <code>{escape(fix)}</code>"
    return escape(hint[:1].upper() + hint[1:])


def card(problem: SiteError, read: Reader = read_lines) -> str:
    """Return one problem as a card: what, where (linked), the lines around it, how to fix it."""
    where = problem.location
    what = plain_field(problem.field, ITEMS)
    title = f"{what[:1].upper() + what[1:]}: {problem.message}" if what else \
        problem.message[:1].upper() + problem.message[1:]
    place = escape(where.path) + (f", line {where.line}" if where.line else "")
    quoted = excerpt(read(where.path) or [], where.line, where.col) if where.line else ""
    return ('<section class="sb-card">'
            f"<h3>{escape(title)}</h3>"
            f'<p class="sb-file">In <a href="{escape(editor_link(where.path, where.line, where.col))}" '
            f'title="Open in VS Code">{place}</a></p>'
            f"{quoted}"
            + (f'<p class="sb-hint"><strong>How to fix:</strong> {_hint_html(problem.hint)}</p>' if problem.hint else "")
            + f'<p class="sb-tech">{escape(str(problem))}</p></section>')


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _heading(problems: list[SiteError]) -> str:
    return f"Build failed: {_count(len(problems), 'problem')}"


def _quiet(warnings: list[SiteError], read: Reader) -> str:
    plain = [w for w in warnings if not w.draft and not w.stale]
    drafts = [w for w in warnings if w.draft]
    stale = [w for w in warnings if w.stale]
    out = ""
    if plain:
        out += ('<div class="sb-quiet"><h2>' + _count(len(plain), "warning")
                + " (the site builds, but the checks before publishing fail)</h2>"
                + "".join(card(w, read) for w in plain) + "</div>")
    if drafts:
        out += ('<div class="sb-quiet"><h2>Drafts: what they still lack</h2>'
                + "".join(card(w, read) for w in drafts) + "</div>")
    if stale:   # the English is published meanwhile: these fail no check
        out += ('<div class="sb-quiet"><h2>Translations behind their English (<code>python build.py check</code> '
                "shows what changed)</h2>" + "".join(card(w, read) for w in stale) + "</div>")
    return out


def overlay(problems: Iterable[SiteError], warnings: Iterable[SiteError] = (), read: Reader = read_lines,
            first_build: bool = False) -> str:
    """Return a full-window box of problem cards, to lay over the last good page
    (or, with first_build, to fill a page when nothing has built yet)."""
    problems, warnings = list(problems), list(warnings)
    if first_build:
        intro = ("<p>There is nothing to show yet: the site has not built once. "
                 "Fix the problems below and save; this page reloads by itself.</p>")
        fold = ""
    else:
        intro = ("<p>Fix the problems below and save: this page reloads by itself. "
                 "Underneath is the last version that built, which is now out of date.</p>")
        fold = f'<p><button type="button" onclick="{_FOLD}">Show it</button></p>'
    banner = ('<div class="sb-banner"><span>Out of date: fix the '
              + _count(len(problems), "problem") + ' first</span>'
              f'<button type="button" onclick="{_FOLD}">Show the problems</button></div>') if not first_build else ""
    return (f'<div id="{OVERLAY_ID}" class="sb sb-overlay" role="alert"><style>{_STYLE}</style>{banner}'
            '<div class="sb-wrap">'
            f'<div class="sb-head"><h2>{_heading(problems)}</h2>{intro}{fold}</div>'
            + "".join(card(p, read) for p in problems) + _quiet(warnings, read) + "</div></div>")


def warnings_panel(warnings: Iterable[SiteError], read: Reader = read_lines) -> str:
    """Return a small folded note for a good build that has warnings: they show on request."""
    warnings = list(warnings)
    if not warnings:
        return ""
    plain = sum(not w.draft and not w.stale for w in warnings)
    drafts = len({w.location.path for w in warnings if w.draft})
    stale = sum(w.stale for w in warnings)
    parts = ([_count(plain, "warning")] if plain else []) + ([_count(drafts, "draft")] if drafts else []) \
        + ([_count(stale, "stale translation")] if stale else [])
    return (f'<details id="{OVERLAY_ID}-notes" class="sb sb-notes"><style>{_STYLE}</style>'
            f'<summary>{", ".join(parts)}</summary><div class="sb-wrap">{_quiet(warnings, read)}</div></details>')


def error_page(problems: Iterable[SiteError], script: str = "", warnings: Iterable[SiteError] = (),
               read: Reader = read_lines) -> str:
    """Return a whole HTML page of problem cards, for when there is no good build to show."""
    problems = list(problems)
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_heading(problems)}</title>{script}</head>"
            f"<body>{overlay(problems, warnings, read, first_build=True)}</body></html>")


def inject(html: bytes, snippet: str) -> bytes:
    """Insert snippet just before </body> (or at the end when a page has none)."""
    data = snippet.encode("utf-8")
    at = html.lower().rfind(b"</body>")
    return html + data if at < 0 else html[:at] + data + html[at:]
