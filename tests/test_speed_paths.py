"""The choice kernel's fast paths give the very same picks as its plain loop.

The sure-stay bound (kernels.StayBounds), skipping closed candidates and the parallel loop over
threads are speed only: a run's outputs must stay byte-identical for a scenario and seed.
"""
import numpy as np
import pytest

from sim import kernels
from sim.scenario import Weights

pytestmark = pytest.mark.skipif(kernels.njit is None, reason="numba not installed: only the numpy path exists")


def _case(seed: int, n: int = 30000, settled_share: float = 0.8):
    rng = np.random.default_rng(seed)
    epochs, nodes, k = 3, 7, 13
    tables = tuple(a.astype(np.float32) for a in (
        rng.normal(-6, 3, (epochs, nodes, k)), np.where(rng.random((epochs, nodes, k)) < 0.1, 0.0,
                                                       rng.uniform(0, 5000, (epochs, nodes, k))),
        rng.uniform(0, 0.2, (epochs, nodes, k))))
    available = rng.random((nodes, k)) < 0.8
    settled = rng.random(n) < settled_share
    args = dict(
        epoch=rng.integers(0, epochs, n), node=rng.integers(0, nodes, n),
        here_log_income=np.log(rng.uniform(100, 3000, n)).astype(np.float32),
        here_legal=rng.random(n).astype(np.float32),
        savings=np.where(rng.random(n) < 0.05, rng.uniform(0, 2, n), rng.lognormal(6, 2, n)).astype(np.float32),
        with_children=rng.random(n) < 0.3, settled=settled, uniform=rng.random(n),
        planned=np.where(~settled & (rng.random(n) < 0.7), rng.integers(0, k, n), -1),
        push=np.where(rng.random(n) < 0.3, rng.normal(0, 2, n), 0.0),
        same_country_at=rng.random((nodes, k)) < 0.3,
        needs_passport_at=rng.random((nodes, k)) < 0.3, passport=rng.random(n) < 0.5,
    )
    return tables, available, args


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("w", [Weights(move=-3.0, cost=0.7, children_risk=2.0, plan=1.5),
                               Weights(move=0.0, cost=-0.3, plan=0.5),  # a cost term that attracts
                               Weights(move=-9.0, cost=1.5, income=2.8, legal_status=0.8),
                               Weights(move=5.0, cost=0.5)])  # many leave: most rows go to the exact loop
def test_bounds_and_threads_pick_alike(seed, w):
    tables, available, args = _case(seed)
    plain = kernels.choose_routes(w, tables, available, kernel="numba", parallel=False, **args)
    bounds = kernels.StayBounds(*tables[0].shape[:2])
    fast = kernels.choose_routes(w, tables, available, kernel="numba", parallel=False, stay_bounds=bounds, **args)
    assert bounds.ready.any()
    np.testing.assert_array_equal(fast, plain)
    threaded = kernels.choose_routes(w, tables, available, kernel="numba", parallel=True, stay_bounds=bounds, **args)
    np.testing.assert_array_equal(threaded, plain)
    assert (plain[args["settled"]] == 0).any()  # the bound had stays to find


def test_bound_forgets_a_changed_epoch():
    """After an epoch's table changes (and the engine calls forget), the bound follows the new table."""
    w = Weights(move=-3.0, cost=0.7)
    tables, available, args = _case(5, settled_share=1.0)
    bounds = kernels.StayBounds(*tables[0].shape[:2])
    kernels.choose_routes(w, tables, available, kernel="numba", stay_bounds=bounds, **args)
    tables[0][:] += 4.0  # every route far more attractive in every epoch
    for e in range(tables[0].shape[0]):
        bounds.forget(e)
    plain = kernels.choose_routes(w, tables, available, kernel="numba", parallel=False, **args)
    fast = kernels.choose_routes(w, tables, available, kernel="numba", stay_bounds=bounds, **args)
    np.testing.assert_array_equal(fast, plain)


def test_thread_count_does_not_change_picks(monkeypatch):
    import numba

    tables, available, args = _case(7, n=20000)
    w = Weights(move=-2.0, cost=0.8, plan=1.0)
    picks = []
    for n in sorted({1, numba.config.NUMBA_NUM_THREADS}):
        monkeypatch.setenv("MIGSIM_THREADS", str(n))
        assert kernels.threads() == n
        picks.append(kernels.choose_routes(w, tables, available, kernel="numba", parallel=True, **args))
    for p in picks[1:]:
        np.testing.assert_array_equal(p, picks[0])
