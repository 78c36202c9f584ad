"""The history's mechanisms, each in a small scenario: direction of the effect and conservation of people.

Removal with capacity, the realised chance of getting through as migrants perceive it, the push of
conditions at home, turning back when the way on closes, and the visa lever. Several seeds per arm;
effects are large enough at these sizes that their direction is not a matter of chance.
"""
import datetime as dt

import numpy as np
import pytest
import pandas as pd

from sim.engine import VectorModel
from sim.population import ASYLUM_PENDING, STATUSES

from .conftest import lever_scenario

SEEDS = range(3)
WEIGHTS = {"move": -2.0, "cost": 1.0}
NORTH = [{"location": "Mexico City", "people": 6000, "savings": {"median_usd": 4000, "sigma": 0.5}}]
US_STOPS = {"date": "2025-01-01", "lever": "border_control", "country": "USA", "intensity": 0.9, "response": "deport"}
# asylum open: the US releases 60% of those it stops (behaviour default), so people still try the border
# and 40% of the stopped are held for removal
ASYLUM_OPEN = {"date": "2025-01-01", "lever": "asylum", "mode": "open"}


def scenario(population, timeline, days=60, **behaviour):
    return lever_scenario(population, timeline, days, **{"weights": WEIGHTS, **behaviour})


def runs(sc, seeds=SEEDS):
    for seed in seeds:
        model = VectorModel(sc, seed=seed)
        model.run()
        yield model, model.tables_out()["daily"]


def total(sc, column, seeds=SEEDS) -> float:
    return float(sum(daily[column].sum() for _, daily in runs(sc, seeds)))


def removal(seats, without_seat, wait=10):
    return {"date": "2025-01-01", "lever": "removal", "country": "USA", "seats_per_month": seats,
            "without_seat": without_seat, "max_wait_days": wait}


def test_removals_never_exceed_the_seats_and_nobody_is_lost():
    sc = scenario(NORTH, [US_STOPS, ASYLUM_OPEN, removal(300, "expel")], days=90)
    for model, daily in runs(sc):
        monthly = daily.set_index("date")["deportations"].resample("MS").sum()
        assert (monthly <= 300 + 10).all()  # 10 a day, with the day's fraction carried
        assert daily["deportations"].sum() > 100  # the seats are used: people wait for them
        people = model.rec.status.sum(axis=1)
        assert (people == model.pop.size).all()  # every day, everyone is in exactly one status
        held = np.flatnonzero(model.pop.status == STATUSES.index("detained"))
        assert held.size == sum(model.removal.waiting(c) for c in range(len(model.net.countries)))


def test_without_seats_people_are_expelled_or_released_as_the_lever_says():
    expel = scenario(NORTH, [US_STOPS, ASYLUM_OPEN, removal(0, "expel")])
    release = scenario(NORTH, [US_STOPS, ASYLUM_OPEN, removal(0, "release_with_case")])
    assert total(expel, "deportations") == 0
    assert total(expel, "expelled") > 100 and total(expel, "released_no_seat") == 0
    assert total(release, "released_no_seat") > 100 and total(release, "expelled") == 0
    for model, _ in runs(release, seeds=[0]):
        usa = model.net.country_index("USA")
        in_us = model.net.node_country[model.pop.node] == usa
        assert np.count_nonzero(in_us & (model.pop.legal == ASYLUM_PENDING)) > 50  # released with a case


def test_a_border_that_expels_everyone_is_tried_less_once_migrants_know():
    """The chance of getting through that migrants weigh is what happened to those who tried."""
    def late_encounters(without_seat):
        sc = scenario(NORTH, [US_STOPS, ASYLUM_OPEN, removal(0, without_seat, wait=5)], days=120,
                      perceived_prior_people=5, perceived_window_days=30)
        return sum(daily["encounters_us_border"].iloc[60:].sum() for _, daily in runs(sc))

    assert late_encounters("expel") < 0.7 * late_encounters("release_with_case")


def test_port_appointments_release_up_to_their_number_and_the_rest_meet_the_policy():
    """The day's appointments at US ports are encountered and released; the others meet the policy (here 40% of
    those stopped are expelled)."""
    expulsion = [US_STOPS, ASYLUM_OPEN, removal(0, "expel", wait=0)]
    appointments = {"date": "2025-01-01", "lever": "port_appointments", "monthly": 4000}  # x 0.25 = ~33 a day
    with_ = scenario(NORTH, expulsion + [appointments], port_appointment_share=0.25)
    without = scenario(NORTH, expulsion)
    for model, daily in runs(with_):
        assert (daily["port_appointments"] <= 4000 * 0.25 * 12 / 365.25 + 1).all()
        assert daily["port_appointments"].sum() > 500  # used: people wait at the border for them
        assert (daily["encounters_us_border"] >= daily["port_appointments"]).all()
        people = model.rec.status.sum(axis=1)
        assert (people == model.pop.size).all()
    assert total(without, "port_appointments") == 0
    assert total(with_, "expelled") < total(without, "expelled")
    assert total(with_, "interceptions") < total(without, "interceptions")


