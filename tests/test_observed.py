"""Observed figures: the shipped files load and keep the window rule; bad rows are refused by file,
row and column; a run's value for a row is the sum the row describes."""
from __future__ import annotations

import csv
import datetime
import shutil

import numpy as np
import pandas as pd
import pytest

from sim.errors import ScenarioError
from sim.observed import (
    COLUMNS, FIT_END, OBSERVED_DIR, comparable, fit_window, load_observed, simulated, validation_window,
)


@pytest.fixture(scope="module")
def observed():
    return load_observed()


def test_shipped_files_load(observed):
    assert len(observed) > 100
    assert observed["id"].is_unique
    assert (observed["source"].str.strip() != "").all()
    for row in observed.itertuples():
        assert isinstance(row.start, datetime.date) and isinstance(row.end, datetime.date)
        assert row.window == ("fit" if row.end <= FIT_END else "validation"), row.id
        assert row.low <= row.value <= row.high, row.id


def test_windows_split(observed):
    fit, val = fit_window(observed), validation_window(observed)
    assert len(fit) + len(val) == len(observed)
    assert (fit["end"] <= FIT_END).all()
    assert (val["end"] > FIT_END).all()
    assert len(fit) > 0 and len(val) > 0


def test_fit_window_drops_a_mislabelled_row(observed):
    bad = observed.copy()
    bad.loc[0, "end"] = FIT_END + datetime.timedelta(days=1)  # a frame edited after loading
    assert (fit_window(bad)["end"] <= FIT_END).all()


def test_shipped_figures_copied(observed):
    by_id = observed.set_index("id")
    assert by_id.loc["darien_2023_all", "value"] == 520085
    assert by_id.loc["darien_2023_01_08_ven", "value"] == 201288
    assert by_id.loc["us_fy2022_ven", "value"] == 189520
    assert by_id.loc["stock_col_2024_06", "country"] == "COL"
    q1 = by_id.loc["darien_2024_q1_all"]
    assert q1["reading"] == "two_versions" and q1["low"] <= 101000 and q1["high"] >= 109069


