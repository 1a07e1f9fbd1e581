"""The Neo4j URI: which ones the store accepts, and how one is shown without its secrets.

Credentials travel only in ``NEO4J_USER`` and ``NEO4J_PASSWORD``. A URI that
carries them (``neo4j://alice:secret@host``) is refused, and every message
that shows a URI shows it through :func:`redact_uri`, so a password typed
into ``NEO4J_URI`` never reaches an error, a log or a JSON output.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from abmgraph.errors import StoreUnavailableError

__all__ = ["SCHEMES", "check_uri", "redact_uri"]

# The Bolt schemes of Neo4j's drivers: direct (bolt) or routing (neo4j), plain, TLS
# (+s) or TLS accepting a self-signed certificate (+ssc).
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
EXAMPLE = "bolt://127.0.0.1:7687"

# scheme://userinfo@ — the userinfo is everything up to the last '@' before the host.
_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/?#\s@]*@)+")


def redact_uri(text: str) -> str:
    """``text`` with the userinfo of every URI in it replaced by ``***``.

    >>> redact_uri("Cannot reach neo4j://alice:s3cret@db.example.com:7687 now")
    'Cannot reach neo4j://***@db.example.com:7687 now'
    >>> redact_uri("bolt://127.0.0.1:7687")
    'bolt://127.0.0.1:7687'
    """
    return _USERINFO.sub(lambda m: m["scheme"] + "***@", text)


def check_uri(uri: str) -> str:
    """``uri`` if the store can connect with it, else a one-line error saying what to set.

    Raises
    ------
    StoreUnavailableError
        The scheme is not a Bolt one (``http://`` is the Browser's port, not
        the database's), the URI has no host, or it carries a user or
        password.
    """
    shown = redact_uri(uri)
    accepted = ", ".join(f"{s}://" for s in SCHEMES)
    scheme, sep, rest = uri.strip().partition("://")
    scheme = scheme.lower() if sep else ""
    if scheme not in SCHEMES:
        hint = (
            " (Neo4j's http port, 7474 by default, serves the Browser; "
            "abmgraph talks Bolt, port 7687 by default)"
            if scheme in ("http", "https")
            else ""
        )
        what = f"scheme {scheme}://" if scheme else "no scheme"
        raise StoreUnavailableError(
            f"Cannot use Neo4j URI {shown!r}: it has {what}{hint}. "
            f"Use one of {accepted}, e.g. {EXAMPLE}."
        )
    if "@" in rest.split("/", 1)[0].split("?", 1)[0]:
        raise StoreUnavailableError(
            f"Cannot use Neo4j URI {shown!r}: it holds credentials. Put the user in "
            "NEO4J_USER and the password in NEO4J_PASSWORD, and leave them out of the URI."
        )
    problem = _address_problem(uri.strip())
    if problem:
        raise StoreUnavailableError(
            f"Cannot use Neo4j URI {shown!r}: {problem}. Set NEO4J_URI to e.g. {EXAMPLE}."
        )
    return uri.strip()


def _address_problem(uri: str) -> str:
    """What is wrong with the host and port of a URI without credentials, or ''."""
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - reading it checks the port is a number in range
    except ValueError as exc:
        return str(exc)
    return "" if parts.hostname else "it names no host"
