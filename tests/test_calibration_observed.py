"""Calibration to observed series: the loss, the fit window, dotted paths into mappings, resuming, bad files.

Most tests replace the simulation by a fast synthetic one (``Problem.run``, one worker, in this
process); the resume test runs the model itself on two worker processes.
"""
from __future__ import annotations

import csv
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from sim.calibrate.config import load_config
from sim.calibrate.evaluate import Problem
from sim.calibrate.measures import group_distance, loss, observed_measures
from sim.calibrate.params import check_paths, with_parameters
from sim.calibrate.report import behaviour_yaml
from sim.calibrate.run import prepare_all, run_calibration
from sim.cli import app
from sim.errors import ScenarioError
from sim.load import load_scenario
from sim.observed import COLUMNS
from tests.conftest import small_scenario

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS = ("posterior.csv", "fit.csv", "abc.csv", "behaviour.yaml", "calibration.json")


def row(id, series, start, end, value, rel=0.1, country="", window="fit", nationality="VEN"):
    return {"id": id, "series": series, "nationality": nationality, "country": country, "start": start, "end": end,
            "value": value, "low": round(value / (1 + rel)), "high": round(value * (1 + rel)), "reading": "exact",
            "window": window, "source": "synthetic", "note": ""}


# Fit rows of the first half of 2024 (what a run of the 2024 baseline can meet), and rows it must
# never read: validation rows inside and after the run's dates, another nationality, another year.
FIT = [row("f_darien_q1", "darien_crossings_north", "2024-01-01", "2024-03-31", 60000, 0.2)]
FIT += [row(f"f_darien_{m:02d}", "darien_crossings_north", f"2024-{m:02d}-01",
            (pd.Timestamp(f"2024-{m:02d}-01") + pd.offsets.MonthEnd(0)).date().isoformat(), 20000) for m in range(1, 7)]
FIT += [row("f_enc_02", "encounters_us_border", "2024-02-01", "2024-02-29", 9000),
        row("f_stock_col", "stock", "2024-06-15", "2024-06-15", 2800000, country="COL"),
        row("f_stock_per", "stock", "2024-01-31", "2024-01-31", 1500000, country="PER"),
        row("f_stock_dom", "stock", "2024-06-15", "2024-06-15", 120000, country="DOM"),  # not in the network
        row("f_all_q1", "darien_crossings_north", "2024-01-01", "2024-03-31", 100000, nationality="all"),
        row("f_darien_2023", "darien_crossings_north", "2023-01-01", "2023-12-31", 300000)]
VALIDATION = [row("v_darien_h2", "darien_crossings_north", "2024-07-01", "2024-12-31", 50000, window="validation"),
              row("v_enc_2024", "encounters_us_border", "2024-01-01", "2024-12-31", 260000, window="validation"),
              row("v_stock_col", "stock", "2024-12-15", "2024-12-15", 2900000, country="COL", window="validation"),
              row("v_darien_2025", "darien_crossings_north", "2025-01-01", "2025-03-31", 5000, window="validation")]
FITTED = {"f_darien_q1", *(f"f_darien_{m:02d}" for m in range(1, 7)), "f_enc_02", "f_stock_col", "f_stock_per"}


def write_observed(directory: Path, rows) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "figures.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return directory


