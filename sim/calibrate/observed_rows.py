"""The observed rows a calibration fits: the one place the fit window is applied.

Only :func:`fitted_rows` reads observed figures for a calibration, and it keeps only the fit window
(``sim.observed.fit_window``: rows ending on or before ``FIT_END``), then the Venezuelan rows the
scenario's dates cover, the series the calibration file names, and the rows the network can produce
(a stock or arrivals in a country the network has no location in cannot be compared) less those the
file leaves out with a reason (``not_fitted``); skipped rows are listed with why. Validation rows never get past it, so they can reach neither the loss nor any
stage of the fit.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import ScenarioError
from ..load import network_of
from ..observed import COUNTRY_SERIES, FIT_END, GROUPS, comparable, fit_window, load_observed
from ..scenario import Scenario
from .config import CalibrationConfig


def unreachable(rows: pd.DataFrame, scenario: Scenario) -> dict[str, str]:
    """Row id -> why a run of ``scenario`` cannot produce it (a country without a location in the network)."""
    net = network_of(scenario)
    located = {net.countries[c] for c in set(net.node_country.tolist())}
    out = {}
    for r in rows.itertuples():
        if r.series in COUNTRY_SERIES and r.country not in GROUPS and r.country not in located:
            out[r.id] = f"the network has no location in {r.country}"
    return out


def fitted_rows(cfg: CalibrationConfig, file: Path, scenario: Scenario) -> tuple[pd.DataFrame, dict[str, str]]:
    """Fit-window rows of the named series that a run of ``scenario`` covers, and the rows skipped (id -> why)."""
    if not cfg.observed:
        return pd.DataFrame(), {}
    directory = cfg.path("observed", file)
    if not directory.is_dir():
        raise ScenarioError(file, "observed", f"no directory {directory} (observed-figure CSVs, sim/observed.py)")
    observed = load_observed(directory)  # bad rows: ScenarioError naming the CSV, row and column
    present = sorted(set(observed["series"]))
    rows = fit_window(observed)  # the only rows a calibration may read from here on
    first = scenario.reported_start  # the run's outputs begin here (``report_from``, else ``start``)
    rows = comparable(rows, first, scenario.end)
    rows = rows[rows["series"].isin(cfg.series)]
    skipped = unreachable(rows, scenario)
    ids = set(rows["id"])
    for row_id, why in cfg.not_fitted.items():
        if row_id not in ids:
            raise ScenarioError(file, f"not_fitted.{row_id}", "no such fit-window row of the series fitted "
                                f"(seeds/observed/, series {', '.join(cfg.series)})")
        skipped[row_id] = f"not fitted: {why}"
    rows = rows[~rows["id"].isin(skipped)].reset_index(drop=True)
    for i, name in enumerate(cfg.series):
        if name not in present:
            raise ScenarioError(file, f"series[{i}]", f"unknown series {name!r}: the files in {cfg.observed} "
                                f"have {', '.join(present)}")
        if not (rows["series"] == name).any():
            raise ScenarioError(file, f"series[{i}]", f"no fit-window Venezuelan row of {name!r} lies within the "
                                f"run's reported dates ({first} to {scenario.end}, fit window to {FIT_END}) "
                                "in a country the network has")
    if not ((rows["window"] == "fit") & (rows["end"] <= FIT_END)).all():  # fit_window's promise, kept here
        raise RuntimeError("a validation-window row reached the fitted rows")
    return rows, skipped
