"""The outcome registry (sim/outcomes.py): the daily table writes exactly the registered columns, and a
sweep or calibration naming an outcome a run cannot produce is refused when it is checked."""
from __future__ import annotations

import subprocess

import pandas as pd
import pytest
import yaml

from sim.calibrate.run import prepare_all
from sim.engine import VectorModel
from sim.errors import ScenarioError
from sim.load import load_scenario, network_of
from sim.outcomes import daily_columns, darien_segments, outcome_problem, outcome_series, slug
from sim.sweep.spec import load_sweep
from tests.test_calibration_observed import write_config
from tests.test_sweep import BIN, REPO, SWEEP, write_sweep

EQUIVALENCE = REPO / "tests" / "scenarios" / "equivalence_levers.yaml"


@pytest.fixture(scope="module")
def net():
    return network_of(load_scenario(EQUIVALENCE))


def test_the_daily_table_writes_exactly_the_registered_columns(net):
    scenario = load_scenario(EQUIVALENCE).model_copy(update={"end": load_scenario(EQUIVALENCE).start})
    model = VectorModel(scenario)
    model.run()
    daily = model.tables_out()["daily"]
    assert list(daily.columns) == ["date", *daily_columns(net)]


def test_segment_breakdowns_are_registered_only_where_someone_can_die(net):
    assert "deaths__necocli_capurgana" in daily_columns(net)
    problem = outcome_problem("deaths__caracas_valencia", net)
    assert problem is not None and "\n" not in problem
    assert "deaths__ is written for the segments with a death or abandonment hazard" in problem
    assert "necocli_capurgana" in problem and "caracas_valencia" not in problem.split(":", 2)[2]


def test_darien_totals_are_outcomes_of_a_calibration_only(net):
    assert outcome_problem("deaths_darien", net, derived=True) is None
    assert "unknown outcome 'deaths_darien'" in outcome_problem("deaths_darien", net)


def test_an_unknown_flow_is_named_with_the_closest_spelling(net):
    problem = outcome_problem("encounters_us", net)
    assert "did you mean 'encounters_us_border'?" in problem and "status_<resident|" in problem


def test_darien_deaths_sum_the_darien_segment_columns(net):
    columns = [c for c in daily_columns(net) if c.startswith("deaths__")]
    darien = [c for c in (f"deaths__{slug(s)}" for s in darien_segments(net)) if c in columns]
    assert 0 < len(darien) < len(columns)
    daily = pd.DataFrame({c: [1.0, 2.0] for c in columns})
    assert outcome_series(daily, "deaths_darien", net).tolist() == [len(darien), 2.0 * len(darien)]


def assert_refused(check, key: str, command: list, out) -> None:
    """``check()`` refuses deaths__caracas_valencia on ``key``; the command exits 2 with one line naming it and
    the valid segments, and writes nothing."""
    with pytest.raises(ScenarioError) as info:
        check()
    assert info.value.key == key and "unknown outcome 'deaths__caracas_valencia'" in info.value.message
    proc = subprocess.run([BIN / "migsim", *map(str, command), "--out", str(out)], capture_output=True, text=True)
    errors = [line for line in proc.stderr.splitlines() if "deaths__caracas_valencia" in line]
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(errors) == 1 and "necocli_capurgana" in errors[0] and not out.exists()
    assert proc.stderr.strip().splitlines() == errors  # nothing else: no "at most N simulations" before it


def test_a_sweep_asking_for_deaths_on_a_safe_segment_is_refused_when_checked(tmp_path):
    path = write_sweep(tmp_path, SWEEP.replace("outcomes: [encounters_us_border,",
                                               "outcomes: [deaths__caracas_valencia, encounters_us_border,"))
    assert_refused(lambda: load_sweep(path), "outcomes[0]", ["sweep", path], tmp_path / "o")


def test_a_sweep_may_ask_for_every_registered_breakdown(tmp_path):
    outcomes = "[deaths__necocli_capurgana, changed_country__col, smuggling_revenue_usd__clan_del_golfo, status_dead]"
    path = write_sweep(tmp_path, SWEEP.replace(
        "outcomes: [encounters_us_border, darien_crossings_north, darien_crossings_south, smuggling_revenue_usd]",
        f"outcomes: {outcomes}"))
    assert load_sweep(path).outcome_columns[0] == "deaths__necocli_capurgana_2025"


def test_a_calibration_fitting_a_target_the_run_cannot_produce_is_refused(tmp_path):
    targets = tmp_path / "targets.yaml"
    target = {"id": "safe_road_deaths", "figure": 10, "unit": "people", "period": "2024-06-30",
              "reading": "exact", "band": {"low": 5, "high": 20}, "outcome": "deaths__caracas_valencia", "role": "fit"}
    targets.write_text(yaml.safe_dump({"targets": [target]}), encoding="utf-8")
    cfg = write_config(tmp_path, observed="", series=[], targets=str(targets), fit=["safe_road_deaths"])
    assert_refused(lambda: prepare_all(cfg), "fit[0]", ["calibrate", cfg], tmp_path / "out")


def test_every_view_of_outcomes_names_registered_outcomes(net):
    """The lists a summary, a report or a command shows are outcomes a run produces (a typo would drop one)."""
    from sim import cli, effects, reporters, spin_up
    from sim.ensemble import cli_view
    from sim.report import validation_figure

    views = {"cli.SUMMARY": cli.SUMMARY, "reporters.DAILY_FLOWS": reporters.DAILY_FLOWS,
             "effects.HEADLINE": effects.HEADLINE, "spin_up.OUTCOMES": spin_up.OUTCOMES,
             "ensemble SHOWN": [n for n in cli_view.SHOWN if n != "stock_abroad"],  # the ensemble's own total
             "validation_figure.FLOWS": [name for name, _ in validation_figure.FLOWS]}
    for view, names in views.items():
        for name in names:
            assert outcome_problem(name, net) is None, (view, name)
