"""Draw the who-met-whom-about-what graph as a static SVG at build time.

Layout: three columns, people | meetings | issues (the types whose `graph` role is
attendee, hub or topic; the hubs' attendees and topics fields are the edges). Meetings keep their time order;
people and issues sit at the mean height of the meetings they connect to (the
barycentre heuristic of layered graph drawing), pushed apart just enough not to
overlap. This was chosen over a force-directed layout after trying both on the real
content and on synthetic sites of hundreds of entities (scripts/compare_graph_layouts.py):
columns stay readable and deterministic at any size, where forces made a hairball.

Works on views (plain data) and returns Markup; knows nothing about Jinja or files.
"""
from __future__ import annotations

import bisect
import functools
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from markupsafe import Markup, escape

from ..core.sanitize import escape_text
from ..model.schema import CONTENT_TYPES, GRAPH_COLUMNS, GRAPH_HUB, ContentType

LEFT, HUBS, RIGHT = range(3)    # the columns: attendees (people) | hubs (meetings) | topics (issues)
COLUMN_W = (230, 270, 230)      # widest each column may be (labels wrap to fit)
GAP = 60                        # room for the edges between columns
CHAR_W = 7.2                    # average width of a 13px system-font character, for sizing columns
ROW = 58                        # vertical room per node: three lines of label
PAD = 12
TOP = 34                        # room for the column headings
WRAP = (28, 34, 28)             # characters per label line, by column
MAX_MEETINGS = 12               # a neighbourhood graph shows at most this many meetings
MAX_SITE_HUBS = 150             # the site-wide graph draws at most this many (those of the most connected)


@dataclass(frozen=True, slots=True)
class Plan:
    """What the content types declare for the graph: each type's column, the fields of a hub
    that are its edges, the field a node shows on hover, and the column headings."""

    columns: dict[str, int]
    hub_fields: dict[str, tuple[str | None, str | None]]   # each hub type's (attendees, topics)
    notes: dict[str, str]
    headings: tuple[str, ...]
    day: Callable[[Any], str] | None = field(default=None, compare=False, repr=False)   # a hub's date, else English


def plan(types: Iterable[ContentType], words: Callable[[str], str] = str) -> Plan:
    """Return the graph's plan from the types' `graph`, `attendees`, `topics` and `graph_note`
    (column headings in the site's language, by `words`)."""
    placed = [t for t in types if t.graph]
    columns = {t.name: GRAPH_COLUMNS.index(t.graph) for t in placed}
    hub_fields = {t.name: (t.attendees, t.topics) for t in placed if t.graph == GRAPH_HUB}
    headings = tuple(words(" and ").join(words(t.plural) for t in placed if columns[t.name] == c)
                     for c in range(len(GRAPH_COLUMNS)))
    return Plan(columns, hub_fields, {t.name: t.graph_note for t in placed if t.graph_note}, headings,
                getattr(words, "day", None))


DEFAULT_PLAN = plan(CONTENT_TYPES)


@dataclass(frozen=True, slots=True)
class Node:
    """One box or dot of the graph: a person, meeting or issue, with its link and column."""

    id: str
    kind: str
    label: str
    sub: str
    href: str
    column: int = HUBS


