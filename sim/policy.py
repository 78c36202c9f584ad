"""The policy timeline compiled into epochs (spans of days with constant policy) and dated events.

Levers that set a state (border control, fees, asylum, TPS, parole, visas, removal) cut the calendar
into epochs; event levers act on their own dates (repatriation flights on one day, police operations
over a span, overlaying the state while they run). What each lever does is its class's (sim/levers/).
"""
from __future__ import annotations

from dataclasses import dataclass, make_dataclass

import numpy as np
import pandas as pd

from . import scenario as sc
from .levers import STATE_FIELDS, Events, Flight, per_arc  # noqa: F401 (Flight: the engines' flights)
from .network import Network
from .vocabulary import BorderResponse, WithoutSeat

RESPONSES = BorderResponse.words()
WITHOUT_SEAT = WithoutSeat.words()  # what a removal lever does when no seat is free


class _StateOnArcs:
    """What the engines read of a policy state, arc by arc."""

    def arc_fees(self, net: Network) -> np.ndarray:
        """Smuggling fee of every arc under this policy (USD)."""
        mult = per_arc(self.fee_multiplier, net.arc_network, 1.0)
        fees = net.arc_fee * mult
        return np.where(np.isnan(self.fee_override), fees, self.fee_override).astype(np.float32)

    def arc_capacity(self, net: Network) -> np.ndarray:
        """Share of would-be departures onto each arc that find a place today."""
        return per_arc(self.network_capacity, net.arc_network, 1.0).astype(np.float32)


# Every lever's value during one epoch: the fields the lever classes declare (frozen; levers return
# changed copies).
PolicyState = make_dataclass("PolicyState", [(f.name, f.type) for f in STATE_FIELDS], bases=(_StateOnArcs,),
                             frozen=True)
PolicyState.__module__ = __name__  # pickled by name, like a class written here
PolicyState.__doc__ = "Every lever's value during one epoch, as arrays over countries / networks / arcs:\n\n" + \
    "\n".join(f"- ``{f.name}``: {f.meaning}" for f in STATE_FIELDS)


@dataclass(frozen=True)
class Timeline:
    """Epoch start days (sorted, first is 0), the state of each epoch, and dated events."""

    epoch_start: np.ndarray  # int32 [epoch]
    states: list[PolicyState]
    flights: list[Flight]
    arrests_per_day: np.ndarray  # float64 [day]: arrests in police operations (an input, counted)

    def epoch_of(self, day) -> np.ndarray:
        """Epoch in force on ``day`` (scalar or array); days before the start use the first epoch."""
        return np.maximum(np.searchsorted(self.epoch_start, day, side="right") - 1, 0)


def neutral_state(net: Network) -> PolicyState:
    """The state before any lever changes it (each lever's neutral values)."""
    return PolicyState(**{f.name: f.neutral(net) for f in STATE_FIELDS})


def compile_timeline(scenario: sc.Scenario, net: Network) -> Timeline:
    """Turn the scenario's dated lever changes into epochs and events (names already checked)."""
    start, n_days = scenario.start, scenario.days
    levers = scenario.policy.timeline
    events = [lv for lv in levers if lv.event]
    state_levers = [lv for lv in levers if not lv.event]
    cuts = {0}
    cuts.update((lv.date - start).days for lv in state_levers)
    # a new epoch every month: what migrants perceive of the chance of getting through is updated then
    cuts.update(np.flatnonzero(pd.date_range(start, periods=n_days, freq="D").day == 1).tolist())
    for ev in events:
        cuts.update(ev.epoch_cuts(start))
    epoch_start = np.array(sorted(c for c in cuts if 0 <= c < n_days), dtype=np.int32)

    states, base, applied = [], neutral_state(net), 0
    for s in epoch_start:
        while applied < len(state_levers) and (state_levers[applied].date - start).days <= s:
            base = state_levers[applied].apply(base, net)
            applied += 1
        state = base
        for ev in events:
            state = ev.overlay(state, int(s), start, net)
        states.append(state)

    scheduled = Events(arrests_per_day=np.zeros(n_days))
    for ev in events:
        ev.schedule(scheduled, start, net)
    return Timeline(epoch_start, states, scheduled.flights, scheduled.arrests_per_day)
