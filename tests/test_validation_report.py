"""Simulated against observed: the table's log errors, bands and windows on known numbers; the plausibility
checks; and a run over observed figures writes the tables, the figure and the report section (others don't)."""
from __future__ import annotations

import math
import shutil

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from typer.testing import CliRunner

from sim.cli import app
from sim.observed import COLUMNS, load_observed
from sim.report import write_report
from sim.report.plausibility import Bound, plausibility_table
from sim.report.validation import validate

from .conftest import REPO, small_scenario, write_yaml

NODES = {"Caracas": "VEN", "Bogotá": "COL", "Cúcuta": "COL", "Lima": "PER"}
SOURCE = "test figure"


def observed_dir(tmp_path, rows: list[dict]):
    """Observed figures written as the project ships them (one CSV) and read back by the project's loader."""
    directory = tmp_path / "observed"
    directory.mkdir()
    frame = pd.DataFrame([{**{c: "" for c in COLUMNS}, "nationality": "VEN", "reading": "exact",
                           "source": SOURCE, **r} for r in rows], columns=COLUMNS)
    frame.to_csv(directory / "figures.csv", index=False)
    return load_observed(directory)


def row(id, series, start, end, value, low, high, country="", nationality="VEN"):
    window = "fit" if end <= "2024-06-30" else "validation"
    return dict(id=id, series=series, country=country, nationality=nationality, start=start, end=end,
                value=value, low=low, high=high, window=window)


@pytest.fixture
def tables():
    """61 days across the end of the fit window: 100 crossings north a day, none south, 7 visa refusals a day;
    Colombia holds 1,000,000 people on 30 June, growing by 1,000 a day."""
    dates = pd.date_range("2024-06-01", "2024-07-31")
    days = np.arange(len(dates))
    daily = pd.DataFrame({"date": dates, "darien_crossings_north": 100.0, "darien_crossings_south": 0.0,
                          "encounters_us_border": 50.0, "visa_refusals": 7.0})
    colombia = 1_000_000 + 1_000 * (days - 29)
    locations = pd.DataFrame({"date": dates, "Caracas": 5e6, "Bogotá": colombia * 0.8, "Cúcuta": colombia * 0.2,
                              "Lima": 1.5e6})
    return daily, locations


@pytest.fixture
def checked(tmp_path, tables):
    observed = observed_dir(tmp_path, [
        row("june_north", "darien_crossings_north", "2024-06-01", "2024-06-30", 3000, 2700, 3300),  # exact
        row("july_north", "darien_crossings_north", "2024-07-01", "2024-07-31", 1550, 1400, 1700),  # half
        row("june_south", "darien_crossings_south", "2024-06-01", "2024-06-30", 400, 300, 500),  # none simulated
        row("col_june", "stock", "2024-06-30", "2024-06-30", 800_000, 700_000, 900_000, country="COL"),
        row("per_july", "stock", "2024-07-15", "2024-07-15", 1_500_000, 1_400_000, 1_600_000, country="PER"),
        row("esp_july", "changed_country", "2024-07-01", "2024-07-31", 9000, 8000, 10000, country="ESP"),
        row("before_run", "darien_crossings_north", "2024-05-01", "2024-05-31", 3000, 2700, 3300),
        row("past_run", "encounters_us_border", "2024-07-01", "2024-08-31", 3000, 2700, 3300),
        row("all_nations", "darien_crossings_north", "2024-06-01", "2024-06-30", 9000, 8000, 10000,
            nationality="all"),
    ])
    daily, locations = tables
    return validate(daily, locations, NODES, observed, {"COL": "Colombia", "PER": "Peru"}, bounds=[])


def test_table_holds_the_figures_inside_the_run_validation_first(checked):
    table = checked.table.set_index("id")
    assert set(table.index) == {"june_north", "july_north", "june_south", "col_june", "per_july", "esp_july"}
    assert list(checked.table["window"]) == ["validation"] * 3 + ["fit"] * 3
    assert table.loc["july_north", "window"] == "validation" and table.loc["june_north", "window"] == "fit"


