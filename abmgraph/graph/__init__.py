"""The graph model and its stores."""

from abmgraph.graph.store import GraphStore, open_store

__all__ = ["GraphStore", "open_store"]
