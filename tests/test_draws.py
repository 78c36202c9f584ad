"""Keyed draws (sim/draws.py): the same key gives the same number, any other key an independent one."""
import numpy as np
import pytest

from sim.draws import Draws, Purpose, lag_thresholds


def test_the_same_key_gives_the_same_number_whatever_else_is_drawn():
    a, b = Draws(11), Draws(11)
    ids = np.array([0, 5, 123_456, 2_000_000_000], np.int32)
    b.uniform32(Purpose.DEATH, 40, np.arange(1000))  # other draws in between change nothing
    assert np.array_equal(a.uniform32(Purpose.CHOICE_SETTLED, 40, ids), b.uniform32(Purpose.CHOICE_SETTLED, 40, ids))
    assert np.array_equal(a.uniform64(Purpose.CHOICE_SETTLED, 40, ids), b.uniform64(Purpose.CHOICE_SETTLED, 40, ids))
    # an agent's draw does not depend on who else is in the array, nor on their order
    whole = a.uniform64(Purpose.INTERCEPTION, 7, np.arange(100))
    assert np.array_equal(a.uniform64(Purpose.INTERCEPTION, 7, np.arange(100)[::-3]), whole[::-3])


def test_one_agents_draw_is_the_arrays_draw_for_its_row():
    d = Draws(3)
    ids = np.arange(50)
    u32, u64 = d.uniform32(Purpose.PLACE, 9, ids), d.uniform64(Purpose.PLACE, 9, ids)
    assert [d.one32(Purpose.PLACE, 9, i) for i in ids] == u32.tolist()
    assert [d.one64(Purpose.PLACE, 9, i) for i in ids] == u64.tolist()
    lags = d.lags(Purpose.LAG_SETTLED, 9, ids, 20.0, 2.0)
    assert [d.one_lag(Purpose.LAG_SETTLED, 9, i, 20.0, 2.0) for i in ids] == lags.tolist()


def test_numba_and_numpy_draw_the_same_numbers():
    fast, plain = Draws(5), Draws(5, kernel="numpy")
    ids = np.arange(0, 3_000_000, 17, dtype=np.int32)
    for f in ("uniform32", "uniform64"):
        assert np.array_equal(getattr(fast, f)(Purpose.DEATH, 2, ids), getattr(plain, f)(Purpose.DEATH, 2, ids))
    assert np.array_equal(fast.lags(Purpose.TPS_NEWS, 2, ids, 30.0, 3.0), plain.lags(Purpose.TPS_NEWS, 2, ids, 30.0, 3.0))


@pytest.mark.parametrize("other", [
    dict(seed=12), dict(purpose=Purpose.ABANDONMENT), dict(day=101), dict(shift=1),
])
def test_another_seed_purpose_day_or_agent_is_independent(other):
    n = 200_000
    ids = np.arange(n)
    base = Draws(11).uniform64(Purpose.DEATH, 100, ids)
    draw = Draws(other.get("seed", 11)).uniform64(other.get("purpose", Purpose.DEATH), other.get("day", 100),
                                                 ids + other.get("shift", 0))
    assert not np.array_equal(base, draw)
    assert abs(np.corrcoef(base, draw)[0, 1]) < 0.01  # sd of the correlation about 0.002
    # the two as a pair are uniform on the unit square: 10 x 10 cells, chi-square with 99 dof
    cells = np.bincount((base * 10).astype(int) * 10 + (draw * 10).astype(int), minlength=100)
    chi2 = ((cells - n / 100) ** 2 / (n / 100)).sum()
    assert chi2 < 150  # p about 0.0007


def test_draws_are_uniform_on_their_grids():
    d = Draws(1)
    u32, u64 = d.uniform32(Purpose.LEGAL_STATUS, 0, np.arange(1_000_000)), d.uniform64(Purpose.LEGAL_STATUS, 0,
                                                                                       np.arange(1_000_000))
    assert u32.dtype == np.float32 and u64.dtype == np.float64
    for u in (u32, u64):
        assert 0.0 <= u.min() and u.max() < 1.0
        cells = np.bincount((u * 100).astype(int), minlength=100)
        assert ((cells - 10_000) ** 2 / 10_000).sum() < 160  # chi-square, 99 dof: p about 1e-4
    assert np.all(u32 * 2 ** 24 == np.floor(u32 * 2 ** 24))  # exactly on the 2^-24 grid
    # consecutive agents and consecutive days are not correlated
    assert abs(np.corrcoef(u64[:-1], u64[1:])[0, 1]) < 0.01
    assert abs(np.corrcoef(u64, d.uniform64(Purpose.LEGAL_STATUS, 1, np.arange(1_000_000)))[0, 1]) < 0.01


def test_lags_follow_the_rounded_gamma():
    lags = Draws(2).lags(Purpose.LAG_TRAVELLING, 5, np.arange(400_000), 30.0, 2.0)
    assert abs(lags.mean() - 30.0) < 0.3  # rounding to whole days keeps the mean (sd of the mean about 0.03)
    assert abs(lags.var() - 30.0 ** 2 / 2.0 - 1 / 12) < 15  # gamma variance shape x scale^2 = 450
    c = lag_thresholds(30.0, 2.0)
    assert np.all(np.diff(c) >= 0) and c[-1] > 1 - 1e-11
    assert np.all(Draws(2).lags(Purpose.LAG_TRAVELLING, 5, np.arange(10), 0.0, 2.0) == 0)


def test_who_reconsiders_depends_on_the_day_only_and_costs_what_is_drawn():
    d = Draws(4)
    a = d.reconsidering(30, 1_000_000, 1 / 365)
    assert np.array_equal(a, Draws(4).reconsidering(30, 1_000_000, 1 / 365))
    assert not np.array_equal(a, d.reconsidering(31, 1_000_000, 1 / 365))
    assert np.unique(a).size == a.size and a.dtype == np.int32  # distinct
    assert abs(a.size - 1_000_000 / 365) < 5 * np.sqrt(1_000_000 / 365)
    # over many days every id is as likely: the number of days each of 1,000 agents is drawn
    days = np.concatenate([d.reconsidering(t, 1000, 0.05) for t in range(2000)])
    counts = np.bincount(days, minlength=1000)
    assert abs(counts.mean() - 100) < 1 and counts.std() < 13  # binomial sd about 9.7


def test_rounding_is_keyed_and_unbiased():
    d = Draws(8)
    got = [d.rounded(2.3, day, 7) for day in range(20_000)]
    assert set(got) == {2, 3} and abs(np.mean(got) - 2.3) < 0.02
    assert d.rounded(2.3, 5, 7) == Draws(8).rounded(2.3, 5, 7)
