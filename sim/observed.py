"""Observed figures (``seeds/observed/*.csv``) and the run value each one is compared with.

Each row is a published figure on Venezuelan migration with its source, its reading and a band a
model result should fall in (see ``seeds/observed/README.md``). Rows ending on or before ``FIT_END``
form the fit window, the only ones a calibration may read; later rows form the validation window,
compared with a fitted run and never fitted or tuned against. The loader refuses any file that
breaks these rules, naming file, row and column, so a bad row cannot slip into a fit.
"""
from __future__ import annotations

import datetime
import math
import re
from pathlib import Path
from typing import Mapping

import pandas as pd

from sim.errors import ScenarioError
from sim.outcomes import FLOWS

FIT_END = datetime.date(2024, 6, 30)  # last day of the fit window
OBSERVED_DIR = Path(__file__).resolve().parent.parent / "seeds" / "observed"

COLUMNS = ("id", "series", "nationality", "country", "start", "end", "value", "low", "high",
           "reading", "window", "source", "note")
READINGS = frozenset({"exact", "approximate", "two_versions", "lower_bound", "partial"})
WINDOWS = frozenset({"fit", "validation"})
NATIONALITIES = frozenset({"VEN", "all"})  # VEN: comparable with the model; all: context only
COUNTRY_SERIES = frozenset({"stock", "changed_country"})  # series that need a host country
SERIES = frozenset(FLOWS) | COUNTRY_SERIES  # a daily column of the run, or one mapped below
# Country groups for stock totals: every host country, or Latin America and the Caribbean
# (every country but Venezuela, minus the listed countries outside the region).
GROUPS = frozenset({"abroad", "LAC"})
NOT_LAC = frozenset({"USA", "CAN", "ESP", "PRT", "ITA", "FRA", "DEU", "GBR", "SEN", "MRT"})
_SLUG = re.compile(r"[a-z0-9][a-z0-9_]*")
_ISO3 = re.compile(r"[A-Z]{3}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(text: str) -> datetime.date:
    if not _DATE.fullmatch(text):
        raise ValueError
    return datetime.date.fromisoformat(text)


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise ValueError
    return value


def _check_row(row: dict) -> dict:
    """Parse one row; raise ``(column, message)`` on the first problem found."""
    out = dict(row)
    if not _SLUG.fullmatch(row["id"]):
        raise _Bad("id", f"{row['id']!r} is not a slug (lower-case letters, digits, underscores)")
    if row["series"] not in SERIES:
        raise _Bad("series", f"unknown series {row['series']!r}: a daily column of the run, "
                   "'stock' or 'changed_country'")
    if row["nationality"] not in NATIONALITIES:
        raise _Bad("nationality", f"unknown nationality {row['nationality']!r}: VEN or all")
    country = row["country"]
    if row["series"] in COUNTRY_SERIES:
        ok = _ISO3.fullmatch(country) or (row["series"] == "stock" and country in GROUPS)
        if not ok:
            raise _Bad("country", f"{country!r}: a {row['series']} row needs an ISO3 host country"
                       + (" or 'abroad' / 'LAC'" if row["series"] == "stock" else ""))
    elif country:
        raise _Bad("country", f"only stock and changed_country rows take a country, not {row['series']}")
    for col in ("start", "end"):
        try:
            out[col] = _date(row[col])
        except ValueError:
            raise _Bad(col, f"{row[col]!r} is not a date (YYYY-MM-DD)") from None
    if out["start"] > out["end"]:
        raise _Bad("start", f"start {out['start']} is after end {out['end']}")
    if row["series"] == "stock" and out["start"] != out["end"]:
        raise _Bad("end", "a stock is counted on one day: start must equal end")
    for col in ("value", "low", "high"):
        try:
            out[col] = _number(row[col])
        except ValueError:
            raise _Bad(col, f"{row[col]!r} is not a number >= 0") from None
    if not out["low"] <= out["value"] <= out["high"]:
        raise _Bad("value", f"value {row['value']} is outside its band [{row['low']}, {row['high']}]")
    if row["reading"] not in READINGS:
        raise _Bad("reading", f"unknown reading {row['reading']!r}: one of {', '.join(sorted(READINGS))}")
    if row["window"] not in WINDOWS:
        raise _Bad("window", f"unknown window {row['window']!r}: fit or validation")
    expected = "fit" if out["end"] <= FIT_END else "validation"
    if row["window"] != expected:
        raise _Bad("window", f"a row ending {out['end']} belongs to the {expected} window "
                   f"(fit: ending on or before {FIT_END})")
    if not row["source"].strip():
        raise _Bad("source", "every figure needs its source (publisher / relay and date)")
    return out


class _Bad(Exception):
    def __init__(self, column: str, message: str):
        self.column, self.message = column, message


def load_observed(directory: str | Path = OBSERVED_DIR) -> pd.DataFrame:
    """Every CSV in ``directory``, validated, as one table (``start``/``end`` as datetime.date).

    A problem raises ScenarioError(file, "row N: column", what is wrong), N being the line in the
    file (the header is row 1). A ``file`` column records where each row came from.
    """
    directory = Path(directory)
    files = sorted(directory.glob("*.csv"))
    if not files:
        raise ScenarioError(directory, None, "no observed-figure CSV files in this directory")
    rows: list[dict] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
            raise ScenarioError(path, None, f"not a readable CSV file: {err}") from None
        missing = [c for c in COLUMNS if c not in frame.columns]
        if missing:
            raise ScenarioError(path, f"row 1: {missing[0]}", f"missing column (columns: {', '.join(COLUMNS)})")
        extra = [c for c in frame.columns if c not in COLUMNS]
        if extra:
            raise ScenarioError(path, f"row 1: {extra[0]}", f"unknown column (columns: {', '.join(COLUMNS)})")
        for i, raw in enumerate(frame[list(COLUMNS)].to_dict("records")):
            n = i + 2
            raw = {k: v.strip() for k, v in raw.items()}
            try:
                row = _check_row(raw)
            except _Bad as bad:
                raise ScenarioError(path, f"row {n}: {bad.column}", bad.message) from None
            if row["id"] in seen:
                raise ScenarioError(path, f"row {n}: id", f"duplicate id {row['id']!r} (first in {seen[row['id']]})")
            seen[row["id"]] = path.name
            row["file"] = path.name
            rows.append(row)
    out = pd.DataFrame(rows, columns=[*COLUMNS, "file"])
    return out.astype({"value": float, "low": float, "high": float})


def fit_window(observed: pd.DataFrame) -> pd.DataFrame:
    """Rows a calibration may read: window ``fit``, ending on or before FIT_END (checked again here)."""
    out = observed[(observed["window"] == "fit") & (observed["end"] <= FIT_END)]
    return out.reset_index(drop=True)


def validation_window(observed: pd.DataFrame) -> pd.DataFrame:
    """Rows after FIT_END: compared with a fitted run, never fitted or tuned against."""
    return observed[observed["window"] == "validation"].reset_index(drop=True)


def _as_date(day) -> datetime.date:
    return pd.Timestamp(day).date()


def comparable(observed: pd.DataFrame, first, last) -> pd.DataFrame:
    """Venezuelan rows whose whole period lies in [first, last]: what a run over those days can meet."""
    first, last = _as_date(first), _as_date(last)
    keep = (observed["nationality"] == "VEN") & (observed["start"] >= first) & (observed["end"] <= last)
    return observed[keep].reset_index(drop=True)


def _field(row, name: str):
    return row[name] if isinstance(row, (Mapping, pd.Series)) else getattr(row, name)


def _countries(code: str) -> set[str] | None:
    """The host countries a row's ``country`` covers; None means every country but Venezuela."""
    return {code} if code not in GROUPS else None


def simulated(row, daily: pd.DataFrame, locations: pd.DataFrame, node_country: Mapping[str, str]) -> float:
    """The run's value for one observed row.

    Flows: ``daily[series]`` summed over start..end (``changed_country`` reads the column
    ``changed_country__<iso3 lower>``). ``stock``: people on the ``end`` date at the locations whose
    country (``node_country``, location name -> ISO3) is the row's country; ``abroad`` is every
    country but VEN and ``LAC`` that minus NOT_LAC. KeyError names a missing column or a country the
    network lacks; ValueError says the run does not cover the period.
    """
    series, country = _field(row, "series"), _field(row, "country")
    start, end = _as_date(_field(row, "start")), _as_date(_field(row, "end"))
    if series == "stock":
        days = pd.to_datetime(locations["date"]).dt.date
        hit = locations[days == end]
        if hit.empty:
            raise ValueError(f"the run's locations table has no day {end} (it covers "
                             f"{days.min()} to {days.max()})" if len(days) else "the locations table is empty")
        wanted = _countries(country)
        if wanted is None:
            codes = {c for c in node_country.values() if c != "VEN"}
            if country == "LAC":
                codes -= NOT_LAC
        else:
            codes = wanted
        cols = [c for c in locations.columns if c != "date" and node_country.get(c) in codes]
        if not cols:
            raise KeyError(f"no location of country {country} among the run's locations columns")
        return float(hit[cols].to_numpy().sum())
    column = f"changed_country__{country.lower()}" if series == "changed_country" else series
    if column not in daily.columns:
        raise KeyError(column)
    days = pd.to_datetime(daily["date"]).dt.date
    inside = (days >= start) & (days <= end)
    if int(inside.sum()) != (end - start).days + 1:
        span = f"{days.min()} to {days.max()}" if len(days) else "no days"
        raise ValueError(f"the run ({span}) does not cover every day of {start} to {end}")
    return float(daily.loc[inside, column].sum())
