"""Fitting: simulation-based optimisation with common random numbers, then ABC rejection for uncertainty.

Stages (all deterministic for a given calibration file and seed, whatever the number of workers):

1. screen: a Latin hypercube over the prior (unit coordinates), one run each on the same seed;
2. optimise: Nelder-Mead (scipy) from the best screened point on the mean loss over a fixed set
   of seeds (common random numbers make the loss surface smooth enough to descend);
3. ABC rejection: proposals uniform in a box around the optimum (the prior is uniform in unit
   coordinates, so accepted proposals are draws from the posterior truncated to the box); a
   proposal is accepted when every fitted target falls inside its reported band (if too few do,
   the tolerance widens to the nearest ``abc_min_accepted`` proposals, and says so);
4. check: replicate runs at the optimum give each target's simulated mean and 90% interval.
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.optimize import minimize
from scipy.stats import qmc

from ..engine import VectorModel
from ..load import network_of
from ..scenario import Scenario
from .config import CalibrationConfig
from .params import with_parameters
from .targets import Target, simulated


@dataclass(frozen=True)
class Problem:
    """What a worker needs to turn parameter values into simulated target values."""

    scenario: Scenario
    targets: tuple[Target, ...]
    names: tuple[str, ...]  # dotted parameter paths, in order
    fixed: dict
    scale: float

    def run(self, values: np.ndarray, seed: int) -> np.ndarray:
        """Simulated value of each fitted target (people) for one parameter vector and seed."""
        params = dict(self.fixed) | dict(zip(self.names, map(float, values)))
        sc = with_parameters(self.scenario, params, seed=int(seed), scale=self.scale)
        model = VectorModel(sc)
        model.run()
        daily = model.tables_out()["daily"]
        net = network_of(sc)
        return np.array([simulated(daily, t, net) for t in self.targets])


def _run(args) -> np.ndarray:
    problem, values, seed = args
    return problem.run(values, seed)


def band_distance(values: np.ndarray, targets, floor: float) -> np.ndarray:
    """Per target, log distance from the band's geometric centre in half-band widths (|d| <= 1: inside).

    ``floor`` (one agent's worth of people) keeps zero counts finite.
    """
    low = np.array([t.band.low for t in targets])
    high = np.array([t.band.high for t in targets])
    centre = 0.5 * (np.log(low) + np.log(high))
    half = np.maximum(0.5 * (np.log(high) - np.log(low)), 0.02)
    return (np.log(np.maximum(values, floor)) - centre) / half


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
    evaluations: int = 0
    tolerance: float = 1.0  # ABC tolerance used, in half-band widths (1 = inside every band)


class Runner:
    """Runs batches of (parameters, seed) on a process pool, in order; counts simulations."""

    def __init__(self, problem: Problem, workers: int, tick: Callable[[int], None] | None = None):
        self.problem, self.workers, self.tick = problem, workers, tick or (lambda n: None)
        self.pool = ProcessPoolExecutor(workers) if workers > 1 else None
        self.count = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def batch(self, values: list[np.ndarray], seeds: list[int]) -> np.ndarray:
        jobs = [(self.problem, v, s) for v, s in zip(values, seeds)]
        out = []
        results = self.pool.map(_run, jobs) if self.pool else map(_run, jobs)
        for r in results:
            out.append(r)
            self.count += 1
            self.tick(1)
        return np.array(out)


def calibrate(cfg: CalibrationConfig, scenario: Scenario, targets: list[Target], workers: int = 2,
              progress: Callable[[str, int], Callable[[int], None]] | None = None) -> Fit:
    """Run the four stages; ``progress(stage, total)`` returns a tick callback (or None)."""
    priors = list(cfg.parameters.values())
    names = list(cfg.parameters)
    d = len(names)
    problem = Problem(scenario, tuple(targets), tuple(names), dict(cfg.fixed), cfg.scale)
    floor = cfg.scale
    to_values = lambda u: np.array([p.from_unit(np.clip(x, 0, 1)) for p, x in zip(priors, u)])  # noqa: E731
    seeds = np.random.SeedSequence(cfg.seed).generate_state(cfg.effort.seeds + 1)
    crn = [int(s) for s in seeds[: cfg.effort.seeds]]
    rng = np.random.default_rng(int(seeds[-1]))
    ticker = progress or (lambda stage, total: None)

    def loss_of(values: np.ndarray) -> np.ndarray:
        """Mean over seeds of the simulated values, then the squared band distance summed over targets."""
        return np.sum(band_distance(values, targets, floor) ** 2, axis=-1)

    # 1. screen
    unit = qmc.LatinHypercube(d=d, seed=rng).random(cfg.effort.screen)
    runner = Runner(problem, workers, ticker("screen (Latin hypercube)", len(unit)))
    with runner:
        screen_values = runner.batch([to_values(u) for u in unit], [crn[0]] * len(unit))
        screen_loss = loss_of(screen_values)
        start = unit[int(np.argmin(screen_loss))]

        # 2. optimise
        runner.tick = ticker("optimise (Nelder-Mead, common seeds)", cfg.effort.optimise * len(crn)) or (lambda n: None)
        cache: dict[bytes, float] = {}

        def objective(u: np.ndarray) -> float:
            u = np.clip(u, 0, 1)
            key = u.tobytes()
            if key not in cache:
                vals = runner.batch([to_values(u)] * len(crn), crn)
                cache[key] = float(np.sum(band_distance(vals.mean(axis=0), targets, floor) ** 2))
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
        runner.tick = ticker("ABC rejection around the optimum", m) or (lambda n: None)
        lo, hi = np.clip(best - cfg.effort.abc_box, 0, 1), np.clip(best + cfg.effort.abc_box, 0, 1)
        abc_unit = lo + rng.random((m, d)) * (hi - lo)
        abc_seeds = [int(s) for s in rng.integers(0, 2**31 - 1, m)]
        abc_vals = runner.batch([to_values(u) for u in abc_unit], abc_seeds) if m else np.empty((0, len(targets)))
        abc_dist = band_distance(abc_vals, targets, floor) if m else np.empty((0, len(targets)))
        accepted, tolerance = abc_accept(abc_dist, cfg.effort.abc_min_accepted)

        # 4. check at the optimum
        r = cfg.effort.check_replicates
        runner.tick = ticker("check: replicates at the optimum", r) or (lambda n: None)
        check_seeds = [int(s) for s in rng.integers(0, 2**31 - 1, r)]
        check = runner.batch([to_values(best)] * r, check_seeds)
        count = runner.count
    return Fit(names, unit, screen_loss, best, best_loss, opt, abc_unit, abc_dist, accepted, check, count,
               tolerance=tolerance)


def abc_accept(distance: np.ndarray, min_accepted: int) -> tuple[np.ndarray, float]:
    """Accept proposals whose every target lies within ``tolerance`` half-band widths of its band centre.

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