@dataclass(frozen=True, slots=True)
class Graph:
    """Nodes in display order per column, and meeting-to-person / meeting-to-issue edges."""

    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]
    shown_meetings: int = 0
    total_meetings: int = 0
    headings: tuple[str, ...] = DEFAULT_PLAN.headings


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each node sits (its top-left) and the size of the drawing."""

    positions: dict[str, tuple[float, float]]
    width: float
    height: float
    columns: tuple[tuple[float, float], ...]   # (left edge, width) of people, meetings, issues


def _node(view: dict[str, Any], the_plan: Plan) -> Node:
    kind = view["type"]
    column = the_plan.columns[kind]
    if column == HUBS:
        date = view["when"]["date"] if view.get("when") else None
        sub = (the_plan.day(date) if the_plan.day else f"{date.day} {date:%B %Y}") if date else ""
    else:
        note = the_plan.notes.get(kind)
        sub = (view.get(note) or "") if note else ""
    return Node(view["id"], kind, view["title"], sub, view["href"], column)


def relationship_graph(meetings: list[dict[str, Any]], the_plan: Plan = DEFAULT_PLAN,
                       loose: Iterable[dict[str, Any]] = ()) -> Graph:
    """Return the graph of the given hub (meeting) views in time order, their people and issues,
    and the `loose` views (people or issues in no meeting) as nodes without edges."""
    nodes: dict[str, Node] = {}
    edges: list[tuple[str, str]] = []
    for meeting in meetings:
        meeting_id = meeting["id"]
        if meeting_id not in nodes:
            nodes[meeting_id] = _node(meeting, the_plan)
        for name in the_plan.hub_fields[meeting["type"]]:
            for other in (meeting.get(name) or ()) if name else ():
                other_id = other["id"]
                if other_id not in nodes:  # a person in many meetings is one node
                    nodes[other_id] = _node(other, the_plan)
                edges.append((meeting_id, other_id))
    for view in loose:
        if view["id"] not in nodes and view["type"] in the_plan.columns:
            nodes[view["id"]] = _node(view, the_plan)
    ordered = tuple(sorted(nodes.values(), key=lambda n: n.column))
    return Graph(ordered, tuple(edges), len(meetings), len(meetings), the_plan.headings)


def most_connected(meetings: list[dict[str, Any]], the_plan: Plan = DEFAULT_PLAN,
                   limit: int = MAX_SITE_HUBS) -> list[dict[str, Any]]:
    """Return at most `limit` of the hubs (in their order): those whose people and issues are the
    most connected, so that the site-wide graph of a large site stays readable (and under 1 MB)."""
    if len(meetings) <= limit:
        return meetings
    def ends(m: dict[str, Any]) -> list[str]:
        return [v["id"] for name in the_plan.hub_fields[m["type"]] if name for v in m.get(name) or ()]
    degree: dict[str, int] = {}
    for m in meetings:
        for other in ends(m):
            degree[other] = degree.get(other, 0) + 1
    score = {m["id"]: sum(degree[o] for o in ends(m)) for m in meetings}
    chosen = set(sorted(score, key=lambda i: (-score[i], i))[:limit])
    return [m for m in meetings if m["id"] in chosen]


def neighbourhood(meetings_of: list[dict[str, Any]], the_plan: Plan = DEFAULT_PLAN) -> Graph:
    """Return the graph around one entity from its meetings (the latest few) and their people and issues."""
    chosen = meetings_of[-MAX_MEETINGS:]
    graph = relationship_graph(chosen, the_plan)
    return Graph(graph.nodes, graph.edges, len(chosen), len(meetings_of), graph.headings)


def _columns(graph: Graph) -> tuple[tuple[float, float], ...]:
    """Return each column's left edge and width: as wide as its longest wrapped label needs."""
    longest: list[int | None] = [None] * len(GRAPH_COLUMNS)
    for n in graph.nodes:
        length = max(map(len, _lines(n.label, n.column)))
        if longest[n.column] is None or length > longest[n.column]:
            longest[n.column] = length
    columns, left = [], float(PAD)
    for index, most in enumerate(longest):
        width = min(COLUMN_W[index], round((8 if most is None else most) * CHAR_W) + 26)
        columns.append((left, width))
        left += width + GAP
    return tuple(columns)


