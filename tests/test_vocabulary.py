"""One vocabulary (sim/vocabulary.py): the words of the files and the integers of the arrays and agents are
the same enums, so they cannot drift apart."""
from __future__ import annotations

import typing

import numpy as np
import pytest

from sim import network, population, scenario
from sim.levers.border_control import BorderControl
from sim.load import load_scenario
from sim.mesa_engine import MesaModel
from sim.vocabulary import BorderResponse, Crossing, LegalStatus, Mode, Status, WithoutSeat
from tests.test_outcome_registry import EQUIVALENCE


@pytest.mark.parametrize("vocabulary", [Mode, Crossing, BorderResponse, WithoutSeat, Status, LegalStatus])
def test_every_word_names_its_code_and_back(vocabulary):
    for member in vocabulary:
        assert vocabulary.of(member.word) is member and vocabulary.words()[member] == member.word == str(member)
    assert list(vocabulary) == [vocabulary(i) for i in range(len(vocabulary))]  # codes 0..n-1, as arrays index


def test_files_and_tables_use_the_vocabulary_words():
    assert network.MODES == Mode.words() and network.CROSSINGS[Crossing.NONE] == ""
    assert typing.get_args(network.SegmentRow.model_fields["mode"].annotation) == Mode.words()
    assert typing.get_args(BorderControl.model_fields["response"].annotation) == BorderResponse.words()
    assert "tps_lost" not in typing.get_args(scenario.PopulationGroup.model_fields["legal_status"].annotation)
    assert population.STATUSES == Status.words() and population.DEAD == Status.DEAD == 6


def test_lookups_follow_the_vocabulary():
    codes = np.array([Status.RESIDENT, Status.IN_TRANSIT, Status.RETURNED], np.uint8)
    assert population.IS_SETTLED[codes].tolist() == [True, False, True]
    legal = np.array([LegalStatus.NONE, LegalStatus.TPS, LegalStatus.ASYLUM_PENDING, LegalStatus.TPS_LOST], np.uint8)
    assert population.HAS_STATUS[legal].tolist() == [False, True, False, False]
    assert population.EARNS_FULL[legal].tolist() == [False, True, True, False]


def test_mesa_agents_hold_the_codes_the_arrays_hold():
    model = MesaModel(load_scenario(EQUIVALENCE))
    for _ in range(5):
        model.step()
    assert all(isinstance(a.status, Status) and isinstance(a.legal_status, LegalStatus) for a in model.agents)
    counted = np.bincount([int(a.status) for a in model.agents], minlength=len(Status))
    assert (counted == model.status_count).all()
