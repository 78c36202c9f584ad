"""Properties of the choice model: probabilities are a distribution and respond the right way."""
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim import behaviour as bh
from sim.scenario import Weights

from .conftest import REPO

K = 5
finite = st.floats(-50, 50, allow_nan=False, width=32)


def attributes(draw_cost, draw_risk, k=K):
    return dict(
        dest_log_income=np.log(np.linspace(200, 2500, k, dtype=np.float32))[None, :],
        dest_legal=np.full((1, k), 0.4, np.float32),
        money_cost=draw_cost[None, :],
        death_risk=draw_risk[None, :],
        interception=np.full((1, k), 0.1, np.float32),
        days=np.full((1, k), 10.0, np.float32),
        available=np.ones((1, k), bool),
        here_log_income=np.log(np.array([350.0], np.float32)),
        here_legal=np.array([0.5], np.float32),
        savings=np.array([800.0], np.float32),
        with_children=np.array([False]),
        settled=np.array([True]),
    )


@given(arrays(np.float32, (7, K), elements=finite), arrays(bool, (7, K)))
def test_probabilities_sum_to_one(u, unavailable):
    u = np.where(unavailable, -np.inf, u)
    u = np.concatenate([np.zeros((7, 1), np.float32), u], axis=1)  # stay is always available
    p = bh.choice_probabilities(u)
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
    assert np.all(p[:, 1:][unavailable] == 0)


costs = arrays(np.float32, K, elements=st.floats(0, 20000, width=32))
risks = arrays(np.float32, K, elements=st.floats(0, 0.5, width=32))


@settings(max_examples=200)
@given(costs, risks, st.integers(0, K - 1), st.floats(1, 5000), st.floats(0.01, 0.5))
def test_dearer_or_deadlier_route_is_never_more_likely(cost, risk, j, extra_fee, extra_risk):
    w = Weights()
    base = bh.choice_probabilities(bh.utilities(w, **attributes(cost, risk)))[0, j + 1]
    dearer = cost.copy()
    dearer[j] += extra_fee
    deadlier = risk.copy()
    deadlier[j] = min(1.0, deadlier[j] + extra_risk)
    p_fee = bh.choice_probabilities(bh.utilities(w, **attributes(dearer, risk)))[0, j + 1]
    p_risk = bh.choice_probabilities(bh.utilities(w, **attributes(cost, deadlier)))[0, j + 1]
    assert p_fee <= base * (1 + 1e-5) + 1e-12
    assert p_risk <= base * (1 + 1e-5) + 1e-12


def test_choose_follows_probabilities():
    rng = np.random.default_rng(0)
    p = np.tile(np.array([[0.1, 0.6, 0.3]]), (100_000, 1))
    picks = bh.choose(p, rng.random(100_000))
    freq = np.bincount(picks, minlength=3) / picks.size
    np.testing.assert_allclose(freq, [0.1, 0.6, 0.3], atol=0.01)


def test_unavailable_route_is_never_chosen():
    p = bh.choice_probabilities(np.array([[0.0, -np.inf, 2.0]], np.float32))
    picks = bh.choose(np.repeat(p, 1000, axis=0), np.random.default_rng(1).random(1000))
    assert not np.any(picks == 1)


@given(st.floats(0, 5), st.integers(0, K - 1))
def test_a_plan_makes_carrying_on_likelier(plan_weight, j):
    cost = np.full(K, 500, np.float32)
    risk = np.full(K, 0.01, np.float32)
    args = attributes(cost, risk)
    p_without = bh.choice_probabilities(bh.utilities(Weights(plan=plan_weight), **args))[0, j + 1]
    p_with = bh.choice_probabilities(bh.utilities(Weights(plan=plan_weight), **args, planned=np.array([j])))[0, j + 1]
    assert p_with >= p_without * (1 - 1e-5)


def test_savings_accrue_with_income_and_time():
    saved = bh.accrued_savings(np.array([100.0, 100.0, 100.0]), np.array([300.0, 300.0, 3000.0]),
                               np.array([0, 60, 60]), saving_share=0.1)
    np.testing.assert_allclose(saved, [100.0, 160.0, 700.0], rtol=1e-6)


def test_planned_candidate_carries_on_along_the_same_locations():
    from sim.load import load_scenario, network_of

    net = network_of(load_scenario(REPO / "scenarios" / "baseline_2024.yaml", check_size=False))
    cand_path, cand_pos = bh.candidates(net)
    planned = bh.planned_candidates(net, cand_path, cand_pos)
    for p in range(0, net.n_paths, 7):
        for q in range(int(net.path_length[p]) - 1):
            node = net.path_nodes[p, q]
            k = planned[p, q]
            cp, cq = cand_path[node, k], cand_pos[node, k]
            ours = net.path_nodes[p, q: net.path_length[p]]
            theirs = net.path_nodes[cp, cq: net.path_length[cp]]
            np.testing.assert_array_equal(ours, theirs)


def test_the_push_holds_between_dates_or_moves_linearly_between_them():
    dates = pd.date_range("2021-12-01", "2023-03-01", freq="D")
    push = {"2022-01-01": -2.0, "2023-01-01": 2.0}
    step = pd.Series(bh.push_by_day(push, dates), index=dates)
    linear = pd.Series(bh.push_by_day(push, dates, "linear"), index=dates)
    assert step["2021-12-01"] == linear["2021-12-01"] == -2.0  # the first value before the first date
    assert step["2022-07-02"] == -2.0 and step["2023-01-01"] == 2.0
    assert abs(linear["2022-07-02"]) < 0.02  # half way: the mean of the two
    assert linear["2022-04-01"] < linear["2022-10-01"] < linear["2023-01-01"] == 2.0
    assert linear["2023-03-01"] == 2.0  # the last value after the last date
    assert (linear.diff().dropna() >= 0).all()
