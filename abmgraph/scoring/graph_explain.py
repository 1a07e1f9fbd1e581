"""How ``explain`` words the graph components: the paths, the champions, the relative."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from abmgraph.graph.store import GraphStore
from abmgraph.scoring.config import ScoringConfig

__all__ = ["graph_detail", "graph_labels"]

# Paths and champions named in one detail; the rest are counted.
SHOWN = 3


def _pts(value: float) -> str:
    return f"{value:g}"


def graph_labels(store: GraphStore, scored: pd.DataFrame) -> dict[str, str]:
    """Names for the contacts and accounts the explained rows mention.

    Keys are ``contact:<id>`` (the title, else the name, else the id) and
    ``account:<id>`` (the name, else the id).
    """
    people: set[str] = set()
    places: set[str] = set()
    for paths in scored.get("power_paths", pd.Series(dtype=object)).tolist():
        people.update(c for path, _ in paths[:SHOWN] for c in path)
    for champions in scored.get("champions", pd.Series(dtype=object)).tolist():
        for contact_id, _, _, evidence in champions[:SHOWN]:
            people.add(contact_id)
            places.update(e[2] for e in evidence)
    relatives = scored.get("family_relative", pd.Series(dtype=object))
    places.update(r for r in relatives.tolist() if isinstance(r, str))
    labels: dict[str, str] = {}
    if people:
        found = store.table(
            "contacts",
            pd.Series(sorted(people), dtype="str"),
            columns=["contact_id", "first_name", "last_name", "title"],
        )
        name = (found["first_name"].fillna("") + " " + found["last_name"].fillna("")).str.strip()
        label = found["title"].where(found["title"].notna() & (found["title"] != ""), name)
        label = label.where(label != "", found["contact_id"])
        labels.update(zip("contact:" + found["contact_id"], label, strict=True))
    if places:
        found = store.table(
            "accounts", pd.Series(sorted(places), dtype="str"), columns=["account_id", "name"]
        )
        labels.update(
            zip(
                "account:" + found["account_id"],
                found["name"].fillna(found["account_id"]),
                strict=True,
            )
        )
    return labels


def _contact(labels: Mapping[str, str], contact_id: str) -> str:
    return labels.get(f"contact:{contact_id}", contact_id)


def _account(labels: Mapping[str, str], account_id: str) -> str:
    name = labels.get(f"account:{account_id}")
    return f"{name} ({account_id})" if name and name != account_id else account_id


def _path(path: list[str], role: str, labels: Mapping[str, str]) -> str:
    steps = " → reports to → ".join(_contact(labels, c) for c in path)
    return f"{steps} ({role.replace('_', ' ')}, engaged)"


def _more(shown: list[str], total: int) -> str:
    extra = f"; and {total - len(shown)} more" if total > len(shown) else ""
    return "; ".join(shown) + extra


def _champion(
    contact_id: str,
    weight: float,
    started_at: pd.Timestamp | None,
    evidence: list[tuple[str, str, str]],
    labels: Mapping[str, str],
) -> str:
    deeds = [
        (f"on won deal {deal}" if why == "won" else f"{why.replace('_', ' ')} on {deal}")
        + f" at {_account(labels, where)}"
        for why, deal, where in evidence
    ]
    since = (
        f"started {started_at:%Y-%m-%d}, counts {weight:.2f}"
        if started_at is not None and pd.notna(started_at)
        else "no start date, counts 1"
    )
    return f"{_contact(labels, contact_id)} ({contact_id}) was {', '.join(deeds)}; {since}"


def graph_detail(
    name: str, row: pd.Series, config: ScoringConfig, labels: Mapping[str, str]
) -> str:
    """The reason behind one ``graph.*`` contribution of an account row (before its weight)."""
    section = config.account.graph
    if name == "graph.access_to_power":
        paths = row["power_paths"]
        powers = " or ".join(r.replace("_", " ") for r in section.power_roles) or "power holder"
        if not paths:
            return (
                f"no engaged contact reaches an engaged {powers} within "
                f"{section.max_hops} REPORTS_TO steps"
            )
        shown = [_path(path, role, labels) for path, role in paths[:SHOWN]]
        return f"{len(paths)} engaged contact(s) reach an engaged {powers}: " + _more(
            shown, len(paths)
        )
    if name == "graph.champions_moved":
        champions = row["champions"]
        if not champions:
            return "no contact here championed or won a deal at an account they worked at before"
        shown = [_champion(*champion, labels) for champion in champions[:SHOWN]]
        return f"{len(champions)} champion(s) moved in: " + _more(shown, len(champions))
    if name == "graph.family":
        relative = row["family_relative"]
        if not isinstance(relative, str):
            return "no corporate family (no SUBSIDIARY_OF link to another account)"
        return (
            f"{_pts(section.family_share * 100)}% of the committee engagement "
            f"{row['family_engagement']:.2f} of {_account(labels, relative)}, the most engaged "
            f"of {row['family_size'] - 1} relative(s), at most {_pts(section.family_points)}"
        )
    return "committee and graph engagement kept within 0–100"
