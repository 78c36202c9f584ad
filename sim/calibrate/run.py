"""One calibration from file to outputs: load, fit (resuming stored simulations), write the tables.

The output directory holds ``evaluations/`` (every simulation, stored as it finishes) while the
calibration runs; at the end posterior.csv, fit.csv, abc.csv and behaviour.yaml are written, each
atomically, and calibration.json last, which marks the directory finished. Running the same
command on an unfinished directory resumes it; a finished one is replaced only with ``force``.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from ..load import load_scenario, network_of
from ..network import Network
from ..outcomes import outcome_problem
from ..rundir import write_atomic
from ..scenario import Scenario
from .config import CalibrationConfig, load_config
from .evaluate import Problem
from .fit import Fit, calibrate
from .measures import Measure, observed_measures, target_measures
from .observed_rows import fitted_rows
from .params import check_paths
from .report import behaviour_yaml, fit_table, observed_table, point_values, posterior_table
from .store import FINISHED, EvaluationStore, output_state
from .targets import Target, load_targets


@dataclass
class Outcome:
    config: CalibrationConfig
    fit: Fit
    posterior: pd.DataFrame
    table: pd.DataFrame  # reported targets vs the check replicates (empty without targets)
    behaviour_file: Path | None
    observed: pd.DataFrame | None = None  # observed rows vs the check replicates (empty without series)


@dataclass
class Prepared:
    """A validated calibration: config, scenario, fitted targets and observed rows, and their measures."""

    config: CalibrationConfig
    scenario: Scenario
    targets: list[Target]
    rows: pd.DataFrame
    measures: list[Measure]
    skipped: dict[str, str]  # observed rows the network cannot produce: id -> why

    def problem(self) -> Problem:
        cfg = self.config
        return Problem(self.scenario, tuple(self.targets), tuple(cfg.parameters), dict(cfg.fixed), cfg.scale,
                       tuple(self.rows.to_dict("records")))


def _targets(cfg: CalibrationConfig, path: Path, net: Network) -> list[Target]:
    """The fitted targets, each a reported figure of an outcome a run on ``net`` produces."""
    if not cfg.targets:
        return []
    targets = load_targets(cfg.path("targets", path))
    fitted = []
    for i, tid in enumerate(cfg.fit):
        if tid not in targets:
            raise ScenarioError(path, f"fit[{i}]", f"no target {tid!r} in {cfg.targets}")
        if targets[tid].role != "fit":
            raise ScenarioError(path, f"fit[{i}]", f"target {tid!r} has role {targets[tid].role!r}, not 'fit'")
        problem = outcome_problem(targets[tid].outcome, net, derived=True)
        if problem:
            raise ScenarioError(path, f"fit[{i}]", f"target {tid!r}: {problem}")
        fitted.append(targets[tid])
    return fitted


def prepare_all(path: Path) -> Prepared:
    """Read and check everything a calibration needs (bad input -> ScenarioError naming file and key)."""
    path = Path(path)
    cfg = load_config(path)
    scenario = load_scenario(cfg.path("scenario", path), check_size=False)
    trial = {k: p.low for k, p in cfg.parameters.items()} | dict(cfg.fixed)
    check_paths(scenario, {k: trial[k] for k in cfg.parameters}, path, "parameters")
    check_paths(scenario, dict(cfg.fixed), path, "fixed")
    targets = _targets(cfg, path, network_of(scenario))
    rows, skipped = fitted_rows(cfg, path, scenario)
    ids = [t.id for t in targets] + list(rows["id"] if len(rows) else [])
    clash = sorted({i for i in ids if ids.count(i) > 1})
    if clash:
        raise ScenarioError(path, "series", f"figure id {clash[0]!r} is both a target and an observed row")
    measures = target_measures(targets) + (observed_measures(rows, cfg.scale) if len(rows) else [])
    return Prepared(cfg, scenario, targets, rows, measures, skipped)


def open_output(out: Path, force: bool) -> None:
    """Make ``out`` ready: new, resumed (unfinished), or replaced (finished, only with ``force``)."""
    state = output_state(out)
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} is a file, not a directory; choose another --out")
    if state == "foreign" and not force:
        raise FileExistsError(f"{out} exists and is not a calibration directory; choose another --out or pass --force")
    if state == "finished" and not force:
        raise FileExistsError(f"{out} holds a finished calibration; pass --force to replace it")
    if force and state != "absent":
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def run_calibration(path: Path, out: Path, workers: int = 2, force: bool = False, progress=None,
                    write_behaviour: bool = True, scheduler: str | None = None, after_run=None) -> Outcome:
    """Fit, then write ``out/`` (posterior.csv, fit.csv, abc.csv, behaviour.yaml, calibration.json) and the
    behaviour file; simulations stored in ``out/evaluations/`` by an interrupted call are not run again."""
    path, out = Path(path), Path(out)
    prep = prepare_all(path)
    cfg = prep.config
    open_output(out, force)
    problem = prep.problem()
    store = EvaluationStore(out, problem.record())
    fit = calibrate(cfg, problem, prep.measures, workers=workers, progress=progress, store=store,
                    scheduler=scheduler, after_run=after_run)
    posterior = posterior_table(cfg, fit)
    nt = len(prep.targets)
    table = fit_table(prep.targets, fit.check_values[:, :nt], cfg.scale) if nt else pd.DataFrame()
    obs = observed_table(prep.rows, prep.measures[nt:], fit.check_values[:, nt:], cfg.scale) if len(prep.rows) \
        else pd.DataFrame()
    values = point_values(cfg, fit.best_unit)
    text = behaviour_yaml(cfg, values, str(path), fit, prep.scenario)
    write_outputs(out, path, prep, fit, posterior, table, obs, values, text)
    target_file = None
    if write_behaviour and cfg.output:
        target_file = cfg.path("output", path)
        write_atomic(target_file, text)
    return Outcome(cfg, fit, posterior, table, target_file, obs)


def _unused(cfg: CalibrationConfig) -> set[str]:
    """Figure keys a config leaves empty, left out of calibration.json (as before observed series existed)."""
    return {k for k in ("targets", "fit", "observed", "series") if not getattr(cfg, k)}


def write_outputs(out: Path, path: Path, prep: Prepared, fit: Fit, posterior: pd.DataFrame, table: pd.DataFrame,
                  obs: pd.DataFrame, values: dict, text: str) -> None:
    """The result files, each written atomically; calibration.json last (it marks the directory finished)."""
    fitted = pd.concat([f for f in (table, obs) if len(f)], ignore_index=True)
    write_atomic(out / "posterior.csv", posterior.to_csv(index=False, float_format="%.6g"))
    write_atomic(out / "fit.csv", fitted.to_csv(index=False, float_format="%.6g"))
    abc = pd.DataFrame(np.column_stack([fit.abc_unit, fit.abc_distance]),
                       columns=[f"unit:{n}" for n in fit.names] + [f"distance:{m.id}" for m in prep.measures])
    abc.insert(0, "accepted", fit.accepted)
    write_atomic(out / "abc.csv", abc.to_csv(index=False, float_format="%.6g"))
    write_atomic(out / "behaviour.yaml", text)
    cfg = prep.config
    summary = {
        "config": str(path), "config_resolved": json.loads(cfg.model_dump_json(exclude=_unused(cfg))),
        "optimum": values, "loss": fit.best_loss, "optimiser": fit.optimiser,
        "simulations": fit.evaluations, "abc_accepted": int(fit.accepted.sum()), "abc_tolerance_half_bands": fit.tolerance,
        "abc_proposals": int(len(fit.accepted)),
    }
    if len(prep.rows):
        summary["observed_rows"] = list(prep.rows["id"])
        summary["observed_rows_skipped"] = prep.skipped
    write_atomic(out / FINISHED, json.dumps(summary, indent=2, default=str) + "\n")
