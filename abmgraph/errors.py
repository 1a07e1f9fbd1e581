"""The one exception hierarchy of abmgraph.

Library code raises these; only ``abmgraph.cli`` turns them into messages
and exit codes. Every message should say what went wrong and how to fix it.
"""

__all__ = [
    "AbmgraphError",
    "ConfigError",
    "DeliveryError",
    "InputError",
    "InternalError",
    "NotFoundError",
    "RejectedRowsError",
    "StoreError",
    "StoreUnavailableError",
    "WorkspaceBusyError",
]


class AbmgraphError(Exception):
    """Base class: a problem the user can fix, reported without a traceback."""


class ConfigError(AbmgraphError):
    """The scoring config is missing, unreadable or invalid."""


class InputError(AbmgraphError):
    """An input file cannot be read at all (format, encoding, missing column)."""


class RejectedRowsError(InputError):
    """``--strict`` was given and some rows were rejected; nothing was loaded."""


class NotFoundError(AbmgraphError):
    """An id given by the user is not in the store."""


class StoreError(AbmgraphError):
    """The graph store cannot do what was asked (empty, not scored, corrupt)."""


class StoreUnavailableError(StoreError):
    """The graph store cannot be reached (server down, wrong credentials)."""


class WorkspaceBusyError(StoreError):
    """Another command is writing to the workspace and did not finish in time."""


class DeliveryError(AbmgraphError):
    """Alerts could not be delivered to a webhook (they are kept in alerts.jsonl)."""


class InternalError(AbmgraphError):
    """abmgraph found one of its own guarantees broken and stopped before writing."""