def write_scenario(directory: Path) -> Path:
    """2024 on the shipped network, a few thousand agents at the calibration's scale."""
    data = small_scenario(name="calibration test 2024", start="2024-01-01", end="2024-12-31", spin_up_days=60)
    for lever in data["policy"]["timeline"]:
        lever["date"] = "2024-01-01"
    path = directory / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def write_config(directory: Path, observed: str = "obs", **overrides) -> Path:
    cfg = {"name": "synthetic", "scenario": str(write_scenario(directory)), "observed": observed,
           "series": ["darien_crossings_north", "encounters_us_border", "stock"], "scale": 500, "seed": 5,
           "parameters": {"behaviour.weights.move": {"low": -10, "high": -4},
                          "behaviour.weights.income": {"low": 3, "high": 8},
                          "behaviour.asylum_release_share.paused": {"low": 0.02, "high": 0.4}},
           "fixed": {"behaviour.perception_lag.mean_days": 20},
           "effort": {"screen": 6, "optimise": 10, "seeds": 2, "abc": 12, "abc_min_accepted": 3, "check_replicates": 3}}
    cfg.update(overrides)
    path = directory / "calibration.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def synthetic(monkeypatch):
    """Replace the simulation by a smooth function of the parameters with seed noise; record the figures asked for."""
    asked: set[str] = set()
    centre = np.array([-7.0, 5.5, 0.2])

    def fake_run(self, values, seed):
        out = []
        for fid in self.ids:
            asked.add(fid)
            k = zlib.crc32(fid.encode())
            slope = np.array([0.3, -0.2, 0.5]) * (1 + (k % 7) / 7)
            noise = np.random.default_rng([int(seed), k]).normal(0, 0.03)
            truth = next((r["value"] for r in FIT + VALIDATION if r["id"] == fid), 1.0)
            out.append(truth * np.exp(slope @ (np.asarray(values) - centre) + noise))
        return np.array(out)

    monkeypatch.setattr(Problem, "run", fake_run)
    return asked


def outputs(out: Path) -> dict[str, str]:
    return {name: (out / name).read_text(encoding="utf-8") for name in OUTPUTS}


# --- the loss -------------------------------------------------------------------------------------

def test_loss_on_synthetic_values_has_the_known_answer():
    e = np.exp
    rows = pd.DataFrame([
        {"id": "year", "series": "darien_crossings_north", "country": "", "start": pd.Timestamp("2023-01-01").date(),
         "end": pd.Timestamp("2023-12-31").date(), "value": 1000.0, "low": 1000 * e(-0.3), "high": 1000 * e(0.3)},
        {"id": "jan", "series": "darien_crossings_north", "country": "", "start": pd.Timestamp("2023-01-01").date(),
         "end": pd.Timestamp("2023-01-31").date(), "value": 100.0, "low": 100 * e(-0.05), "high": 100 * e(0.05)},
        {"id": "feb", "series": "darien_crossings_north", "country": "", "start": pd.Timestamp("2023-02-01").date(),
         "end": pd.Timestamp("2023-02-28").date(), "value": 100.0, "low": 95.0, "high": 105.0},
        {"id": "stock", "series": "stock", "country": "COL", "start": pd.Timestamp("2023-06-15").date(),
         "end": pd.Timestamp("2023-06-15").date(), "value": 1e6, "low": 1e6 * e(-0.2), "high": 1e6 * e(0.2)},
    ])
    measures = observed_measures(rows, floor=10.0)
    assert [m.sigma for m in measures] == pytest.approx([0.3, 0.1, 0.1, 0.2])  # monthly bands floored at 0.1
    assert [m.weight for m in measures] == pytest.approx([1, 1 / 12, 1 / 12, 1])
    # d = +2 for the year, -1 for January, February's zero floored at the scale (10 people): d = log(0.1) / 0.1
    values = np.array([1000 * e(0.6), 100 * e(-0.1), 0.0, 1e6])
    d_feb = np.log(0.1) / 0.1
    assert loss(values, measures, 10.0) == pytest.approx(4 + 1 / 12 + d_feb ** 2 / 12)
    groups = group_distance(np.array([[2.0, -1.0, d_feb, 0.0]]), measures)  # year, the two months together, stock
    assert groups[0] == pytest.approx([2.0, np.sqrt((1 + d_feb ** 2) / 2), 0.0])


# --- the fit window -------------------------------------------------------------------------------

def test_fitted_rows_are_the_fit_window_rows_the_run_covers(tmp_path):
    write_observed(tmp_path / "obs", FIT + VALIDATION)
    prep = prepare_all(write_config(tmp_path))
    assert set(prep.rows["id"]) == FITTED
    assert prep.skipped == {"f_stock_dom": "the network has no location in DOM"}
    assert (prep.rows["window"] == "fit").all()


