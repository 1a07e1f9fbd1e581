"""What ``abmgraph cypher`` lets through: one read query, never a file, a command or a side effect.

The query is read as Cypher's own tokens — comments and whitespace dropped,
string literals and backtick-quoted names kept whole — so neither case,
comments, line breaks, backticks nor text inside strings changes the verdict.
Refused:

* ``LOAD CSV`` anywhere (it reads server files and fetches URLs);
* a statement that does not start as a read query does (``MATCH``,
  ``OPTIONAL MATCH``, ``WITH``, ``UNWIND``, ``RETURN``, ``CALL``) — this
  refuses every administration command (``SHOW …``, ``TERMINATE
  TRANSACTIONS``, users, roles, databases, settings, indexes and
  constraints) and ``USE`` of another database;
* ``SHOW`` / ``TERMINATE`` of transactions anywhere in the query;
* a procedure not on :data:`READ_PROCEDURES`;
* more than one statement.

The store then runs what passes in a READ transaction, so a write the
server recognises is refused again there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from abmgraph.errors import StoreError

__all__ = ["READ_PROCEDURES", "check_read_only"]

# Procedures that only read the graph or its schema, compared without case. Neo4j's
# own, then APOC's read-only ones (used only where APOC is installed).
_PROCEDURES = (
    "db.labels",
    "db.relationshipTypes",
    "db.propertyKeys",
    "db.schema.visualization",
    "db.schema.nodeTypeProperties",
    "db.schema.relTypeProperties",
    "apoc.meta.data",
    "apoc.meta.schema",
    "apoc.meta.stats",
    "apoc.meta.nodeTypeProperties",
    "apoc.meta.relTypeProperties",
    "apoc.path.expand",
    "apoc.path.expandConfig",
    "apoc.path.subgraphNodes",
    "apoc.path.subgraphAll",
    "apoc.path.spanningTree",
)
READ_PROCEDURES = frozenset(name.lower() for name in _PROCEDURES)
# The clauses a read query may start with.
_READ_STARTS = frozenset({"match", "optional", "with", "unwind", "return", "call"})
# Words that may precede the query proper: CYPHER options, EXPLAIN, PROFILE.
_PREFIXES = frozenset({"cypher", "explain", "profile"})

_TOKENS = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n\r]*|/\*.*?\*/)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<quoted>`(?:[^`]|``)*`)
  | (?P<param>\$(?:[^\W\d]\w*|\d+|`(?:[^`]|``)*`))
  | (?P<word>[^\W\d]\w*)
  | (?P<number>\d[\w.]*)
  | (?P<open>/\*|['"`])
  | (?P<symbol>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # word (a bare word: keyword or name), name (backtick-quoted), string, …
    text: str

    @property
    def word(self) -> str:
        """A bare word in lower case; '' for anything else (a quoted name is never a keyword)."""
        return self.text.lower() if self.kind == "word" else ""

    @property
    def name(self) -> str | None:
        """The name a bare word or backtick-quoted name spells, else None."""
        if self.kind == "word":
            return self.text
        if self.kind == "quoted":
            return self.text[1:-1].replace("``", "`")
        return None


def _tokens(query: str) -> list[_Token]:
    found = []
    for match in _TOKENS.finditer(query):
        kind = match.lastgroup or "symbol"
        if kind in ("space", "comment"):
            continue
        if kind == "open":
            raise StoreError(
                f"Refused: the query has an unclosed {match.group()!r} "
                "(a string, a quoted name or a comment)."
            )
        found.append(_Token(kind, match.group()))
    return found


def _refuse(why: str) -> StoreError:
    return StoreError(f"Refused: {why} 'abmgraph cypher' runs read-only queries on the graph.")


def check_read_only(query: str) -> None:
    """Refuse ``query`` unless it is one read query of the graph (see the module docstring).

    Raises
    ------
    StoreError
        Saying what was refused: LOAD CSV, an administration command, a
        procedure off the read-only list, several statements, or an
        unclosed string or comment.
    """
    tokens = _tokens(query)
    # One statement: a ';' may only end the query.
    while tokens and tokens[-1].text == ";":
        tokens.pop()
    if any(t.kind == "symbol" and t.text == ";" for t in tokens):
        raise _refuse("one statement at a time; the query holds several (';').")
    if not tokens:
        raise StoreError("The query is empty.")
    for i, token in enumerate(tokens):
        following = tokens[i + 1].word if i + 1 < len(tokens) else ""
        if token.word == "load" and following == "csv":
            raise _refuse("LOAD CSV reads files and URLs from the server's side.")
        if token.word in ("show", "terminate") and following.startswith("transaction"):
            raise _refuse(f"{token.text.upper()} TRANSACTIONS is an administration command.")
        if token.word == "call" and _is_clause(tokens, i):
            _check_call(tokens, i + 1)
        if token.word == "use" and (i == 0 or tokens[i - 1].text == "{"):
            raise _refuse("USE picks another database; set NEO4J_DATABASE instead.")
    first = _first_clause(tokens)
    if first.word not in _READ_STARTS:
        what = first.text.upper() if first.kind == "word" else repr(first.text)
        raise _refuse(
            f"the query starts with {what}, which is not a read clause "
            "(MATCH, OPTIONAL MATCH, WITH, UNWIND, RETURN or CALL); writes and "
            "administration commands are not run."
        )


def _first_clause(tokens: list[_Token]) -> _Token:
    """The statement's first clause keyword, after CYPHER options, EXPLAIN and PROFILE."""
    i = 0
    while i < len(tokens) and tokens[i].word in _PREFIXES:
        i += 1
        if tokens[i - 1].word != "cypher":
            continue
        # CYPHER [version] [option=value …]
        if i < len(tokens) and tokens[i].kind == "number":
            i += 1
        while i + 2 < len(tokens) and tokens[i + 1].text == "=":
            i += 3
    return tokens[i] if i < len(tokens) else tokens[-1]


def _check_call(tokens: list[_Token], start: int) -> None:
    """``CALL name.space.proc(…)``: the name must be on the list; ``CALL { … }`` is a subquery."""
    parts: list[str] = []
    i = start
    if i < len(tokens) and tokens[i].text in ("{", "("):
        return  # a subquery: CALL { … } or CALL (x) { … }; its clauses are checked too
    while i < len(tokens):
        name = tokens[i].name
        if name is None:
            break
        parts.append(name)
        if i + 1 < len(tokens) and tokens[i + 1].text == ".":
            i += 2
            continue
        break
    procedure = ".".join(parts)
    if procedure.lower() not in READ_PROCEDURES:
        shown = procedure or "(no name)"
        raise _refuse(
            f"procedure {shown} is not on the read-only list "
            f"({', '.join(n for n in _PROCEDURES if n.startswith('db.'))}, and APOC's "
            "apoc.meta and apoc.path readers)."
        )


def _is_clause(tokens: list[_Token], i: int) -> bool:
    """Whether the word at ``i`` starts a clause rather than naming a variable or a key."""
    before = tokens[i - 1].text if i else ""
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    if before in (".", ":", "$") or after is None:
        return False
    return after.name is not None or after.text in ("{", "(")
