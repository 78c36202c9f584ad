"""A counterfactual branched from the policy run's state shares every day before the timelines differ."""
import datetime as dt

import pandas as pd

from sim.branch import divergence_date, run_branched
from sim.engine import VectorModel
from sim.load import parse_scenario, without_timeline
from sim.mesa_engine import MesaModel

from .conftest import small_scenario

TIMELINE = [
    {"date": "2025-01-01", "lever": "border_control", "country": "USA", "intensity": 0.9, "response": "deport"},
    {"date": "2025-02-10", "lever": "asylum", "mode": "expulsion"},
    {"date": "2025-03-01", "lever": "border_control", "country": "PAN", "intensity": 0.7},
]


def scenarios(**overrides):
    policy = parse_scenario(small_scenario(end="2025-04-30", policy={"timeline": TIMELINE}, **overrides))
    return policy, without_timeline(policy)


def test_the_divergence_date_is_the_first_lever_one_timeline_lacks():
    policy, counterfactual = scenarios()
    assert divergence_date(policy, counterfactual) == dt.date(2025, 2, 10)
    assert divergence_date(policy, policy) == dt.date(2025, 5, 1)


def test_branches_share_every_day_before_the_divergence_and_the_policy_run_is_a_plain_run():
    for engine, scale in ((VectorModel, 200), (MesaModel, 5000)):
        policy, counterfactual = scenarios(scale=scale)
        a, b = run_branched(lambda s: engine(s, collect=False), policy, counterfactual)
        da, db = a.tables_out()["daily"], b.tables_out()["daily"]
        before = da["date"] < pd.Timestamp("2025-02-10")
        pd.testing.assert_frame_equal(da[before], db[before])
        assert not da[~before].equals(db[~before])  # the policy changes something afterwards
        plain = engine(policy, collect=False)
        plain.run()
        pd.testing.assert_frame_equal(plain.tables_out()["daily"], da)  # copying the state changes nothing
