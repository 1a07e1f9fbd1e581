"""Calibration learns the graph components' points back where the graph says who is in market."""

from __future__ import annotations

import numpy as np
import pytest

from abmgraph.evaluation.features import Feature
from abmgraph.evaluation.points import write_points
from abmgraph.scoring.config import ScoringConfig


def test_graph_points_are_written_where_the_engine_reads_them():
    features = [
        Feature("graph.access_to_power", ("graph", "access_to_power_points"), 1),
        Feature("graph.champions_moved", ("graph", "champions_moved_points"), 1),
        Feature("graph.family", ("graph", "family"), 1),
    ]
    # Contributions to the priority, divided by the engagement weight 0.6 and rounded down.
    config = write_points(ScoringConfig(), features, np.array([3.0, 0.0, 6.0]), 0.0, "account")
    graph = config.account.graph
    assert graph.access_to_power_points == 5
    assert graph.champions_moved_points == 0
    # The family earns 10 points at a relative's full engagement of 100, so never its cap.
    assert graph.family_points == 10
    assert graph.family_share == pytest.approx(0.1)
    assert graph.max_hops == ScoringConfig().account.graph.max_hops


def test_the_graph_example_configs_differ_only_in_the_graph_points():
    from pathlib import Path

    from abmgraph.scoring.config import load_config

    folder = Path(__file__).parent.parent / "examples" / "graph"
    default = ScoringConfig().model_dump(mode="json")
    expected = {
        "with": (10, 10, 10),
        "without": (0, 0, 0),
        "only-access-to-power": (10, 0, 0),
        "only-champions-moved": (0, 10, 0),
        "only-family": (0, 0, 10),
    }
    for name, points in expected.items():
        config = load_config(folder / f"{name}.toml").model_dump(mode="json")
        graph = config["account"].pop("graph")
        assert (
            graph["access_to_power_points"],
            graph["champions_moved_points"],
            graph["family_points"],
        ) == points, name
        assert config["account"] == {k: v for k, v in default["account"].items() if k != "graph"}
        assert {k: v for k, v in config.items() if k != "account"} == {
            k: v for k, v in default.items() if k != "account"
        }
