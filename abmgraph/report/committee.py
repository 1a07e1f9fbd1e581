"""The buying committee as a diagram: people placed by their reporting lines.

grandalf's Sugiyama layout places each connected part of the ``REPORTS_TO``
forest (managers above their reports); the parts are set side by side,
tallest first. The result is plain geometry — boxes, edges as polylines,
and empty slots for the required roles nobody holds — which the account
page draws as SVG, so the diagram needs no script to show.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any

from grandalf.graphs import Edge, Graph, Vertex
from grandalf.layouts import SugiyamaLayout

__all__ = ["BOX_H", "BOX_W", "as_roles", "committee_diagram"]

BOX_W, BOX_H = 184, 74
GAP_X, GAP_Y = 24, 46
MARGIN = 16
SLOT_GAP = 14


def as_roles(value: Any) -> list[str]:
    """A contact's buying roles as a list, whether stored as one value, ``a;b`` text or a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [r.strip() for r in value.replace(",", ";").split(";") if r.strip()]
    if isinstance(value, Iterable):
        return [str(r).strip() for r in value if r is not None and str(r).strip()]
    return [str(value)]


class _Box:
    """The size grandalf needs of every vertex (its ``view``)."""

    def __init__(self) -> None:
        self.w, self.h = BOX_W, BOX_H
        self.xy = (0.0, 0.0)


def _power_edges(paths: Sequence[dict[str, Any]]) -> set[frozenset[str]]:
    """The pairs of people adjacent on some champion's path to power."""
    pairs: set[frozenset[str]] = set()
    for path in paths:
        steps = path.get("path") or []
        pairs.update(frozenset(p) for p in pairwise(steps))
    return pairs


def committee_diagram(
    people: Sequence[dict[str, Any]],
    missing_roles: Sequence[str],
    paths_to_power: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """Positions for the committee drawing.

    Parameters
    ----------
    people
        ``org_chart`` rows: ``contact_id``, ``parent_id`` (the manager in the
        drawn tree, None for a root), and whatever the page shows of them.
    missing_roles
        Required roles no engaged contact holds: one empty slot each.
    paths_to_power
        ``org_chart``'s paths: the edges along them are marked ``power``.

    Returns
    -------
    dict
        ``width``, ``height``, ``nodes`` (each person with ``x``, ``y``, ``w``,
        ``h`` and ``power`` when on a path to power), ``edges`` (``points``
        from manager to report, ``power``) and ``slots`` (``role``, ``x``,
        ``y``, ``w``, ``h``).
    """
    by_id = {p["contact_id"]: p for p in people}
    vertices = {c: Vertex(c) for c in by_id}
    for vertex in vertices.values():
        vertex.view = _Box()
    links = [
        (p["parent_id"], p["contact_id"])
        for p in people
        if p.get("parent_id") in vertices and p["parent_id"] != p["contact_id"]
    ]
    edges = [Edge(vertices[a], vertices[b]) for a, b in links]
    for edge in edges:
        edge.view = _Route()
    graph = Graph(list(vertices.values()), edges)

    power = _power_edges(paths_to_power)
    on_path = {c for pair in power for c in pair} | {
        p["path"][0] for p in paths_to_power if p.get("path")
    }
    nodes: list[dict[str, Any]] = []
    drawn_edges: list[dict[str, Any]] = []
    x0, height = MARGIN, 0.0
    # Bigger parts first, then by their first person's place in the org-chart order.
    order = {c: i for i, c in enumerate(by_id)}
    parts = sorted(graph.C, key=lambda g: (-len(g.sV), min(order[v.data] for v in g.sV)))
    for part in parts:
        layout = SugiyamaLayout(part)
        layout.xspace, layout.yspace = GAP_X, GAP_Y
        layout.init_all(roots=[v for v in part.sV if not v.e_in()])
        layout.draw()
        left = min(v.view.xy[0] - BOX_W / 2 for v in part.sV)
        top = min(v.view.xy[1] - BOX_H / 2 for v in part.sV)
        dx, dy = x0 - left, MARGIN - top
        right = x0
        for vertex in sorted(part.sV, key=lambda v: order[v.data]):
            cx, cy = vertex.view.xy
            x, y = cx - BOX_W / 2 + dx, cy - BOX_H / 2 + dy
            nodes.append(
                {
                    **by_id[vertex.data],
                    "x": round(x, 1),
                    "y": round(y, 1),
                    "w": BOX_W,
                    "h": BOX_H,
                    "power": vertex.data in on_path,
                }
            )
            right, height = max(right, x + BOX_W), max(height, y + BOX_H)
        # grandalf keeps edges in a set: draw them in org-chart order, the same every run.
        for edge in sorted(part.sE, key=lambda e: (order[e.v[0].data], order[e.v[1].data])):
            a, b = edge.v[0].data, edge.v[1].data
            points = [(round(px + dx, 1), round(py + dy, 1)) for px, py in edge.view.points]
            drawn_edges.append(
                {"from": a, "to": b, "points": points, "power": frozenset((a, b)) in power}
            )
        x0 = right + GAP_X * 2
    slots = []
    slot_y = height + GAP_Y if nodes else MARGIN
    for i, role in enumerate(missing_roles):
        slots.append(
            {
                "role": role,
                "x": MARGIN + i * (BOX_W + SLOT_GAP),
                "y": slot_y,
                "w": BOX_W,
                "h": BOX_H - 20,
            }
        )
    width = max(x0 - GAP_X * 2 + MARGIN, MARGIN + len(slots) * (BOX_W + SLOT_GAP), 320)
    bottom = slot_y + BOX_H - 20 if slots else height
    return {
        "width": round(width, 1),
        "height": round(bottom + MARGIN, 1),
        "nodes": nodes,
        "edges": drawn_edges,
        "slots": slots,
    }


class _Route:
    """Where grandalf writes an edge's route: the points from tail to head, box edge to box edge."""

    def __init__(self) -> None:
        self.points: list[tuple[float, float]] = []

    def setpath(self, points: list[tuple[float, float]]) -> None:
        # grandalf routes from centre to centre: start and end at the boxes' borders instead.
        flipped = points[0][1] > points[-1][1]
        top, bottom = (points[-1], points[0]) if flipped else (points[0], points[-1])
        inner = points[1:-1]
        route = [(top[0], top[1] + BOX_H / 2), *inner, (bottom[0], bottom[1] - BOX_H / 2)]
        self.points = route[::-1] if flipped else route
