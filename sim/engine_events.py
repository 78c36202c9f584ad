"""The vectorised engine's policy events: TPS ending, parole entries and repatriation flights.

A mixin of :class:`sim.engine.VectorModel` (it uses that class's population and bookkeeping),
kept apart so that the engine module reads as the daily round of travel and decisions.
"""
from __future__ import annotations

import numpy as np

from . import behaviour as bh
from .population import (
    ASYLUM_PENDING, HAS_STATUS, IS_SETTLED, NO_STATUS, PERMIT, RETURNED, TPS, TPS_LOST, WORKING,
)


class PolicyEvents:
    """TPS termination, parole and repatriation flights for :class:`sim.engine.VectorModel`."""

    def _end_tps(self, t: int) -> None:
        """TPS holders lose status and reconsider once the news reaches them (a one-off scan)."""
        holders = np.flatnonzero(self.pop.legal == TPS).astype(np.int32)
        self.pop.legal[holders] = TPS_LOST
        self.rec.add(t, "tps_lost", holders.size)
        settled = holders[IS_SETTLED[self.pop.status[holders]]]
        self.calendar.schedule(settled, t + 1 + self._lags(settled.size))


    def _count_tps_choices(self, agents: np.ndarray, node: np.ndarray, pick: np.ndarray, t: int) -> None:
        """What former TPS holders do at their first choice: stay without status, go home, move on."""
        lost = np.flatnonzero(self.pop.legal[agents] == TPS_LOST)
        if lost.size == 0:
            return
        stays = pick[lost] == 0
        path = self.cand_path[node[lost], np.maximum(pick[lost] - 1, 0)]
        home = ~stays & (self.path_end_country[path] == self.home_country)
        self.rec.add(t, "tps_lost_stayed", np.count_nonzero(stays))
        self.rec.add(t, "tps_lost_went_home", np.count_nonzero(home))
        self.rec.add(t, "tps_lost_moved_on", np.count_nonzero(~stays & ~home))
        self.pop.legal[agents[lost]] = NO_STATUS

    def _take_parole(self, movers: np.ndarray, t: int) -> np.ndarray:
        """Those heading for the US who qualify (a sponsor) enter on parole while the month's quota lasts."""
        if self._parole_left < 1 or self.us < 0 or movers.size == 0:
            return movers
        share = self.scenario.behaviour.parole_eligible_share
        to_us = np.flatnonzero((self.path_end_country[self.pop.path[movers]] == self.us)
                               & (self.rng_sim.random(movers.size, dtype=np.float32) < share))
        n = min(int(self._parole_left), to_us.size)
        if n == 0:
            return movers
        lucky = movers[to_us[:n]]
        self._parole_left -= n
        self.rec.add(t, "parole_entries", n)
        pop = self.pop
        last = self.net.path_length[pop.path[lucky]] - 1
        self._set_node(lucky, self.net.path_nodes[pop.path[lucky], last])
        pop.pos[lucky] = last
        pop.legal[lucky] = ASYLUM_PENDING
        self._settle(lucky, t)
        keep = np.ones(movers.size, bool)
        keep[to_us[:n]] = False
        return movers[keep]


    def _repatriation_flights(self, t: int) -> None:
        """A flight today offers Venezuelans at its origin a free seat home; those who take it board, up to the seats.

        Travellers already on their way home take it; settled migrants, those working on the way and
        travellers waiting for a place weigh it once (:func:`sim.behaviour.flight_home_probability`).
        """
        for flight in self.timeline.flights:
            if flight.day != t:
                continue
            pop, w = self.pop, self.scenario.behaviour.weights
            here = np.flatnonzero(pop.node == flight.origin).astype(np.int32)  # one scan per flight
            status = pop.status[here]
            eligible = here[IS_SETTLED[status] | (status == WORKING) | np.isin(here, self.waiting)]
            settled = IS_SETTLED[pop.status[eligible]]
            homebound = ~settled & (self.path_end_country[pop.path[eligible]] == self.home_country)
            legal = np.where(HAS_STATUS[pop.legal[eligible]], 1.0, self.legal_chance_at[self._epoch, flight.origin])
            p = bh.flight_home_probability(w, self.log_income_at[flight.origin], self.log_income_at[self.home],
                                           legal, settled)
            wants = eligible[homebound | (self.rng_sim.random(eligible.size) < p)]
            board = self.rng_sim.permutation(wants)[: self.agents_for(flight.seats)]
            self.rec.add(t, "repatriation_flight_demand", wants.size)
            if board.size == 0:
                continue
            self.waiting = self.waiting[~np.isin(self.waiting, board)]
            self._set_node(board, flight.destination)
            pop.been_abroad[board] = False
            pop.settled_since[board] = t
            self.rec.add(t, "returns_home", board.size)
            self.rec.add(t, "returns_home_flight", board.size)
            self.rec.add(t, "repatriation_flight_passengers", board.size)
            pop.legal[board] = PERMIT
            pop.path[board] = -1
            self._set_status(board, RETURNED)
