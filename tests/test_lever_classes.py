"""Each lever is one class (sim/levers/): the timeline's names, the policy state, the name checks and the
labels all come from the classes."""
from __future__ import annotations

import dataclasses
import datetime as dt
import typing

import numpy as np
import pytest

from sim import levers
from sim.load import load_scenario, network_of
from sim.policy import PolicyState, neutral_state
from sim.scenario import Policy, Scenario
from tests.test_outcome_registry import EQUIVALENCE

DAY = dt.date(2025, 1, 1)


@pytest.fixture(scope="module")
def net():
    return network_of(load_scenario(EQUIVALENCE))


def test_the_timeline_accepts_exactly_the_lever_classes():
    union = typing.get_args(typing.get_args(Policy.model_fields["timeline"].annotation)[0])[0]
    assert set(typing.get_args(union)) == set(levers.LEVERS) and len(levers.LEVERS) == 11
    assert levers.LEVER_NAMES == {cls.model_fields["lever"].annotation.__args__[0] for cls in levers.LEVERS}
    assert levers.EVENT_NAMES == {"repatriation_flight", "police_operation"}


def test_the_policy_state_is_the_fields_the_levers_declare_each_once(net):
    names = [f.name for f in levers.STATE_FIELDS]
    assert len(names) == len(set(names))
    assert [f.name for f in dataclasses.fields(PolicyState)] == names
    state = neutral_state(net)
    assert np.isnan(state.removal_seats).all() and (state.border_intensity == 0).all() and state.asylum == "open"
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.asylum = "paused"


@pytest.mark.parametrize("entry, field, words", [
    ({"lever": "border_control", "country": "PNA", "intensity": 0.5}, "country", "known: ARG, BRA"),
    ({"lever": "visa", "country": "XXX", "required": True}, "country", "unknown country 'XXX'"),
    ({"lever": "smuggling_fee", "segment": ["Necoclí", "Capurgna"], "fee_usd": 5}, "segment[1]", "unknown location"),
    ({"lever": "smuggling_fee", "segment": ["Necoclí", "Caracas"], "fee_usd": 5}, "segment", "no segment joins"),
    ({"lever": "police_operation", "network": "zetas", "end": "2025-02-01"}, "network", "criminal network"),
    ({"lever": "repatriation_flight", "origin": "Tapachula", "destination": "Caracass", "seats": 3},
     "destination", "did you mean 'Caracas'?"),
])
def test_a_lever_names_the_field_whose_name_the_network_lacks(net, entry, field, words):
    lever = Policy.model_validate({"timeline": [{"date": DAY, **entry}]}).timeline[0]
    with pytest.raises(levers.LeverProblem) as info:
        lever.check(net)
    assert info.value.field == field and words in info.value.message


def test_a_state_lever_returns_a_new_state_and_an_event_lever_refuses_to(net):
    before = neutral_state(net)
    lever = levers.BorderControl(date=DAY, lever="border_control", country="PAN", intensity=0.6, response="deport")
    after = lever.apply(before, net)
    pan = net.country_index("PAN")
    assert after.border_intensity[pan] == np.float32(0.6) and after.border_response[pan] == 2
    assert before.border_intensity[pan] == 0  # pure: the old state is unchanged
    flight = levers.RepatriationFlight(date=DAY, lever="repatriation_flight", origin="Tapachula", seats=3)
    with pytest.raises(TypeError, match="not a state lever"):
        flight.apply(before, net)


def test_labels_come_from_the_lever():
    nbsp = "\u00a0"
    assert levers.BorderControl(date=DAY, lever="border_control", country="PAN", intensity=0.6).label() == \
        f"PAN border control 60% (push{nbsp}back)"
    assert levers.SmugglingFee(date=DAY, lever="smuggling_fee", network="clan_del_golfo", multiplier=2).label() == \
        "Clan del Golfo fees ×2"
    assert levers.Parole(date=DAY, lever="parole", monthly_quota=0).label() == "parole ended"


def test_a_spin_up_moves_state_levers_to_its_start_and_leaves_events_on_their_dates():
    scenario = load_scenario(EQUIVALENCE)
    start = scenario.start
    timeline = [levers.PoliceOperation(date=start, lever="police_operation", network="clan_del_golfo",
                                       end=start + dt.timedelta(days=5)),
                levers.Asylum(date=start, lever="asylum", mode="paused")]
    spun = Scenario.model_validate({**scenario.model_dump(), "spin_up_days": 30,
                                    "policy": {"timeline": [lv.model_dump() for lv in timeline]}}).spun_up()
    assert [lv.date for lv in spun.policy.timeline] == [start, start - dt.timedelta(days=30)]