def test_the_push_of_conditions_at_home_raises_departures():
    home = [{"location": "Caracas", "people": 4000, "legal_status": "permit", "savings": {"median_usd": 500}}]
    settled = {"weights": {"move": -6.0}}  # a settled life holds most people at home
    calm = total(scenario(home, [], push={"2025-01-01": 0.0}, **settled), "departures")
    pushed = total(scenario(home, [], push={"2025-01-01": 2.0}, **settled), "departures")
    assert calm > 50
    assert pushed > 1.5 * calm


def test_travellers_turn_back_south_when_the_way_north_closes():
    """Stuck in Mexico with no status, travellers whose way on is shut go back south more than when it is open."""
    stuck = [{"location": "Tapachula", "people": 3000, "savings": {"median_usd": 800, "sigma": 0.5}}]
    closed = [US_STOPS, {"date": "2025-01-01", "lever": "asylum", "mode": "expulsion"}, removal(0, "expel", wait=5),
              {"date": "2025-01-01", "lever": "border_control", "country": "MEX", "intensity": 0.8}]
    open_ = [{**US_STOPS, "intensity": 0.2}, {"date": "2025-01-01", "lever": "asylum", "mode": "open"}]
    south_closed = total(scenario(stuck, closed, days=90), "border_crossings_south")
    south_open = total(scenario(stuck, open_, days=90), "border_crossings_south")
    assert south_closed > 50
    assert south_closed > 1.5 * south_open


def test_a_visa_requirement_cuts_flights_into_that_country():
    flyers = [{"location": "Caracas", "people": 3000, "legal_status": "permit", "savings": {"median_usd": 3000}}]
    no_visa = {"date": "2025-01-01", "lever": "visa", "country": "MEX", "required": False}
    visa = {"date": "2025-01-01", "lever": "visa", "country": "MEX", "required": True, "refusal_rate": 0.9}

    def flights_to_mexico(timeline):
        out = 0
        for model, _ in runs(scenario(flyers, timeline)):
            arc = np.flatnonzero((model.net.arc_from == model.net.node_index("Caracas"))
                                 & (model.net.arc_to == model.net.node_index("Mexico City")))
            out += model.rec.arcs_used[:, arc].sum()
        return out

    assert flights_to_mexico([no_visa]) > 50
    assert flights_to_mexico([visa]) < 0.5 * flights_to_mexico([no_visa])


def test_flights_carry_detainees_first_up_to_their_seats():
    flight = {"date": "2025-02-15", "lever": "repatriation_flight", "origin": "El Paso", "seats": 40}
    sc = scenario(NORTH, [US_STOPS, ASYLUM_OPEN, removal(0, "expel", wait=365), flight])
    for model, daily in runs(sc):
        day = (pd.Timestamp("2025-02-15") - pd.Timestamp("2025-01-01")).days
        assert daily["repatriation_flight_passengers"].iloc[day] == 40  # more were held than there were seats
        assert daily["deportations"].iloc[day] == 40


def test_without_a_passport_nobody_flies_abroad():
    flyers = [{"location": "Caracas", "people": 3000, "legal_status": "permit", "savings": {"median_usd": 3000}}]

    def international_flights(share):
        out = 0
        for model, _ in runs(scenario(flyers, [], passport_share=share)):
            net = model.net
            air = (net.arc_mode == 4) & (net.node_country[net.arc_from] != net.node_country[net.arc_to])
            out += model.rec.arcs_used[:, air].sum()
        return out

    assert international_flights(1.0) > 100
    assert international_flights(0.0) == 0


def test_a_country_s_appeal_draws_people_to_it_and_holds_them_there():
    """Appeal enters every route ending in a country and staying there alike: more go, fewer leave."""
    leavers = [{"location": "Caracas", "people": 3000, "legal_status": "permit", "savings": {"median_usd": 800}}]

    def into_brazil(appeal):
        out = 0
        for model, _ in runs(scenario(leavers, [], country_appeal={"BRA": appeal})):
            brazil = model.net.node_country == model.net.country_index("BRA")
            out += int(np.isin(model.pop.node, np.flatnonzero(brazil)).sum())
        return out

    assert into_brazil(0.0) > 30
    assert into_brazil(1.5) > 2 * into_brazil(0.0)
    assert into_brazil(-1.5) < 0.5 * into_brazil(0.0)


