"""Converters from public lead datasets into the native data contract.

Each converter reads only the columns it needs (never a leakage column:
fields filled in after sales contact) and writes ``accounts.csv``,
``contacts.csv``, ``engagements.csv``, ``outcomes.csv`` and a ``dataset.json``
manifest. Leads become contacts, each on an account of its own when the data
has no companies; their activity becomes engagement events; their source is
a contact attribute for source-based scoring rules; conversion goes to the
outcomes file, which ``abmgraph backtest`` and ``abmgraph calibrate`` read
with ``--outcomes``.
"""

from abmgraph.datasets.convert import CONVERTERS, ConvertedDataset, convert, ingest_dataset

__all__ = ["CONVERTERS", "ConvertedDataset", "convert", "ingest_dataset"]
