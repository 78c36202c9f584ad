"""Route choice for many migrants at once: a fused numba loop, with the pure-numpy path as reference.

Both compute :func:`sim.behaviour.personal_utility` on a location's precomputed candidates, the
logit probabilities and the inverse-CDF pick of :func:`sim.behaviour.choose`; the numba loop
does it row by row without (migrants x candidates) temporaries. ``tests/test_kernels.py``
checks that they agree. Set ``MIGSIM_KERNEL=numpy`` to force the reference path.
"""
from __future__ import annotations

import os

import numpy as np

from . import behaviour as bh
from .scenario import Weights

try:  # numba is optional: without it the numpy path runs, with the same results
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None

KERNEL = "numba" if njit is not None and os.environ.get("MIGSIM_KERNEL", "numba") != "numpy" else "numpy"


def choose_numpy(w: Weights, route_part, cost, death, available, here, savings, children, settled, planned,
                 uniform, push=None, same_country=None):
    """Reference: utilities with stay in column 0, logit probabilities, inverse-CDF pick."""
    u = bh.personal_utility(w, route_part, money_cost=cost, death_risk=death, available=available,
                            here_log_income=here[0], here_legal=here[1], savings=savings,
                            with_children=children, settled=settled, planned=planned, push=push,
                            same_country=same_country)
    return bh.choose(bh.choice_probabilities(u), uniform)


if njit is not None:

    @njit(cache=True, nogil=True)
    def _choose_rows(route_table, cost_table, death_table, available_at, same_at, needs_passport_at, passport,
                     epoch, node, here, savings, children, settled, planned, uniform, w_cost, w_child_death, w_move,
                     w_plan):  # pragma: no cover
        n, k = epoch.size, route_table.shape[2]
        picks = np.empty(n, np.int64)
        u = np.empty(k + 1, np.float64)
        for i in range(n):
            route_part = route_table[epoch[i], node[i]]
            cost = cost_table[epoch[i], node[i]]
            death = death_table[epoch[i], node[i]]
            available = available_at[node[i]]
            same = same_at[node[i]]
            needs = needs_passport_at[node[i]]
            s = max(savings[i], 1.0)
            shift = -here[i] + (w_move if settled[i] else 0.0)
            child = w_child_death if children[i] else 0.0
            top = 0.0
            u[0] = 0.0
            for j in range(k):
                if available[j] and (passport[i] or not needs[j]):
                    v = route_part[j] + shift - w_cost * np.log1p(cost[j] / s) - child * death[j]  # as bh.personal_utility
                    if same[j]:  # a move within the country: what staying is worth comes back
                        v += here[i]
                    if j == planned[i]:
                        v += w_plan
                    u[j + 1] = v
                    if v > top:
                        top = v
                else:
                    u[j + 1] = -np.inf
            total = 0.0
            for j in range(k + 1):
                u[j] = np.exp(u[j] - top)
                total += u[j]
            target = uniform[i] * total
            acc, pick = 0.0, k
            for j in range(k + 1):  # first alternative whose cumulative weight reaches the target
                acc += u[j]
                if acc >= target:
                    pick = j
                    break
            picks[i] = pick
        return picks


def choose_routes(w: Weights, tables, available_at, epoch, node, here_log_income, here_legal, savings,
                  with_children, settled, planned, uniform, kernel: str | None = None, push=None,
                  same_country_at=None, needs_passport_at=None, passport=None) -> np.ndarray:
    """Index of each migrant's choice: 0 = stay, j = candidate j - 1.

    ``tables`` = (route utility, money cost, death risk), each [epoch, location, candidate];
    ``available_at``, ``same_country_at`` and ``needs_passport_at`` [location, candidate]; the rest are
    per migrant (``push``: the push of conditions at home for those living there, else 0; ``passport``:
    holds one, without which a candidate that needs one is unavailable).
    """
    route_table, cost_table, death_table = tables
    if same_country_at is None:
        same_country_at = np.zeros(available_at.shape, bool)
    if needs_passport_at is None:
        needs_passport_at = np.zeros(available_at.shape, bool)
    if passport is None:
        passport = np.ones(np.asarray(node).size, bool)
    if (kernel or KERNEL) == "numpy":
        open_to = available_at[node] & (np.asarray(passport, bool)[:, None] | ~needs_passport_at[node])
        return choose_numpy(w, route_table[epoch, node], cost_table[epoch, node], death_table[epoch, node],
                            open_to, (here_log_income, here_legal), savings, with_children, settled,
                            planned, uniform, push, same_country_at[node])
    here = bh.here_value(w, here_log_income, here_legal, push)
    return _choose_rows(
        route_table, cost_table, death_table, available_at, same_country_at, needs_passport_at,
        np.asarray(passport, bool), np.asarray(epoch, np.int64),
        np.asarray(node, np.int64), here, np.asarray(savings, np.float64),
        np.asarray(with_children, bool), np.asarray(settled, bool), np.asarray(planned, np.int64),
        np.asarray(uniform, np.float64), float(w.cost), float(w.death_risk * w.children_risk), float(w.move),
        float(w.plan),
    )
