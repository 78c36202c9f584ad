"""The vectorised engine: one ``mesa.Model`` whose agents are rows of a structure of arrays.

Each day touches only the migrants who act: those travelling (kept in an index of movers),
those reaching a location, settled migrants drawn to reconsider today, and those a calendar
says are due (end of detention, news of a policy). Behaviour comes from :mod:`sim.behaviour`;
the route choice itself runs in :mod:`sim.kernels`.
"""
from __future__ import annotations

import numpy as np

from . import behaviour as bh
from .calendar import Calendar, first_occurrences
from .draws import Purpose
from .engine_events import PolicyEvents
from .kernels import StayBounds, choose_routes
from .model import MigrationModel
from .population import (
    ARRIVED, ASYLUM_PENDING, DEAD, DETAINED, DETAINED_UNTIL_DUE, EARNS_FULL, HAS_STATUS, IN_TRANSIT, IS_SETTLED,
    NO_STATUS, PERMIT, RESIDENT, RETURNED, STATUSES, WORKING, initial_population,
)
from .scenario import Scenario
from .vocabulary import BorderResponse, Crossing, Mode

AIR = Mode.AIR
DARIEN, US_BORDER = Crossing.DARIEN, Crossing.US_BORDER
PUSH_BACK, DETAIN, DEPORT = BorderResponse


