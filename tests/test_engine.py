"""The vectorised engine: everyone accounted for every day, reproducible, and policy moves outcomes."""
import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine import VectorModel
from sim.load import load_scenario, parse_scenario
from sim.population import STATUSES

from .conftest import small_scenario, write_yaml

LOCATIONS = ["Caracas", "Bogotá", "Lima", "Necoclí", "Panama City", "Tapachula", "Mexico City", "Miami", "Madrid"]
LEVERS = [
    {"lever": "border_control", "country": "PAN", "intensity": 0.7, "response": "detain"},
    {"lever": "border_control", "country": "MEX", "intensity": 0.6, "response": "deport"},
    {"lever": "border_control", "country": "USA", "intensity": 1.0, "response": "push_back"},
    {"lever": "asylum", "mode": "expulsion"},
    {"lever": "tps", "status": "terminated"},
    {"lever": "parole", "monthly_quota": 2000},
    {"lever": "visa_bond", "country": "USA", "bond_usd": 5000},
    {"lever": "smuggling_fee", "network": "clan_del_golfo", "multiplier": 3.0},
    {"lever": "police_operation", "end": "2025-03-31", "network": "clan_del_golfo", "capacity": 0.2, "arrests": 50},
    {"lever": "repatriation_flight", "origin": "Mexico City", "seats": 400},
]


def run(data, tmp_path, name="s.yaml"):
    model = VectorModel(load_scenario(write_yaml(tmp_path / name, data)))
    statuses, at_places = [], []
    while model.running:
        model.step()
        statuses.append(model.status_count.copy())
        at_places.append(model.people_at.sum())
    return model, np.array(statuses), np.array(at_places)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    groups=st.lists(st.tuples(st.sampled_from(LOCATIONS), st.integers(0, 3000), st.floats(0, 5000)),
                    min_size=1, max_size=4),
    levers=st.lists(st.tuples(st.sampled_from(range(len(LEVERS))), st.integers(0, 80)), max_size=4),
    seed=st.integers(0, 2**31),
    review=st.floats(5, 400),
)
def test_every_agent_is_in_one_status_every_day(tmp_path, groups, levers, seed, review):
    population = [{"location": loc, "people": n, "savings": {"median_usd": s}} for loc, n, s in groups]
    timeline = sorted(
        ({**LEVERS[i], "date": str(pd.Timestamp("2025-01-01") + pd.Timedelta(days=d))} for i, d in levers),
        key=lambda lv: lv["date"],
    )
    data = small_scenario(population=population, seed=seed, scale=1, end="2025-04-30",
                          behaviour={"reconsideration_days": review}, policy={"timeline": timeline})
    model, statuses, at_places = run(data, tmp_path)
    n = model.pop.size
    assert np.all(statuses.sum(axis=1) == n)  # nobody appears or vanishes
    assert np.all(statuses >= 0)
    np.testing.assert_array_equal(np.bincount(model.pop.status, minlength=len(STATUSES)), statuses[-1])
    assert at_places[-1] == n - statuses[-1][STATUSES.index("dead")]  # the living are somewhere


def test_same_seed_same_tables_and_different_seed_differs(scenario_file):
    path = scenario_file()
    a = VectorModel(path)
    a.run()
    b = VectorModel(path)
    b.run()
    c = VectorModel(path, seed=99)
    c.run()
    ta, tb, tc = a.tables_out(), b.tables_out(), c.tables_out()
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name])
    assert not ta["daily"].equals(tc["daily"])


def test_daily_flows_add_up(scenario_file):
    model = VectorModel(scenario_file(scale=100))
    model.run()
    daily = model.tables_out()["daily"]
    returns = daily[["returns_home_flight", "returns_home_overland", "returns_home_deported"]].sum(axis=1)
    np.testing.assert_allclose(daily["returns_home"], returns)
    deaths_by_segment = daily.filter(like="deaths__").sum(axis=1)
    np.testing.assert_allclose(daily["deaths"], deaths_by_segment)
    assert daily["status_dead"].iloc[-1] == daily["deaths"].sum()
    assert daily["departures"].sum() > 0