def test_validation_rows_never_reach_the_loss_or_any_stage(tmp_path, synthetic):
    base = write_config(tmp_path)
    write_observed(tmp_path / "obs", FIT + VALIDATION)
    first = run_calibration(base, tmp_path / "a", workers=1)
    absurd = [{**r, "value": 1e12, "low": 1, "high": 1e13} for r in VALIDATION]
    absurd.append(row("v_extra_2024", "stock", "2024-09-15", "2024-09-15", 1e12, country="COL", window="validation"))
    write_observed(tmp_path / "obs", FIT + absurd)
    second = run_calibration(base, tmp_path / "b", workers=1)
    assert not synthetic & {r["id"] for r in absurd}, "a validation row reached a simulation"
    for name in ("screen_loss", "best_unit", "abc_unit", "abc_distance", "accepted", "check_values"):
        assert np.array_equal(getattr(first.fit, name), getattr(second.fit, name)), name
    assert first.fit.best_loss == second.fit.best_loss
    assert outputs(tmp_path / "a") == outputs(tmp_path / "b")
    fit = pd.read_csv(tmp_path / "a" / "fit.csv")
    assert set(fit["figure"]) == FITTED
    assert {"observed", "simulated_mean", "simulated_5%", "simulated_95%", "log_error", "inside_band"} <= set(fit)


# --- free parameters: dotted paths into mappings --------------------------------------------------

def test_mapping_entries_and_nested_fields_as_dotted_paths(tmp_path):
    sc = load_scenario(write_scenario(tmp_path), check_size=False)
    out = with_parameters(sc, {"behaviour.asylum_release_share.paused": 0.33, "behaviour.perception_lag.mean_days": 12,
                               "behaviour.push.2022-01-01": 0.7})
    assert out.behaviour.asylum_release_share["paused"] == 0.33
    assert out.behaviour.asylum_release_share["open"] == sc.behaviour.asylum_release_share["open"]
    assert out.behaviour.perception_lag.mean_days == 12 and out.behaviour.push["2022-01-01"] == 0.7
    check_paths(sc, {"behaviour.asylum_release_share.paused": 0.1, "behaviour.push.2022-01-01": 0.0}, "f.yaml")
    with pytest.raises(ScenarioError, match="parameters.behaviour.asylum_release_share.closed"):
        check_paths(sc, {"behaviour.asylum_release_share.closed": 0.1}, "f.yaml")
    with pytest.raises(ScenarioError, match="parameters.behaviour.push.2022-13-01"):
        check_paths(sc, {"behaviour.push.2022-13-01": 0.1}, "f.yaml")
    with pytest.raises(ScenarioError, match="no such scenario key"):
        check_paths(sc, {"behaviour.perception_lag.median_days": 1.0}, "f.yaml")


def test_behaviour_file_keeps_the_rest_of_a_mapping(tmp_path):
    cfg = load_config(write_config(tmp_path))
    sc = load_scenario(tmp_path / "scenario.yaml", check_size=False)
    values = {"behaviour.asylum_release_share.paused": 0.25, "behaviour.push.2022-01-01": 0.5}
    text = behaviour_yaml(cfg, values, "x.yaml", type("F", (), {"evaluations": 1})(), sc)
    data = yaml.safe_load(text)["behaviour"]
    assert data["asylum_release_share"] == {**sc.behaviour.asylum_release_share, "paused": 0.25}
    assert data["perception_lag"] == {"mean_days": 20} and data["push"] == {"2022-01-01": 0.5}


# --- resuming -------------------------------------------------------------------------------------

def test_an_interrupted_calibration_resumes_to_the_uninterrupted_result(tmp_path):
    """The model itself on two worker processes: stop after N simulations, rerun, compare."""
    write_observed(tmp_path / "obs", FIT)
    cfg = write_config(tmp_path, effort={"screen": 4, "optimise": 4, "seeds": 1, "abc": 4, "abc_min_accepted": 2,
                                         "check_replicates": 2})
    whole = run_calibration(cfg, tmp_path / "whole", workers=2)
    total = whole.fit.simulated
    assert total == len(list((tmp_path / "whole" / "evaluations").glob("*.json"))) - 1  # problem.json

    n = 5

    def stop(ran: int) -> None:
        if ran == n:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_calibration(cfg, tmp_path / "cut", workers=2, after_run=stop)
    assert not (tmp_path / "cut" / "calibration.json").exists()
    assert len(list((tmp_path / "cut" / "evaluations").glob("*.json"))) == n + 1
    resumed = run_calibration(cfg, tmp_path / "cut", workers=2)  # no --force needed
    assert resumed.fit.simulated == total - n
    assert resumed.fit.evaluations == whole.fit.evaluations
    assert outputs(tmp_path / "cut") == outputs(tmp_path / "whole")