def test_an_unknown_country_s_appeal_is_refused_with_its_key():
    import pytest

    from sim.errors import ScenarioError

    with pytest.raises(ScenarioError, match=r"behaviour.country_appeal.BRZ: unknown country 'BRZ'; known: ARG, BRA"):
        scenario(NORTH, [], country_appeal={"BRZ": 1.0})


def test_a_weight_on_visa_refusal_of_its_own_deters_applications():
    """With visa refusal weighed apart and heavily, fewer apply for a visa they will likely be refused."""
    flyers = [{"location": "Caracas", "people": 3000, "legal_status": "permit", "savings": {"median_usd": 3000}}]
    visa = [{"date": "2025-01-01", "lever": "visa", "country": "MEX", "required": True, "refusal_rate": 0.9}]
    as_borders = total(scenario(flyers, visa), "visa_refusals")
    weighed_apart = total(scenario(flyers, visa, weights={**WEIGHTS, "interception": 1.0, "visa_refusal": 3.0}),
                          "visa_refusals")
    assert as_borders > 50
    assert weighed_apart < 0.5 * as_borders


def test_visa_refusal_weighed_like_interception_gives_the_same_choice():
    """Weighing visas apart with the interception's own weight is the same model (up to rounding)."""
    import sim.behaviour as bh
    from sim.load import network_of
    from sim.policy import compile_timeline

    sc = scenario(NORTH, [{"date": "2025-01-01", "lever": "visa", "country": "MEX", "required": True,
                           "refusal_rate": 0.7}])
    net = network_of(sc)
    state = compile_timeline(sc, net).states[-1]
    tied = sc.behaviour.model_copy(update={"weights": sc.behaviour.weights.model_copy(update={"visa_refusal": 1.0})})
    together, apart = bh.route_table(net, state, sc.behaviour), bh.route_table(net, state, tied)

    def utility(table, behaviour):
        return bh.route_utility(behaviour.weights, dest_log_income=table.dest_log_income[:, None],
                                dest_legal=table.dest_legal_chance[:, None], death_risk=table.death_risk,
                                interception=table.interception, days=table.days, refusal=table.refusal)

    assert together.refusal.max() > 0.5  # some routes need the visa
    np.testing.assert_allclose(utility(together, sc.behaviour), utility(apart, tied), atol=2e-4)


def test_appointments_lower_the_stated_chance_of_being_stopped_at_the_us_border():
    """With appointments for all who came lately the stated US stop is nil; with none, it is the release rule's."""
    from sim.perception import stated_stop

    model = VectorModel(scenario(NORTH, [US_STOPS, ASYLUM_OPEN]), seed=0)
    b, us, state = model.scenario.behaviour, model.us, model.timeline.states[0]
    plain = stated_stop(model.net, state, b)[us]
    assert plain == pytest.approx(0.9 * (1 - b.asylum_release_share["open"]))
    assert stated_stop(model.net, state, b, us_attempts=100, appointments=100)[us] == 0
    assert stated_stop(model.net, state, b, us_attempts=100, appointments=25)[us] == pytest.approx(0.75 * plain)
    assert stated_stop(model.net, state, b, us_attempts=0, appointments=5)[us] == 0
    assert stated_stop(model.net, state, b, us_attempts=0, appointments=0)[us] == pytest.approx(plain)


def test_a_new_policy_is_weighed_as_stated_until_those_who_try_under_it_show_what_it_does(monkeypatch):
    """Outcomes at a border before its policy changed are stale news: the window of what migrants weigh restarts."""
    import sim.model

    calls = []
    real = sim.model.perceived_stop

    def spy(attempts, stops, stated, prior):
        calls.append((attempts.copy(), stated.copy(), real(attempts, stops, stated, prior)))
        return calls[-1][2]

    monkeypatch.setattr(sim.model, "perceived_stop", spy)
    expel = [{"date": "2025-02-15", "lever": "asylum", "mode": "expulsion"}, {**removal(0, "expel", wait=0),
                                                                             "date": "2025-02-15"}]
    model = VectorModel(scenario(NORTH, [US_STOPS, ASYLUM_OPEN, removal(0, "release_with_case")] + expel), seed=0)
    model.run()
    us = model.us
    change = (dt.date(2025, 2, 15) - dt.date(2025, 1, 1)).days
    assert model.policy_since[us] == change
    before, at_change = calls[0], calls[1]  # 1 February (a month's outcomes), 15 February (the change)
    assert before[0][us] > 50
    assert at_change[0][us] == 0
    assert at_change[2][us] == pytest.approx(at_change[1][us])  # weighed as stated: 0.9, all expelled
    assert at_change[2][us] > before[2][us] + 0.3
