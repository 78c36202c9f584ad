"""Route choice for many migrants at once: a fused numba loop, with the pure-numpy path as reference.

Both compute :func:`sim.behaviour.personal_utility` on a location's precomputed candidates, the
logit probabilities and the inverse-CDF pick of :func:`sim.behaviour.choose`; the numba loop
does it row by row without (migrants x candidates) temporaries, evaluating only the candidates
open to the migrant and skipping at once a settled migrant whom an upper bound shows sure to
stay (:class:`StayBounds`); with ``MIGSIM_THREADS`` > 1 large batches are split in fixed chunks
over threads. Each of these gives the very same picks as the plain loop (``tests/test_speed_paths.py``);
``tests/test_kernels.py`` checks that numba and numpy agree. Set ``MIGSIM_KERNEL=numpy`` to force
the reference path.
"""
from __future__ import annotations

import os

import numpy as np

from . import behaviour as bh
from .scenario import Weights

try:  # numba is optional: without it the numpy path runs, with the same results
    from numba import njit, prange
except ImportError:  # pragma: no cover
    njit = None

CHUNK = 1024  # rows per task of the parallel loop (fixed, so the split never depends on the thread count)
PARALLEL_FROM = 4096  # rows from which the parallel loop pays for starting its threads
# savings buckets of the sure-stay bound (StayBounds): a third of an octave each, from 1 USD, the last open above
BUCKETS_PER_OCTAVE, N_BUCKETS = 3.0, 61
BOUND_MARGIN = 1.0 + 1e-6  # far above the rounding of the exact loop (about 1e-14 relative)


def threads() -> int:
    """Threads the numba choice loop uses: ``MIGSIM_THREADS`` (default 1), at most numba's thread count.

    One by default: a run's choices are a third of its time, and on a machine whose cores are
    already busy (a calibration's or a sweep's worker processes) threads that wait for each
    other at the end of every parallel loop cost more than they gain; see benchmarks/README.md.
    """
    if njit is None:
        return 1
    import numba

    n = max(1, min(int(os.environ.get("MIGSIM_THREADS") or 1), numba.config.NUMBA_NUM_THREADS))
    if n > 1 and numba.get_num_threads() != n:
        numba.set_num_threads(n)
    return n


