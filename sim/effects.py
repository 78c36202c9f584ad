"""A policy's effect with its spread over seeds: each seed's run minus its own branched counterfactual.

For every seed the scenario runs with its counterfactual branched from the run's own state on the
first date the timelines differ (:mod:`sim.branch`), so each difference is the policy's effect plus
the noise of the draws after that date. The summary gives, per year and outcome, the mean of the
policy run, of the counterfactual and of their difference, with the difference's standard deviation
and 5-95% range over seeds, and says when that range includes zero.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .local_pool import map_in_order
from .scenario import Scenario

HEADLINE = ("encounters_us_border", "darien_crossings_north", "darien_crossings_south", "deaths",
            "returns_home", "repatriation_flight_passengers", "deportations", "expelled", "port_appointments",
            "smuggling_revenue_usd", "departures")


def _pair(args) -> pd.DataFrame:
    scenario, seed = args
    from .runner import run_scenario

    result = run_scenario(scenario.model_copy(update={"seed": int(seed)}), counterfactual=True)
    policy = result.yearly.set_index("year")
    other = result.counterfactual.yearly.set_index("year")
    cols = [c for c in HEADLINE if c in policy.columns]
    out = pd.concat({"policy": policy[cols], "counterfactual": other[cols]}, axis=1).stack(future_stack=True)
    out = out.reset_index().rename(columns={"level_1": "outcome"})
    out.insert(0, "seed", int(seed))
    return out


def seed_pairs(scenario: Scenario, seeds: Sequence[int], workers: int = 2) -> pd.DataFrame:
    """One row per seed, year and outcome: the policy run's value and its counterfactual's."""
    frames = map_in_order(_pair, [(scenario, s) for s in seeds], workers)
    out = pd.concat(frames, ignore_index=True)
    out["difference"] = out["policy"] - out["counterfactual"]
    return out


def summarise(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per year and outcome: means, the difference's sd and 5-95% range over seeds, and whether it spans zero."""
    g = pairs.groupby(["year", "outcome"], sort=False)
    out = g.agg(seeds=("seed", "size"), policy=("policy", "mean"), counterfactual=("counterfactual", "mean"),
                difference=("difference", "mean"), difference_sd=("difference", "std"),
                difference_5=("difference", lambda d: float(np.quantile(d, 0.05))),
                difference_95=("difference", lambda d: float(np.quantile(d, 0.95)))).reset_index()
    out["includes_zero"] = (out["difference_5"] <= 0) & (out["difference_95"] >= 0)
    return out
