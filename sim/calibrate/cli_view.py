"""What ``migsim calibrate`` shows: a progress bar per stage, the parameters and the fit tables."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

TARGET_COLUMNS = ["target", "reported", "band_low", "band_high", "simulated_mean", "simulated_5%", "simulated_95%",
                  "relative_error", "inside_band"]
OBSERVED_COLUMNS = ["figure", "observed", "band_low", "band_high", "simulated_mean", "simulated_5%", "simulated_95%",
                    "log_error", "inside_band"]


def calibrate_with_progress(config_file: Path, out_dir: Path, workers: int, scheduler: str | None, force: bool,
                            write_behaviour: bool, console: Console, out: Console) -> None:
    """Run (or resume) the calibration with a progress bar per stage, then print its tables."""
    from .config import load_config
    from .run import run_calibration
    from .store import output_state

    e = load_config(config_file).effort
    where = f"Dask at {scheduler}" if scheduler else f"{workers} local process(es)"
    resuming = output_state(out_dir) == "unfinished" and not force
    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("runs"),
                        TimeRemainingColumn(), console=console, disable=not console.is_terminal)
    announced = False

    def stage(label: str, total: int):
        nonlocal announced
        if not announced:  # the file and its figures passed their checks: say what is coming (a refusal is one line)
            announced = True
            progress.console.print(f"{config_file}: at most {e.runs} simulations ({e.screen} screen, {e.optimise} x "
                                   f"{e.seeds} optimise, {e.abc} ABC, {e.check_replicates} check) on {where}",
                                   highlight=False)
            if resuming:
                progress.console.print(f"resuming {out_dir}: stored simulations are read, not run again",
                                       highlight=False)
        if not console.is_terminal:
            console.print(f"{label}: {total} runs", highlight=False)
        task = progress.add_task(label, total=total)
        return lambda n: progress.advance(task, n)

    try:
        with progress:
            result = run_calibration(config_file, out_dir, workers=workers, force=force, progress=stage,
                                     write_behaviour=write_behaviour, scheduler=scheduler)
    except KeyboardInterrupt:
        console.print(f"interrupted; finished simulations are stored in {out_dir / 'evaluations'}; "
                      "run the same command to resume", highlight=False)
        raise typer.Exit(130) from None
    cfg, fit = result.config, result.fit
    out.print(frame_table(result.posterior.drop(columns=["accepted", "abc_tolerance"]),
                          "parameters (optimum; ABC posterior mean and 90% interval)"))
    replicates = f"{cfg.effort.check_replicates} replicate runs at the optimum (scale {cfg.scale:g})"
    if len(result.table):
        out.print(frame_table(result.table[TARGET_COLUMNS], f"targets vs {replicates}"))
    if result.observed is not None and len(result.observed):
        out.print(frame_table(result.observed[OBSERVED_COLUMNS], f"observed rows (fit window) vs {replicates}"))
    out.print(f"{fit.evaluations} simulations ({fit.simulated} run now, {fit.evaluations - fit.simulated} stored "
              f"or repeated); ABC accepted {int(fit.accepted.sum())} of {len(fit.accepted)} "
              f"(tolerance {fit.tolerance:.2f} sigmas; 1 = inside every band); "
              f"written to {out_dir}" + (f" and {result.behaviour_file}" if result.behaviour_file else ""),
              highlight=False)


def frame_table(frame, title: str) -> Table:
    """A pandas frame as a rich table (numbers with thousands separators, 3 significant digits below 100)."""
    table = Table(title=title, title_justify="left")
    for col in frame.columns:
        table.add_column(str(col), justify="right" if frame[col].dtype.kind in "fi" else "left")
    for _, row in frame.iterrows():
        table.add_row(*(_fmt(v) for v in row))
    return table


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"
    return str(v)
