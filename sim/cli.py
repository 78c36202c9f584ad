"""The ``migsim`` command line: run, validate and describe scenarios; sweep and analyse them.

Bad input ends with one line ``FILE: KEY: what is wrong`` on stderr and exit code 2.
"""
from __future__ import annotations

import json
import sys
from functools import wraps
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .errors import ScenarioError
from .numbers import figure

app = typer.Typer(
    help="Agent-based simulation of Venezuelan migrant route choice under policy levers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
out = Console(soft_wrap=True)

SUMMARY = ("encounters_us_border", "darien_crossings_north", "darien_crossings_south", "deaths",
           "children_abandoned", "returns_home", "smuggling_revenue_usd", "status_resident", "status_in_transit",
           "status_detained", "status_arrived", "status_returned", "status_dead")


def user_errors(func):
    """Turn bad input, a failing machine (full disk, refused permission) or a damaged file into one line
    ``error: FILE: problem`` and exit code 2 (no traceback)."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        from .failures import about_a_file, damaged_file_errors, describe_damaged, describe_os_error

        try:
            return func(*args, **kwargs)
        except ScenarioError as err:
            message = str(err)
        except FileExistsError as err:
            message = describe_os_error(err) if err.errno else str(err)
        except OSError as err:
            message = describe_os_error(err)
        except damaged_file_errors() as err:  # a damaged file no loader named: its reader's own words
            if not about_a_file(err):
                raise
            message = describe_damaged(err)
        console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True, soft_wrap=True)
        raise typer.Exit(2) from None

    return wrapper


def day_progress(total: int, label: str):
    """A progress bar over simulated days (silent when stderr is not a terminal)."""
    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("days"),
        TimeRemainingColumn(), console=console, transient=True, disable=not console.is_terminal,
    )
    task = progress.add_task(label, total=total)
    return progress, lambda day: progress.update(task, completed=day)


def summary_table(yearly, title: str) -> Table:
    """Outcomes by year; names kept whole (figures shortened instead) so that it reads in 80 columns."""
    table = Table(title=title, title_justify="left", caption="people; smuggling revenue in USD",
                  caption_justify="left")
    table.add_column("outcome", no_wrap=True)
    for y in yearly["year"]:
        table.add_column(str(y), justify="right", no_wrap=True)
    for col in SUMMARY:
        if col in yearly:
            table.add_row(col, *(figure(v) for v in yearly[col]))
    return table


def _load(path: Path, seed: Optional[int], scale: Optional[float]):
    from .api import prepare

    return prepare(path, seed, scale)


@app.command()
@user_errors
def run(
    scenario_file: Path = typer.Argument(..., help="Scenario YAML file."),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Run directory [default: results/<file name>]."),
    seed: Optional[int] = typer.Option(None, help="Override the scenario's seed."),
    scale: Optional[float] = typer.Option(None, min=1, help="Override people per agent."),
    engine: str = typer.Option("vector", help="Engine: vector (fast) or mesa (reference)."),
    counterfactual: bool = typer.Option(False, "--counterfactual",
                                        help="Also run without the policy timeline and write the difference."),
    report: bool = typer.Option(True, "--report/--no-report", help="Write the plotted report."),
    force: bool = typer.Option(False, "--force", help="Replace an existing run directory."),
    save_state: Optional[str] = typer.Option(None, "--save-state", metavar="YYYY-MM-DD",
                                             help="Also write the run's whole state before this day (state-DATE.pkl)."),
    from_state: Optional[Path] = typer.Option(None, "--from-state", metavar="FILE",
                                              help="Carry on from a state file of this scenario (another timeline "
                                              "may differ from its date on)."),
    ensemble: Optional[int] = typer.Option(None, "--ensemble", metavar="N",
                                           help="Run N members over seeds (resumable) and summarise them "
                                           "[default out: results/<file name>_ensemble]."),
    posterior: Optional[Path] = typer.Option(None, "--posterior", metavar="FILE",
                                             help="With --ensemble: members draw parameters from a calibration's "
                                             "abc.csv or posterior.csv."),
    workers: Optional[int] = typer.Option(None, "--workers", help="With --ensemble: local worker processes "
                                          "[default: all cores]."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="With --ensemble: a Dask scheduler address."),
):
    """Run a scenario and write its run directory (tables, provenance, report); or an ensemble of it."""
    from .runner import run_scenario, save_run

    _check_engine(engine)
    sc = _load(scenario_file, seed, scale)
    if ensemble is not None or posterior or workers or scheduler:
        from .ensemble.cli_view import run_ensemble_command

        if save_state or from_state:
            raise ScenarioError(None, "--ensemble", "takes neither --save-state nor --from-state")
        out_dir = out_dir or Path("results") / f"{scenario_file.stem}_ensemble"
        run_ensemble_command(sc, ensemble, out_dir, engine, counterfactual, posterior, workers, scheduler, force,
                             report, console, out)
        return
    from .branch import state_options

    state, save_date = state_options(sc, engine, save_state, from_state, counterfactual)
    out_dir = out_dir or Path("results") / scenario_file.stem
    if out_dir.exists() and not force:
        raise FileExistsError(f"{out_dir} exists; pass --force to replace it")
    label = f"{sc.name} and its counterfactual" if counterfactual else sc.name
    progress, tick = day_progress(sc.days + sc.spin_up_days, label)
    with progress:
        result = run_scenario(sc, engine, tick, counterfactual=counterfactual, save_state=save_date, from_state=state)
    if state is not None:  # provenance: the days before the state's date were simulated by another run
        result.meta["from_state"] = {"file": str(from_state), "date": state["date"], "scenario": state["scenario_name"]}
    cf = result.counterfactual
    extra = None
    if report:
        from .report import write_report

        extra = lambda directory, res: write_report(directory)  # noqa: E731
    save_run(result, out_dir, force=force, counterfactual=cf, extra=extra)
    out.print(summary_table(result.yearly, f"{sc.name} (seed {sc.seed}, scale {sc.scale:g})"))
    if cf is not None:
        from .runner import difference

        out.print(summary_table(difference(result.yearly, cf.yearly), "policy minus counterfactual"))
    meta = result.meta
    spin_up = f" (+{meta['spin_up_days']} spin-up)" if meta.get("spin_up_days") else ""
    out.print(f"{meta['agents']:,} agents x {meta['days']} days{spin_up} in {meta['runtime_seconds']:.1f} s; "
              f"written to {out_dir}")
    if result.state is not None:
        from .runner import state_file

        out.print(f"state before {save_date}: {out_dir / state_file(save_date)} (continue it with --from-state)",
                  highlight=False, soft_wrap=True)
    if report:
        _print_checks(out_dir)
        out.print(f"report: {out_dir / 'report.html'}", highlight=False, soft_wrap=True)


def _print_checks(run_dir: Path) -> None:
    """Plausibility checks and the fit of simulated to observed figures, when the run wrote them."""
    import pandas as pd

    from .calibrate.cli_view import frame_table

    checks = run_dir / "plausibility.csv"
    if checks.is_file():
        table = pd.read_csv(checks)
        table = table[table["within"] != "no bound"]  # stock changes where no two observed stocks bracket the year
        keep = [c for c in ("check", "year", "simulated", "low", "high", "within") if c in table.columns]
        out.print(frame_table(table[keep], "plausibility checks (seeds/plausibility.yaml)"))
    rows = run_dir / "validation.csv"
    if rows.is_file():
        table = pd.read_csv(rows).dropna(subset=["simulated"])
        summary = table.groupby(["window", "series"]).agg(
            figures=("id", "size"), median_abs_log_error=("log_error", lambda e: float(e.abs().median())),
            inside_band=("inside_band", "mean")).reset_index()
        out.print(frame_table(summary, "simulated against observed (validation.csv; fit window to 2024-06-30)"))


@app.command()
@user_errors
def report(
    directory: Path = typer.Argument(..., help="Run directory written by `migsim run`."),
    period: Optional[str] = typer.Option(None, "--period", metavar="YYYY-MM:YYYY-MM",
                                         help="Months the flow map covers, e.g. 2024-06:2024-12 (default: the whole run)."),
):
    """Write the plotted report of a run directory: figures/ (PNG, SVG) and report.html."""
    from .report import write_report

    written = write_report(directory, period=period)
    figures = sum(1 for p in written if p.suffix == ".png")
    out.print(f"{figures} figures in {directory / 'figures'}", highlight=False)
    out.print(f"report: {written[-1]}", highlight=False, soft_wrap=True)


@app.command()
@user_errors
def validate(scenario_file: Path = typer.Argument(..., help="Scenario YAML file.")):
    """Check a scenario file (shape, names, dates, memory) without running it."""
    sc = _load(scenario_file, None, None)
    from .population import agent_counts

    spin_up = f" after {sc.spin_up_days} days of spin-up" if sc.spin_up_days else ""
    out.print(f"{scenario_file}: ok ({sc.name}; {sum(agent_counts(sc)):,} agents, {sc.days} days{spin_up}, "
              f"{len(sc.policy.timeline)} timeline entries)")


@app.command("import-flee")
@user_errors
def import_flee(
    flee_dir: Path = typer.Argument(..., help="Flee input directory (locations.csv, routes.csv, closures.csv, ...)."),
    out_file: Optional[Path] = typer.Option(None, "--out", help="Scenario to write [default: scenarios/<dir>.yaml]; "
                                            "its network goes to networks/<name>.yaml beside it."),
    start: Optional[str] = typer.Option(None, help="First day YYYY-MM-DD [default: sim_period.csv, else 2024-01-01]."),
    days: Optional[int] = typer.Option(None, min=1, help="Days to run [default: sim_period.csv, else 180]."),
    mode: str = typer.Option("bus", help="Travel mode of every imported route (road, bus, boat, jungle, air, sea)."),
    force: bool = typer.Option(False, "--force", help="Replace existing output files."),
):
    """Convert a Flee input directory into a migsim network and a scenario that runs as it is."""
    import datetime as dt

    from .flee_import import import_flee as do_import
    from .network import MODES

    if mode not in MODES:
        raise ScenarioError(None, "--mode", f"unknown mode {mode!r}; choose from {', '.join(MODES)}")
    try:
        first_day = dt.date.fromisoformat(start) if start else None
    except ValueError:
        raise ScenarioError(None, "--start", f"expected a date YYYY-MM-DD, got {start!r}") from None
    out_file = out_file or Path("scenarios") / f"{flee_dir.resolve().name}.yaml"
    imported, sc_path, net_path = do_import(flee_dir, out_file, force=force, start=first_day, days=days, mode=mode)
    if imported.unmapped:
        console.print(f"[bold yellow]warning:[/] not mapped from Flee ({len(imported.unmapped)} items):\n"
                      + "\n".join(f"  - {item}" for item in imported.unmapped),
                      highlight=False, markup=True, soft_wrap=True)
    kinds = {}
    for k in imported.kinds.values():
        kinds[k] = kinds.get(k, 0) + 1
    sc = imported.scenario
    out.print(f"wrote {sc_path} and {net_path}: {len(imported.kinds)} locations "
              f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), "
              f"{len(imported.network['segments'])} segments, {len(sc['policy']['timeline'])} timeline entries, "
              f"{sum(g['people'] for g in sc['population']):,} people; run it with: migsim run {sc_path}",
              highlight=False, soft_wrap=True)


def _check_engine(engine: str) -> None:
    from .runner import ENGINES

    if engine not in ENGINES:
        console.print(f"[bold red]error:[/] --engine: unknown engine {engine!r}; choose from {', '.join(ENGINES)}",
                      highlight=False)
        raise typer.Exit(2)


@app.command("app")
@user_errors
def app_command(
    scenario_file: Optional[Path] = typer.Argument(
        None, help="Scenario YAML file (default: scenarios/baseline_2024.yaml)."),
    scale: Optional[float] = typer.Option(
        None, min=1, help="People per agent (default: 500 for the baseline, else the scenario's own)."),
    engine: str = typer.Option("vector", help="Engine: vector (fast) or mesa (reference)."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8765, help="Port to listen on."),
):
    """Open the interactive page (Mesa SolaraViz): map, flows, and sliders for the initial policy."""
    import os
    import subprocess

    from .app_launch import app_file, solara_missing

    _check_engine(engine)
    missing = solara_missing()
    if missing:
        console.print(f"[bold red]error:[/] the page needs {missing}; install it with: pip install 'migsim[app]'",
                      highlight=False)
        raise typer.Exit(2)
    from .app_launch import DEFAULT_SCALE, DEFAULT_SCENARIO

    if scenario_file is None:
        scenario_file, scale = DEFAULT_SCENARIO, scale or DEFAULT_SCALE
    scenario = _load(scenario_file, None, scale)  # bad input: one clear error before the server starts
    env = {**os.environ, "MIGSIM_APP_SCENARIO": str(scenario_file.resolve()),
           "MIGSIM_APP_SCALE": str(scenario.scale), "MIGSIM_APP_ENGINE": engine}
    out.print(f"migsim app: {scenario_file.name} on http://{host}:{port} (Ctrl-C to stop)")
    cmd = [sys.executable, "-m", "solara", "run", str(app_file()), "--host", host, "--port", str(port),
           "--no-open", "--production", "--no-check-version"]
    try:
        raise typer.Exit(subprocess.call(cmd, env=env))
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


@app.command()
@user_errors
def calibrate(
    config_file: Path = typer.Argument(..., help="Calibration YAML (e.g. scenarios/calibration/history_2021_2025.yaml)."),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Output directory [default: results/calibration/<file name>]."),
    workers: int = typer.Option(2, min=1, help="Simulations run in parallel (local processes)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786."),
    force: bool = typer.Option(False, "--force", help="Replace a finished output directory (or start an unfinished one over)."),
    write_behaviour: bool = typer.Option(True, "--write-behaviour/--no-write-behaviour",
                                         help="Also write the calibrated behaviour file named by the config's `output`."),
):
    """Fit behaviour parameters to reported targets and observed series; stop at any time and run the same command to resume."""
    from .calibrate.cli_view import calibrate_with_progress

    out_dir = out_dir or Path("results") / "calibration" / config_file.stem
    calibrate_with_progress(config_file, out_dir, workers, scheduler, force, write_behaviour, console, out)


@app.command()
@user_errors
def schema():
    """Print the JSON Schema of the scenario format (for editors)."""
    from .scenario import Scenario

    sys.stdout.write(json.dumps(Scenario.model_json_schema(), indent=2) + "\n")


@app.command()
@user_errors
def sweep(
    sweep_file: Path = typer.Argument(..., help="Sweep YAML file (see scenarios/sweeps/)."),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Sweep directory [default: results/sweeps/<file name>]."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Local worker processes [default: all cores]."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786."),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Run again the runs stored with an error."),
    force: bool = typer.Option(False, "--force", help="Discard the runs stored in the directory and start over."),
):
    """Run a parameter sweep; stop it at any time and run the same command to resume."""
    from .sweep.cli_view import run_with_progress

    out_dir = out_dir or Path("results") / "sweeps" / sweep_file.stem
    run_with_progress(sweep_file, out_dir, workers, scheduler, force, retry_failed, console, out)


@app.command()
@user_errors
def sensitivity(
    sweep_dir: Path = typer.Argument(..., help="Directory written by `migsim sweep`."),
    method: str = typer.Option("sobol", "--method", help="sobol (saltelli design) or morris (morris design)."),
):
    """Sensitivity indices of each kept outcome to each swept parameter: table, CSV and chart."""
    from .sweep.cli_view import show_sensitivity

    show_sensitivity(sweep_dir, method, out)


@app.command()
@user_errors
def effects(
    scenario_file: Path = typer.Argument(..., help="Scenario YAML file with a policy timeline."),
    seeds: int = typer.Option(10, min=2, help="Seeds: each run is paired with its own branched counterfactual."),
    first_seed: int = typer.Option(1, help="First seed (seeds are first_seed, first_seed + 1, ...)."),
    scale: Optional[float] = typer.Option(None, min=1, help="Override people per agent."),
    year: Optional[int] = typer.Option(None, help="Show this year only."),
    out_file: Optional[Path] = typer.Option(None, "--out", help="Write the summary as CSV."),
    workers: int = typer.Option(2, min=1, help="Runs in parallel (local processes)."),
):
    """The policy's effect (run minus its branched counterfactual) with its spread over seeds."""
    from .effects import seed_pairs, summarise
    from .rundir import write_atomic

    sc = _load(scenario_file, None, scale)
    summary = summarise(seed_pairs(sc, range(first_seed, first_seed + seeds), workers))
    if year is not None:
        summary = summary[summary["year"] == year]
    if out_file is not None:
        write_atomic(out_file, summary.to_csv(index=False, float_format="%.6g"))
    from .calibrate.cli_view import frame_table

    shown = summary.drop(columns=["seeds"]).assign(includes_zero=summary["includes_zero"].map({True: "yes", False: "no"}))
    out.print(frame_table(shown, f"{sc.name}: policy minus counterfactual over {seeds} seeds (scale {sc.scale:g})"))


def main():  # pragma: no cover
    app()
