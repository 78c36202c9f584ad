"""One calibration from file to outputs: load, fit, write the behaviour file and the tables atomically."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from ..load import load_scenario
from ..rundir import atomic_dir, write_json
from .config import CalibrationConfig, load_config
from .fit import Fit, calibrate
from .params import check_paths
from .report import behaviour_yaml, fit_table, point_values, posterior_table
from .targets import load_targets


@dataclass
class Outcome:
    config: CalibrationConfig
    fit: Fit
    posterior: pd.DataFrame
    table: pd.DataFrame
    behaviour_file: Path | None


def prepare(path: Path):
    """The validated config, the scenario to fit and the fitted targets (bad input -> ScenarioError)."""
    cfg = load_config(path)
    scenario = load_scenario(cfg.path("scenario", path), check_size=False)
    check_paths(scenario, list(cfg.parameters) + list(cfg.fixed), path)
    targets = load_targets(cfg.path("targets", path))
    fitted = []
    for i, tid in enumerate(cfg.fit):
        if tid not in targets:
            raise ScenarioError(path, f"fit[{i}]", f"no target {tid!r} in {cfg.targets}")
        if targets[tid].role != "fit":
            raise ScenarioError(path, f"fit[{i}]", f"target {tid!r} has role {targets[tid].role!r}, not 'fit'")
        fitted.append(targets[tid])
    return cfg, scenario, fitted


def run_calibration(path: Path, out: Path, workers: int = 2, force: bool = False, progress=None,
                    write_behaviour: bool = True) -> Outcome:
    """Fit, then write ``out/`` (posterior.csv, fit.csv, abc.csv, calibration.json) and the behaviour file."""
    path = Path(path)
    cfg, scenario, targets = prepare(path)
    if out.exists() and not force:
        raise FileExistsError(f"{out} exists; pass --force to replace it")
    fit = calibrate(cfg, scenario, targets, workers=workers, progress=progress)
    posterior = posterior_table(cfg, fit)
    table = fit_table(targets, fit.check_values, cfg.scale)
    values = point_values(cfg, fit.best_unit)
    text = behaviour_yaml(cfg, values, str(path), fit, scenario)
    with atomic_dir(out, force) as tmp:
        posterior.to_csv(tmp / "posterior.csv", index=False, float_format="%.6g")
        table.to_csv(tmp / "fit.csv", index=False, float_format="%.6g")
        abc = pd.DataFrame(np.column_stack([fit.abc_unit, fit.abc_distance]),
                           columns=[f"unit:{n}" for n in fit.names] + [f"distance:{t.id}" for t in targets])
        abc.insert(0, "accepted", fit.accepted)
        abc.to_csv(tmp / "abc.csv", index=False, float_format="%.6g")
        (tmp / "behaviour.yaml").write_text(text, encoding="utf-8")
        write_json(tmp / "calibration.json", {
            "config": str(path), "config_resolved": json.loads(cfg.model_dump_json()),
            "optimum": values, "loss": fit.best_loss, "optimiser": fit.optimiser,
            "simulations": fit.evaluations, "abc_accepted": int(fit.accepted.sum()), "abc_tolerance_half_bands": fit.tolerance,
            "abc_proposals": int(len(fit.accepted)),
        })
    target_file = None
    if write_behaviour and cfg.output:
        target_file = cfg.path("output", path)
        target_file.parent.mkdir(parents=True, exist_ok=True)
        tmp_file = target_file.with_suffix(".yaml.partial")
        tmp_file.write_text(text, encoding="utf-8")
        tmp_file.replace(target_file)
    return Outcome(cfg, fit, posterior, table, target_file)
