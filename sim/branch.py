"""A counterfactual branched from the policy run's own state, so that the days before they differ are shared.

The policy run is simulated to the first day on which the two timelines differ, its whole state is
copied (pickled), the policy run goes on, and the copy goes on under the counterfactual's timeline.
Every table is identical before that day by construction, and the difference after it is the
policy's effect plus the noise of the draws that follow (not that of a whole second run).
"""
from __future__ import annotations

import datetime as dt
import pickle
from typing import Callable

from .scenario import Scenario


def divergence_date(policy: Scenario, counterfactual: Scenario) -> dt.date:
    """First date on which one timeline has an entry the other lacks (the end + 1 day if none)."""
    a = [lv.model_dump(mode="json") for lv in policy.policy.timeline]
    b = [lv.model_dump(mode="json") for lv in counterfactual.policy.timeline]
    only = [lv for lv in a if lv not in b] + [lv for lv in b if lv not in a]
    if not only:
        return policy.end + dt.timedelta(days=1)
    return min(dt.date.fromisoformat(lv["date"]) for lv in only)


def branch_day(policy: Scenario, counterfactual: Scenario) -> int:
    """Index, in the simulated calendar (spin-up included), of the first day the runs differ."""
    first = policy.spun_up().start
    return max(0, (divergence_date(policy, counterfactual) - first).days)


def run_branched(make_model: Callable[[Scenario], object], policy: Scenario, counterfactual: Scenario,
                 progress: Callable[[int], None] | None = None):
    """The policy model and the counterfactual model, both run to the end from one shared state."""
    model = make_model(policy)
    day = min(branch_day(policy, counterfactual), model.n_days)
    while model.day < day:
        model.step()
        if progress is not None:
            progress(model.day)
    saved = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    model.run(progress)
    other = pickle.loads(saved)
    other.adopt_timeline(counterfactual)
    other.run(progress)
    return model, other
