"""Simulated against observed: each published figure a run covers, the run's value beside it, the log
error and whether it falls in the figure's band, split into the fit window and the validation window
(figures after the fit's last day, compared but never fitted)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import observed as obs
from ..rundir import write_atomic
from .plausibility import plausibility_table

TABLE_COLUMNS = ["id", "series", "country", "start", "end", "window", "observed", "low", "high", "simulated",
                 "log_error", "inside_band", "source", "note"]
SUMMARY_COLUMNS = ["window", "series", "rows", "compared", "median_abs_log_error", "share_inside_band"]
WINDOW_ORDER = {"validation": 0, "fit": 1}  # validation rows first: they are the test
FLOOR = 1.0  # people: a simulated zero is read as one person so the log error stays finite


@dataclass
class Validation:
    """A run's comparison with the observed figures, and the plausibility of its yearly totals."""

    table: pd.DataFrame  # one row per comparable observed figure
    summary: pd.DataFrame  # per window and series
    plausibility: pd.DataFrame  # per check and year
    daily: pd.DataFrame  # the run's tables, for the figure
    locations: pd.DataFrame
    node_country: dict[str, str]
    names: dict[str, str]  # ISO3 -> country name


GROUPS = {"abroad": "all host countries", "LAC": "Latin America & Caribbean"}  # as in sim/observed.py


def country_label(code: str, names: dict[str, str]) -> str:
    """``COL`` -> ``Colombia``; the observed stock groups in words."""
    return GROUPS.get(code) or names.get(code, code)


def node_countries(network) -> dict[str, str]:
    """Location name -> ISO3, from a report Geography (codes) or a model Network (country indices)."""
    codes = network.node_country
    if len(codes) and not isinstance(codes[0], str):
        codes = [network.countries[int(i)] for i in codes]
    return dict(zip(network.nodes, codes))


def log_error(simulated: float, observed: float) -> float:
    """ln(simulated / observed), both floored at one person."""
    return float(np.log(max(simulated, FLOOR) / max(observed, FLOOR)))


def _simulate(row, daily, locations, node_country) -> tuple[float, str]:
    """The run's value for one row, or NaN and why the run cannot give it."""
    try:
        return obs.simulated(row, daily, locations, node_country), ""
    except KeyError as err:
        what = str(err.args[0]) if err.args else row["series"]
        if what.startswith("no location"):
            return np.nan, f"{row['country']} is not in the network"
        return np.nan, f"column {what} not produced by this run"
    except ValueError as err:
        return np.nan, str(err)


def validation_table(rows: pd.DataFrame, daily: pd.DataFrame, locations: pd.DataFrame,
                     node_country: dict[str, str]) -> pd.DataFrame:
    """One row per observed figure: observed, band, simulated, log error, inside the band."""
    out = []
    for _, row in rows.iterrows():
        value, note = _simulate(row, daily, locations, node_country)
        compared = not np.isnan(value)
        out.append(dict(
            id=row["id"], series=row["series"], country=row["country"], start=row["start"], end=row["end"],
            window=row["window"], observed=row["value"], low=row["low"], high=row["high"], simulated=value,
            log_error=log_error(value, row["value"]) if compared else np.nan,
            inside_band=(bool(row["low"] <= value <= row["high"]) if compared else pd.NA),
            source=row["source"], note=note))
    table = pd.DataFrame(out, columns=TABLE_COLUMNS)
    if table.empty:
        return table
    order = table["window"].map(WINDOW_ORDER).fillna(len(WINDOW_ORDER))
    table = table.assign(_order=order).sort_values(["_order", "series", "country", "start", "end"], kind="stable")
    return table.drop(columns="_order").reset_index(drop=True)


def summary_table(table: pd.DataFrame) -> pd.DataFrame:
    """Per window and series: rows, rows the run could produce, median |log error|, share inside the band."""
    out = []
    for (window, series), group in table.groupby(["window", "series"], sort=False):
        done = group.dropna(subset=["log_error"])
        out.append(dict(window=window, series=series, rows=len(group), compared=len(done),
                        median_abs_log_error=float(done["log_error"].abs().median()) if len(done) else np.nan,
                        share_inside_band=float(done["inside_band"].astype(bool).mean()) if len(done) else np.nan))
    return pd.DataFrame(out, columns=SUMMARY_COLUMNS)


def observed_rows(directory: Path | None = None) -> pd.DataFrame | None:
    """Every observed figure shipped with the project; None when there is no observed-figures folder."""
    directory = Path(directory or obs.OBSERVED_DIR)
    if not directory.is_dir():
        return None
    return obs.load_observed(directory)


def validate(daily: pd.DataFrame, locations: pd.DataFrame, node_country: dict[str, str],
             observed: pd.DataFrame | None, names: dict[str, str] | None = None,
             bounds=None) -> Validation | None:
    """Compare a run's tables with the observed figures; None if no figure lies inside the run."""
    if observed is None or daily.empty:
        return None
    dates = pd.to_datetime(daily["date"])
    rows = obs.comparable(observed, dates.min(), dates.max())
    if rows.empty:
        return None
    table = validation_table(rows, daily, locations, node_country)
    plausible = plausibility_table(daily, locations, node_country, observed, names, bounds)
    return Validation(table, summary_table(table), plausible, daily, locations, node_country, names or {})


def validate_run(run, observed: pd.DataFrame | None = None) -> Validation | None:
    """``validate`` for a loaded run directory (RunData), with the project's observed figures by default."""
    observed = observed_rows() if observed is None else observed
    return validate(run.daily, run.locations, node_countries(run.network), observed, run.network.country_names)


CSV_FILES = ("validation.csv", "plausibility.csv")


def write_tables(directory: Path, validation: Validation) -> list[Path]:
    """validation.csv (one row per observed figure) and plausibility.csv, each written atomically."""
    table = validation.table.round({"log_error": 4})
    return [write_atomic(directory / "validation.csv", table.to_csv(index=False, float_format="%.10g")),
            write_atomic(directory / "plausibility.csv",
                         validation.plausibility.to_csv(index=False, float_format="%.10g"))]


def remove_tables(directory: Path) -> None:
    """Drop tables a previous report wrote, so a directory never holds a comparison its report lacks."""
    for name in CSV_FILES:
        (directory / name).unlink(missing_ok=True)
