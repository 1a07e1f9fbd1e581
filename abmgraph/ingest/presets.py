"""Column maps from CRM exports onto the data contract, one preset per source.

A preset says, for each kind, which input columns feed each contract field.
Presets are data: ``PRESETS[preset][kind]`` is a tuple of ``Variant``s (the
first whose ``when`` columns are all present is used), and each variant maps
a contract field to its candidate source columns, in order of preference
(``variants``). ``native`` reads the contract's own column names and their
aliases; ``salesforce`` and ``hubspot`` read the CRMs' exports. How a header
is matched against a preset and a chunk mapped through it is ``column_plan``;
the value transforms a source may name are ``transforms``.
"""

from __future__ import annotations

from abmgraph.graph.schema import Kind, field_specs
from abmgraph.ingest.hubspot import HUBSPOT
from abmgraph.ingest.sales_presets import HUBSPOT_SALES, SALESFORCE_SALES
from abmgraph.ingest.salesforce import SALESFORCE
from abmgraph.ingest.variants import Variant

__all__ = ["PRESETS"]


def _native() -> dict[Kind, tuple[Variant, ...]]:
    out: dict[Kind, tuple[Variant, ...]] = {}
    for kind in (
        "accounts",
        "contacts",
        "engagements",
        "intent",
        "opportunities",
        "feedback",
        "sales_activities",
    ):
        specs = field_specs(kind)
        out[kind] = (Variant("native", {s.name: (s.name, *s.aliases) for s in specs}),)
    specs = field_specs("opportunity_contacts")
    out["opportunity_contacts"] = (
        Variant("native", {s.name: (s.name, *s.aliases) for s in specs}),
    )
    return out


PRESETS: dict[str, dict[Kind, tuple[Variant, ...]]] = {
    "native": _native(),
    "salesforce": {**SALESFORCE, **SALESFORCE_SALES},
    "hubspot": {**HUBSPOT, **HUBSPOT_SALES},
}
