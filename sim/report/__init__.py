"""Plotted outcome reports: ``write_report(directory)`` picks the report by what the directory holds.

A run directory (run.json + daily.parquet) gets figures under ``figures/`` (PNG and SVG) and one
self-contained ``report.html``. Sweep and calibration directories add a ``Reporter`` to ``REPORTERS``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import ScenarioError
from ..rundir import atomic_dir, write_atomic
from .rundata import is_run_directory, load_run


@dataclass(frozen=True)
class Reporter:
    """A kind of results directory: how to recognise it and how to write its report."""

    kind: str
    recognise: Callable[[Path], bool]
    write: Callable[..., list[Path]]


def write_run_report(directory: Path, period: str | None = None) -> list[Path]:
    """Figures (PNG + SVG) and report.html for one run directory; returns the files written.

    A run that covers observed figures also gets validation.csv, plausibility.csv, figures/validation.*
    and a "Simulated against observed" section; any other run's report is as before.
    """
    from . import figures, html, html_validation, mapping, style, validation, validation_figure

    run = load_run(directory)
    map_period = mapping.parse_period(period, run.scenario.reported_start, run.scenario.end)
    checked = validation.validate_run(run)
    blocks, section = [], ""
    with style.report_style(), atomic_dir(directory / "figures", force=True) as tmp:
        plots = figures.run_figures(run)
        plots.insert(2, mapping.flow_map(run, map_period))
        for plot in plots:
            png, svg = style.save(plot.figure, tmp, plot.name)
            blocks.append((plot.title, plot.caption, png, svg))
        if checked is not None:
            plot = validation_figure.validation_figure(checked, run.scenario.reported_start, run.scenario.end)
            png, svg = style.save(plot.figure, tmp, plot.name)
            section = html_validation.section(checked, (plot.title, plot.caption, png, svg))
            blocks.append((plot.title, plot.caption, png, svg))
        page = html.run_page(run, blocks[:-1] if section else blocks, section)
    final = directory / "figures"
    written = [final / p.name for _, _, png, svg in blocks for p in (png, svg)]
    if checked is None:
        validation.remove_tables(directory)
    else:
        written += validation.write_tables(directory, checked)
    written.append(write_atomic(directory / "report.html", page))
    return written


def _ensemble(directory: Path) -> bool:
    from .fan_page import is_ensemble_directory

    return is_ensemble_directory(directory)


def _write_ensemble(directory: Path, period: str | None = None) -> list[Path]:
    from .fan_page import write_ensemble_report

    return write_ensemble_report(directory, period)


REPORTERS: list[Reporter] = [Reporter("run", is_run_directory, write_run_report),
                             Reporter("ensemble", _ensemble, _write_ensemble)]


def write_report(directory: str | Path, period: str | None = None) -> list[Path]:
    """Write the report of a results directory (a run today; sweeps and calibrations later)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ScenarioError(directory, None, "not a directory")
    for reporter in REPORTERS:
        if reporter.recognise(directory):
            return reporter.write(directory, period=period)
    kinds = ", ".join(r.kind for r in REPORTERS)
    raise ScenarioError(directory, None, f"nothing to report: not a results directory of a known kind ({kinds}); "
                        "a run directory holds run.json and daily.parquet, an ensemble directory ensemble.json")
