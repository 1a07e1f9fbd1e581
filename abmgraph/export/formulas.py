"""Cells a spreadsheet would run as formulas, disarmed before any CSV is written.

Excel, LibreOffice and Google Sheets evaluate a cell that starts with ``=``,
``+``, ``-`` or ``@`` (and one whose leading TAB or CR they drop first), so a
contact named ``=HYPERLINK(...)`` in a CRM becomes a live formula in whoever
opens an export. Following OWASP's advice on CSV injection, such a cell is
prefixed with a single quote, which every spreadsheet shows as text. Values
that are plainly numbers (``-12.5``, ``+3``, ``1e6``) or phone numbers
(``+44 20 7946 0958``) are left alone: they are data, not formulas, and a
quote would corrupt them.

Only the written file changes: stored values stay exactly as they were given.
Every CSV meant for people or other tools goes through here — platform
audience files, ``csv`` exports and every ``--format csv`` listing. Files that
abmgraph itself reads back (rejects to fix and reload, Neo4j import files) keep
values verbatim, since a quote would become part of the value on reload.

>>> neutralise_cell("=1+2"), neutralise_cell("-12.5"), neutralise_cell("+44 20 7946 0958")
("'=1+2", '-12.5', '+44 20 7946 0958')
>>> neutralise_cell("@SUM(A1)"), neutralise_cell("\\t=cmd"), neutralise_cell("Ann")
("'@SUM(A1)", "'\\t=cmd", 'Ann')
"""

from __future__ import annotations

import re
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["TRIGGERS", "neutralise", "neutralise_cell"]

TRIGGERS = "=+-@\t\r"
_RISKY = r"^[=+\-@\t\r]"
# A number as people and programs write one, or a phone number: a plus, then digits
# with the usual separators (at least 7 digits, as a phone number has).
_NUMBER = r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?%?$"
_PHONE = r"^\+\(?\d[\d ().\-/]*$"
_NUMBER_RE = re.compile(_NUMBER)
_PHONE_RE = re.compile(_PHONE)


def neutralise_cell(value: Any) -> Any:
    """One value: a risky text gets a leading ``'``; anything else is returned as is."""
    if not isinstance(value, str) or not value or value[0] not in TRIGGERS:
        return value
    if _NUMBER_RE.match(value) or (_PHONE_RE.match(value) and _digits(value) >= 7):
        return value
    return "'" + value


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def neutralise(text: pa.Array) -> pa.Array:
    """A string column with every risky cell prefixed by ``'`` (vectorised; nulls stay null)."""
    if len(text) == 0:
        return text
    risky = pc.fill_null(pc.match_substring_regex(text, _RISKY), False)
    if not pc.any(risky).as_py():
        return text
    number = pc.fill_null(pc.match_substring_regex(text, _NUMBER), False)
    phone = pc.fill_null(pc.match_substring_regex(text, _PHONE), False)
    digits = pc.utf8_length(pc.replace_substring_regex(text, r"\D", ""))
    phone = pc.and_(phone, pc.fill_null(pc.greater_equal(digits, 7), False))
    unsafe = pc.and_(risky, pc.invert(pc.or_(number, phone)))
    quoted = pc.binary_join_element_wise(pa.scalar("'", text.type), text, pa.scalar("", text.type))
    return pc.if_else(unsafe, quoted, text)
