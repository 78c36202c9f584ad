"""Fitting: simulation-based optimisation with common random numbers, then ABC rejection for uncertainty.

Stages (all deterministic for a given calibration file and seed, whatever the number of workers):

1. screen: a Latin hypercube over the prior (unit coordinates), one run each on the same seed;
2. optimise: Nelder-Mead (scipy) from the best screened point (or the file's ``start``) on the mean loss over a fixed set
   of seeds (common random numbers make the loss surface smooth enough to descend);
3. ABC rejection: proposals uniform in a box around the optimum (the prior is uniform in unit
   coordinates, so accepted proposals are draws from the posterior truncated to the box); a
   proposal is accepted when every fitted target falls inside its reported band (if too few do,
   the tolerance widens to the nearest ``abc_min_accepted`` proposals, and says so);
4. check: replicate runs at the optimum give each target's simulated mean and 90% interval.

The loss and distances are those of :mod:`sim.calibrate.measures` (reported targets and observed
rows alike). Simulations go through :class:`sim.calibrate.evaluate.Evaluator`, which stores each one
as it finishes and answers stored ones from disk, so a stopped calibration resumes exactly.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.optimize import minimize
from scipy.stats import qmc

from .config import CalibrationConfig
from .evaluate import Evaluator, Problem
from .measures import Measure, distance, group_distance, loss, target_measures
from .store import EvaluationStore

__all__ = ["Fit", "Problem", "abc_accept", "band_distance", "calibrate"]


def band_distance(values: np.ndarray, targets, floor: float) -> np.ndarray:
    """Per target, log distance from the band's geometric centre in half-band widths (|d| <= 1: inside).

    ``floor`` (one agent's worth of people) keeps zero counts finite.
    """
    return distance(values, target_measures(list(targets)), floor)


@dataclass
class Fit:
    names: list[str]
    screen_unit: np.ndarray  # [n, d]
    screen_loss: np.ndarray
    best_unit: np.ndarray
    best_loss: float
    optimiser: dict
    abc_unit: np.ndarray  # [m, d] proposals
    abc_distance: np.ndarray  # [m, targets]
    accepted: np.ndarray  # bool [m]
    check_values: np.ndarray  # [replicates, targets]
    evaluations: int = 0  # simulations asked for (answered from the store or run)
    tolerance: float = 1.0  # ABC tolerance used, in half-band widths (1 = inside every band)
    simulated: int = 0  # of those, run by this call (the rest were stored by an earlier one)


def calibrate(cfg: CalibrationConfig, problem: Problem, measures: list[Measure], workers: int = 2,
              progress: Callable[[str, int], Callable[[int], None]] | None = None,
              store: EvaluationStore | None = None, scheduler: str | None = None,
              after_run: Callable[[int], None] | None = None) -> Fit:
    """Run the four stages; ``progress(stage, total)`` returns a tick callback (or None);
    ``after_run(n)`` is called once the n-th simulation of this call is stored."""
    priors = list(cfg.parameters.values())
    d = len(priors)
    floor = cfg.scale
    to_values = lambda u: np.array([p.from_unit(np.clip(x, 0, 1)) for p, x in zip(priors, u)])  # noqa: E731
    seeds = np.random.SeedSequence(cfg.seed).generate_state(cfg.effort.seeds + 1)
    crn = [int(s) for s in seeds[: cfg.effort.seeds]]
    rng = np.random.default_rng(int(seeds[-1]))
    ticker = progress or (lambda stage, total: None)
    silent = lambda n: None  # noqa: E731

    # 1. screen
    unit = qmc.LatinHypercube(d=d, seed=rng).random(cfg.effort.screen)
    with Evaluator(problem, store, workers, scheduler, after_run) as runner:
        runner.tick = ticker("screen (Latin hypercube)", len(unit)) or silent
        screen_values = runner.batch([to_values(u) for u in unit], [crn[0]] * len(unit))
        screen_loss = loss(screen_values, measures, floor)
        start = unit[int(np.argmin(screen_loss))]
        if cfg.start:  # a stated starting point (an earlier optimum) instead of the best screened one
            start = np.array([float(p.to_unit(cfg.start[name])) for name, p in cfg.parameters.items()])

        # 2. optimise
        runner.tick = ticker("optimise (Nelder-Mead, common seeds)", cfg.effort.optimise * len(crn)) or silent
        cache: dict[bytes, float] = {}

        def objective(u: np.ndarray) -> float:
            """Mean over the common seeds of the simulated values, then the loss."""
            u = np.clip(u, 0, 1)
            key = u.tobytes()
            if key not in cache:
                vals = runner.batch([to_values(u)] * len(crn), crn)
                cache[key] = float(loss(vals.mean(axis=0), measures, floor))
            return cache[key]

        if cfg.effort.optimise > 0:
            simplex = np.clip(start + 0.15 * np.vstack([np.zeros(d), np.eye(d) * np.where(start > 0.5, -1, 1)]), 0, 1)
            res = minimize(objective, start, method="Nelder-Mead", bounds=[(0, 1)] * d,
                           options={"maxfev": cfg.effort.optimise, "initial_simplex": simplex,
                                    "xatol": 1e-3, "fatol": 1e-3})
            best, best_loss = np.clip(res.x, 0, 1), float(res.fun)
            opt = {"method": "Nelder-Mead", "evaluations": int(res.nfev), "message": str(res.message)}
        else:
            best, best_loss = start, float(screen_loss.min())
            opt = {"method": "none (best screened point)", "evaluations": 0}

        # 3. ABC rejection around the optimum
        m = cfg.effort.abc
        runner.tick = ticker("ABC rejection around the optimum", m) or silent
        lo, hi = np.clip(best - cfg.effort.abc_box, 0, 1), np.clip(best + cfg.effort.abc_box, 0, 1)
        abc_unit = lo + rng.random((m, d)) * (hi - lo)
        abc_seeds = [int(s) for s in rng.integers(0, 2**31 - 1, m)]
        abc_vals = runner.batch([to_values(u) for u in abc_unit], abc_seeds) if m else np.empty((0, len(measures)))
        abc_dist = distance(abc_vals, measures, floor) if m else np.empty((0, len(measures)))
        accepted, tolerance = abc_accept(group_distance(abc_dist, measures), cfg.effort.abc_min_accepted)

        # 4. check at the optimum
        r = cfg.effort.check_replicates
        runner.tick = ticker("check: replicates at the optimum", r) or silent
        check_seeds = [int(s) for s in rng.integers(0, 2**31 - 1, r)]
        check = runner.batch([to_values(best)] * r, check_seeds)
    return Fit(list(cfg.parameters), unit, screen_loss, best, best_loss, opt, abc_unit, abc_dist, accepted, check,
               runner.requested, tolerance=tolerance, simulated=runner.ran)


def abc_accept(distance: np.ndarray, min_accepted: int) -> tuple[np.ndarray, float]:
    """Accept proposals whose every target (or group of monthly rows, :func:`group_distance`) lies within
    ``tolerance`` sigmas (half-band widths) of its centre.

    The tolerance is 1 (inside every band) unless fewer than ``min_accepted`` proposals manage that;
    then it widens to the smallest value accepting ``min_accepted`` (rejection ABC with a quantile
    tolerance), and the posterior is correspondingly looser. The tolerance used is reported.
    """
    if len(distance) == 0:
        return np.zeros(0, bool), float("nan")
    worst = np.max(np.abs(distance), axis=1)
    tolerance = 1.0
    if np.count_nonzero(worst <= 1.0) < min_accepted:
        tolerance = float(np.sort(worst)[min(min_accepted, len(worst)) - 1])
    return worst <= tolerance, tolerance
