"""Common random numbers: runs that differ only in a lever from date D share every draw (sim/draws.py).

Before D they are identical in every table, bit for bit, without branching one from the other's
state; after D the agents whose situation the lever did not change draw the same numbers and so do
the same things, which is what makes policy minus counterfactual the policy's effect.
"""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sim.engine import VectorModel
from sim.load import load_scenario
from sim.mesa_engine import MesaModel
from sim.population import initial_population

from .conftest import REPO as ROOT

LEVER_DATE = dt.date(2021, 7, 1)


@pytest.fixture(scope="module")
def runs():
    """The history scenario in 2021 (scale 400); the same with Panama's controls tightened from 1 July; that at another seed."""
    sc = load_scenario(ROOT / "scenarios" / "history_2021_2025.yaml", check_size=False).model_copy(
        update={"scale": 400, "end": dt.date(2021, 12, 31)})
    panama = next(lv for lv in sc.policy.timeline if lv.lever == "border_control" and lv.country == "PAN")
    timeline = sorted([*sc.policy.timeline, panama.model_copy(update={"date": LEVER_DATE, "intensity": 0.6})],
                      key=lambda lv: lv.date)
    tighter = sc.model_copy(update={"policy": sc.policy.model_copy(update={"timeline": timeline})})
    out = {}
    for name, scenario, seed in (("base", sc, None), ("lever", tighter, None), ("lever_other_seed", tighter, sc.seed + 1)):
        model = VectorModel(scenario, seed=seed, collect=False)
        model.run()
        out[name] = model
    return out


def test_runs_differing_in_a_lever_from_d_are_identical_before_d(runs):
    a, b = runs["base"].tables_out(), runs["lever"].tables_out()
    before = a["daily"]["date"] < pd.Timestamp(LEVER_DATE)
    assert before.sum() == 181
    for name in ("daily", "locations"):
        pd.testing.assert_frame_equal(a[name][before], b[name][before], check_exact=True)
    months = a["flows"]["month"] < pd.Timestamp(LEVER_DATE)
    pd.testing.assert_frame_equal(a["flows"][months], b["flows"][b["flows"]["month"] < pd.Timestamp(LEVER_DATE)],
                                  check_exact=True)
    assert not a["daily"][~before].equals(b["daily"][~before])  # the lever does change something after D


def test_after_d_agents_the_lever_left_alone_do_the_same_things(runs):
    """Of the agents who did anything in 2021, nearly all end in the same state with and without the lever
    (the same draws); at another seed almost none do."""
    base, lever, other = runs["base"], runs["lever"], runs["lever_other_seed"]
    state = lambda m: np.stack([m.pop.status, m.pop.node, m.pop.legal, m.pop.path], axis=1)  # noqa: E731
    first = initial_population(base.scenario, base.net, base.draws)
    initial = np.stack([first.status, first.node, first.legal, first.path], axis=1)
    acted = ~((state(base) == initial).all(1) & (state(lever) == initial).all(1) & (state(other) == initial).all(1))
    assert acted.sum() > 300
    paired = (state(base) == state(lever)).all(1)[acted].mean()
    unpaired = (state(other) == state(lever)).all(1)[acted].mean()
    assert paired > 0.95 and unpaired < 0.2, (paired, unpaired)


def test_both_engines_draw_the_same_numbers_for_the_same_agent():
    """The Mesa engine asks for each agent's draw by purpose, agent and day: the engines then mostly agree
    agent by agent, not only in distribution (benchmarks/crn.py --engines counts the exact matches)."""
    sc = load_scenario(ROOT / "tests" / "scenarios" / "equivalence_levers.yaml")
    v, m = VectorModel(sc, seed=5, collect=False), MesaModel(sc, seed=5, collect=False)
    v.run()
    m.run()
    final_v = np.stack([v.pop.status, v.pop.node, v.pop.legal], axis=1).astype(np.int64)
    final_m = np.array([[int(a.status), a.node, int(a.legal_status)] for a in m.migrants], np.int64)
    assert (final_v == final_m).all(axis=1).mean() > 0.95
    moved = (v.tables_out()["daily"]["departures"].sum(), m.tables_out()["daily"]["departures"].sum())
    assert moved[0] > 0 and moved[0] == moved[1]