def layout(graph: Graph) -> Layout:
    """Place meetings in order and people and issues at the barycentre of their meetings."""
    columns = _columns(graph)
    positions: dict[str, tuple[float, float]] = {}
    meetings = [n for n in graph.nodes if n.column == HUBS]
    for row, node in enumerate(meetings):
        positions[node.id] = (columns[HUBS][0], TOP + row * ROW)
    heights: dict[str, list[float]] = {}   # of the meetings of each person and issue
    for meeting, other in graph.edges:
        heights.setdefault(other, []).append(positions[meeting][1])
    for column in (LEFT, RIGHT):
        neighbours = {n.id: sorted(heights.get(n.id, ())) for n in graph.nodes if n.column == column}
        targets = {i: sum(ys) / len(ys) if ys else TOP for i, ys in neighbours.items()}
        order = sorted(targets, key=lambda i: (targets[i], i))
        floor = TOP - ROW
        for node_id in _fewer_crossings(order, neighbours):
            y = max(targets[node_id], floor + ROW)
            positions[node_id] = (columns[column][0], y)
            floor = y
    height = max((y for _, y in positions.values()), default=0) + ROW + PAD
    return Layout(positions, columns[RIGHT][0] + columns[RIGHT][1] + PAD, height, columns)


def _crossings(upper: list[float], lower: list[float]) -> int:
    """Count crossings between the edges of two neighbouring nodes when `upper` sits above:
    the pairs with a in upper below b in lower (both lists sorted)."""
    return sum(len(upper) - bisect.bisect_right(upper, b) for b in lower)


def _fewer_crossings(order: list[str], neighbours: dict[str, list[float]], passes: int = 8) -> list[str]:
    """Swap neighbouring nodes while that removes crossings (the adjacent-exchange heuristic)."""
    order = list(order)
    for _ in range(passes):
        swapped = False
        for i in range(len(order) - 1):
            upper, lower = neighbours[order[i]], neighbours[order[i + 1]]
            if not upper or not lower or upper[-1] <= lower[0]:
                continue  # no edges cross: nothing to gain
            if _crossings(lower, upper) < _crossings(upper, lower):
                order[i], order[i + 1] = order[i + 1], order[i]
                swapped = True
        if not swapped:
            break
    return order


@functools.lru_cache(maxsize=65536)  # one label appears in many graphs
def _lines(text: str, column: int) -> tuple[str, ...]:
    lines = textwrap.wrap(text, WRAP[column]) or [""]
    if len(lines) > 3:   # longer than any title the content has: the link's <title> has it whole
        lines = [*lines[:2], textwrap.shorten(" ".join(lines[2:]), WRAP[column], placeholder="…")]
    return tuple(lines)


def _edges(graph: Graph, graph_layout: Layout, middles: dict[str, str], focus: str | None) -> list[str]:
    """Return a curve per edge from a person's dot to its meeting's box, or from the box to an issue's dot;
    `middles` is the y, formatted, of the middle of each node."""
    positions, columns = graph_layout.positions, graph_layout.columns
    left = {n.id for n in graph.nodes if n.column == LEFT}
    # The formatted x1, mid and x2 of the edges between two columns: the same for all of them.
    ends: dict[tuple[float, float, bool], tuple[str, str, str]] = {}
    paths = []
    for meeting, other in graph.edges:
        person = other in left
        key = (positions[meeting][0], positions[other][0], person)
        if key not in ends:
            mx, ox = key[0], key[1]
            x1, x2 = (ox + columns[LEFT][1], mx) if person else (mx + columns[HUBS][1], ox)
            ends[key] = (f"{x1:.0f}", f"{(x1 + x2) / 2:.0f}", f"{x2:.0f}")
        x1, mid, x2 = ends[key]
        y1, y2 = (middles[other], middles[meeting]) if person else (middles[meeting], middles[other])
        marked = ' class="g-hl"' if focus in (meeting, other) else ""   # the rest are styled by their <g>
        paths.append(f'<path{marked} d="M{x1} {y1}C{mid} {y1} {mid} {y2} {x2} {y2}"/>')
    return paths


