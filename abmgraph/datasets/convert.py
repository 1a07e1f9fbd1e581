"""The converter registry and the shared writer."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from abmgraph.errors import InputError
from abmgraph.safe_io import atomic_open, atomic_write_text, check_output

__all__ = [
    "CONVERTERS",
    "ConvertedDataset",
    "convert",
    "find_file",
    "ingest_dataset",
    "write_dataset",
]

FILES = ("accounts", "contacts", "engagements", "outcomes")


@dataclass(frozen=True)
class ConvertedDataset:
    """The converted frames, keyed by file kind, and what to score them with."""

    name: str
    frames: dict[str, pd.DataFrame]
    as_of: str
    notes: list[str] = field(default_factory=list)

    def sizes(self) -> dict[str, int]:
        return {kind: len(frame) for kind, frame in self.frames.items()}


def find_file(path: Path, name: str) -> Path:
    """``path`` itself when it is a file, else ``name`` inside the folder ``path``."""
    path = Path(path)
    candidate = path / name if path.is_dir() else path
    if not candidate.is_file():
        raise InputError(f"{candidate}: no such file; give the dataset's {name} or its folder.")
    return candidate


def write_dataset(data: ConvertedDataset, out_dir: Path) -> dict[str, Path]:
    """Write one CSV per kind and a ``dataset.json`` manifest; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {kind: out / f"{kind}.csv" for kind in FILES}
    for path in [*paths.values(), out / "dataset.json"]:  # all checked before any is written
        check_output(path, option="OUTDIR")
    for kind in FILES:
        with atomic_open(paths[kind], "w", encoding="utf-8", newline="") as stream:
            data.frames[kind].to_csv(stream, index=False, lineterminator="\n")
    manifest = {
        "dataset": data.name,
        "as_of": data.as_of,
        "sizes": data.sizes(),
        "files": {kind: path.name for kind, path in paths.items()},
        "notes": data.notes,
    }
    paths["manifest"] = out / "dataset.json"
    atomic_write_text(paths["manifest"], json.dumps(manifest, indent=2) + "\n")
    return paths


def _converters() -> dict[str, Callable[[Path], ConvertedDataset]]:
    from abmgraph.datasets.olist import convert_olist
    from abmgraph.datasets.xeducation import convert_x_education

    return {"x-education": convert_x_education, "olist": convert_olist}


CONVERTERS = ("x-education", "olist")


def convert(name: str, source: Path, out_dir: Path) -> tuple[ConvertedDataset, dict[str, Path]]:
    """Convert dataset ``name`` read from ``source`` into native files in ``out_dir``."""
    converters = _converters()
    if name not in converters:
        raise InputError(f"unknown dataset {name!r}; use one of: {', '.join(CONVERTERS)}.")
    data = converters[name](Path(source))
    return data, write_dataset(data, out_dir)


def ingest_dataset(store: Any, paths: dict[str, Path], rejects_dir: Path) -> list[Any]:
    """Load the converted accounts, contacts and engagements into ``store``; the reports."""
    from abmgraph.ingest.pipeline import ingest_file

    return [
        ingest_file(
            store, kind, paths[kind], rejects_path=rejects_dir / f"{kind}-rejects.csv", quiet=True
        )
        for kind in ("accounts", "contacts", "engagements")
    ]
