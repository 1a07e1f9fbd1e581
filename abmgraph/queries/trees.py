"""Parent pointers (REPORTS_TO, SUBSIDIARY_OF) as a forest that can be drawn, whatever the data.

Real org charts and account hierarchies contain self-references and cycles.
``forest`` keeps every node, cuts each cycle at its smallest id (which
becomes a root) and says where it cut, so a tree walk always ends.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Forest", "forest"]


@dataclass
class Forest:
    """Each node's parent in the drawn tree (None for a root), and why a link was dropped."""

    parent: dict[str, str | None]
    order: list[tuple[str, int]] = field(default_factory=list)  # (node, depth), pre-order
    self_links: set[str] = field(default_factory=set)
    cycles: dict[str, list[str]] = field(default_factory=dict)  # cut node -> its cycle

    def children(self) -> dict[str | None, list[str]]:
        out: dict[str | None, list[str]] = {}
        for node, parent in self.parent.items():
            out.setdefault(parent, []).append(node)
        return out

    def note(self, node: str, self_link: str, cycle: str) -> str | None:
        """Why ``node`` is drawn where it is when one of its links was dropped, else None."""
        if node in self.self_links:
            return self_link
        if node in self.cycles:
            others = [n for n in self.cycles[node] if n != node]
            return f"{cycle} with {', '.join(others)}; drawn at the top"
        return None

    def ancestors(self, node: str) -> list[str]:
        """The parent, the parent's parent, … up to the root."""
        chain = []
        while (node := self.parent[node]) is not None:  # type: ignore[assignment]
            chain.append(node)
        return chain


def forest(links: dict[str, Any], sort_key: Callable[[str], Hashable] | None = None) -> Forest:
    """The forest of ``links`` (node -> its parent, None or unknown for none).

    Children and roots are ordered by ``sort_key`` (default: the id).
    Self-links are dropped; each cycle loses the link out of its smallest id.
    """
    nodes = sorted(links)
    parent: dict[str, str | None] = {
        n: (p if isinstance(p, str) and p in links and p != n else None) for n, p in links.items()
    }
    result = Forest(parent, self_links={n for n, p in links.items() if p == n})
    state: dict[str, int] = {}  # 1: on the current walk, 2: done
    for start in nodes:
        walk: list[str] = []
        node: str | None = start
        while node is not None and node not in state:
            state[node] = 1
            walk.append(node)
            node = parent[node]
        if node is not None and state[node] == 1:
            cycle = walk[walk.index(node) :]
            cut = min(cycle)
            parent[cut] = None
            result.cycles[cut] = sorted(cycle)
        for visited in walk:
            state[visited] = 2

    key = sort_key or (lambda n: n)
    children = result.children()
    stack = [(root, 0) for root in sorted(children.get(None, []), key=key)][::-1]
    while stack:
        node, depth = stack.pop()
        result.order.append((node, depth))
        below = sorted(children.get(node, []), key=key)
        stack.extend((child, depth + 1) for child in reversed(below))
    return result
