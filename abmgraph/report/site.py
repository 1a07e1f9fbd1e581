"""Writing the report: Jinja2 templates rendered into a folder that works offline.

``DIR/index.html``, ``DIR/accounts/<id>.html`` and ``DIR/assets/`` (the
stylesheet and the small script that sorts and filters the index), all
from the package: nothing is fetched from anywhere when the page opens.
The site is built in a temporary folder beside DIR and moved into place
at the end, so a failed build leaves an earlier report as it was.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from abmgraph.errors import AbmgraphError
from abmgraph.graph.store import GraphStore
from abmgraph.report.charts import lift_bars, timeline_bars, waterfall_bars
from abmgraph.report.data import ReportData, gather
from abmgraph.scoring.labels import contribution_label

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ReportResult", "account_file", "build_report", "read_account_ids"]

ASSETS = ("report.css", "report.js")


@dataclass(frozen=True)
class ReportResult:
    """What a build wrote."""

    out: Path
    index: Path
    pages: int

    def as_dict(self) -> dict[str, Any]:
        return {"out": str(self.out), "index": str(self.index), "pages": self.pages}


class ReportError(AbmgraphError):
    """The report cannot be written where it was asked to go."""


def account_file(account_id: str) -> str:
    """The page's file name: the id when it is filename-safe, else a safe form plus a hash.

    >>> account_file("A00042")
    'A00042.html'
    >>> account_file("acme/emea")
    'acme_emea-76fb738e.html'
    """
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", account_id).strip(".") or "account"
    if safe == account_id:
        return f"{safe}.html"
    digest = hashlib.sha256(account_id.encode("utf-8")).hexdigest()[:8]
    return f"{safe[:80]}-{digest}.html"


def read_account_ids(path: Path) -> list[str]:
    """Account ids from a file: one a line, or a CSV whose header has ``account_id``.

    Blank lines and ``#`` comments are skipped.
    """
    import csv

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"Cannot read {path}: {exc}. Give a text file of account ids.") from None
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        raise ReportError(f"{path} lists no account ids: write one account_id a line.")
    header = next(csv.reader([lines[0]]))
    column = (
        [h.strip().casefold() for h in header].index("account_id")
        if any(h.strip().casefold() == "account_id" for h in header)
        else None
    )
    if column is None:
        return [line.strip() for line in lines]
    rows = list(csv.reader(lines[1:]))
    return [r[column].strip() for r in rows if len(r) > column and r[column].strip()]


def _number(value: Any, places: int = 2) -> str:
    """``1,234.50``; never ``-0`` for a value that rounds to zero."""
    if value is None:
        return ""
    return f"{round(float(value), places) + 0.0:,.{places}f}"


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("abmgraph.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["label"] = lambda v: str(v).replace("_", " ") if v is not None else ""
    env.filters["num"] = _number
    env.filters["contribution"] = contribution_label
    env.filters["account_file"] = account_file
    env.globals.update(
        timeline_bars=timeline_bars, waterfall_bars=waterfall_bars, lift_bars=lift_bars
    )
    return env


def _render(data: ReportData, backtest: dict[str, Any] | None, into: Path) -> None:
    env = _environment()
    (into / "accounts").mkdir(parents=True)
    (into / "assets").mkdir()
    for name in ASSETS:
        source = files("abmgraph.report") / "static" / name
        (into / "assets" / name).write_bytes(source.read_bytes())
    index = env.get_template("index.html.j2")
    (into / "index.html").write_text(
        index.render(data=data, backtest=backtest, root=""), encoding="utf-8"
    )
    page = env.get_template("account.html.j2")
    for account in data.pages:
        target = into / "accounts" / account_file(account.row["account_id"])
        target.write_text(page.render(page=account, data=data, root="../"), encoding="utf-8")


def build_report(
    store: GraphStore,
    out: Path,
    *,
    top: int = 200,
    account_ids: Sequence[str] | None = None,
    backtest: dict[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
    handovers: pd.DataFrame | None = None,
) -> ReportResult:
    """Write the static report for the top ``top`` accounts (or ``account_ids``) into ``out``.

    ``backtest`` is the last ``abmgraph backtest`` result, shown when given.
    ``handovers`` (the score history's) adds the unanswered ones to each
    account's sales feedback; rejected handovers show either way.
    An existing report in ``out`` is replaced as a whole; other files there
    are left alone.

    Raises
    ------
    StoreError
        Nothing is scored yet.
    NotFoundError
        An id of ``account_ids`` is not a scored account.
    ReportError
        ``out`` is a file, or cannot be written.
    """
    if out.exists() and not out.is_dir():
        raise ReportError(f"{out} is a file: give --out a folder.")
    data = gather(store, top=top, account_ids=account_ids, progress=progress, handovers=handovers)
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".report-", dir=out))
    except OSError as exc:
        raise ReportError(f"Cannot write to {out}: {exc.strerror}. Choose another --out.") from None
    try:
        _render(data, backtest, staging)
        for name in ("accounts", "assets"):
            old = out / name
            if old.exists():
                shutil.rmtree(old)
            (staging / name).rename(old)
        (staging / "index.html").replace(out / "index.html")
    except OSError as exc:
        raise ReportError(f"Cannot write the report to {out}: {exc}.") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ReportResult(out=out, index=out / "index.html", pages=len(data.pages))