def _node_svg(node: Node, graph_layout: Layout, middle: str, focus: str | None) -> str:
    x, y = graph_layout.positions[node.id]
    column = node.column
    width = graph_layout.columns[column][1]
    lines = _lines(node.label, column)
    focused = " g-focus" if node.id == focus else ""
    svg = f'<a href="{escape_text(node.href)}" class="g-node g-{node.kind}{focused}">'
    if node.sub:  # shown on hover; role of a person, date of a meeting
        svg += f"<title>{escape_text(node.label)}, {escape_text(node.sub)}</title>"
    elif len(lines) > 1 and lines[-1].endswith("…"):
        svg += f"<title>{escape_text(node.label)}</title>"
    if column == HUBS:
        anchor, tx = "", x + 10
        svg += f'<rect x="{x:.0f}" y="{y:.0f}" width="{width}" height="{ROW - 8}" rx="5"/>'
    else:
        # Labels start at x (SVG's default); on the left they end at x.
        anchor, tx = (' text-anchor="end"', x + width - 12) if column == LEFT else ("", x + 12)
        cx = x + width if column == LEFT else x
        # An invisible box over the dot and the label: a target as tall as a meeting's (WCAG 2.5.8).
        svg += (f'<rect class="g-hit" x="{x - 6:.0f}" y="{y:.0f}" width="{width + 12}" height="{ROW - 8}"/>'
                f'<circle cx="{cx:.0f}" cy="{middle}" r="5"/>')
    first = y + (ROW - 8) / 2 + 4 - 7.5 * (len(lines) - 1)
    for i, line in enumerate(lines):
        svg += f'<text x="{tx:.0f}" y="{first + i * 15:.0f}"{anchor}>{escape_text(line)}</text>'
    return svg + "</a>"


def render_svg(graph: Graph, label: str, focus: str | None = None, title_id: str = "graph-title") -> Markup:
    """Return the graph as inline SVG: every node a link, the focused one and its edges marked."""
    where = layout(graph)
    middles = {node_id: f"{y + ROW / 2 - 4:.0f}" for node_id, (_, y) in where.positions.items()}
    out = [f'<svg class="graph-svg" xmlns="http://www.w3.org/2000/svg" width="{where.width:.0f}" '
           f'height="{where.height:.0f}" viewBox="0 0 {where.width:.0f} {where.height:.0f}" '
           f'aria-labelledby="{title_id}"><title id="{title_id}">{escape(label)}</title>']
    out.extend(f'<text class="g-head" x="{x}" y="16" aria-hidden="true">{name}</text>'
               for (x, _), name in zip(where.columns, graph.headings))
    out.append('<g class="g-edges" aria-hidden="true">')
    out.extend(_edges(graph, where, middles, focus))
    out.append("</g>")
    out.extend([_node_svg(node, where, middles[node.id], focus) for node in graph.nodes])
    out.append("</svg>")
    return Markup("".join(out))


class DrawnSvg:
    """The SVG of the graph of some meetings (views), drawn each time a template prints it
    (via __html__): the neighbourhood of `focus` (its latest meetings), or without a
    focus the whole graph of every meeting given.

    Holding ten thousand drawings in memory costs more than drawing each one on the
    one page that shows it. The repr names the graph, not its drawing: the page cache
    sees what the drawing depends on as the views the page read while drawing it, so
    a renamed person re-renders the pages that show them, not every page.
    """

    __slots__ = ("hubs", "label", "focus", "plan", "loose")

    def __init__(self, hubs: list[dict[str, Any]], label: str, focus: str | None = None,
                 the_plan: Plan = DEFAULT_PLAN, loose: tuple[dict[str, Any], ...] = ()):
        self.hubs, self.label, self.focus, self.plan, self.loose = hubs, label, focus, the_plan, loose

    def __html__(self) -> str:
        if self.focus is None:
            return render_svg(relationship_graph(self.hubs, self.plan, self.loose), self.label)
        return render_svg(neighbourhood(self.hubs, self.plan), self.label, focus=self.focus)

    def __str__(self) -> str:
        return self.__html__()

    def __repr__(self) -> str:
        return f"<DrawnSvg {self.focus}: {self.label!r}>"
