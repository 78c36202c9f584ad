"""Does a run's answer depend on its arbitrary start? The same scenario with two spin-up lengths, over seeds.

A history starts from reported stocks with everyone settled; the spin-up lets reconsiderations and
journeys reach their own rhythm before the first reported day. If the yearly figures still move when
the spin-up doubles, they carry the start, not the model.
"""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from .local_pool import map_in_order
from .scenario import Scenario

OUTCOMES = ("encounters_us_border", "darien_crossings_north", "darien_crossings_south", "departures",
            "returns_home", "changed_country")


def _yearly(args) -> pd.DataFrame:
    scenario, days, seed = args
    from .runner import run_scenario

    result = run_scenario(scenario.model_copy(update={"spin_up_days": int(days), "seed": int(seed)}))
    cols = [c for c in OUTCOMES if c in result.yearly.columns]
    out = result.yearly.set_index("year")[cols].stack().rename("value").reset_index()
    out.columns = ["year", "outcome", "value"]
    out.insert(0, "seed", int(seed))
    out.insert(0, "spin_up_days", int(days))
    return out


def compare(scenario: Scenario, days: Sequence[int] = (180, 365), seeds: Sequence[int] = range(4),
            workers: int = 2) -> pd.DataFrame:
    """Per year and outcome, the mean over seeds for each spin-up length and the relative change from the first."""
    frames = map_in_order(_yearly, [(scenario, d, s) for d in days for s in seeds], workers)
    runs = pd.concat(frames, ignore_index=True)
    means = runs.pivot_table(index=["year", "outcome"], columns="spin_up_days", values="value", aggfunc="mean")
    first, last = means.columns[0], means.columns[-1]
    means["change"] = means[last] / means[first].where(means[first] != 0) - 1.0
    return means.reset_index()
