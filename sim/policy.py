"""The policy timeline compiled into epochs (spans of days with constant policy) and dated events.

Levers that set a state (border control, fees, asylum, TPS, parole, visa bonds, police
operations) cut the calendar into epochs; repatriation flights are one-day events.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from . import scenario as sc
from .network import Network

RESPONSES = ("push_back", "detain", "deport")
WITHOUT_SEAT = ("release_with_case", "release", "expel")  # what a removal lever does when no seat is free


def per_arc(per_network: np.ndarray, arc_network: np.ndarray, default: float) -> np.ndarray:
    """A criminal network's value on each of its arcs; ``default`` on arcs with no network (-1).

    Works when the network file names no criminal network at all (e.g. an imported Flee network).
    """
    return np.append(per_network, np.float32(default))[arc_network]


@dataclass(frozen=True)
class PolicyState:
    """Every lever's value during one epoch, as arrays over countries / networks / arcs."""

    border_intensity: np.ndarray  # float32 [country]: interception probability at its controlled arcs
    border_response: np.ndarray  # uint8 [country]: index into RESPONSES
    fee_multiplier: np.ndarray  # float32 [criminal network]
    fee_override: np.ndarray  # float32 [arc]: absolute fee, NaN where none
    network_capacity: np.ndarray  # float32 [criminal network]: share of departures that go ahead
    visa_bond: np.ndarray  # float32 [country] USD
    visa_required: np.ndarray  # bool [country]: air arrivals need a visa
    visa_refusal: np.ndarray  # float32 [country]: share of visa applicants refused
    removal_seats: np.ndarray  # float32 [country]: removal seats home a month; NaN = removes at once, no limit
    removal_fallback: np.ndarray  # uint8 [country]: index into WITHOUT_SEAT
    removal_wait: np.ndarray  # int16 [country]: days a detainee waits for a seat
    asylum: str = "open"
    tps: str = "designated"
    parole_monthly_quota: int = 0

    def arc_fees(self, net: Network) -> np.ndarray:
        """Smuggling fee of every arc under this policy (USD)."""
        mult = per_arc(self.fee_multiplier, net.arc_network, 1.0)
        fees = net.arc_fee * mult
        return np.where(np.isnan(self.fee_override), fees, self.fee_override).astype(np.float32)

    def arc_capacity(self, net: Network) -> np.ndarray:
        """Share of would-be departures onto each arc that find a place today."""
        return per_arc(self.network_capacity, net.arc_network, 1.0).astype(np.float32)


@dataclass(frozen=True)
class Flight:
    day: int
    origin: int  # node
    destination: int  # node
    seats: int


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
    n_c, n_n = len(net.countries), len(net.criminal_networks)
    return PolicyState(
        border_intensity=np.zeros(n_c, np.float32),
        border_response=np.zeros(n_c, np.uint8),
        fee_multiplier=np.ones(n_n, np.float32),
        fee_override=np.full(net.n_arcs, np.nan, np.float32),
        network_capacity=np.ones(n_n, np.float32),
        visa_bond=np.zeros(n_c, np.float32),
        visa_required=net.country_visa_required.copy(),
        visa_refusal=net.country_visa_refusal.astype(np.float32),
        removal_seats=np.full(n_c, np.nan, np.float32),
        removal_fallback=np.zeros(n_c, np.uint8),
        removal_wait=np.zeros(n_c, np.int16),
    )


