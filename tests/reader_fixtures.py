"""A small site with every page type the reader features need, for tests that must not
depend on which types the real content happens to have yet."""
from __future__ import annotations

from pathlib import Path

from site_builder import Paths, build
from site_builder.model import urls

from .conftest import MINIMAL, TEMPLATES, write_tree

# MINIMAL plus what the reader features need: a timed meeting in another zone, an event,
# a glossary term used in the text, positions and readouts with citations.
RICH = dict(MINIMAL) | {
    "meetings/talks.yaml": """
        title: Talks in Beijing
        date: 2024-04-26
        time: "09:30"
        timezone: Asia/Shanghai
        location: Beijing
        status: held
        participants: [antony-blinken, wang-yi]
        issues: [fentanyl]
        summary: Talks with [[wang-yi]] on [[precursor]] chemicals [[src-a]].
        readouts:
          United States: The US readout [[src-a]].
          China: The Chinese readout [[src-b]].
        sources: [src-a]
    """,
    "meetings/dinner.yaml": """
        title: Dinner in Shanghai
        date: 2024-04-24
        location: Shanghai
        status: held
        participants: [antony-blinken]
        summary: A dinner.
        sources: [src-a]
    """,
    "events/signing.yaml": """
        title: Aid bill signed
        date: 2024-04-24
        time: "12:00"
        timezone: America/New_York
        location: Washington
        people: [antony-blinken]
        issues: [fentanyl]
        summary: The bill became law.
        sources: [src-b]
    """,
    "issues/fentanyl.yaml": """
        title: Fentanyl
        summary: Precursor chemicals.
        positions:
          United States: China must act [[src-a]].
          China: China has acted [[src-b]].
        sources: [src-a]
    """,
    "terms/precursor.yaml": """
        term: Precursor chemical
        definition: A chemical used to *make* another, here [[fentanyl|fentanyl]] [[src-a]].
    """,
    "sources/src-b.yaml": """
        title: Another article
        publisher: Another publisher
        kind: press
        url: https://example.org/b
    """,
}


def build_rich_site(root: Path, base_url: str) -> Path:
    """Build RICH so that serving `root` shows it at base_url's path (content kept in root/_content)."""
    content = write_tree(root / "_content", RICH)
    out = root / urls.base_path(base_url).strip("/")
    build(Paths(content, TEMPLATES, out), base_url=base_url)
    return out
