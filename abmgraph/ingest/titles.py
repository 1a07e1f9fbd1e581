"""Seniority and department inferred from job titles by a data-driven rules table.

No maintained library maps job titles to seniority and department, so the
mapping is a table, ``title_rules.csv`` (package data), with the columns
``kind`` (``seniority`` or ``department``), ``priority`` (an integer), ``value``
(a canonical seniority or department) and ``pattern`` (a case-insensitive
regular expression), plus an optional ``note``. A row whose ``kind`` starts
with ``#`` is a comment.

Titles are folded before matching (see :func:`fold_titles`). For each kind
the rules are tried in ascending priority, ties in file order, and the first
match wins; a title no rule matches gets a missing value, so the caller
decides what unknown means. A team can supply its own table with the same
columns through :func:`load_rules`.

Matching runs once per distinct folded title, with Arrow's RE2 engine; runs
of consecutive rules giving the same value are merged into one pattern.
Patterns RE2 cannot run (look-arounds, back-references) fall back to
Python's ``re`` for that rule only.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.errors import ConfigError
from abmgraph.graph.vocab import DEPARTMENTS, SENIORITIES

__all__ = [
    "RULE_COLUMNS",
    "TitleRule",
    "classify_titles",
    "fold_titles",
    "infer_department",
    "infer_seniority",
    "load_rules",
]

RULE_COLUMNS = ("kind", "priority", "value", "pattern")
_VOCABULARIES: dict[str, tuple[str, ...]] = {
    "seniority": SENIORITIES,
    "department": DEPARTMENTS,
}


@dataclass(frozen=True)
class TitleRule:
    """One row of the rules table."""

    kind: str
    priority: int
    value: str
    pattern: str


# ---------------------------------------------------------------------------
# Loading


def _problem(source: str, line: int, message: str) -> ConfigError:
    return ConfigError(f"{source}, line {line}: {message}")


def _parse_row(row: dict[str | None, str | list[str]], source: str, line: int) -> TitleRule:
    if None in row:
        raise _problem(
            source, line, "more fields than the header; quote a pattern that contains a comma"
        )
    cells = {key: str(row.get(key) or "").strip() for key in RULE_COLUMNS}
    kind, value, pattern = cells["kind"], cells["value"], cells["pattern"]
    if kind not in _VOCABULARIES:
        raise _problem(source, line, f"kind {kind!r} must be 'seniority' or 'department'")
    if value not in _VOCABULARIES[kind]:
        allowed = ", ".join(_VOCABULARIES[kind])
        raise _problem(source, line, f"{kind} {value!r} is not one of: {allowed}")
    try:
        priority = int(cells["priority"])
    except ValueError:
        raise _problem(
            source, line, f"priority {cells['priority']!r} must be a whole number"
        ) from None
    if not pattern:
        raise _problem(source, line, "the pattern is empty")
    try:
        re.compile(pattern)
    except re.error as exc:
        # RE2-only syntax such as \p{L} is fine: such a rule runs on Arrow's engine.
        if not _runs_on_re2(pattern):
            raise _problem(
                source, line, f"pattern {pattern!r} is not a valid regex: {exc}"
            ) from None
    return TitleRule(kind=kind, priority=priority, value=value, pattern=pattern)


def _read_rules(text: str, source: str) -> tuple[TitleRule, ...]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in RULE_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ConfigError(
            f"{source}: missing column(s) {', '.join(missing)}; "
            f"a title rules table needs the header {','.join(RULE_COLUMNS)}"
        )
    rules = []
    for row in reader:
        if str(row.get("kind") or "").lstrip().startswith("#"):
            continue
        rules.append(_parse_row(row, source, reader.line_num))
    return tuple(rules)


@cache
def load_rules(path: str | Path | None = None) -> tuple[TitleRule, ...]:
    """The title rules: the bundled table, or a table of the same columns at ``path``.

    Raises
    ------
    ConfigError
        The file cannot be read, lacks a column, or a row is invalid (the
        message names the file and line).
    """
    if path is None:
        text = files("abmgraph.ingest").joinpath("title_rules.csv").read_text("utf-8")
        return _read_rules(text, "title_rules.csv")
    try:
        text = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read the title rules file {path}: {exc}.") from None
    return _read_rules(text, str(path))


# ---------------------------------------------------------------------------
# Matching


@dataclass(frozen=True)
class _Step:
    value: str
    pattern: str
    re2: bool  # Arrow's RE2 engine can run it


def _runs_on_re2(pattern: str) -> bool:
    try:
        pc.match_substring_regex(pa.array([""]), pattern, ignore_case=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


@cache
def _steps(rules: tuple[TitleRule, ...], kind: str) -> tuple[_Step, ...]:
    ordered = sorted((r for r in rules if r.kind == kind), key=lambda r: r.priority)
    steps: list[_Step] = []
    for rule in ordered:
        re2 = _runs_on_re2(rule.pattern)
        last = steps[-1] if steps else None
        # Consecutive rules with the same value may share one alternation:
        # "first match wins" cannot tell them apart.
        if last is not None and last.re2 and re2 and last.value == rule.value:
            steps[-1] = _Step(rule.value, f"{last.pattern}|(?:{rule.pattern})", True)
        else:
            pattern = f"(?:{rule.pattern})" if re2 else rule.pattern
            steps.append(_Step(rule.value, pattern, re2))
    return tuple(steps)


def fold_titles(titles: pa.Array) -> pa.Array:
    """Fold titles the way the rules see them.

    Lower case, accents removed, and every run of characters other than
    letters, digits, ``&``, ``+`` and ``#`` turned into one space:
    ``"Sr. Vice-President (R&D)"`` → ``"sr vice president r&d"``.
    """
    text = pc.utf8_lower(pc.utf8_normalize(titles, "NFKD"))
    text = pc.replace_substring_regex(text, r"\p{Mn}+", "")
    text = pc.replace_substring_regex(text, r"[^\p{L}\p{N}&+#]+", " ")
    return pc.utf8_trim_whitespace(text)


def _first_match(texts: pa.Array, steps: Sequence[_Step]) -> np.ndarray:
    """The value of the first step matching each text, or None."""
    found = np.full(len(texts), None, dtype=object)
    pending = np.arange(len(texts))
    for step in steps:
        if not len(pending):
            break
        if step.re2:
            hit = pc.match_substring_regex(texts, step.pattern, ignore_case=True)
            hit = hit.to_numpy(zero_copy_only=False).astype(bool)
        else:
            regex = re.compile(step.pattern, re.IGNORECASE)
            hit = np.array([regex.search(t) is not None for t in texts.to_pylist()], dtype=bool)
        found[pending[hit]] = step.value
        # Only titles still unmatched are searched by later rules.
        pending = pending[~hit]
        texts = texts.filter(pa.array(~hit))
    return found


def _arrow_strings(values: pd.Series) -> pa.Array:
    array = pa.array(values.astype("str").array)
    # Arrow-backed pandas arrays may hand over several chunks, or none.
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _classify(
    titles: pd.Series, kinds: Sequence[str], rules: tuple[TitleRule, ...]
) -> dict[str, pd.Series]:
    codes, uniques = titles.array.factorize()
    folded = fold_titles(_arrow_strings(pd.Series(uniques)))
    # Spelling variants collapse when folded ("Sr. Director", "SR DIRECTOR"):
    # match each folded form once. Blank titles are left unmatched.
    folded = pc.if_else(pc.equal(folded, ""), pa.scalar(None, folded.type), folded)
    encoded = pc.dictionary_encode(folded)
    folded_codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    texts = encoded.dictionary
    row_codes = np.append(folded_codes, -1)[codes]
    result = {}
    for kind in kinds:
        values = _first_match(texts, _steps(rules, kind))
        array = pd.array(values, dtype="str").take(row_codes, allow_fill=True)
        result[kind] = pd.Series(array, index=titles.index, name=kind)
    return result


def infer_seniority(titles: pd.Series, rules: tuple[TitleRule, ...] | None = None) -> pd.Series:
    """Seniority inferred from job titles; missing where no rule matches.

    ``"VP of Engineering"`` → ``vp``; ``"Account Executive"`` →
    ``individual_contributor``; ``"Marketing Intern"`` → ``entry``.
    """
    return _classify(titles, ["seniority"], load_rules() if rules is None else rules)["seniority"]


def infer_department(titles: pd.Series, rules: tuple[TitleRule, ...] | None = None) -> pd.Series:
    """Department inferred from job titles; missing where no rule matches.

    ``"VP of Engineering"`` → ``engineering``; ``"Director of Sales
    Operations"`` → ``sales``; ``"CEO"`` → ``executive``.
    """
    return _classify(titles, ["department"], load_rules() if rules is None else rules)["department"]


def classify_titles(titles: pd.Series, rules: tuple[TitleRule, ...] | None = None) -> pd.DataFrame:
    """Both inferences in one pass: columns ``seniority`` and ``department``."""
    found = _classify(titles, ["seniority", "department"], load_rules() if rules is None else rules)
    return pd.DataFrame(found, index=titles.index)