class StayBounds:
    """Per policy epoch and location, upper bounds of the routes' logit weights for settled migrants.

    Filled lazily by the numba path for the (epoch, location) pairs that settled migrants decide
    at; an engine calls :meth:`forget` when an epoch's route table changes. Lets the kernel pick
    "stay" for a migrant for whom the exact loop would surely pick it (most reconsiderations), at
    the cost of two exponentials and a logarithm instead of an exponential and a logarithm per
    candidate. The bound only decides when the answer is certain, so the picks are the same.
    """

    def __init__(self, n_epochs: int, n_nodes: int):
        self.ready = np.zeros((n_epochs, n_nodes), bool)
        # [epoch, location, passport, children, savings bucket, within the country]; pages untouched until filled
        self.sums = np.zeros((n_epochs, n_nodes, 2, 2, N_BUCKETS, 2), np.float64)

    def forget(self, epoch: int) -> None:
        self.ready[epoch] = False


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

    @njit(cache=True, nogil=True, inline="always")
    def _certainly_stays(i, bound_ready, bound_sum, epoch, node, here, savings, children, settled, planned, passport,
                         uniform, w_cost, w_move):  # pragma: no cover
        """Whether row ``i``'s exact pick is sure to be 0 (stay), from an upper bound on the routes' weights.

        For a settled migrant without a plan, route j's weight is exp(shift) x exp(route part - child
        x death) x (1 + cost / s)^-w_cost (x exp(here) within the country). ``bound_sum`` holds, per
        epoch, location, passport, children and savings bucket, the sum of those weights with s at
        the bucket's edge that makes them largest: an upper bound of the exact sum. When even that
        bound leaves the uniform below the chance of staying (with a margin far above rounding),
        the exact loop would pick 0 too; otherwise the exact loop decides.
        """
        if not settled[i] or planned[i] >= 0:
            return False
        e, nd = epoch[i], node[i]
        if not bound_ready[e, nd]:
            return False
        shift = -here[i] + w_move
        b = _bucket(max(savings[i], 1.0))
        p = 1 if passport[i] else 0
        c = 1 if children[i] else 0
        routes = np.exp(shift) * bound_sum[e, nd, p, c, b, 0] + np.exp(shift + here[i]) * bound_sum[e, nd, p, c, b, 1]
        return uniform[i] * (1.0 + routes) * BOUND_MARGIN <= 1.0  # False for NaN

    @njit(cache=True, nogil=True, inline="always")
    def _bucket(s):  # pragma: no cover
        """Savings bucket: [2^(b/3), 2^((b+1)/3)) for b < N_BUCKETS - 1; the last is open above."""
        b = int(np.floor(np.log2(s) * BUCKETS_PER_OCTAVE))
        return min(max(b, 0), N_BUCKETS - 1)

    @njit(cache=True, nogil=True)
    def _fill_bounds(bound_ready, bound_sum, route_table, cost_table, death_table, available_at, same_at,
                     needs_passport_at, epoch, node, settled, planned, w_cost, w_child_death):  # pragma: no cover
        """Compute :func:`_certainly_stays`'s bound sums for each (epoch, location) the settled rows need."""
        k = route_table.shape[2]
        for i in range(epoch.size):
            e, nd = epoch[i], node[i]
            if bound_ready[e, nd] or not settled[i] or planned[i] >= 0:
                continue
            bound_sum[e, nd] = 0.0
            for b in range(N_BUCKETS):
                if b == N_BUCKETS - 1:  # open above: with w_cost >= 0 the cost term is at most exp(0)
                    edge = np.inf if w_cost >= 0 else 2.0 ** (b / BUCKETS_PER_OCTAVE)
                else:
                    edge = 2.0 ** ((b + 1 if w_cost >= 0 else b) / BUCKETS_PER_OCTAVE)
                edge = max(edge, 1.0)
                for j in range(k):
                    if not available_at[nd, j]:
                        continue
                    cost_part = np.exp(-w_cost * np.log1p(cost_table[e, nd, j] / edge))
                    col = 1 if same_at[nd, j] else 0
                    for c in range(2):
                        weight = np.exp(route_table[e, nd, j] - (w_child_death if c else 0.0) * death_table[e, nd, j])
                        weight *= cost_part
                        bound_sum[e, nd, 1, c, b, col] += weight
                        if not needs_passport_at[nd, j]:
                            bound_sum[e, nd, 0, c, b, col] += weight
            bound_ready[e, nd] = True

    @njit(cache=True, nogil=True, inline="always")
    def _choose_one(i, wgt, idx, route_table, cost_table, death_table, available_at, same_at, needs_passport_at,
                    passport, epoch, node, here, savings, children, settled, planned, uniform, w_cost, w_child_death,
                    w_move, w_plan):  # pragma: no cover
        """Row ``i``'s pick; ``wgt`` and ``idx`` are scratch for the open candidates' utilities, then weights.

        Only open candidates (available, passport if needed) are evaluated: a closed one has weight
        exp(-inf) = 0, which neither changes the sum nor the cumulative scan's first crossing, so
        skipping it gives the very same pick as evaluating it, in less time.
        """
        k = route_table.shape[2]
        e, nd = epoch[i], node[i]
        s = max(savings[i], 1.0)
        shift = -here[i] + (w_move if settled[i] else 0.0)
        child = w_child_death if children[i] else 0.0
        has_passport = passport[i]
        plan = planned[i]
        top = 0.0
        m = 0
        for j in range(k):
            if available_at[nd, j] and (has_passport or not needs_passport_at[nd, j]):
                v = (route_table[e, nd, j] + shift - w_cost * np.log1p(cost_table[e, nd, j] / s)
                     - child * death_table[e, nd, j])  # as bh.personal_utility
                if same_at[nd, j]:  # a move within the country: what staying is worth comes back
                    v += here[i]
                if j == plan:
                    v += w_plan
                wgt[m] = v
                idx[m] = j
                m += 1
                if v > top:
                    top = v
        stay = np.exp(0.0 - top)  # utility 0
        total = stay
        for q in range(m):
            wgt[q] = np.exp(wgt[q] - top)
            total += wgt[q]
        target = uniform[i] * total
        if stay >= target:
            return 0
        acc = stay
        for q in range(m):  # first alternative whose cumulative weight reaches the target
            acc += wgt[q]
            if acc >= target:
                return idx[q] + 1
        return k

    @njit(cache=True, nogil=True, inline="always")
    def _choose_range(picks, lo, hi, bound_ready, bound_sum, route_table, cost_table, death_table, available_at,
                      same_at, needs_passport_at, passport, epoch, node, here, savings, children, settled, planned,
                      uniform, w_cost, w_child_death, w_move, w_plan):  # pragma: no cover
        """Picks of rows ``lo`` to ``hi``: the bound's sure stays at once, the rest by the exact loop."""
        k = route_table.shape[2]
        wgt, idx = np.empty(k, np.float64), np.empty(k, np.int64)
        for i in range(lo, hi):
            if _certainly_stays(i, bound_ready, bound_sum, epoch, node, here, savings, children, settled, planned,
                                passport, uniform, w_cost, w_move):
                picks[i] = 0
            else:
                picks[i] = _choose_one(i, wgt, idx, route_table, cost_table, death_table, available_at, same_at,
                                       needs_passport_at, passport, epoch, node, here, savings, children, settled,
                                       planned, uniform, w_cost, w_child_death, w_move, w_plan)

    @njit(cache=True, nogil=True)
    def _choose_rows(bound_ready, bound_sum, route_table, cost_table, death_table, available_at, same_at,
                     needs_passport_at, passport, epoch, node, here, savings, children, settled, planned, uniform,
                     w_cost, w_child_death, w_move, w_plan):  # pragma: no cover
        """Every row's pick, one after the other (small batches: no thread start-up)."""
        picks = np.empty(epoch.size, np.int64)
        _choose_range(picks, 0, epoch.size, bound_ready, bound_sum, route_table, cost_table, death_table,
                      available_at, same_at, needs_passport_at, passport, epoch, node, here, savings, children,
                      settled, planned, uniform, w_cost, w_child_death, w_move, w_plan)
        return picks

    @njit(cache=True, nogil=True, parallel=True)
    def _choose_rows_parallel(bound_ready, bound_sum, route_table, cost_table, death_table, available_at, same_at,
                              needs_passport_at, passport, epoch, node, here, savings, children, settled, planned,
                              uniform, w_cost, w_child_death, w_move, w_plan):  # pragma: no cover
        """The same picks as :func:`_choose_rows`, rows split in fixed chunks of ``CHUNK`` over threads.

        Each row's pick depends only on that row's inputs and pre-drawn uniform, so the result is
        the same whatever the number of threads (and the same as the serial loop's).
        """
        n = epoch.size
        picks = np.empty(n, np.int64)
        for c in prange((n + CHUNK - 1) // CHUNK):
            _choose_range(picks, c * CHUNK, min(n, (c + 1) * CHUNK), bound_ready, bound_sum, route_table,
                          cost_table, death_table, available_at, same_at, needs_passport_at, passport, epoch, node,
                          here, savings, children, settled, planned, uniform, w_cost, w_child_death, w_move, w_plan)
        return picks


def choose_routes(w: Weights, tables, available_at, epoch, node, here_log_income, here_legal, savings,
                  with_children, settled, planned, uniform, kernel: str | None = None, push=None,
                  same_country_at=None, needs_passport_at=None, passport=None, parallel: bool | None = None,
                  stay_bounds: StayBounds | None = None) -> np.ndarray:
    """Index of each migrant's choice: 0 = stay, j = candidate j - 1.

    ``tables`` = (route utility, money cost, death risk), each [epoch, location, candidate];
    ``available_at``, ``same_country_at`` and ``needs_passport_at`` [location, candidate]; the rest are
    per migrant (``push``: the push of conditions at home for those living there, else 0; ``passport``:
    holds one, without which a candidate that needs one is unavailable). ``parallel``: the numba loop
    over threads (default: from ``PARALLEL_FROM`` rows on, when :func:`threads` > 1); ``stay_bounds``:
    the engine's :class:`StayBounds`, which lets the numba loop skip sure stays. The picks are the
    same with and without either.
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
    if parallel is None:
        parallel = here.size >= PARALLEL_FROM and threads() > 1
    w_cost, w_child_death = float(w.cost), float(w.death_risk * w.children_risk)
    args = (route_table, cost_table, death_table, available_at, same_country_at, needs_passport_at,
            np.asarray(passport, bool), np.asarray(epoch, np.int64), np.asarray(node, np.int64), here,
            np.asarray(savings, np.float64), np.asarray(with_children, bool), np.asarray(settled, bool),
            np.asarray(planned, np.int64), np.asarray(uniform, np.float64), w_cost, w_child_death, float(w.move),
            float(w.plan))
    if stay_bounds is None:
        ready, sums = np.zeros(route_table.shape[:2], bool), np.zeros((1, 1, 2, 2, N_BUCKETS, 2))
    else:
        ready, sums = stay_bounds.ready, stay_bounds.sums
        _fill_bounds(ready, sums, *args[:6], args[7], args[8], args[12], args[13], w_cost, w_child_death)
    return (_choose_rows_parallel if parallel else _choose_rows)(ready, sums, *args)