def test_log_errors_and_bands(checked):
    t = checked.table.set_index("id")
    assert t.loc["june_north", "simulated"] == 3000 and t.loc["june_north", "log_error"] == pytest.approx(0)
    assert bool(t.loc["june_north", "inside_band"])
    assert t.loc["july_north", "simulated"] == 3100
    assert t.loc["july_north", "log_error"] == pytest.approx(math.log(2))
    assert not bool(t.loc["july_north", "inside_band"])
    assert t.loc["june_south", "simulated"] == 0  # floored at one person for the log error
    assert t.loc["june_south", "log_error"] == pytest.approx(math.log(1 / 400))
    assert t.loc["col_june", "simulated"] == pytest.approx(1_000_000)  # both Colombian locations
    assert t.loc["col_june", "log_error"] == pytest.approx(math.log(1.25))
    assert not bool(t.loc["col_june", "inside_band"])
    assert t.loc["per_july", "log_error"] == pytest.approx(0) and bool(t.loc["per_july", "inside_band"])


def test_a_column_the_run_lacks_is_noted_not_an_error(checked):
    esp = checked.table.set_index("id").loc["esp_july"]
    assert np.isnan(esp["simulated"]) and np.isnan(esp["log_error"]) and pd.isna(esp["inside_band"])
    assert "changed_country__esp" in esp["note"] and "not produced" in esp["note"]


def test_summary_by_window_and_series(checked):
    s = checked.summary.set_index(["window", "series"])
    north = s.loc[("validation", "darien_crossings_north")]
    assert north["rows"] == 1 and north["median_abs_log_error"] == pytest.approx(math.log(2))
    assert north["share_inside_band"] == 0
    stocks = s.loc[("fit", "stock")]
    assert stocks["rows"] == 1 and stocks["share_inside_band"] == 0
    assert s.loc[("validation", "stock"), "share_inside_band"] == 1
    changed = s.loc[("validation", "changed_country")]
    assert changed["rows"] == 1 and changed["compared"] == 0 and np.isnan(changed["median_abs_log_error"])


def test_no_figure_inside_the_run_means_no_validation(tmp_path, tables):
    observed = observed_dir(tmp_path, [row("before_run", "darien_crossings_north", "2024-05-01", "2024-05-31",
                                           3000, 2700, 3300)])
    assert validate(*tables, NODES, observed) is None


BOUNDS = [Bound(check="visa refusals", column="visa_refusals", reference=2000, low=0, high=3000, reason="r",
                source="s"),
          Bound(check="people changing country", column="changed_country", reference=1, low=0, high=9, reason="r",
                source="s")]


def test_plausibility_flows_scaled_to_the_part_of_the_year_simulated(tables):
    daily, locations = tables
    table = plausibility_table(daily, locations, NODES, observed=pd.DataFrame(columns=[*COLUMNS]), bounds=BOUNDS)
    visas = table[table["check"] == "visa refusals"].iloc[0]
    share = 61 / 366
    assert visas["year"] == 2024 and visas["simulated"] == 7 * 61
    assert visas["high"] == pytest.approx(3000 * share) and visas["within"] == "yes"
    assert "17% of the year" in visas["note"]
    missing = table[table["check"] == "people changing country"].iloc[0]
    assert missing["within"] == "not produced" and "changed_country" in missing["note"]