def test_a_finished_calibration_is_replaced_only_with_force(tmp_path, synthetic):
    write_observed(tmp_path / "obs", FIT)
    cfg = write_config(tmp_path)
    run_calibration(cfg, tmp_path / "out", workers=1)
    result = CliRunner().invoke(app, ["calibrate", str(cfg), "--out", str(tmp_path / "out"), "--workers", "1"])
    assert result.exit_code == 2 and "--force" in result.output
    again = run_calibration(cfg, tmp_path / "out", workers=1, force=True)
    assert again.fit.simulated == len(list((tmp_path / "out" / "evaluations").glob("*.json"))) - 1  # started over


def test_a_store_of_another_problem_is_refused(tmp_path, synthetic):
    write_observed(tmp_path / "obs", FIT)
    cfg = write_config(tmp_path)

    def stop(ran: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_calibration(cfg, tmp_path / "out", workers=1, after_run=stop)
    other = write_config(tmp_path, scale=1000)
    with pytest.raises(ScenarioError, match="different calibration problem \\(scale changed\\)"):
        run_calibration(other, tmp_path / "out", workers=1)


# --- bad calibration files ------------------------------------------------------------------------

@pytest.mark.parametrize("change, key, words", [
    ({"series": ["darien_crossings_north", "darien_crossings"]}, "series[1]", "unknown series"),
    ({"series": ["darien_crossings_south"]}, "series[0]", "no fit-window Venezuelan row"),
    ({"observed": "missing"}, "observed", "no directory"),
    ({"observed": ""}, "observed", "go together"),
    ({"series": ["stock", "stock"]}, "series[1]", "named twice"),
])
def test_bad_calibration_file_names_file_and_key(tmp_path, change, key, words):
    write_observed(tmp_path / "obs", FIT + [row("s", "darien_crossings_south", "2023-01-01", "2023-01-31", 10)])
    cfg = write_config(tmp_path, **change)
    with pytest.raises(ScenarioError) as err:
        prepare_all(cfg)
    assert err.value.file == str(cfg) and err.value.key == key and words in err.value.message
    result = CliRunner().invoke(app, ["calibrate", str(cfg), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and f"{cfg}: {key}:" in result.output.replace("\n", "")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["ci.yaml", "history_2021_2025.yaml"])
def test_shipped_observed_calibrations_are_valid(name):
    prep = prepare_all(ROOT / "scenarios" / "calibration" / name)
    assert len(prep.rows) > 5 and (prep.rows["window"] == "fit").all()
    assert {"darien_crossings_north", "encounters_us_border", "stock"} <= set(prep.rows["series"])
    if name.startswith("history"):
        # 60 minutes on 2 cores at the slowest pace measured here: 6.1 s a five-year run with 2 workers
        assert prep.config.effort.runs * 6.1 / 2 <= 3600


def test_dask_scheduler_gives_the_result_of_one_process(tmp_path, synthetic):
    """The same calibration through a Dask cluster (threads here, so the synthetic run applies) and in-process."""
    distributed = pytest.importorskip("distributed")
    write_observed(tmp_path / "obs", FIT)
    cfg = write_config(tmp_path)
    alone = run_calibration(cfg, tmp_path / "alone", workers=1)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cl:
        dask = run_calibration(cfg, tmp_path / "dask", scheduler=cl.scheduler_address)
    assert dask.fit.simulated == alone.fit.simulated
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "alone")


def test_rows_left_out_with_a_reason_are_skipped_and_say_why(tmp_path):
    write_observed(tmp_path / "obs", FIT + VALIDATION)
    prep = prepare_all(write_config(tmp_path, not_fitted={"f_stock_per": "not like for like"}))
    assert set(prep.rows["id"]) == FITTED - {"f_stock_per"}
    assert prep.skipped["f_stock_per"] == "not fitted: not like for like"
    with pytest.raises(ScenarioError, match=r"not_fitted\.v_darien_h2: no such fit-window row"):
        prepare_all(write_config(tmp_path, not_fitted={"v_darien_h2": "a validation row is never a fit row"}))
