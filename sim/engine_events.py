"""The vectorised engine's policy events: TPS ending, parole, repatriation flights, and removal with capacity.

A mixin of :class:`sim.engine.VectorModel` (it uses that class's population and bookkeeping),
kept apart so that the engine module reads as the daily round of travel and decisions.
"""
from __future__ import annotations

import numpy as np

from . import behaviour as bh
from .draws import Purpose
from .population import (
    ASYLUM_PENDING, DETAINED, DETAINED_UNTIL_DUE, EARNS_FULL, HAS_STATUS, IN_TRANSIT, IS_SETTLED, NO_STATUS, PERMIT,
    RETURNED, TPS, TPS_LOST, WORKING,
)
from .vocabulary import WithoutSeat


class PolicyEvents:
    """TPS termination, parole and repatriation flights for :class:`sim.engine.VectorModel`."""

    def _end_tps(self, t: int) -> None:
        """TPS holders lose status and reconsider once the news reaches them (a one-off scan)."""
        holders = np.flatnonzero(self.pop.legal == TPS).astype(np.int32)
        self.pop.legal[holders] = TPS_LOST
        self.rec.add(t, "tps_lost", holders.size)
        settled = holders[IS_SETTLED[self.pop.status[holders]]]
        self.calendar.schedule(settled, t + 1 + self._lags(Purpose.TPS_NEWS, t, settled))


    def _count_tps_choices(self, agents: np.ndarray, node: np.ndarray, pick: np.ndarray, t: int,
                           legal: np.ndarray | None = None) -> None:
        """What former TPS holders do at their first choice: stay without status, go home, move on.

        ``legal``: the agents' legal status if the caller has it at hand (saves a gather).
        """
        legal = self.pop.legal[agents] if legal is None else legal
        lost = np.flatnonzero(legal == TPS_LOST)
        if lost.size == 0:
            return
        stays = pick[lost] == 0
        path = self.cand_path[node[lost], np.maximum(pick[lost] - 1, 0)]
        home = ~stays & (self.path_end_country[path] == self.home_country)
        self.rec.add(t, "tps_lost_stayed", np.count_nonzero(stays))
        self.rec.add(t, "tps_lost_went_home", np.count_nonzero(home))
        self.rec.add(t, "tps_lost_moved_on", np.count_nonzero(~stays & ~home))
        self.pop.legal[agents[lost]] = NO_STATUS

    def _take_appointments(self, agents: np.ndarray, us_border: np.ndarray, t: int) -> np.ndarray:
        """bool [arrivals]: those reaching the US border who hold one of today's appointments at a port
        (by a keyed priority among them while the day's last); they are encountered there and released."""
        got = np.zeros(us_border.size, bool)
        at = np.flatnonzero(us_border)
        n = min(int(self.appointments_left), at.size)
        if n > 0:
            priority = self.draws.uniform32(Purpose.APPOINTMENT, t, agents[at])
            got[at[np.argsort(priority, kind="stable")[:n]]] = True
            self.appointments_left -= n
            self.rec.add(t, "port_appointments", n)
        return got

    def _take_parole(self, movers: np.ndarray, t: int) -> np.ndarray:
        """Those heading for the US who qualify (a sponsor) enter on parole while the month's quota lasts."""
        if self._parole_left < 1 or self.us < 0 or movers.size == 0:
            return movers
        share = self.scenario.behaviour.parole_eligible_share
        to_us = np.flatnonzero((self.path_end_country[self.pop.path[movers]] == self.us) & self.pop.passport[movers]
                               & (self.draws.uniform32(Purpose.PAROLE, t, movers) < share))
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
        """A flight today carries first those held for removal by its origin's country, then volunteers.

        Volunteers are Venezuelans at its origin: travellers already on their way home take a seat;
        settled migrants, those working on the way and travellers waiting for a place weigh it once
        (:func:`sim.behaviour.flight_home_probability`). The seats cap who boards.
        """
        for flight in self.timeline.flights:
            if flight.day != t:
                continue
            seats = self.agents_for(flight.seats, what=flight.origin * self.net.n_nodes + flight.destination)
            country = int(self.net.node_country[flight.origin])
            held = self.removal.board(country, seats).astype(np.int32)
            if held.size:
                self.rec.add(t, "repatriation_flight_passengers", held.size)
                self._deport(held, np.full(held.size, country), t)
            wants = self._flight_volunteers(flight.origin, t)
            # seats go to the volunteers of lowest keyed priority: who boards does not depend on the order found
            priority = self.draws.uniform64(Purpose.BOARDING, t, wants)
            board = wants[np.argsort(priority, kind="stable")][: seats - held.size]
            self.rec.add(t, "repatriation_flight_demand", wants.size + held.size)
            if board.size == 0:
                continue
            self.waiting = self.waiting[~np.isin(self.waiting, board)]
            self.rec.add(t, "returns_home_flight", board.size)
            self.rec.add(t, "repatriation_flight_passengers", board.size)
            self._arrive_home(board, flight.destination, t)

    def _flight_volunteers(self, origin: int, t: int) -> np.ndarray:
        """Venezuelans at ``origin`` who would take a free seat home today."""
        pop, b = self.pop, self.scenario.behaviour
        here = np.flatnonzero(pop.node == origin).astype(np.int32)  # one scan per flight
        status = pop.status[here]
        eligible = here[IS_SETTLED[status] | (status == WORKING) | np.isin(here, self.waiting)]
        settled = IS_SETTLED[pop.status[eligible]]
        homebound = ~settled & (self.path_end_country[pop.path[eligible]] == self.home_country)
        legal = np.where(HAS_STATUS[pop.legal[eligible]], 1.0, self.legal_chance_at[self._epoch, origin])
        earns = bh.here_log_income(np.full(eligible.size, self.log_income_at[origin]),
                                   EARNS_FULL[pop.legal[eligible]], b.irregular_income_share)
        p = bh.flight_home_probability(b.weights, earns, self.log_income_at[self.home], legal, settled,
                                       float(self.push_at[t]))
        return eligible[homebound | (self.draws.uniform64(Purpose.FLIGHT_HOME, t, eligible) < p)]

    # --- removal with capacity (sim.removal) ----------------------------------------------------

    def _deport(self, agents: np.ndarray, country: np.ndarray, t: int) -> None:
        """Removed home by ``country``: a return home, with the rights of a citizen there."""
        self.rec.add_by(self.rec.by_country, t, "deportations", country, size=len(self.net.countries))
        self.count_control(t, country, stops=True)
        self.rec.add(t, "returns_home_deported", agents.size)
        self._arrive_home(agents, self.home, t)

    def _arrive_home(self, agents: np.ndarray, node: int, t: int) -> None:
        """Back home at ``node`` (removed or on a repatriation flight): a return home, with a citizen's rights."""
        self.rec.add(t, "returns_home", agents.size)
        self._changed_country(agents, np.full(agents.size, self.home_country), t)
        self._set_node(agents, node)
        self.pop.been_abroad[agents] = False
        self.pop.settled_since[agents] = t
        self._set_status(agents, RETURNED)
        self.pop.path[agents] = -1
        self.pop.legal[agents] = PERMIT  # citizens at home

    def _changed_country(self, agents: np.ndarray, country: np.ndarray, t: int) -> None:
        """Count journeys ending in another country than the one they began in; the new one is home now."""
        moved = country != self.pop.journey_from[agents]
        self.rec.add_by(self.rec.by_country, t, "changed_country", country[moved], size=len(self.net.countries))
        self.pop.journey_from[agents] = country

    def _hold(self, agents: np.ndarray, arc: np.ndarray, country: np.ndarray, fixed_term: np.ndarray,
              t: int) -> None:
        """Held by the country that stopped them: queued for a removal seat, or (no removal lever) a fixed term.

        Detainees wait in the country holding them (the arc's end if it lies there, else its start).
        """
        net, pop, rec = self.net, self.pop, self.rec
        rec.add_by(rec.by_country, t, "detentions", country, size=len(net.countries))
        inside = net.node_country[net.arc_to[arc]] == country
        self._set_node(agents[inside], net.arc_to[arc[inside]])
        self._set_status(agents, DETAINED)
        pop.held_by[agents] = country
        seats = self.state.removal_seats[country]
        queued = ~np.isnan(seats)
        for c in np.unique(country[queued]):
            self.removal.hold(int(c), agents[queued & (country == c)], t)
        term = ~queued & fixed_term
        pop.countdown[agents[term]] = DETAINED_UNTIL_DUE
        self.calendar.schedule(agents[term], np.full(np.count_nonzero(term), t + self.scenario.behaviour.detention_days))
        now = ~queued & ~fixed_term  # deported at once: no removal lever in force
        if now.any():
            self._deport(agents[now], country[now], t)

    def _removals(self, t: int) -> None:
        """Today's removal seats go to the longest held; those held too long are let go as the lever says."""
        removed, expired = self.removal.today(t, self.removal_seats_today(), self.state.removal_wait)
        for c, agents in removed:
            self._deport(agents.astype(np.int32), np.full(agents.size, c), t)
        for c, agents in expired:
            self._let_go(agents.astype(np.int32), c, t)

    def _let_go(self, agents: np.ndarray, country: int, t: int) -> None:
        """No seat in time: released into the holding country (on their way), or expelled back to the transit country."""
        pop, net = self.pop, self.net
        arc = net.path_arcs[pop.path[agents], pop.pos[agents]]
        fallback = WithoutSeat(self.state.removal_fallback[country])
        self._set_status(agents, IN_TRANSIT)
        if fallback == WithoutSeat.EXPEL:
            self.rec.add(t, "expelled", agents.size)
            self.count_control(t, np.full(agents.size, country), stops=True)
            self._set_node(agents, net.arc_from[arc])
            self._decide(agents, t, settled=False, informed=True)
            return
        self.rec.add(t, "released_no_seat", agents.size)
        if fallback == WithoutSeat.RELEASE_WITH_CASE:
            pop.legal[agents] = ASYLUM_PENDING
        self._go_on(agents, arc, t)  # through the arc they were stopped on
