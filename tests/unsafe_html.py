"""Find what must never reach a reader in built HTML: scripts, event handlers, javascript:
URLs, <base> and <meta http-equiv>. Pages are parsed, never grepped."""
from __future__ import annotations

import json
import re
from pathlib import Path

from bs4 import BeautifulSoup

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "srcset")
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f]")


def findings(html: str) -> set[str]:
    """Return a description of every unsafe construct in one HTML document."""
    soup = BeautifulSoup(html, "html.parser")
    found = set()
    for tag in soup.find_all(True):
        if tag.name == "script" and _is_json_data_block(tag):
            continue
        if tag.name in ("script", "base", "iframe", "object", "embed", "frame", "frameset"):
            found.add(f"<{tag.name}> {sorted(tag.attrs.items())} {tag.string!r}")
        if tag.name == "meta" and tag.has_attr("http-equiv"):
            found.add(f"<meta http-equiv={tag['http-equiv']!r}>")
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                found.add(f"<{tag.name} {name}=...>")
            if name.lower() in URL_ATTRIBUTES and _INVISIBLE_RE.sub("", text).lower().startswith(
                    ("javascript:", "vbscript:", "data:")):
                found.add(f"<{tag.name} {name}={text!r}>")
    return found


def _is_json_data_block(tag) -> bool:
    """A JSON-LD block never runs: it is safe when it holds valid JSON and only that."""
    if tag.get("type") != "application/ld+json" or set(tag.attrs) != {"type"}:
        return False
    try:
        json.loads(tag.string or "")
    except ValueError:
        return False
    return True


def site_findings(out: Path) -> set[str]:
    """Return every unsafe construct in every HTML file below out, with the file it is in."""
    return {f"{path.relative_to(out)}: {item}" for path in sorted(out.rglob("*.html"))
            for item in findings(path.read_text(encoding="utf-8"))}