def test_comparable(observed):
    rows = comparable(observed, datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    assert set(rows["nationality"]) == {"VEN"}
    assert "darien_2023_ven" in set(rows["id"])
    assert "darien_2023_all" not in set(rows["id"])
    assert "us_fy2023_ven" not in set(rows["id"])  # starts Oct 2022
    assert (rows["start"] >= datetime.date(2023, 1, 1)).all() and (rows["end"] <= datetime.date(2023, 12, 31)).all()


# --- bad input -------------------------------------------------------------------------------

GOOD = {
    "id": "x_row", "series": "darien_crossings_north", "nationality": "VEN", "country": "",
    "start": "2023-01-01", "end": "2023-01-31", "value": "100", "low": "90", "high": "110",
    "reading": "exact", "window": "fit", "source": "somewhere, 2023", "note": "",
}


def write_rows(path, rows, columns=COLUMNS):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, columns, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.mark.parametrize("change, column", [
    ({"start": "2023-13-01"}, "start"),
    ({"end": "31/01/2023"}, "end"),
    ({"start": "2023-02-01"}, "start"),  # after end
    ({"value": "200"}, "value"),  # outside [low, high]
    ({"value": "lots"}, "value"),
    ({"reading": "roughly"}, "reading"),
    ({"window": "training"}, "window"),
    ({"window": "validation"}, "window"),  # end is in the fit window
    ({"end": "2024-07-31", "window": "fit"}, "window"),
    ({"nationality": "COL"}, "nationality"),
    ({"series": "darien_crossings"}, "series"),
    ({"source": "  "}, "source"),
    ({"series": "stock", "country": "", "start": "2023-01-15", "end": "2023-01-15"}, "country"),
    ({"series": "stock", "country": "COL"}, "end"),  # a stock is one day
    ({"country": "COL"}, "country"),  # a flow takes no country
])
def test_bad_row(tmp_path, change, column):
    shutil.copy(OBSERVED_DIR / "darien.csv", tmp_path / "darien.csv")
    path = write_rows(tmp_path / "zz_bad.csv", [GOOD, {**GOOD, "id": "y_row", **change}])
    with pytest.raises(ScenarioError) as err:
        load_observed(tmp_path)
    assert err.value.file == str(path)
    assert err.value.key == f"row 3: {column}"


def test_missing_column(tmp_path):
    path = write_rows(tmp_path / "a.csv", [GOOD], [c for c in COLUMNS if c != "reading"])
    with pytest.raises(ScenarioError) as err:
        load_observed(tmp_path)
    assert err.value.file == str(path) and err.value.key == "row 1: reading"
    assert "missing column" in err.value.message


def test_duplicate_id_across_files(tmp_path):
    shutil.copy(OBSERVED_DIR / "darien.csv", tmp_path / "darien.csv")
    first = pd.read_csv(tmp_path / "darien.csv", dtype=str, keep_default_na=False).iloc[0].to_dict()
    path = write_rows(tmp_path / "extra.csv", [GOOD, {**GOOD, "id": first["id"]}])
    with pytest.raises(ScenarioError) as err:
        load_observed(tmp_path)
    assert err.value.file == str(path) and err.value.key == "row 3: id"
    assert "darien.csv" in err.value.message


def test_empty_directory(tmp_path):
    with pytest.raises(ScenarioError):
        load_observed(tmp_path)


# --- the run's value for a row ---------------------------------------------------------------

@pytest.fixture
def run():
    dates = pd.date_range("2024-01-01", "2024-03-31", freq="D")
    daily = pd.DataFrame({
        "date": dates,
        "darien_crossings_north": np.arange(len(dates), dtype=float),
        "changed_country__esp": np.full(len(dates), 2.0),
    })
    locations = pd.DataFrame({"date": dates, "Bogotá": 10.0, "Cúcuta": 5.0, "Lima": 7.0,
                              "Caracas": 100.0, "Miami": 3.0})
    locations.loc[locations.date == "2024-02-15", "Bogotá"] = 20.0
    node_country = {"Bogotá": "COL", "Cúcuta": "COL", "Lima": "PER", "Caracas": "VEN", "Miami": "USA"}
    return daily, locations, node_country


def obs(**kw):
    row = {**GOOD, **kw}
    row["start"], row["end"] = (datetime.date.fromisoformat(row[k]) for k in ("start", "end"))
    return pd.Series(row)


def test_simulated_flow(run):
    daily, locations, nc = run
    # days 31..59 are February (0-based from 1 January): sum 31 + ... + 59
    assert simulated(obs(start="2024-02-01", end="2024-02-29"), daily, locations, nc) == sum(range(31, 60))
    row = obs(series="changed_country", country="ESP", start="2024-01-01", end="2024-01-10")
    assert simulated(row, daily, locations, nc) == 20.0


def test_simulated_stock(run):
    daily, locations, nc = run
    stock = dict(series="stock", start="2024-02-15", end="2024-02-15")
    assert simulated(obs(country="COL", **stock), daily, locations, nc) == 25.0
    assert simulated(obs(country="PER", **stock), daily, locations, nc) == 7.0
    assert simulated(obs(country="abroad", **stock), daily, locations, nc) == 35.0
    assert simulated(obs(country="LAC", **stock), daily, locations, nc) == 32.0


def test_simulated_accepts_itertuples(run):
    daily, locations, nc = run
    frame = pd.DataFrame([obs(start="2024-01-01", end="2024-01-03")])
    row = next(frame.itertuples())
    assert simulated(row, daily, locations, nc) == 3.0


def test_simulated_errors(run):
    daily, locations, nc = run
    with pytest.raises(KeyError, match="encounters_us_border"):
        simulated(obs(series="encounters_us_border"), daily, locations, nc)
    with pytest.raises(KeyError, match="changed_country__col"):
        simulated(obs(series="changed_country", country="COL"), daily, locations, nc)
    with pytest.raises(ValueError):
        simulated(obs(start="2023-12-01", end="2024-01-31"), daily, locations, nc)
    with pytest.raises(ValueError):
        simulated(obs(series="stock", country="COL", start="2024-06-15", end="2024-06-15"), daily, locations, nc)
    with pytest.raises(KeyError, match="ECU"):
        simulated(obs(series="stock", country="ECU", start="2024-02-15", end="2024-02-15"), daily, locations, nc)


def test_validation_rows_from_the_seed_articles(observed):
    by_id = validation_window(observed).set_index("id")
    assert by_id.loc["us_2024_ven_seed000", "reading"] == "lower_bound"
    assert by_id.loc["us_2024_ven_seed000", "low"] == 260000
    assert by_id.loc["flight_mex_ccs_2025_03_20", "value"] == 311
    assert by_id.loc["flights_total_2025_02_03", "value"] == 920
    assert "shared/seeds/001_" in by_id.loc["flight_mex_ccs_2025_03_20", "source"]
    rows = comparable(observed, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert {"darien_crossings_north", "darien_crossings_south", "repatriation_flight_passengers"} <= set(rows["series"])
