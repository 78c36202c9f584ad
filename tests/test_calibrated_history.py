"""The shipped history, with the calibrated behaviour it inherits, lands its fit-window figures.

Nothing is forced: the scenario is run as shipped (replicate seeds, the calibration's scale) and its
fit-window rows of seeds/observed/ are compared with the mean of the replicates. The criteria are the
history's (README, "Calibration of the history"): every yearly figure within +-25% (|log error| <=
0.22), the median monthly |log error| <= 0.35, each main host country's mid-2024 stock within +-15%.
Figures the README reports as missed are expected failures (strict), so this test also fails if one
of them starts fitting and the README is not updated.
"""
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from sim.calibrate.config import load_config
from sim.calibrate.evaluate import Problem
from sim.calibrate.observed_rows import fitted_rows
from sim.load import load_scenario

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "scenarios" / "calibration" / "history_2021_2025.yaml"
REPLICATES = 8
MAIN_HOSTS = ("COL", "PER", "BRA", "CHL", "ECU", "ARG")
# row id (or "monthly") -> reason (README, "Calibration of the history": what does not fit)
NOT_FITTED: dict[str, str] = {
    "darien_2021_ven": "about +29% (3,650 against 2,819; about 20 agents a replicate): the rising push of 2021 that "
                       "brings 2021's US encounters also sends a few too many through the Darién",
    "us_fy2022_ven": "about -34% (125,000 against 189,520): June-September 2022 reach the US border at a third to a "
                     "half of the reported months while the Darién months fit (the US-border fee holds them in "
                     "northern Mexico)",
    "us_fy2023_ven": "about -29% (237,000 against 334,900; 174,000-350,000 over the 8 seeds): September 2023 at "
                     "29,000 against 66,600",
    "monthly": "median monthly |log error| about 0.50 on these seeds (0.34 at the calibration's replicates): "
               "November 2022 (the collapse after Title 42 comes partly a month late), early 2021 and "
               "February-April 2022 at the US border, and February 2024 are missed by 2-13x",
    "stock_per_2024_06": "Peru -17% (1,278,000 against 1,540,000): Peru's appeal trades against Ecuador (+14%) and "
                         "Argentina (+12%)",
    "esp_arrivals_2023": "Spain's 2023 arrivals about 118,000 against INE's 82,200 (+44%; the 2024 quarters are -21% "
                         "and -2%): the push of 2023 that the Darién and stock figures ask for sends too many by air "
                         "to Madrid",
}


def _run(args):
    problem, seed = args
    return problem.run(np.array([]), seed)


@pytest.fixture(scope="module")
def fit():
    cfg = load_config(CONFIG)
    scenario = load_scenario(cfg.path("scenario", CONFIG), check_size=False)
    rows, _ = fitted_rows(cfg, CONFIG, scenario)
    problem = Problem(scenario, (), (), {}, cfg.scale, tuple(rows.to_dict("records")))
    with ProcessPoolExecutor(2) as pool:
        values = np.array(list(pool.map(_run, [(problem, 7000 + i) for i in range(REPLICATES)])))
    rows = rows.assign(simulated=values.mean(axis=0))
    rows["log_error"] = np.log(np.maximum(rows.simulated, cfg.scale) / rows.value)
    rows["days"] = [(e - s).days + 1 for s, e in zip(rows.start, rows.end)]
    return rows


def _yearly(fit):
    return fit[(fit.series != "stock") & (fit.days >= 360)]


def _check(request, row_id):
    if row_id in NOT_FITTED:
        request.applymarker(pytest.mark.xfail(reason=NOT_FITTED[row_id], strict=True))


YEARLY = ["darien_2021_ven", "darien_2022_ven", "darien_2023_ven", "us_fy2022_ven", "us_fy2023_ven",
          "esp_arrivals_2023"]


@pytest.mark.parametrize("row_id", YEARLY)
def test_yearly_figure_within_25_percent(fit, row_id, request):
    _check(request, row_id)
    row = fit.set_index("id").loc[row_id]
    assert abs(row.log_error) <= 0.22, (row_id, row.simulated, row.value)


def test_every_yearly_fit_row_is_listed_above(fit):
    """The parametrised list is the fit window's yearly rows (a new observed row must be added there)."""
    assert set(_yearly(fit).id) - {"parole_ven_2022_10_2023_11"} <= set(YEARLY)


def test_median_monthly_log_error(fit, request):
    _check(request, "monthly")
    monthly = fit[(fit.series != "stock") & (fit.days <= 31)]
    assert len(monthly) >= 5
    assert monthly.log_error.abs().median() <= 0.35, monthly[["id", "value", "simulated", "log_error"]]


@pytest.mark.parametrize("country", MAIN_HOSTS)
def test_mid_2024_host_stock_within_15_percent(fit, country, request):
    row_id = f"stock_{country.lower()}_2024_06"
    _check(request, row_id)
    row = fit.set_index("id").loc[row_id]
    assert abs(row.simulated / row.value - 1) <= 0.15, (row_id, row.simulated, row.value)