def test_scale_multiplies_agents_into_people(tmp_path):
    data = small_scenario(scale=1000)
    model = VectorModel(parse_scenario(data))
    assert model.pop.size == sum(round(g["people"] / 1000) for g in data["population"])
    assert sum(model.people.values()) == model.pop.size * 1000


def test_crossing_the_darien_from_colombia_counts_northbound(tmp_path):
    """The trail runs south-west from Capurganá: the count follows the crossing's direction, not latitude."""
    net = VectorModel(parse_scenario(small_scenario())).net
    capurgana, jungle = net.node_index("Capurganá"), net.node_index("Darién Gap")
    into = np.flatnonzero((net.arc_from == capurgana) & (net.arc_to == jungle))
    back = np.flatnonzero((net.arc_from == jungle) & (net.arc_to == capurgana))
    assert net.node_lat[jungle] < net.node_lat[capurgana]
    assert net.arc_northbound[into].all() and not net.arc_northbound[back].any()


def test_travellers_short_of_a_fare_work_on_the_way_and_carry_on(tmp_path):
    """Poor travellers at Necoclí stop to work, then carry on: the Darién is crossed only after the wait.

    With no earning on the way (max_work_days 0) the same travellers stop for good (stranded) instead.
    """
    poor = {"location": "Necoclí", "people": 50000, "savings": {"median_usd": 5, "sigma": 0.1}}
    common = dict(population=[poor], start="2025-01-01", end="2025-12-31", scale=100,
                  policy={"timeline": []})
    working = small_scenario(**common, behaviour={"reconsideration_days": 20, "max_work_days": 365,
                                                  "weights": {"move": 3.0, "plan": 6.0}})
    model = VectorModel(parse_scenario(working))
    model.run()
    daily = model.tables_out()["daily"]
    assert daily["stopped_to_work"].sum() > 0 and daily["stranded"].sum() == 0
    first_work = daily.index[daily["stopped_to_work"] > 0][0]
    first_north = daily.index[daily["darien_crossings_north"] > 0][0]
    assert first_north - first_work >= 20  # the fee takes weeks of work at half a Colombian wage
    assert daily["status_working"].max() > 0

    model = VectorModel(parse_scenario({**working, "behaviour": {**working["behaviour"], "max_work_days": 0}}))
    model.run()
    daily = model.tables_out()["daily"]
    assert daily["stopped_to_work"].sum() == 0 and daily["stranded"].sum() > 0
    assert daily["darien_crossings_north"].sum() == 0


def test_spin_up_days_are_simulated_under_the_start_policy_and_left_out(tmp_path):
    """A spun-up run reports from `start`, with people already on the road; flights keep their dates."""
    flight = {"date": "2025-03-01", "lever": "repatriation_flight", "origin": "Mexico City",
              "destination": "Caracas", "seats": 300}
    data = small_scenario()
    data["policy"]["timeline"].append(flight)
    plain = parse_scenario(data)
    spun = parse_scenario({**data, "spin_up_days": 60})
    simulated = spun.spun_up()
    assert simulated.start == pd.Timestamp("2024-11-02").date() and simulated.end == spun.end
    moved = {lv.lever: lv.date for lv in simulated.policy.timeline}
    assert moved["border_control"] == simulated.start and str(moved["repatriation_flight"]) == "2025-03-01"

    tables = {}
    for name, scenario in (("plain", plain), ("spun", spun)):
        model = VectorModel(scenario)
        model.run()
        tables[name] = model.tables_out()
    for name in ("daily", "locations"):
        assert tables["spun"][name]["date"].iloc[0] == pd.Timestamp("2025-01-01")
        assert len(tables["spun"][name]) == len(tables["plain"][name]) == plain.days
    assert tables["spun"]["flows"]["month"].min() == pd.Timestamp("2025-01-01")
    first = tables["spun"]["daily"].iloc[0]
    assert first["status_in_transit"] + first["status_working"] > 0
    assert tables["plain"]["daily"]["status_in_transit"].iloc[0] <= first["status_in_transit"]
