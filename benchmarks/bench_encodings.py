"""Encoding benchmark: a 100k-row contacts CSV in UTF-8 and its Latin-1 twin, and clean-file speed.

Reproduce with ``.venv/bin/python benchmarks/bench_encodings.py``. It
generates a synthetic dataset (accented names such as Müller and Société
Générale in a share of the contacts), writes the contacts as a UTF-8 CSV and
as a byte-for-byte ISO-8859-1 twin, and ingests each into a fresh workspace in
its own child process, so wall time and peak memory (the child's maximum
resident set, and its growth over the resident set before the ingest) are the
file's alone (CPU time is reported too: on a shared machine it varies less
than wall time). It also times 1M engagements from Parquet and from a UTF-8 CSV,
the clean-file speed the encoding layer must not slow down. Results are printed
and written to ``benchmarks/out/encodings.json``. Nothing here is a test:
numbers vary by machine; the README records what one 2-core machine measured.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).parent / "out"
ACCENTED = np.array(["Müller", "Société Générale", "González", "Ørsted", "Françoise", "Ærø"])


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _child(args: argparse.Namespace) -> None:
    """Ingest the accounts (Parquet), then time one file of ``args.kind``; print JSON."""
    from abmgraph.graph.embedded import EmbeddedStore
    from abmgraph.ingest.pipeline import ingest_file

    store = EmbeddedStore(args.workspace)
    if args.accounts:
        ingest_file(store, "accounts", args.accounts, quiet=True)
    if args.contacts:
        ingest_file(store, "contacts", args.contacts, quiet=True)
    before = _rss_kb()
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    report = ingest_file(
        store, args.kind, args.file, rejects_path=args.workspace / "rejects.csv", quiet=True
    )
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_seconds = usage.ru_utime + usage.ru_stime - cpu.ru_utime - cpu.ru_stime
    peak = usage.ru_maxrss
    out = {"rows": report.read, "loaded": report.loaded, "rejected": report.rejected}
    out["encoding"] = report.as_dict().get("encoding")
    out |= {"seconds": round(seconds, 3), "rows_per_s": round(report.read / seconds)}
    # CPU time (all threads) varies less than wall time on a shared machine.
    out["cpu_seconds"] = round(cpu_seconds, 3)
    out |= {
        "peak_rss_mb": round(peak / 1024, 1),
        "peak_growth_mb": round((peak - before) / 1024, 1),
    }
    print(json.dumps(out))


def _run(kind: str, file: Path, workdir: Path, **before: Path) -> dict:
    workspace = workdir / f"ws-{file.stem}"
    shutil.rmtree(workspace, ignore_errors=True)
    command = [sys.executable, __file__, "--child", kind, str(file), str(workspace)]
    for name, path in before.items():
        command += [f"--{name}", str(path)]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["file"] = file.name
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=ROOT)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "FILE", "WORKSPACE"))
    parser.add_argument("--accounts-file", dest="accounts_file", type=Path)
    parser.add_argument("--contacts-file", dest="contacts_file", type=Path)
    args = parser.parse_args()
    if args.child:
        kind, file, workspace = args.child
        _child(
            argparse.Namespace(
                kind=kind,
                file=Path(file),
                workspace=Path(workspace),
                accounts=args.accounts_file,
                contacts=args.contacts_file,
            )
        )
        return

    from abmgraph.demo import generate, write

    data_dir = args.out / "encodings"
    data_dir.mkdir(parents=True, exist_ok=True)
    data = generate(
        accounts=max(args.contacts // 25, 10),
        contacts_per_account=(15, 35),
        seed=3,
        anchor="2026-11-01",
        contacts=args.contacts,
        events=args.events,
    )
    paths = write(data, data_dir, fmt="parquet")
    contacts = data.contacts.copy()
    # One contact in four gets an accented surname: the Latin-1 bytes are spread over the file.
    accented = np.arange(len(contacts)) % 4 == 0
    contacts.loc[accented, "last_name"] = ACCENTED[np.arange(accented.sum()) % len(ACCENTED)]
    utf8 = data_dir / "contacts-utf8.csv"
    latin1 = data_dir / "contacts-latin1.csv"
    contacts.to_csv(utf8, index=False, encoding="utf-8")
    latin1.write_bytes(utf8.read_text(encoding="utf-8").encode("latin-1"))
    events_csv = data_dir / "engagements.csv"
    data.engagements.to_csv(events_csv, index=False, encoding="utf-8")
    del data

    runs = {
        "contacts_utf8": _run("contacts", utf8, args.out, **{"accounts-file": paths["accounts"]}),
        "contacts_latin1": _run(
            "contacts", latin1, args.out, **{"accounts-file": paths["accounts"]}
        ),
        "engagements_parquet": _run(
            "engagements",
            paths["engagements"],
            args.out,
            **{"accounts-file": paths["accounts"], "contacts-file": paths["contacts"]},
        ),
        "engagements_csv": _run(
            "engagements",
            events_csv,
            args.out,
            **{"accounts-file": paths["accounts"], "contacts-file": paths["contacts"]},
        ),
    }
    a, b = runs["contacts_utf8"], runs["contacts_latin1"]
    runs["latin1_over_utf8"] = {
        "time": round(b["seconds"] / a["seconds"], 2),
        "cpu_time": round(b["cpu_seconds"] / a["cpu_seconds"], 2),
        "peak_rss": round(b["peak_rss_mb"] / a["peak_rss_mb"], 2),
        "peak_growth": round(b["peak_growth_mb"] / max(a["peak_growth_mb"], 0.1), 2),
    }
    for name, run in runs.items():
        print(f"{name:>22}: {json.dumps(run)}", file=sys.stderr)
    (args.out / "encodings.json").write_text(json.dumps(runs, indent=2), encoding="utf-8")
    print(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