class VectorModel(PolicyEvents, MigrationModel):
    """Migrant route choice on a network, for populations of millions (constructor: MigrationModel)."""

    def __init__(self, scenario: Scenario | str, seed: int | None = None, scale: float | None = None,
                 collect: bool = True):
        super().__init__(scenario, seed, scale, collect)
        self._choice_sets()
        self.pop = initial_population(self.scenario, self.net, self.draws)
        self.calendar = Calendar(self.n_days)  # ends of detention, news of a policy
        self.back_on_the_road = Calendar(self.n_days)  # ends of work on the way
        self.movers = np.empty(0, np.int32)  # agents on an arc
        self.waiting = np.empty(0, np.int32)  # in transit at a location, waiting for a place
        self.status_count = np.bincount(self.pop.status, minlength=len(STATUSES)).astype(np.int64)
        self.people_at = np.bincount(self.pop.node, minlength=self.net.n_nodes).astype(np.int64)
        self._epoch = 0
        self._parole_left = 0

    def _choice_sets(self) -> None:
        """Per policy epoch and location: the candidates' everyone-alike utility, cost and death risk."""
        self.cand_available = self.cand_path >= 0
        # epoch in force on each day (a lookup instead of a search per decision) and who lives at home
        self.epoch_at = self.timeline.epoch_of(np.arange(self.n_days)).astype(np.int64)
        self.node_at_home = self.net.node_country == self.home_country
        n = len(self.tables)
        shape = (n,) + self.cand_path.shape
        self.cand_route_utility = np.empty(shape, np.float32)
        self.cand_cost = np.empty(shape, np.float32)
        self.cand_death = np.empty(shape, np.float32)
        self.legal_chance_at = np.empty((n, self.net.n_nodes), np.float32)
        self.stay_bounds = StayBounds(n, self.net.n_nodes)  # filled as settled migrants decide
        for e in range(n):
            self._table_changed(e)

    def _tables_rebuilt(self) -> None:
        self._choice_sets()

    def _table_changed(self, e: int) -> None:
        """Copy epoch ``e``'s route table into the per-location candidate arrays the choice reads."""
        cp, cq, tb = np.maximum(self.cand_path, 0), self.cand_pos, self.tables[e]
        self.cand_route_utility[e] = bh.route_utility(
            self.scenario.behaviour.weights, dest_log_income=tb.dest_log_income[cp],
            dest_legal=tb.dest_legal_chance[cp], death_risk=tb.death_risk[cp, cq],
            interception=tb.interception[cp, cq], days=tb.days[cp, cq], same_country=self.cand_same_country,
            refusal=tb.refusal[cp, cq])
        self.cand_cost[e] = tb.money_cost[cp, cq]
        self.cand_death[e] = tb.death_risk[cp, cq]
        self.legal_chance_at[e] = tb.country_legal_chance[self.net.node_country]
        self.stay_bounds.forget(e)

    def simulate_day(self, t: int) -> None:
        """Policy in force, travel, waiting travellers reconsider, reviews, flights (as in MesaModel)."""
        self._enter_epoch(t)
        self._travel(t)
        waiting, self.waiting = self.waiting, np.empty(0, np.int32)
        self._decide(waiting, t, settled=False)
        self._resume_work(t)
        self._review_settled(t)
        self._removals(t)
        self._repatriation_flights(t)

    # --- bookkeeping ---------------------------------------------------------------------------

    def _set_status(self, agents: np.ndarray, status: int) -> None:
        self.status_count -= np.bincount(self.pop.status[agents], minlength=len(STATUSES))
        self.status_count[status] += agents.size
        self.pop.status[agents] = status

    def _set_statuses(self, agents: np.ndarray, status: np.ndarray) -> None:
        """Each agent to its own status (one pass, where _set_status would take one per status)."""
        self.status_count -= np.bincount(self.pop.status[agents], minlength=len(STATUSES))
        self.status_count += np.bincount(status, minlength=len(STATUSES))
        self.pop.status[agents] = status

    def _set_node(self, agents: np.ndarray, nodes) -> None:
        n = self.net.n_nodes
        self.people_at -= np.bincount(self.pop.node[agents], minlength=n)
        self.pop.node[agents] = nodes
        self.people_at += np.bincount(self.pop.node[agents], minlength=n)
        self.pop.been_abroad[agents] |= self.net.node_country[self.pop.node[agents]] != self.home_country

    def _reviewers(self, t: int) -> np.ndarray:
        """Settled migrants who reconsider today.

        Each settled migrant reconsiders on any day with probability 1 / reconsideration_days
        (geometric waiting times). Drawing today's number from the binomial and then that many
        distinct agents is the same distribution, at a cost proportional to those drawn; the ids
        drawn depend only on the seed and the day (:meth:`sim.draws.Draws.reconsidering`).
        """
        p = 1.0 / max(self.scenario.behaviour.reconsideration_days, 1.0)
        drawn = self.draws.reconsidering(t, self.pop.size, p)
        return drawn[IS_SETTLED[self.pop.status[drawn]]]

    def _lags(self, purpose: int, t: int, agents: np.ndarray) -> np.ndarray:
        lag = self.scenario.behaviour.perception_lag
        return self.draws.lags(purpose, t, agents, lag.mean_days, lag.shape)

    # --- policy --------------------------------------------------------------------------------

    def _enter_epoch(self, t: int) -> None:
        e = int(self.timeline.epoch_of(t))
        new_month = t == 0 or self.month_starts[t]
        state = self.timeline.states[e]
        if new_month:
            self._parole_left = state.parole_monthly_quota / self.scenario.scale
        self.open_appointments(state)
        if e == self._epoch and t > 0:
            return
        before = self.timeline.states[self._epoch]
        self._epoch = e
        self.state = state
        if t > 0:  # what happened at the borders since, as migrants will perceive it
            self.perceive(e, t)
            self._table_changed(e)
        self.arc_cost = bh.arc_money_cost(self.net, state)
        self.arc_fee = state.arc_fees(self.net)
        self.arc_capacity = state.arc_capacity(self.net)
        self.arc_intensity = np.where(self.net.arc_control >= 0, state.border_intensity[self.net.arc_control], 0.0)
        if before.tps == "designated" and state.tps == "terminated" and t > 0:
            self._end_tps(t)

    # --- daily movement ------------------------------------------------------------------------

    def _travel(self, t: int) -> None:
        """Movers spend a day on their arc: hazards, then arrival at the next location."""
        pop, net, draws = self.pop, self.net, self.draws
        m = self.movers
        if m.size == 0:
            return
        arc = net.path_arcs[pop.path[m], pop.pos[m]]
        alive = np.ones(m.size, bool)
        hz = self.arc_death_hazard[arc]
        at_risk = np.flatnonzero(hz > 0)
        if at_risk.size:
            die = at_risk[bh.happens(hz[at_risk], draws.uniform32(Purpose.DEATH, t, m[at_risk]))]
            if die.size:
                self.rec.add_by(self.rec.by_segment, t, "deaths", net.arc_segment[arc[die]],
                                size=len(net.segment_names))
                self._set_status(m[die], DEAD)
                self.people_at -= np.bincount(pop.node[m[die]], minlength=net.n_nodes)
                alive[die] = False
        ab = self.arc_abandon_hazard[arc]
        at_risk = np.flatnonzero((ab > 0) & pop.with_children[m] & alive)
        if at_risk.size:
            lost = at_risk[bh.happens(ab[at_risk], draws.uniform32(Purpose.ABANDONMENT, t, m[at_risk]))]
            if lost.size:
                self.rec.add_by(self.rec.by_segment, t, "children_abandoned", net.arc_segment[arc[lost]],
                                size=len(net.segment_names))
                pop.with_children[m[lost]] = False
        pop.countdown[m] -= 1
        arrive = alive & (pop.countdown[m] <= 0)
        self.movers = m[alive & ~arrive]
        if arrive.any():
            self._arrive(m[arrive], arc[arrive], t)

    def _arrive(self, agents: np.ndarray, arc: np.ndarray, t: int) -> None:
        """Reaching the end of an arc: crossings counted, border control, then settle or decide."""
        pop, net, rec, draws = self.pop, self.net, self.rec, self.draws
        rec.arcs_used[t] += np.bincount(arc, minlength=net.n_arcs)
        crossing, north = net.arc_crossing[arc], net.arc_northbound[arc]
        rec.add(t, "darien_crossings_north", np.count_nonzero((crossing == DARIEN) & north))
        rec.add(t, "darien_crossings_south", np.count_nonzero((crossing == DARIEN) & ~north))
        abroad = self.arc_international[arc]
        rec.add(t, "border_crossings_north", np.count_nonzero(abroad & north))
        rec.add(t, "border_crossings_south", np.count_nonzero(abroad & ~north))

        controlled = net.arc_control[arc] >= 0
        self.count_control(t, net.arc_control[arc[controlled]])
        stopped = bh.happens(self.arc_intensity[arc], draws.uniform32(Purpose.INTERCEPTION, t, agents))
        us_border = (crossing == US_BORDER) & north  # into the US (going back south is no encounter)
        appointment = self._take_appointments(agents, us_border, t)
        pop.legal[agents[appointment]] = ASYLUM_PENDING
        stopped &= ~appointment
        rec.add(t, "encounters_us_border", np.count_nonzero(stopped & us_border) + np.count_nonzero(appointment))
        rec.add(t, "us_border_evasions", np.count_nonzero(~stopped & us_border & ~appointment))
        released = np.zeros(agents.size, bool)
        enc = np.flatnonzero(stopped & us_border)
        if enc.size:
            share = self.scenario.behaviour.asylum_release_share[self.state.asylum]
            released[enc] = draws.uniform32(Purpose.ASYLUM_RELEASE, t, agents[enc]) < share
            pop.legal[agents[released]] = ASYLUM_PENDING
            rec.add(t, "released_us_asylum", np.count_nonzero(released))
        stopped &= ~released
        rec.add(t, "interceptions", np.count_nonzero(stopped))

        if stopped.any():
            self._intercepted(agents[stopped], arc[stopped], t)
        self._go_on(agents[~stopped], arc[~stopped], t)

    def _go_on(self, agents: np.ndarray, arc: np.ndarray, t: int) -> None:
        """Through the arc: at its end location, settle there if the route ends, else decide what next."""
        pop, net = self.pop, self.net
        pop.pos[agents] += 1
        self._set_node(agents, net.arc_to[arc])
        at_end = pop.pos[agents] >= net.path_length[pop.path[agents]] - 1
        self._settle(agents[at_end], t, last_mode=net.arc_mode[arc[at_end]])
        self._decide(agents[~at_end], t, settled=False)

    def _intercepted(self, agents: np.ndarray, arc: np.ndarray, t: int) -> None:
        """What the controlling country does: push back, or hold for removal (detain / deport)."""
        net, rec = self.net, self.rec
        country = net.arc_control[arc]
        response = self.state.border_response[country]
        back = response == PUSH_BACK
        rec.add(t, "pushed_back", np.count_nonzero(back))
        self.count_control(t, country[back], stops=True)
        self._decide(agents[back], t, settled=False, informed=True)  # still at the arc's start location
        held = ~back
        if held.any():
            self._hold(agents[held], arc[held], country[held], response[held] == DETAIN, t)

    def _settle(self, agents: np.ndarray, t: int, last_mode: np.ndarray | None = None, stuck=False) -> None:
        """End of a journey (or a stop on the way): settled there, with a chance of legal status.

        Settling in the home country after being abroad is a return home, by flight if the last
        leg was by air; a journey given up before leaving the country is not.
        """
        if agents.size == 0:
            return
        pop, net = self.pop, self.net
        country = net.node_country[pop.node[agents]]
        self._changed_country(agents, country, t)
        home = country == self.home_country
        came_back = home & pop.been_abroad[agents]
        pop.been_abroad[agents[home]] = False
        flight = came_back & (last_mode == AIR) if last_mode is not None else np.zeros(agents.size, bool)
        self.rec.add(t, "returns_home", np.count_nonzero(came_back))
        self.rec.add(t, "returns_home_flight", np.count_nonzero(flight))
        self.rec.add(t, "returns_home_overland", np.count_nonzero(came_back & ~flight))
        chance = self.tables[self._epoch].country_legal_chance[country]
        pending = pop.legal[agents] == ASYLUM_PENDING
        gets = home | (self.draws.uniform32(Purpose.LEGAL_STATUS, t, agents) < chance)
        pop.legal[agents] = np.where(pending, ASYLUM_PENDING, np.where(gets, PERMIT, NO_STATUS))
        pop.path[agents] = -1
        pop.settled_since[agents] = t
        self._set_statuses(agents, np.where(came_back, RETURNED, np.where(home | stuck, RESIDENT, ARRIVED)))

    # --- decisions -----------------------------------------------------------------------------

    def _review_settled(self, t: int) -> None:
        """Today's reconsiderations (drawn, or due after news of a policy) and ends of detention."""
        due = self.calendar.pop(t)
        status = self.pop.status[due]
        released = first_occurrences(due[(status == DETAINED) & (self.pop.countdown[due] == DETAINED_UNTIL_DUE)])
        if released.size:  # detention without a removal lever ends in removal
            self._deport(released, self.pop.held_by[released].astype(np.int64), t)
        news = due[IS_SETTLED[status]]
        reviewers = self._reviewers(t)
        if news.size:
            reviewers = np.union1d(news, reviewers).astype(np.int32)
        self._decide(reviewers, t, settled=True)

    def _decide(self, agents: np.ndarray, t: int, settled: bool, informed: bool = False) -> None:
        """Logit choice among staying and each candidate route leaving the agent's location.

        ``informed``: just turned back at a border, they weigh what is known there now (no perception lag).
        """
        if agents.size == 0:
            return
        pop, draws = self.pop, self.draws
        node = pop.node[agents]
        if informed:
            epoch = np.full(agents.size, self.epoch_at[t])
            choice = Purpose.CHOICE_INFORMED
        else:  # the epoch each remembers (days before the run's first: the first epoch)
            lag = self._lags(Purpose.LAG_SETTLED if settled else Purpose.LAG_TRAVELLING, t, agents)
            epoch = self.epoch_at[np.maximum(t - lag, 0)]
            choice = Purpose.CHOICE_SETTLED if settled else Purpose.CHOICE_TRAVELLING
        legal = pop.legal[agents]  # each per-agent array is gathered once
        income = self.income_at[node]
        savings = pop.savings[agents]
        if settled:  # savings put aside since the last look
            savings = bh.accrued_savings(savings, income, t - pop.settled_since[agents],
                                         self.scenario.behaviour.saving_share).astype(pop.savings.dtype)
            pop.savings[agents] = savings
            pop.settled_since[agents] = t
            planned = np.full(agents.size, -1)
        else:
            planned = self.plan_index[pop.path[agents], pop.pos[agents]]
        b = self.scenario.behaviour
        pick = choose_routes(
            b.weights,
            (self.cand_route_utility, self.cand_cost, self.cand_death),
            self.cand_available, epoch, node,
            here_log_income=bh.here_log_income(self.log_income_at[node], EARNS_FULL[legal],
                                               b.irregular_income_share),
            here_legal=np.where(HAS_STATUS[legal], 1.0, self.legal_chance_at[epoch, node]),
            savings=bh.means(savings, income, self.scenario.behaviour),
            with_children=pop.with_children[agents],
            settled=np.full(agents.size, settled),
            planned=planned,
            uniform=draws.uniform64(choice, t, agents),
            push=np.where(self.node_at_home[node], self.push_at[t], 0.0),
            same_country_at=self.cand_same_country,
            needs_passport_at=self.cand_needs_passport,
            passport=pop.passport[agents],
            stay_bounds=self.stay_bounds,
        )
        stay = pick == 0
        self._count_tps_choices(agents, node, pick, t, legal)
        if not settled:
            self._settle(agents[stay], t, stuck=True)
        go = np.flatnonzero(~stay)
        if go.size == 0:
            return
        k = pick[go] - 1
        refusal = self.tables[self._epoch].refusal
        refused = bh.happens(refusal[self.cand_path[node[go], k], self.cand_pos[node[go], k]],
                             draws.uniform32(Purpose.VISA_REFUSAL, t, agents[go]))
        if refused.any():  # a visa the route needs is refused: no journey
            self.rec.add(t, "visa_refusals", np.count_nonzero(refused))
            if not settled:
                self._settle(agents[go[refused]], t, stuck=True)
            go, k = go[~refused], k[~refused]
        movers = agents[go]
        pop.path[movers] = self.cand_path[node[go], k]
        pop.pos[movers] = self.cand_pos[node[go], k]
        if settled:
            self.rec.add(t, "departures", movers.size)
            pop.journey_from[movers] = self.net.node_country[pop.node[movers]]
            self._set_status(movers, IN_TRANSIT)
            keeps_status = pop.legal[movers] == ASYLUM_PENDING
            pop.legal[movers] = np.where(keeps_status, ASYLUM_PENDING, NO_STATUS)
        movers = self._take_parole(movers, t)
        self._begin_arcs(movers, t)

    def _begin_arcs(self, agents: np.ndarray, t: int) -> None:
        """Set off on the next arc of the path: find a place (else wait and reconsider tomorrow), pay, go."""
        if agents.size == 0:
            return
        pop, net, rec = self.pop, self.net, self.rec
        arc = net.path_arcs[pop.path[agents], pop.pos[agents]]
        cap = self.arc_capacity[arc]
        no_place = cap < 1
        if no_place.any():
            no_place[no_place] = self.draws.uniform32(Purpose.PLACE, t, agents[no_place]) >= cap[no_place]
            self.waiting = np.concatenate([self.waiting, agents[no_place]])
            agents, arc = agents[~no_place], arc[~no_place]
        cost = self.arc_cost[arc]
        broke = pop.savings[agents] < cost
        if broke.any():
            self._work_on_the_way(agents[broke], cost[broke], t)
            agents, arc, cost = agents[~broke], arc[~broke], cost[~broke]
        pop.savings[agents] -= cost
        fee = self.arc_fee[arc]
        paid = (fee > 0) & (net.arc_network[arc] >= 0)  # revenue: fees a criminal network collects
        if paid.any():
            rec.add_by(rec.by_network, t, "smuggling_revenue_usd", net.arc_network[arc[paid]],
                       weights=fee[paid], size=len(net.criminal_networks))
        pop.countdown[agents] = self.arc_days[arc]
        self._set_status(agents[pop.status[agents] != IN_TRANSIT], IN_TRANSIT)
        self.movers = np.concatenate([self.movers, agents])

    def _work_on_the_way(self, agents: np.ndarray, cost: np.ndarray, t: int) -> None:
        """Short of the next leg's price: work here until it is earned, or stop here if that takes too long."""
        pop, b = self.pop, self.scenario.behaviour
        income = self.income_at[pop.node[agents]]
        days = bh.work_days(cost - pop.savings[agents], income, b.transit_saving_share)
        works = days <= b.max_work_days
        self.rec.add(t, "stranded", np.count_nonzero(~works))
        self._settle(agents[~works], t, stuck=True)
        workers, days = agents[works], days[works].astype(np.int64)
        self.rec.add(t, "stopped_to_work", workers.size)
        pop.savings[workers] = bh.accrued_savings(pop.savings[workers], income[works], days,
                                                  b.transit_saving_share)
        self._set_status(workers, WORKING)
        self.back_on_the_road.schedule(workers, t + days)

    def _resume_work(self, t: int) -> None:
        """Travellers who have earned the next leg decide again where they are (usually: carry on)."""
        due = self.back_on_the_road.pop(t)
        due = first_occurrences(due[self.pop.status[due] == WORKING])  # scheduled twice: one resumption
        if due.size:
            self._set_status(due, IN_TRANSIT)
            self._decide(due, t, settled=False)
