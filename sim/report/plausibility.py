"""Plausibility checks: a run's yearly totals beside sourced bounds, and each host country's yearly change
in stock beside the change the observed stocks imply. Not a fit: a flag for someone to read why."""
from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from ..yamlio import read_validated

BOUNDS_FILE = Path(__file__).resolve().parents[2] / "seeds" / "plausibility.yaml"
HOST_SHARE = 0.01  # a country without observed stocks is listed if it holds this share of those abroad
COLUMNS = ["check", "year", "simulated", "reference", "low", "high", "within", "note"]


class Bound(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    check: str
    column: str
    reference: float
    low: float = Field(ge=0)
    high: float
    reason: str
    source: str


class Bounds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    checks: list[Bound]


def load_bounds(path: str | Path = BOUNDS_FILE) -> list[Bound]:
    return read_validated(path, Bounds).checks


def _years(daily: pd.DataFrame) -> pd.DataFrame:
    """Each simulated year: its first and last simulated day and the share of the calendar year covered."""
    dates = pd.to_datetime(daily["date"])
    out = dates.groupby(dates.dt.year).agg(["min", "max", "size"])
    out["share"] = out["size"] / [366 if calendar.isleap(y) else 365 for y in out.index]
    return out


def _row(check, year, simulated, reference, low, high, note="") -> dict:
    if np.isnan(low) or np.isnan(simulated):
        within = "no bound" if np.isnan(low) else "not produced"
    else:
        within = "yes" if low <= simulated <= high else "no"
    return dict(check=check, year=int(year), simulated=simulated, reference=reference, low=low, high=high,
                within=within, note=note)


def _column(daily: pd.DataFrame, name: str) -> pd.Series | None:
    """A daily column, or the sum of its breakdown (``name__*``) columns; None if the run has neither."""
    if name in daily:
        return daily[name]
    parts = [c for c in daily.columns if c.startswith(f"{name}__")]
    return daily[parts].sum(axis=1) if parts else None


def flow_checks(daily: pd.DataFrame, bounds: list[Bound]) -> list[dict]:
    """Yearly sums of the bounded columns; a column this run does not produce is a row saying so."""
    years = _years(daily)
    rows = []
    year = pd.to_datetime(daily["date"]).dt.year
    for b in bounds:
        column = _column(daily, b.column)
        missing = column is None
        sums = None if missing else column.groupby(year).sum()
        for y, span in years.iterrows():
            part = "" if span["share"] > 0.999 else f"bounds scaled to {span['share']:.0%} of the year simulated"
            value = np.nan if missing else float(sums[y])
            note = f"column {b.column} not produced by this run" if missing else part
            rows.append(_row(b.check, y, value, b.reference * span["share"], b.low * span["share"],
                             b.high * span["share"], note))
    return rows


def stocks_by_country(locations: pd.DataFrame, node_country: dict[str, str]) -> pd.DataFrame:
    """People in each country (columns, ISO3) on each day (index)."""
    nodes = [n for n in locations.columns if n in node_country]
    frame = locations.set_index(pd.to_datetime(locations["date"]))[nodes]
    return frame.T.groupby([node_country[n] for n in nodes]).sum().T


def implied_change(stocks: pd.DataFrame, country: str, first: dt.date,
                   last: dt.date) -> tuple[float, float, float, str]:
    """Change from ``first`` to ``last`` implied by the observed stocks bracketing them (linear between the two);
    its band from their low and high figures. NaN without a bracketing pair."""
    rows = stocks[stocks["country"] == country]
    before = rows[rows["end"] <= first].sort_values("end")
    after = rows[rows["end"] >= last].sort_values("end")
    if before.empty or after.empty:
        return np.nan, np.nan, np.nan, "no observed stocks bracket the year"
    a, b = before.iloc[-1], after.iloc[0]
    share = (last - first).days / max((b["end"] - a["end"]).days, 1)
    low_a, high_a = _band(a)
    low_b, high_b = _band(b)
    note = f"observed {a['end']:%Y-%m-%d} ({a['id']}) to {b['end']:%Y-%m-%d} ({b['id']}), linear"
    return (b["value"] - a["value"]) * share, (low_b - high_a) * share, (high_b - low_a) * share, note


def _band(row) -> tuple[float, float]:
    low, high = row.get("low"), row.get("high")
    value = row["value"]
    return (value if pd.isna(low) else low), (value if pd.isna(high) else high)


def stock_checks(locations: pd.DataFrame, node_country: dict[str, str], observed: pd.DataFrame,
                 names: dict[str, str] | None = None) -> list[dict]:
    """Each host country's yearly change in stock (last day of the year minus the day before the year's
    first, or the run's first day) beside the change the observed stocks imply over the same days."""
    names = names or {}
    by_country = stocks_by_country(locations, node_country)
    stocks = observed[(observed["series"] == "stock") & (observed["nationality"] == "VEN")].copy()
    stocks["end"] = pd.to_datetime(stocks["end"]).dt.date
    home = by_country.columns.intersection(["VEN"])
    abroad = by_country.drop(columns=home)
    big = abroad.columns[abroad.iloc[0] >= HOST_SHARE * abroad.iloc[0].sum()]
    hosts = sorted(set(big) | (set(stocks["country"]) & set(abroad.columns)))
    yearly = by_country.groupby(by_country.index.year).tail(1)
    rows = []
    for country in hosts:
        previous = by_country.index[0]
        for day in yearly.index:
            simulated = float(by_country.at[day, country] - by_country.at[previous, country])
            change, low, high, note = implied_change(stocks, country, previous.date(), day.date())
            rows.append(_row(f"change in stock: {names.get(country, country)}", day.year, simulated, change,
                             low, high, note))
            previous = day
    return rows


def plausibility_table(daily: pd.DataFrame, locations: pd.DataFrame, node_country: dict[str, str],
                       observed: pd.DataFrame, names: dict[str, str] | None = None,
                       bounds: list[Bound] | None = None) -> pd.DataFrame:
    """One row per check and simulated year: simulated, reference, bounds, within (yes / no / ...)."""
    rows = flow_checks(daily, load_bounds() if bounds is None else bounds)
    rows += stock_checks(locations, node_country, observed, names)
    return pd.DataFrame(rows, columns=COLUMNS)
