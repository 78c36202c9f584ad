"""The fused numba choice loop computes the same choices as the numpy reference path."""
import numpy as np
import pytest

from sim import kernels
from sim.scenario import Weights

pytestmark = pytest.mark.skipif(kernels.njit is None, reason="numba not installed: only the numpy path exists")


@pytest.mark.parametrize("seed", range(3))
def test_numba_and_numpy_paths_choose_alike(seed):
    rng = np.random.default_rng(seed)
    epochs, nodes, k, n = 3, 7, 11, 20000
    tables = tuple(a.astype(np.float32) for a in (
        rng.normal(0, 2, (epochs, nodes, k)), rng.uniform(0, 5000, (epochs, nodes, k)),
        rng.uniform(0, 0.2, (epochs, nodes, k))))
    available = rng.random((nodes, k)) < 0.8
    args = dict(
        epoch=rng.integers(0, epochs, n), node=rng.integers(0, nodes, n),
        here_log_income=np.log(rng.uniform(100, 3000, n)).astype(np.float32),
        here_legal=rng.random(n).astype(np.float32), savings=rng.lognormal(6, 1, n).astype(np.float32),
        with_children=rng.random(n) < 0.3, settled=rng.random(n) < 0.5, uniform=rng.random(n),
        planned=np.where(rng.random(n) < 0.5, rng.integers(0, k, n), -1),
        push=np.where(rng.random(n) < 0.3, rng.normal(0, 2, n), 0.0),
        same_country_at=rng.random((nodes, k)) < 0.3,
        needs_passport_at=rng.random((nodes, k)) < 0.3, passport=rng.random(n) < 0.5,
    )
    w = Weights(move=-1.0, cost=0.7, children_risk=2.0, plan=1.5)
    fast = kernels.choose_routes(w, tables, available, kernel="numba", **args)
    slow = kernels.choose_routes(w, tables, available, kernel="numpy", **args)
    assert np.mean(fast == slow) > 0.999  # float32 vs float64 rounding may flip a pick on a CDF boundary
    assert set(np.unique(fast)) - {0} <= set(np.flatnonzero(available.any(axis=0)) + 1)
