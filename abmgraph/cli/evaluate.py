"""``abmgraph backtest``, ``abmgraph calibrate`` and ``abmgraph datasets convert``.

Each command parses its options, calls one library function from
``abmgraph.evaluation`` or ``abmgraph.datasets`` and renders the result.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from abmgraph.cli.app import App, pass_app
from abmgraph.cli.output import info, render_rows

__all__ = ["backtest", "calibrate", "datasets"]

_config_path = click.Path(dir_okay=False, exists=True, path_type=Path)
_LIFT = ("count", "conversion", "lift")
_CONVERSION = ("count", "positives", "conversion", "lift")
_VELOCITY = ("opportunities", "win_rate", "average_amount", "cycle_days", "velocity_per_day")


def _evaluation_options(command: Any) -> Any:
    """The options backtest and calibrate share, defined once so they behave the same."""
    options = [
        click.option(
            "--as-of", required=True, help="Score as of this date; later data is invisible."
        ),
        click.option(
            "--window",
            "window_days",
            type=click.FloatRange(min=1),
            default=90,
            show_default=True,
            help="Days after --as-of in which outcomes count.",
        ),
        click.option(
            "--level",
            type=click.Choice(["account", "contact"]),
            default="account",
            show_default=True,
            help="Rank accounts (opportunities) or contacts (their own conversion).",
        ),
        click.option(
            "--config", type=_config_path, help="Scoring config (default: the workspace's)."
        ),
        click.option(
            "--outcomes",
            type=click.Path(dir_okay=False, exists=True, path_type=Path),
            help="An outcomes CSV (as datasets convert writes) instead of the store's opportunities.",
        ),
        click.option(
            "--target",
            type=click.Choice(["converted", "won", "accepted"]),
            default="converted",
            show_default=True,
            help="What counts as a positive outcome (accepted: sales accepted the handover, "
            "from 'ingest feedback').",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _outcomes(path: Path | None) -> Any:
    if path is None:
        return None
    from abmgraph.evaluation.outcomes import read_outcomes

    return read_outcomes(path)


def _label(path: Path | None, app: App) -> str:
    if path is not None:
        return path.stem
    return app.workspace.config_path.stem if app.workspace.config_path.exists() else "default"


def _render_backtest(results: list[tuple[str, dict[str, Any]]]) -> None:
    from abmgraph.evaluation.report import baseline_rows, beaten_lines, summary_rows, table_rows

    first = results[0][1]
    title = f"Backtest as of {first['as_of'][:10]}, {first['window_days']:g}-day window, {first['level']} level"
    render_rows(summary_rows(results), "table", title=title)
    baselines = baseline_rows(results)
    if baselines:
        render_rows(
            baselines,
            "table",
            title="The score against naive baselines (events / engaged people in the last N days)",
        )
        for line in beaten_lines(results):
            info(line)
    render_rows(
        table_rows(results, "lift_by_decile", "decile", _LIFT),
        "table",
        title="Lift by score decile",
    )
    for key, by in (
        ("conversion_by_tier", "tier"),
        ("conversion_by_stage", "stage"),
        ("conversion_by_quadrant", "quadrant"),
    ):
        rows = table_rows(results, key, by, _CONVERSION)
        if rows:
            render_rows(rows, "table", title=key.replace("_", " ").capitalize())
    velocity = table_rows(results, "pipeline_velocity_by_tier", ("tier", "currency"), _VELOCITY)
    if velocity:
        render_rows(
            velocity,
            "table",
            title="Pipeline velocity by tier (opportunities created in the window)",
        )
    for label, metrics in results:
        if metrics.get("handovers_judged"):
            auc = metrics["acceptance_auc"]
            info(
                f"{label}: sales verdicts in the window, {metrics['handovers_accepted']} accepted "
                f"of {metrics['handovers_judged']} judged; the score separates accepted from "
                f"rejected handovers with ROC-AUC {'n/a (one kind only)' if auc is None else auc}."
            )


@click.command()
@_evaluation_options
@click.option("--against", type=_config_path, help="A second config, measured side by side.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a PNG of lift by decile.",
)
@pass_app
def backtest(
    app: App,
    as_of: str,
    window_days: float,
    level: str,
    config: Path | None,
    outcomes: Path | None,
    target: str,
    against: Path | None,
    fmt: str,
    chart: Path | None,
) -> None:
    """Score as of a past date and measure what happened in the window after it.

    \b
    Example:
        abmgraph backtest --as-of 2026-08-01 --window 90
        abmgraph backtest --as-of 2026-08-01 --config a.toml --against b.toml --chart lift.png
        abmgraph backtest --as-of 2020-01-01 --level contact --outcomes out/outcomes.csv
    """
    from abmgraph.evaluation.backtest import backtest as run_backtest
    from abmgraph.scoring.engine import parse_as_of

    instant = parse_as_of(as_of)
    table = _outcomes(outcomes)
    configs = [(_label(config, app), app.workspace.config(config))]
    if against is not None:
        label = against.stem if against.stem != configs[0][0] else f"{against.stem} (against)"
        configs.append((label, app.workspace.config(against)))
    results = [
        (
            label,
            run_backtest(
                app.store(),
                scoring,
                instant,
                window_days=window_days,
                level=level,
                outcomes=table,
                target=target,
            ).metrics,
        )
        for label, scoring in configs
    ]
    if fmt == "json":
        body = dict(results[0][1], config=results[0][0])
        if len(results) > 1:
            body["against"] = dict(results[1][1], config=results[1][0])
        click.echo(json.dumps(body, default=str))
    else:
        _render_backtest(results)
    if chart is not None:
        from abmgraph.evaluation.chart import lift_chart

        subtitle = (
            f"{level} level, as of {instant:%Y-%m-%d}, outcomes in the next {window_days:g} days"
        )
        lift_chart([(label, m["lift_by_decile"]) for label, m in results], chart, subtitle)
        info(f"Wrote {chart}.")
    from abmgraph.report.backtest import save_backtest

    # Kept for 'abmgraph report', which shows the last backtest's lift.
    save_backtest(app.workspace.path, dict(results[0][1], config=results[0][0]))


@click.command()
@_evaluation_options
@click.option(
    "--method",
    type=click.Choice(["logistic", "conversion-rates"]),
    default="logistic",
    show_default=True,
    help="Logistic regression in points, or points from conversion rates.",
)
@click.option(
    "--holdout",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Random held-out fraction instead of a split in time (for data without dates).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the --holdout split.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the new config."
)
@click.option(
    "--force", is_flag=True, help="Write the new config even when it does worse held out."
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@pass_app
def calibrate(
    app: App,
    as_of: str,
    window_days: float,
    level: str,
    config: Path | None,
    outcomes: Path | None,
    target: str,
    method: str,
    holdout: float | None,
    seed: int,
    out: Path | None,
    force: bool,
    fmt: str,
) -> None:
    """Learn the config's points from outcomes and write them as a new config.

    Fits on outcomes before --as-of and validates on those after it (or on a
    random --holdout), then writes <config>.calibrated.toml beside the config
    unless the new points do worse on the held-out records.

    \b
    Example:
        abmgraph calibrate --as-of 2026-08-01 --window 90
        abmgraph calibrate --as-of 2020-01-01 --level contact --outcomes out/outcomes.csv --holdout 0.3 --seed 0
    """
    from abmgraph.evaluation.calibrate import (
        CalibrationRefused,
        calibrated_path,
        config_diff,
        write_calibrated,
    )
    from abmgraph.evaluation.calibrate import calibrate as run_calibrate
    from abmgraph.evaluation.report import baseline_rows, summary_rows
    from abmgraph.safe_io import check_output
    from abmgraph.scoring.engine import parse_as_of

    when = parse_as_of(as_of)
    app.lock()  # the calibrated config is written into the workspace
    old_path = config or (app.workspace.config_path if app.workspace.config_path.exists() else None)
    path = out or calibrated_path(old_path, app.workspace.path)
    # Refused before the fit, not after it: never over the config read or into the store.
    check_output(
        path,
        option="--out",
        protected=[app.workspace.store_path],
        inputs=[p for p in [old_path] if p],
    )
    result = run_calibrate(
        app.store(),
        app.workspace.config(config),
        when,
        level=level,
        method=method,
        window_days=window_days,
        outcomes=_outcomes(outcomes),
        target=target,
        holdout=holdout,
        seed=seed,
    )
    refused = None
    try:
        write_calibrated(result, path, force=force)
    except CalibrationRefused as exc:  # raised after the numbers, which explain it
        refused = exc
    report = result.report
    if fmt == "json":
        click.echo(json.dumps(report, default=str))
    else:
        from abmgraph.feedback.proposals import proposals_toml

        appended = proposals_toml(result.proposals)
        click.echo(
            config_diff(result.base, result.config, str(old_path or "default"), str(path), appended)
        )
        held_out = [("default", result.default.metrics), ("calibrated", result.calibrated.metrics)]
        render_rows(
            summary_rows(held_out), "table", title=f"Held-out backtest ({report['split']} split)"
        )
        baselines = baseline_rows(held_out)
        if baselines:
            render_rows(baselines, "table", title="Held out, against naive baselines")
        info(
            f"Held-out ROC-AUC: default {report['auc_default']}, calibrated {report['auc_calibrated']}, "
            f"unconstrained logistic baseline {report['auc_baseline']}, best naive count "
            f"{report['auc_best_baseline']} ({report['best_baseline']})."
        )
        if report["saturation_cv_auc"]:
            factor = report["saturation_factor"]
            shape = "the configured" if factor == 1 else f"a {factor:g}× wider"
            folds = ", ".join(f"×{k} {v}" for k, v in report["saturation_cv_auc"].items())
            info(f"Kept {shape} saturation shape (training folds' ROC-AUC: {folds}).")
        render_rows(result.weights[:15], "table", title="Largest calibrated points")
    if refused is not None:
        raise refused
    info(f"Wrote {path}; score with it: {report['next_command']}")


@click.group()
def datasets() -> None:
    """Convert public lead datasets into the native data contract.

    \b
    Example:
        abmgraph datasets convert x-education ../shared/data/x-education-leads xe --ingest
    """


@datasets.command("convert")
@click.argument("name", type=click.Choice(["x-education", "olist"]))
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--ingest", is_flag=True, help="Also load the converted files into the workspace.")
@pass_app
def convert(app: App, name: str, path: Path, outdir: Path, ingest: bool) -> None:
    """Write accounts, contacts, engagements and outcomes CSVs from dataset NAME at PATH.

    \b
    Example:
        abmgraph datasets convert x-education ../shared/data/x-education-leads xe --ingest
        abmgraph backtest --as-of 2020-01-01 --level contact --outcomes xe/outcomes.csv
    """
    from abmgraph.datasets import convert as run_convert
    from abmgraph.datasets import ingest_dataset

    data, paths = run_convert(name, path, outdir)
    sizes = ", ".join(f"{n} {kind}" for kind, n in data.sizes().items())
    info(f"Wrote {sizes} to {outdir} (score as of {data.as_of}).")
    if ingest:
        store = app.store(write=True)
        app.workspace.forget_demo()
        for report in ingest_dataset(store, paths, app.workspace.path / "rejects"):
            info(report.summary_line())
