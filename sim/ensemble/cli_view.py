"""``migsim run SCENARIO --ensemble N``: check the options, run with a progress bar, print the summary
(each figure with its 90% interval, wide ones marked), the effects in words and the fit to observed figures."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ..errors import ScenarioError
from ..numbers import figure
from .summary import WIDE

SHOWN = ("encounters_us_border", "darien_crossings_north", "darien_crossings_south", "deaths", "children_abandoned",
         "returns_home", "smuggling_revenue_usd", "stock_abroad", "status_in_transit", "status_detained")


def check_options(n: int | None, posterior, workers: int | None) -> None:
    """One-line errors for options that make no ensemble."""
    if n is None:
        raise ScenarioError(None, "--posterior" if posterior else "--workers", "only with --ensemble N")
    if n < 2:
        raise ScenarioError(None, "--ensemble", f"needs at least 2 members for an interval, got {n}")
    if workers is not None and workers < 1:
        raise ScenarioError(None, "--workers", f"needs at least 1, got {workers}")


def cell(row, signed: bool = False) -> str:
    mean, p5, p95 = (figure(row[k], signed) for k in ("mean", "p5", "p95"))
    return f"{mean} ({p5} to {p95}){' †' if row['wide'] else ''}"


def yearly(table: pd.DataFrame, title: str, signed: bool = False, words: bool = False) -> Table:
    """Shown outcomes as rows, years as columns: mean (5% to 95%), † when the interval is wide."""
    years = table[table["freq"] == "year"]
    periods = sorted(years["period"].unique())
    out = Table(title=title, title_justify="left", caption="people; smuggling revenue in USD", caption_justify="left")
    out.add_column("outcome", no_wrap=True)
    for p in periods:
        out.add_column(p, justify="right")
    if words:
        out.add_column(f"reading ({periods[-1]})")
    for outcome in SHOWN:
        got = years[years["outcome"] == outcome].set_index("period")
        if got.empty:
            continue
        cells = [cell(got.loc[p], signed) for p in periods]
        out.add_row(outcome, *cells, *([got.loc[periods[-1], "reading"]] if words else []))
    return out


def fit_summary(observed: pd.DataFrame) -> pd.DataFrame:
    """Per window and series: figures, median |log error| of the median, shares inside band and interval."""
    return observed.groupby(["window", "series"], sort=False).agg(
        figures=("id", "size"), **{"|log error|": ("log_error", lambda e: float(e.abs().median())),
                                   "median in band": ("inside_band", "mean"),
                                   "observed in 5-95%": ("observed_in_interval", "mean")}).reset_index()


def run_ensemble_command(sc, n, out_dir: Path, engine: str, counterfactual: bool, posterior, workers, scheduler,
                         force: bool, report: bool, console, out) -> None:
    from ..calibrate.cli_view import frame_table
    from ..report.validation import observed_rows
    from .members import read_posterior
    from .run import Job, run_ensemble

    check_options(n, posterior, workers)
    draws = read_posterior(posterior, sc) if posterior else None
    job = Job(sc, engine, counterfactual, observed_rows())
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("members"),
                   TimeRemainingColumn(), console=console, transient=True, disable=not console.is_terminal)
    task = bar.add_task(f"{sc.name}: ensemble", total=n)
    with bar:
        result = run_ensemble(job, n, out_dir, draws, posterior, workers, scheduler, force,
                              lambda done, total: bar.update(task, completed=done), report)
    policy = result.summary[result.summary["branch"] == "policy"]
    note = f"† 5-95% interval wider than ±{WIDE:.0%} of the mean"
    out.print(yearly(policy, f"{sc.name}: mean (5% to 95%) over {n} members, scale {sc.scale:g}; {note}"))
    if result.effects is not None:
        out.print(yearly(result.effects, f"policy minus counterfactual, member by member; {note}", signed=True,
                         words=True))
    if not result.observed.empty:
        out.print(frame_table(fit_summary(result.observed), "ensemble median against observed (observed.csv; fit "
                              "window to 2024-06-30)"))
    skipped = f" ({result.skipped} already stored)" if result.skipped else ""
    out.print(f"{n} members{skipped} in {result.seconds:.1f} s; written to {out_dir}", highlight=False, soft_wrap=True)
    if report:
        out.print(f"report: {out_dir / 'report.html'}", highlight=False, soft_wrap=True)
