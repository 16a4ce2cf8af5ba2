"""Compare two layouts of the relationship graph on the real content and on synthetic sites.

    .venv/bin/python scripts/compare_graph_layouts.py [--sizes 40 150 300]

Layered: site_builder.graph.layout (people | meetings in time order | issues, barycentre).
Force:   a seeded Fruchterman-Reingold spring layout of the same nodes, scaled to the same area.

For each it prints edge crossings (edges drawn as straight lines), pairs of overlapping
labels, the drawing's size and the seconds taken. Fewer crossings and no overlaps mean a
more readable picture. This is a benchmark script, not a test.
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from site_builder import graph  # noqa: E402
from site_builder.pipeline import load_site  # noqa: E402
from site_builder.views import build_views  # noqa: E402

LABEL_H = 30
CHAR_W = 7


def real_meetings() -> list[dict]:
    site, settings, _ = load_site(Path("content"))
    views = build_views(site, settings, site.settings["base_url"])
    return [views[m.id] for m in site.by_type["meeting"]]


def synthetic_meetings(count: int, seed: int = 7, clustered: bool = False) -> list[dict]:
    """Meetings of a made-up site: ~count/2 people, ~count/5 issues, 2-4 people and 1-3 issues each.

    Random: anyone meets anyone about anything (the worst case). Clustered: like real trips,
    a meeting's people and issues are drawn from those active around the same time."""
    rng = random.Random(seed)
    people = [{"id": f"p{i}", "type": "person", "title": f"Person number {i}", "href": "#", "role": "Official"}
              for i in range(max(4, count // 2))]
    issues = [{"id": f"i{i}", "type": "issue", "title": f"Issue number {i} on a topic", "href": "#"}
              for i in range(max(3, count // 5))]
    start = dt.date(2024, 1, 1)
    def pool(items: list[dict], i: int) -> list[dict]:
        if not clustered:
            return items
        centre = i * len(items) // count
        return items[max(0, centre - 4): centre + 5]
    return [{"id": f"m{i}", "type": "meeting", "title": f"Meeting {i} between delegations", "href": "#",
             "when": {"date": start + dt.timedelta(days=i // 3)},
             "participants": rng.sample(pool(people, i), rng.randint(2, 4)),
             "issues": rng.sample(pool(issues, i), rng.randint(1, 3))}
            for i in range(count)]


def boxes_layered(g: graph.Graph) -> dict[str, tuple[float, float, float, float]]:
    where = graph.layout(g)
    result = {}
    for node in g.nodes:
        x, y = where.positions[node.id]
        width = where.columns[node.column][1]
        result[node.id] = (x, y, width, LABEL_H)
    return result


def boxes_force(g: graph.Graph, width: float, height: float, seed: int = 7, rounds: int = 60):
    """Fruchterman-Reingold in the given area; labels as wide as their text (capped like the SVG)."""
    rng = random.Random(seed)
    ids = [n.id for n in g.nodes]
    pos = {i: [rng.uniform(0, width), rng.uniform(0, height)] for i in ids}
    k = math.sqrt(width * height / max(1, len(ids)))
    temp = width / 10
    for _ in range(rounds):
        shift = {i: [0.0, 0.0] for i in ids}
        for a_index, a in enumerate(ids):
            ax, ay = pos[a]
            for b in ids[a_index + 1:]:
                dx, dy = ax - pos[b][0], ay - pos[b][1]
                dist = math.hypot(dx, dy) or 0.01
                push = k * k / dist
                shift[a][0] += dx / dist * push; shift[a][1] += dy / dist * push
                shift[b][0] -= dx / dist * push; shift[b][1] -= dy / dist * push
        for a, b in g.edges:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            dist = math.hypot(dx, dy) or 0.01
            pull = dist * dist / k
            shift[a][0] -= dx / dist * pull; shift[a][1] -= dy / dist * pull
            shift[b][0] += dx / dist * pull; shift[b][1] += dy / dist * pull
        for i in ids:
            length = math.hypot(*shift[i]) or 0.01
            pos[i][0] = min(width, max(0, pos[i][0] + shift[i][0] / length * min(length, temp)))
            pos[i][1] = min(height, max(0, pos[i][1] + shift[i][1] / length * min(length, temp)))
        temp *= 0.95
    labels = {n.id: min(len(n.label), 30) * CHAR_W for n in g.nodes}
    return {i: (pos[i][0], pos[i][1], labels[i], LABEL_H) for i in ids}


def _cross(p1, p2, p3, p4) -> bool:
    def orient(a, b, c):
        value = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (value > 1e-9) - (value < -1e-9)
    if {p1, p2} & {p3, p4}:
        return False  # edges that share an end do not cross
    return orient(p1, p2, p3) * orient(p1, p2, p4) < 0 and orient(p3, p4, p1) * orient(p3, p4, p2) < 0


def crossings(g: graph.Graph, boxes, layered: bool) -> int:
    def anchor(node_id: str, toward_left: bool):
        x, y, w, h = boxes[node_id]
        if not layered:
            return (round(x, 3), round(y, 3))
        return (round(x if toward_left else x + w, 3), round(y + h / 2, 3))
    kinds = {n.id: n.kind for n in g.nodes}
    segments = []
    for meeting, other in g.edges:
        if kinds[other] == "person":
            segments.append((anchor(other, False), anchor(meeting, True)))
        else:
            segments.append((anchor(meeting, False), anchor(other, True)))
    return sum(_cross(*segments[i], *segments[j]) for i in range(len(segments)) for j in range(i + 1, len(segments)))


def overlaps(boxes) -> int:
    items = sorted(boxes.values())
    count = 0
    for i, (x, y, w, h) in enumerate(items):
        for x2, y2, w2, h2 in items[i + 1:]:
            if x2 >= x + w:
                break
            if y < y2 + h2 and y2 < y + h:
                count += 1
    return count


def compare(name: str, meetings: list[dict]) -> None:
    g = graph.relationship_graph(meetings)
    started = time.perf_counter()
    layered = boxes_layered(g)
    where = graph.layout(g)
    layered_s = time.perf_counter() - started
    started = time.perf_counter()
    force = boxes_force(g, where.width, where.height)
    force_s = time.perf_counter() - started
    print(f"{name}: {len(g.nodes)} nodes, {len(g.edges)} edges, drawing {where.width:.0f}x{where.height:.0f}px")
    print(f"  layered: {crossings(g, layered, True):6d} crossings, {overlaps(layered):5d} label overlaps, {layered_s:.3f}s")
    print(f"  force:   {crossings(g, force, False):6d} crossings, {overlaps(force):5d} label overlaps, {force_s:.3f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[40, 150, 300], help="synthetic meeting counts")
    args = parser.parse_args()
    compare("real content", real_meetings())
    for size in args.sizes:
        compare(f"synthetic {size} meetings, random", synthetic_meetings(size))
        compare(f"synthetic {size} meetings, clustered in time", synthetic_meetings(size, clustered=True))


if __name__ == "__main__":
    main()