def test_plausibility_stock_change_beside_the_bracketing_observed_stocks(tmp_path):
    dates = pd.date_range("2022-01-01", "2022-12-31")
    daily = pd.DataFrame({"date": dates, "visa_refusals": 1000.0})
    colombia = 2_000_000 + 1_000 * np.arange(len(dates))
    locations = pd.DataFrame({"date": dates, "Caracas": 5e6, "Bogotá": colombia, "Cúcuta": 0.0, "Lima": 1e6})
    observed = observed_dir(tmp_path, [
        row("col_2021", "stock", "2021-07-02", "2021-07-02", 1_800_000, 1_700_000, 1_900_000, country="COL"),
        row("col_2023", "stock", "2023-07-02", "2023-07-02", 2_530_000, 2_430_000, 2_630_000, country="COL"),
    ])
    names = {"COL": "Colombia", "PER": "Peru"}
    table = plausibility_table(daily, locations, NODES, observed, names, bounds=BOUNDS).set_index("check")
    col = table.loc["change in stock: Colombia"]
    assert col["simulated"] == 364_000  # 1 January to 31 December
    assert col["reference"] == pytest.approx(730_000 * 364 / 730)
    assert col["low"] == pytest.approx(530_000 * 364 / 730) and col["high"] == pytest.approx(930_000 * 364 / 730)
    assert col["within"] == "yes" and "col_2021" in col["note"]
    assert table.loc["change in stock: Peru", "within"] == "no bound"  # no observed stocks for Peru
    assert table.loc["visa refusals", "within"] == "no"  # 365,000 > 3,000


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """The shipped 2024 baseline at 2,000 people per agent, run and reported as `migsim run` does."""
    out = tmp_path_factory.mktemp("baseline") / "run"
    result = CliRunner().invoke(app, ["run", str(REPO / "scenarios" / "baseline_2024.yaml"), "--scale", "2000",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_a_run_over_observed_figures_writes_the_comparison(baseline):
    for name in ("validation.csv", "plausibility.csv", "figures/validation.png", "figures/validation.svg"):
        assert (baseline / name).is_file(), name
    table = pd.read_csv(baseline / "validation.csv")
    assert {"id", "window", "observed", "simulated", "log_error", "inside_band", "source"} <= set(table.columns)
    assert "darien_2024_q1_ven" in set(table["id"]) and table["log_error"].notna().sum() >= 5
    plausible = pd.read_csv(baseline / "plausibility.csv")
    assert {"people changing country", "visa refusals", "arrivals in Spain"} <= set(plausible["check"])
    pixels = np.asarray(Image.open(baseline / "figures" / "validation.png").convert("RGB"), dtype=float)
    assert pixels.shape[1] > 600 and (pixels < 250).any(axis=2).mean() > 0.05
    assert "validation: not fitted" in (baseline / "figures" / "validation.svg").read_text(encoding="utf-8")


def test_the_report_has_the_section_and_every_image(baseline):
    page = (baseline / "report.html").read_text(encoding="utf-8")
    assert '<h2 id="simulated-against-observed">Simulated against observed</h2>' in page
    assert "Summary by window and series" in page and "Plausibility of yearly totals" in page
    assert "Newsroom Panama" in page and "log error" in page
    pngs = sorted(p.stem for p in (baseline / "figures").glob("*.png"))
    assert "validation" in pngs
    for name in pngs:
        assert f'id="{name}"' in page
    assert page.count('src="data:image/png;base64,') == len(pngs)
    validation = page.index('id="simulated-against-observed"')
    assert page.index(">validation</td>") > validation  # the per-row table opens with the validation window
    assert page.index(">validation</td>") < page.index(">fit</td>", page.index("Every observed figure"))


def test_a_run_without_observed_figures_writes_none_of_it(tmp_path):
    data = small_scenario(name="Far future", start="2031-01-01", end="2031-02-28", scale=2000)
    for lever in data["policy"]["timeline"]:
        lever["date"] = "2031-01-01"
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["run", str(write_yaml(tmp_path / "far.yaml", data)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not (out / "validation.csv").exists() and not (out / "plausibility.csv").exists()
    assert not (out / "figures" / "validation.png").exists()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Simulated against observed" not in page and "simulated-against-observed" not in page
    shutil.copy(REPO / "seeds" / "plausibility.yaml", out / "plausibility.csv")  # left by an older report
    write_report(out)
    assert not (out / "plausibility.csv").exists()
