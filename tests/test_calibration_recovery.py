"""The calibration finds parameters it was given: synthetic targets made by the model at known values."""
from pathlib import Path

import numpy as np
import yaml

from sim.calibrate.config import load_config
from sim.calibrate.fit import Problem
from sim.calibrate.run import run_calibration
from sim.calibrate.targets import load_targets
from sim.load import load_scenario

ROOT = Path(__file__).resolve().parents[1]
TRUE = {"behaviour.weights.move": -3.0, "behaviour.weights.income": 4.0}


def test_recovers_known_parameters_from_synthetic_targets(tmp_path):
    ci = load_config(ROOT / "scenarios" / "calibration" / "ci.yaml")
    scenario = load_scenario(ROOT / "scenarios" / "baseline_2024.yaml")
    # synthetic "reported" figures: the model's own outcomes at TRUE (mean of two seeds), +-8% bands
    base = yaml.safe_load((ROOT / "seeds" / "targets.yaml").read_text())["targets"][0]
    entries = []
    for outcome in ("encounters_us_border", "departures"):
        entries.append({**base, "id": f"synthetic_{outcome}", "outcome": outcome, "reading": "band", "role": "fit"})
    tmp_targets = tmp_path / "targets.yaml"
    for e in entries:
        e.update(figure=1.0, band={"low": 0.5, "high": 2.0})
    tmp_targets.write_text(yaml.safe_dump({"targets": entries}))
    problem = Problem(scenario, tuple(load_targets(tmp_targets).values()), tuple(TRUE), {}, ci.scale)
    truth = np.mean([problem.run(np.array(list(TRUE.values())), seed) for seed in (101, 102)], axis=0)
    for e, value in zip(entries, truth):
        e.update(figure=float(value), band={"low": float(value) * 0.92, "high": float(value) * 1.08})
    tmp_targets.write_text(yaml.safe_dump({"targets": entries}))

    config = yaml.safe_load((ROOT / "scenarios" / "calibration" / "ci.yaml").read_text())
    config.pop("observed", None)  # only the synthetic targets are fitted here
    config.pop("series", None)
    config["parameters"] = {"behaviour.weights.move": {"distribution": "uniform", "low": -9, "high": 0},
                            "behaviour.weights.income": {"distribution": "uniform", "low": 1, "high": 6}}
    config.update(scenario=str(ROOT / "scenarios" / "baseline_2024.yaml"), targets=str(tmp_targets),
                  fit=[e["id"] for e in entries], seed=11)
    # 12 of 64 ABC proposals accepted: with 6 of 32 the 5-95% of the accepted draws was the spread of a handful
    config["effort"].update(screen=16, optimise=24, seeds=2, abc=64, abc_min_accepted=12, check_replicates=2)
    cfg_file = tmp_path / "synthetic.yaml"
    cfg_file.write_text(yaml.safe_dump(config))

    result = run_calibration(cfg_file, tmp_path / "out", workers=2, write_behaviour=False)
    post = result.posterior.set_index("parameter")
    assert result.fit.accepted.sum() >= 3, "ABC accepted too few proposals to give an interval"
    for name, value in TRUE.items():
        row = post.loc[name]
        assert row["posterior_5%"] <= value <= row["posterior_95%"], (name, value, row.to_dict())
    # and the fitted outcomes land in their bands
    assert result.table["inside_band"].all(), result.table.to_string()
    assert (tmp_path / "out" / "posterior.csv").is_file() and (tmp_path / "out" / "fit.csv").is_file()
