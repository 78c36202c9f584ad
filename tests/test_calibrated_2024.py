"""The shipped 2024 baseline, with the calibrated behaviour it inherits, lands each fitted target in its band.

Nothing is forced: the scenario is run as shipped (replicate seeds, calibration scale) and compared
with seeds/targets.yaml. Targets the README reports as not fitted are expected failures (strict), so
this test also fails if one of them starts fitting and the README is not updated.
"""
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from sim.calibrate.config import load_config
from sim.calibrate.fit import Problem
from sim.calibrate.targets import load_targets
from sim.load import load_scenario

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "scenarios" / "calibration" / "baseline_2024.yaml"
REPLICATES = 12
NOT_FITTED: dict[str, str] = {}  # target id -> reason (README, "Calibration": what does not fit)


def _run(args):
    problem, seed = args
    return problem.run(np.array([]), seed)


@pytest.fixture(scope="module")
def replicates():
    cfg = load_config(CONFIG)
    scenario = load_scenario(ROOT / "scenarios" / "baseline_2024.yaml")
    targets = load_targets(ROOT / "seeds" / "targets.yaml")
    fitted = tuple(targets[t] for t in cfg.fit)
    problem = Problem(scenario, fitted, (), {}, cfg.scale)
    with ProcessPoolExecutor(2) as pool:
        values = np.array(list(pool.map(_run, [(problem, 9000 + i) for i in range(REPLICATES)])))
    return {t.id: (t, values[:, k]) for k, t in enumerate(fitted)}


@pytest.mark.parametrize("target_id", load_config(CONFIG).fit)
def test_fitted_target_inside_its_band(replicates, target_id, request):
    if target_id in NOT_FITTED:
        request.applymarker(pytest.mark.xfail(reason=NOT_FITTED[target_id], strict=True))
    target, values = replicates[target_id]
    assert target.band.low <= values.mean() <= target.band.high, (target_id, values)