def _apply(state: PolicyState, lever, net: Network) -> PolicyState:
    """The state after one lever change (pure: returns a new state)."""
    if isinstance(lever, sc.BorderControl):
        c = net.country_index(lever.country)
        bi, br = state.border_intensity.copy(), state.border_response.copy()
        bi[c], br[c] = lever.intensity, RESPONSES.index(lever.response)
        return replace(state, border_intensity=bi, border_response=br)
    if isinstance(lever, sc.SmugglingFee):
        if lever.network is not None:
            k = net.criminal_networks.index(lever.network)
            fm, fo = state.fee_multiplier.copy(), state.fee_override.copy()
            fm[k] = lever.multiplier if lever.multiplier is not None else 1.0
            if lever.fee_usd is not None:
                fo[net.arc_network == k] = lever.fee_usd
            else:
                fo[net.arc_network == k] = np.nan
            return replace(state, fee_multiplier=fm, fee_override=fo)
        a, b = net.node_index(lever.segment[0]), net.node_index(lever.segment[1])
        arcs = ((net.arc_from == a) & (net.arc_to == b)) | ((net.arc_from == b) & (net.arc_to == a))
        fo = state.fee_override.copy()
        mult = per_arc(state.fee_multiplier, net.arc_network, 1.0)
        fo[arcs] = lever.fee_usd if lever.fee_usd is not None else (net.arc_fee * mult * lever.multiplier)[arcs]
        return replace(state, fee_override=fo)
    if isinstance(lever, sc.Asylum):
        return replace(state, asylum=lever.mode)
    if isinstance(lever, sc.Tps):
        return replace(state, tps=lever.status)
    if isinstance(lever, sc.Parole):
        return replace(state, parole_monthly_quota=lever.monthly_quota)
    if isinstance(lever, sc.VisaBond):
        vb = state.visa_bond.copy()
        vb[net.country_index(lever.country)] = lever.bond_usd
        return replace(state, visa_bond=vb)
    if isinstance(lever, sc.Visa):
        c = net.country_index(lever.country)
        req, ref = state.visa_required.copy(), state.visa_refusal.copy()
        req[c], ref[c] = lever.required, lever.refusal_rate if lever.required else 0.0
        return replace(state, visa_required=req, visa_refusal=ref)
    if isinstance(lever, sc.Removal):
        c = net.country_index(lever.country)
        seats, fallback, wait = state.removal_seats.copy(), state.removal_fallback.copy(), state.removal_wait.copy()
        seats[c], fallback[c], wait[c] = lever.seats_per_month, WITHOUT_SEAT.index(lever.without_seat), lever.max_wait_days
        return replace(state, removal_seats=seats, removal_fallback=fallback, removal_wait=wait)
    raise TypeError(f"not a state lever: {lever!r}")


def _with_operations(state: PolicyState, ops, day: int, start, net: Network) -> PolicyState:
    """Overlay the police operations running on ``day``."""
    fm, cap = state.fee_multiplier.copy(), state.network_capacity.copy()
    for op in ops:
        if (op.date - start).days <= day <= (op.end - start).days:
            k = net.criminal_networks.index(op.network)
            fm[k] *= op.fee_multiplier
            cap[k] *= op.capacity
    return replace(state, fee_multiplier=fm, network_capacity=cap)


def compile_timeline(scenario: sc.Scenario, net: Network) -> Timeline:
    """Turn the scenario's dated lever changes into epochs and events (names already checked)."""
    start, n_days = scenario.start, scenario.days
    levers = scenario.policy.timeline
    ops = [lv for lv in levers if isinstance(lv, sc.PoliceOperation)]
    state_levers = [lv for lv in levers if not isinstance(lv, (sc.PoliceOperation, sc.RepatriationFlight))]
    cuts = {0}
    cuts.update((lv.date - start).days for lv in state_levers)
    # a new epoch every month: what migrants perceive of the chance of getting through is updated then
    cuts.update(np.flatnonzero(pd.date_range(start, periods=n_days, freq="D").day == 1).tolist())
    for op in ops:
        cuts.add((op.date - start).days)
        cuts.add((op.end - start).days + 1)
    epoch_start = np.array(sorted(c for c in cuts if 0 <= c < n_days), dtype=np.int32)

    states, base, applied = [], neutral_state(net), 0
    for s in epoch_start:
        while applied < len(state_levers) and (state_levers[applied].date - start).days <= s:
            base = _apply(base, state_levers[applied], net)
            applied += 1
        states.append(_with_operations(base, ops, int(s), start, net))

    arrests = np.zeros(n_days)
    for op in ops:
        a, b = (op.date - start).days, min((op.end - start).days, n_days - 1)
        arrests[a : b + 1] += op.arrests / (b - a + 1)
    flights = [
        Flight((lv.date - start).days, net.node_index(lv.origin), net.node_index(lv.destination), lv.seats)
        for lv in levers
        if isinstance(lv, sc.RepatriationFlight)
    ]
    return Timeline(epoch_start, states, flights, arrests)
