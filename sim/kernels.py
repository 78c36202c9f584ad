"""Route choice for many migrants at once: a fused numba loop, with the pure-numpy path as reference.

Both compute :func:`sim.behaviour.personal_utility` on a location's precomputed candidates, the
logit probabilities and the inverse-CDF pick of :func:`sim.behaviour.choose`; the numba loop
does it row by row without (migrants x candidates) temporaries, evaluating only the candidates
open to the migrant, and giving "stay" at once to a settled migrant whom an upper bound of the
routes' weights shows sure to stay (:class:`StayBounds`); with ``MIGSIM_THREADS`` > 1 large batches are split in fixed chunks
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
FILL_AFTER = 64  # settled rows asking for an (epoch, location) before its bound is computed
TINY, HUGE = 1e-290, 1e290  # factors outside are left to the exact loop (subnormal products lose precision)
NEVER = -(2 ** 62)  # hits of a pair whose bounds are not usable


def threads() -> int:
    """Threads the numba choice loop uses: ``MIGSIM_THREADS`` (default 1), at most numba's thread count.

    One by default: a run's choices are now a quarter of its time or less, and on a machine whose
    cores are already busy (a calibration's or a sweep's worker processes) a second thread gained
    nothing (benchmarks/README.md). The picks are the same whatever the number.
    """
    if njit is None:
        return 1
    import numba

    n = max(1, min(int(os.environ.get("MIGSIM_THREADS") or 1), numba.config.NUMBA_NUM_THREADS))
    if n > 1:
        # idle threads sleep instead of spinning between loops (read when the OpenMP pool starts): with the
        # default spinning, two threads on a loaded 2-core machine took twice the time of one
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        if numba.get_num_threads() != n:
            numba.set_num_threads(n)
    return n


class StayBounds:
    """Per policy epoch and location, upper bounds of the routes' logit weights for settled migrants.

    For savings in each bucket (a third of an octave) a route's cost factor (1 + cost / savings)^-w_cost
    is at most its value at one of the bucket's edges, so the sum over routes of a settled
    migrant's weights is at most a sum that depends only on epoch, location, passport, children
    and bucket, times exp of the migrant's own shift. The kernel gives "stay" at once to a
    settled migrant whom this bound shows sure to stay (most of those who reconsider on a day),
    and leaves everyone else to the exact loop: the picks are the exact loop's. Filled lazily;
    an engine calls :meth:`forget` when an epoch's route table changes.
    """

    def __init__(self, n_epochs: int, n_nodes: int):
        self.ready = np.zeros((n_epochs, n_nodes), bool)
        self.hits = np.zeros((n_epochs, n_nodes), np.int64)  # settled rows that asked before it was ready
        # [epoch, location, passport, children, savings bucket, within the country]; pages untouched until filled
        self.sums = np.zeros((n_epochs, n_nodes, 2, 2, N_BUCKETS, 2))

    @classmethod
    def unused(cls, n_epochs: int, n_nodes: int) -> "StayBounds":
        """Bounds never filled (nothing ready: every row to the exact loop), at the cost of one small array."""
        out = cls(1, 1)
        out.ready = np.zeros((n_epochs, n_nodes), bool)
        return out

    def forget(self, epoch: int) -> None:
        self.ready[epoch] = False
        self.hits[epoch] = 0

    def arrays(self) -> tuple:
        return self.ready, self.hits, self.sums


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
    def _bucket(s):  # pragma: no cover
        """Savings bucket of ``s`` >= 1: [2^(b/3), 2^((b+1)/3)) for b < N_BUCKETS - 1; the last is open above."""
        b = int(np.floor(np.log2(s) * BUCKETS_PER_OCTAVE))
        return min(max(b, 0), N_BUCKETS - 1)

    @njit(cache=True, nogil=True)
    def _fill_bounds(bounds, tabs, rows, w):  # pragma: no cover
        """Compute the summed upper bounds (:class:`StayBounds`) of the (epoch, location) pairs settled rows need.

        A pair is filled once ``FILL_AFTER`` settled rows have asked for it (filling costs about as
        much as that many exact choices), so that pairs rarely decided at cost nothing.
        """
        ready, hits, stay_sum = bounds
        route_table, cost_table, death_table, available_at, same_at, needs_passport_at = tabs
        epoch, node, settled, planned = rows[1], rows[2], rows[6], rows[7]
        w_cost, w_child_death = w[0], w[1]
        k = route_table.shape[2]
        route_w = np.empty((2, k), np.float64)
        for i in range(epoch.size):
            e, nd = epoch[i], node[i]
            if ready[e, nd] or not settled[i] or planned[i] >= 0:
                continue
            hits[e, nd] += 1
            if hits[e, nd] < FILL_AFTER:
                continue
            stay_sum[e, nd] = 0.0
            usable = True  # a factor below TINY (but not 0) loses relative precision: leave the pair to the exact loop
            for j in range(k):
                for c in range(2):
                    route_w[c, j] = np.exp(route_table[e, nd, j] - (w_child_death if c else 0.0) * death_table[e, nd, j])
                    usable &= not (0.0 < route_w[c, j] < TINY)
            for b in range(N_BUCKETS):
                # (1 + cost / s)^-w_cost is largest at the bucket's upper edge if w_cost >= 0, else its lower one
                if w_cost >= 0:
                    edge = np.inf if b == N_BUCKETS - 1 else 2.0 ** ((b + 1) / BUCKETS_PER_OCTAVE)
                else:
                    edge = 2.0 ** (b / BUCKETS_PER_OCTAVE)
                for j in range(k):
                    if not available_at[nd, j]:
                        continue
                    most = np.exp(-w_cost * np.log1p(cost_table[e, nd, j] / edge))
                    usable &= not (0.0 < most < TINY)
                    col = 1 if same_at[nd, j] else 0
                    for c in range(2):
                        weight = route_w[c, j] * most
                        stay_sum[e, nd, 1, c, b, col] += weight
                        if not needs_passport_at[nd, j]:
                            stay_sum[e, nd, 0, c, b, col] += weight
            if usable:
                ready[e, nd] = True
            else:
                hits[e, nd] = NEVER  # not asked again

    @njit(cache=True, nogil=True)
    def _choose_range(picks, lo, hi, bounds, tabs, rows, w):  # pragma: no cover
        """Picks of rows ``lo`` to ``hi``: the bound's sure stays at once, the rest by the exact loop.

        One loop with everything in locals: per-row helper calls that take the tuples of arrays
        cost several times the sure-stay test itself.

        Sure stay: for a settled migrant without a plan, route j's weight relative to staying's is
        exp(route part - child x death) x (1 + cost / s)^-w_cost x exp(shift) (x exp(here) within
        the country); with s at the savings bucket's edge that makes it largest, the sum over
        routes is an upper bound of the exact one (:class:`StayBounds`). When even that leaves the
        uniform below staying's share, with a margin far above the exact loop's rounding, the
        exact loop would pick 0 too.

        Exact loop: only open candidates (available, passport if needed) are evaluated; a closed
        one has weight exp(-inf) = 0, which changes neither the sum nor the cumulative scan's
        first crossing, so skipping it gives the very same pick as evaluating it.
        """
        ready, hits, stay_sum = bounds
        route_table, cost_table, death_table, available_at, same_at, needs_passport_at = tabs
        passport, epoch, node, here, savings, children, settled, planned, uniform = rows
        w_cost, w_child_death, w_move, w_plan = w
        k = route_table.shape[2]
        wgt, idx = np.empty(k, np.float64), np.empty(k, np.int64)
        for i in range(lo, hi):
            e, nd = epoch[i], node[i]
            s = max(savings[i], 1.0)
            shift = -here[i] + (w_move if settled[i] else 0.0)
            plan = planned[i]
            has_passport = passport[i]
            if settled[i] and plan < 0 and ready[e, nd]:
                away, within = np.exp(shift), np.exp(shift + here[i])
                if TINY <= away <= HUGE and TINY <= within <= HUGE:
                    b = _bucket(s)
                    p = 1 if has_passport else 0
                    c = 1 if children[i] else 0
                    most = away * stay_sum[e, nd, p, c, b, 0] + within * stay_sum[e, nd, p, c, b, 1]
                    if uniform[i] * (1.0 + most) * BOUND_MARGIN <= 1.0:  # False for NaN
                        picks[i] = 0
                        continue
            child = w_child_death if children[i] else 0.0
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
            pick = k
            if stay >= target:
                pick = 0
            else:
                acc = stay
                for q in range(m):  # first alternative whose cumulative weight reaches the target
                    acc += wgt[q]
                    if acc >= target:
                        pick = idx[q] + 1
                        break
            picks[i] = pick

    @njit(cache=True, nogil=True)
    def _choose_rows(bounds, tabs, rows, w):  # pragma: no cover
        """Every row's pick, one after the other (small batches: no thread start-up)."""
        picks = np.empty(rows[1].size, np.int64)
        _choose_range(picks, 0, picks.size, bounds, tabs, rows, w)
        return picks

    @njit(cache=True, nogil=True, parallel=True)
    def _choose_rows_parallel(bounds, tabs, rows, w):  # pragma: no cover
        """The same picks as :func:`_choose_rows`, rows split in fixed chunks of ``CHUNK`` over threads.

        Each row's pick depends only on that row's inputs and pre-drawn uniform, so the result is
        the same whatever the number of threads (and the same as the serial loop's).
        """
        n = rows[1].size
        picks = np.empty(n, np.int64)
        for c in prange((n + CHUNK - 1) // CHUNK):
            _choose_range(picks, c * CHUNK, min(n, (c + 1) * CHUNK), bounds, tabs, rows, w)
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
    the engine's :class:`StayBounds`, which lets the numba loop give sure stays at once. The picks
    are the same with and without either.
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
    tabs = (route_table, cost_table, death_table, available_at, same_country_at, needs_passport_at)
    rows = (np.asarray(passport, bool), np.asarray(epoch, np.int64), np.asarray(node, np.int64), here,
            np.asarray(savings, np.float64), np.asarray(with_children, bool), np.asarray(settled, bool),
            np.asarray(planned, np.int64), np.asarray(uniform, np.float64))
    ws = (float(w.cost), float(w.death_risk * w.children_risk), float(w.move), float(w.plan))
    if stay_bounds is None:  # every row to the exact loop
        stay_bounds = StayBounds.unused(*route_table.shape[:2])
    else:
        _fill_bounds(stay_bounds.arrays(), tabs, rows, ws)
    return (_choose_rows_parallel if parallel else _choose_rows)(stay_bounds.arrays(), tabs, rows, ws)
