"""The Neo4j store: the buying-group graph in a Neo4j database, over Bolt.

Accounts, contacts, opportunities, roles and topics are nodes joined by the
relationships of the domain model, kept in step with the table columns on
every upsert. Every engagement is an ``Engagement`` node linked by
``PERFORMED`` and aggregated in Cypher, so event rows never travel to Python.
Intent and opportunity-contact rows are also kept as ``IntentObservation`` and
``OpportunityContact`` nodes, so a row whose account or contact arrives later
is not lost; its ``SHOWS_INTENT`` / ``CONTACT_ROLE`` relationship appears once
both ends exist.

Table columns are node properties, so ``table()`` is a plain read. Neo4j drops
null properties and has no column or row order, so an ``AbmgraphMeta`` record
per table keeps the column order and dtypes, and a ``_seq`` property keeps the
row order: both stores return identical frames. Scores are properties of the
Contact and Account nodes, where Browser, Bloom and BI tools see them.

The store is assembled from one module per concern: ``neo4j_connection``
(driver, sessions, errors, bookkeeping records), ``neo4j_writer`` (batched
writes), ``neo4j_reader`` (reads), ``neo4j_questions`` (read-only Cypher),
``neo4j_walks`` (the graph walks scoring needs), ``neo4j_cypher`` (query
files) and ``neo4j_model`` (labels and properties).
"""

from __future__ import annotations

from abmgraph.graph.neo4j_connection import DEFAULT_DATABASE, DEFAULT_URI
from abmgraph.graph.neo4j_questions import Neo4jQuestions
from abmgraph.graph.neo4j_reader import Neo4jReader
from abmgraph.graph.neo4j_walks import Neo4jWalks
from abmgraph.graph.neo4j_writer import Neo4jWriter
from abmgraph.graph.store import GraphStore

__all__ = ["DEFAULT_DATABASE", "DEFAULT_URI", "Neo4jStore"]


class Neo4jStore(Neo4jReader, Neo4jWriter, Neo4jQuestions, Neo4jWalks, GraphStore):
    """The buying-group graph in a Neo4j database (Community, Enterprise or Aura)."""

    backend = "neo4j"
