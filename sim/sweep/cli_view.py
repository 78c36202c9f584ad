"""What ``migsim sweep`` and ``migsim sensitivity`` show: a progress bar, summaries and tables."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.table import Table


def run_with_progress(sweep_file: Path, out_dir: Path, workers, scheduler, force: bool, retry_failed: bool,
                      console: Console, out: Console) -> None:
    """Run the sweep with a progress bar of runs done, failures and time left."""
    from .execute import run_sweep
    from .store import read_runs

    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("runs"),
        TextColumn("[red]{task.fields[failed]} failed"), TimeElapsedColumn(), TextColumn("ETA"),
        TimeRemainingColumn(), console=console, transient=False, disable=not console.is_terminal,
    )
    state = {}

    def on_start(total: int, stored: int) -> None:
        where = f"Dask at {scheduler}" if scheduler else (f"{workers} local worker process(es)" if workers
                                                          else "local worker processes, one per core")
        console.print(f"{sweep_file}: {total:,} runs ({stored:,} already stored in {out_dir}); on {where}",
                      highlight=False)
        state["task"] = progress.add_task(sweep_file.stem, total=total - stored, failed=0)

    def tick(done: int, failed: int) -> None:
        progress.update(state["task"], completed=done, failed=failed)

    try:
        with progress:
            result = run_sweep(sweep_file, out_dir, workers, scheduler, force, retry_failed, tick, on_start)
    except KeyboardInterrupt:
        console.print(f"interrupted; finished runs are stored in {out_dir}; run the same command to resume")
        raise SystemExit(130) from None
    runs = read_runs(result.out)
    failed_all = int(runs["error"].notna().sum()) if len(runs) else 0
    out.print(f"{result.finished:,} runs in {result.seconds:.1f} s ({result.failed} failed), "
              f"{result.skipped:,} already stored; {len(runs):,} of {result.total:,} runs in {result.out}/runs"
              + (f"; {failed_all} with errors (see the `error` column; --retry-failed runs them again)"
                 if failed_all else ""), highlight=False)
    if len(runs):
        out.print(outcome_table(runs, result.out))


def outcome_table(runs, sweep_dir: Path) -> Table:
    """Spread of each kept outcome across the successful runs."""
    from .store import read_plan

    ok = runs[runs["error"].isna()]
    table = Table(title=f"outcomes across {len(ok):,} successful runs (people; revenue in USD)",
                  title_justify="left")
    table.add_column("outcome", overflow="fold")
    for col in ("mean", "min", "median", "max"):
        table.add_column(col, justify="right", no_wrap=True)
    for name in read_plan(sweep_dir)["outcome_columns"]:
        v = ok[name].to_numpy(dtype=float)
        if v.size:
            table.add_row(name, *(f"{x:,.0f}" for x in (v.mean(), v.min(), np.median(v), v.max())))
    return table


def show_sensitivity(sweep_dir: Path, method: str, out: Console) -> None:
    """Print the indices, write sensitivity.csv and sensitivity.png."""
    from .sensitivity import analyse, write_results

    table = analyse(sweep_dir, method)
    csv, png = write_results(sweep_dir, table, method)
    cols = [c for c in table.columns if c not in ("outcome", "parameter")]
    view = Table(title=f"{'Sobol indices' if method == 'sobol' else 'Morris screening'} "
                       "(± = 95% confidence half-width)", title_justify="left")
    view.add_column("outcome", overflow="fold")
    view.add_column("parameter", overflow="fold")
    for c in cols:
        view.add_column(c.replace("_conf", " ±"), justify="right", no_wrap=True)
    last = None
    for rec in table.to_dict("records"):
        view.add_row(rec["outcome"] if rec["outcome"] != last else "", rec["parameter"],
                     *(_fmt(rec[c], method) for c in cols), end_section=False)
        last = rec["outcome"]
    out.print(view)
    from .sensitivity import unresolved

    vague = unresolved(table)
    if vague:
        out.print(f"[yellow]note:[/] confidence intervals wider than 0.25 for {', '.join(vague)}: the indices are "
                  "mostly sampling and run-to-run noise there; raise design.samples or replicates, or lower the "
                  "scale (people per agent), before reading them")
    out.print(f"written {csv} and {png}")


def _fmt(x: float, method: str) -> str:
    if x is None or np.isnan(x):
        return "n/a"
    return f"{x:.3f}" if method == "sobol" else f"{x:,.4g}"
