"""abmgraph: an account-based buying-group graph engine."""

__version__ = "0.1.0"
