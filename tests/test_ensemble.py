"""Ensembles: the summary on member tables with known quantiles, effects in words, posterior draws,
resuming without repeating a member, the same outputs whatever the number of workers, bad input."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.ensemble import summary
from sim.ensemble.members import members, read_posterior
from sim.ensemble.run import Job, run_ensemble
from sim.load import parse_scenario
from sim.report.validation import observed_rows

from .conftest import small_scenario, write_yaml


def fake_rows(values: dict[tuple[str, str], np.ndarray], branch: str = "policy") -> pd.DataFrame:
    """Member tables: for each (outcome, period), member m has value values[m]."""
    parts = [pd.DataFrame({"member": np.arange(len(v)), "seed": 0, "draw": -1, "branch": branch, "outcome": o,
                           "freq": "year", "period": p, "value": np.asarray(v, float)}) for (o, p), v in values.items()]
    return pd.concat(parts, ignore_index=True)


def test_summary_quantiles_and_wide_marks_on_a_known_case():
    ramp = np.arange(1, 22)  # 21 members: 1..21, quantiles fall on members
    rows = fake_rows({("deaths", "2024"): ramp[::-1], ("encounters", "2024"): 100 + ramp / 100})
    table = summary.summary(rows).set_index("outcome")
    assert table.loc["deaths", ["members", "mean", "p5", "p50", "p95"]].tolist() == [21, 11, 2, 11, 20]
    assert table.loc["deaths", "wide"]  # 2..20 around 11: wider than +-50%
    assert not table.loc["encounters", "wide"]
    assert table.loc["encounters", "p50"] == pytest.approx(100.11)


def test_effects_pair_each_member_with_its_own_counterfactual_and_say_when_zero_is_inside():
    ramp = np.arange(1, 22, dtype=float)
    policy = fake_rows({("a", "2025"): ramp + 5, ("b", "2025"): ramp, ("c", "2025"): ramp})
    other = fake_rows({("a", "2025"): ramp, ("b", "2025"): ramp + np.linspace(-3, 3, 21),
                       ("c", "2025"): ramp + 1}, "counterfactual")
    table = summary.effects(pd.concat([policy, other])).set_index("outcome")
    assert table.loc["a", ["mean", "p5", "p95"]].tolist() == [5, 5, 5]  # member by member, not pooled
    assert table["includes_zero"].tolist() == [False, True, False]
    assert table.loc["a", "reading"] == "higher with the policy"
    assert table.loc["b", "reading"].startswith("includes zero")
    assert table.loc["c", "reading"] == "lower with the policy"


def test_against_observed_gives_log_error_and_both_inside_checks():
    rows = fake_rows({("fig", "2024-01-01/2024-01-31"): np.arange(1, 22) * 100.0}).assign(freq="observed")
    observed = pd.DataFrame([{"id": "fig", "series": "encounters_us_border", "country": "", "start": "2024-01-01",
                              "end": "2024-01-31", "window": "validation", "value": 550.0, "low": 500.0,
                              "high": 600.0, "source": "test"}])
    got = summary.against_observed(rows, observed).iloc[0]
    assert got["p50"] == 1100 and got["log_error"] == pytest.approx(np.log(2), abs=1e-4)
    assert not got["inside_band"] and got["observed_in_interval"]


def _scenario(tmp_path, **overrides):
    data = small_scenario(end="2025-02-28", scale=1000, **overrides)
    return parse_scenario(data), write_yaml(tmp_path / "ens.yaml", data)


def test_posterior_draws_from_a_calibration_abc_file_are_cycled_over_members(tmp_path):
    sc, _ = _scenario(tmp_path)
    (tmp_path / "posterior.csv").write_text('parameter,prior\nbehaviour.weights.move,"uniform(-20, -3)"\n'
                                            'behaviour.weights.cost,"loguniform(0.2, 3)"\n'
                                            "behaviour.saving_share,fixed\n")  # held fixed: no prior, no draws
    (tmp_path / "abc.csv").write_text("accepted,unit:behaviour.weights.move,unit:behaviour.weights.cost,distance:x\n"
                                      "True,0.5,0.0,1\nFalse,0.9,0.9,9\nTrue,1.0,1.0,2\n")
    draws = read_posterior(tmp_path / "posterior.csv", sc)
    assert draws["behaviour.weights.move"].tolist() == [-11.5, -3.0]
    assert draws["behaviour.weights.cost"].tolist() == pytest.approx([0.2, 3.0])
    plan = members(sc, 3, draws)
    assert [m.draw for m in plan] == [0, 1, 0] and len({m.seed for m in plan}) == 3
    assert members(sc, 5, draws)[:3] == plan  # more members leave the first ones as they were


def test_resumed_and_parallel_ensembles_repeat_nothing_and_write_the_same_bytes(tmp_path):
    sc, _ = _scenario(tmp_path)
    job = Job(sc)
    one = run_ensemble(job, 4, tmp_path / "one", workers=1, report=False)
    two = run_ensemble(job, 4, tmp_path / "two", workers=2, report=False)
    assert one.skipped == 0 and two.skipped == 0
    for name in ("members.parquet", "summary.csv", "observed.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    kept = tmp_path / "one" / "members" / "member-00000.parquet"
    before = kept.stat().st_mtime_ns
    for m in (1, 3):  # as if killed before these two were stored
        (tmp_path / "one" / "members" / f"member-{m:05d}.parquet").unlink()
    again = run_ensemble(job, 4, tmp_path / "one", workers=2, report=False)
    assert again.skipped == 2 and kept.stat().st_mtime_ns == before
    assert (tmp_path / "one" / "members.parquet").read_bytes() == (tmp_path / "two" / "members.parquet").read_bytes()
    assert run_ensemble(job, 4, tmp_path / "one", workers=2, report=False).skipped == 4
    rows = pd.read_parquet(tmp_path / "one" / "members.parquet")
    assert sorted(rows["member"].unique()) == [0, 1, 2, 3] and rows["value"].notna().all()
    assert rows.groupby("member")["seed"].nunique().eq(1).all() and rows["seed"].nunique() == 4


@pytest.mark.parametrize("args, message", [
    (["--ensemble", "1"], "--ensemble: needs at least 2 members"),
    (["--posterior", "x.csv"], "--posterior: only with --ensemble N"),
    (["--ensemble", "3", "--posterior", "missing.csv"], "missing.csv: --posterior: missing"),
    (["--ensemble", "3", "--save-state", "2025-02-01"], "--ensemble: takes neither --save-state"),
])
def test_bad_ensemble_options_are_one_line_errors(tmp_path, args, message):
    _, path = _scenario(tmp_path)
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "e"), *args])
    assert result.exit_code == 2 and message in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "e").exists()


def test_a_directory_of_another_ensemble_is_refused(tmp_path):
    sc, path = _scenario(tmp_path)
    run_ensemble(Job(sc, observed=observed_rows()), 2, tmp_path / "e", workers=1, report=False)
    result = CliRunner().invoke(app, ["run", str(path), "--ensemble", "2", "--seed", "9", "--workers", "1",
                                      "--out", str(tmp_path / "e"), "--no-report"])
    assert result.exit_code == 2 and "holds another ensemble (changed: scenario)" in result.output
