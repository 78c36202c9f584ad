"""One migrant as a Mesa agent: the readable reference for what the vectorised engine does to each row.

Every rule here mirrors :mod:`sim.engine` (the specification) and calls the same behaviour
functions in :mod:`sim.behaviour`, on one migrant at a time (one-row arrays). The model
(:class:`sim.mesa_engine.MesaModel`) holds what is shared: the network, the policy in force,
the outcome recorder, the calendar of reviews and the lists of travelling and waiting migrants.
"""
from __future__ import annotations

import mesa
import numpy as np

from . import behaviour as bh
from .draws import Purpose
from .vocabulary import FULL_INCOME, HOLDS_STATUS, BorderResponse, Crossing, LegalStatus, Mode, Status, WithoutSeat


class Migrant(mesa.Agent):
    """A Venezuelan migrant (one agent stands for ``scale`` people).

    Attributes:
        status: resident, in_transit, working (on the way, to pay the next leg), detained, arrived,
            returned or dead (``sim.vocabulary.Status``).
        node: index of the location where the migrant is (the last one reached, if travelling);
            ``location`` is its name.
        path: index of the candidate route followed, -1 if none; ``route`` is its name.
        position: index of ``node`` on the route.
        days_left: days to the next location while on a segment.
        savings: USD left.
        with_children: travelling with children.
        legal_status: none, permit, tps, asylum_pending, or tps_lost (TPS ended, no status, the first
            choice since not yet made) (``sim.vocabulary.LegalStatus``).
        been_abroad: has been outside the home country since last living there (so that coming
            back is a return home, and a journey abandoned before the border is not).
        settled_since: day the savings were last brought up to date while settled.
        journey_from: index of the country where the current journey began (where last settled).
        held_by: index of the country holding the migrant while detained.
        index: position in the model's list of migrants (how removal queues name them).
        passport: holds a valid passport, without which no route with an international flight is open.
    """

    def __init__(self, model, node: int, savings: float, with_children: bool, legal_status: LegalStatus,
                 passport: bool = True):
        super().__init__(model)
        self.status = Status.RESIDENT
        self.node = node
        self.path = -1
        self.position = 0
        self.days_left = 0
        self.savings = savings
        self.with_children = with_children
        self.legal_status = legal_status
        self.been_abroad = model.net.node_country[node] != model.home_country
        self.settled_since = 0
        self.journey_from = int(model.net.node_country[node])
        self.held_by = -1
        self.fixed_term = False  # detained for a fixed term (no removal lever), removed when it ends
        self.index = len(model.migrants)
        self.passport = passport

    # --- what a reader wants to see ------------------------------------------------------------

    @property
    def location(self) -> str:
        return self.model.net.nodes[self.node]

    @property
    def route(self) -> str:
        return self.model.net.path_name(self.path) if self.path >= 0 else ""

    @property
    def earns_full(self) -> bool:
        """Earns a place's full income: legal status or a pending asylum case (``sim.vocabulary.FULL_INCOME``)."""
        return self.legal_status in FULL_INCOME

    @property
    def arc(self) -> int:
        """The directed segment from the current position to the next location on the route."""
        return int(self.model.net.path_arcs[self.path, self.position])

    def __repr__(self) -> str:
        return (f"Migrant({self.unique_id}, {self.status}, at {self.location!r}, legal {self.legal_status}, "
                f"${self.savings:,.0f}{', with children' if self.with_children else ''})")

    def draw(self, purpose: Purpose, double: bool = False) -> float:
        """This migrant's uniform for ``purpose`` today: the number VectorModel draws for its row (sim/draws.py)."""
        return self.model.uniform(purpose, self.index, double)

    # --- bookkeeping: the model keeps counts of people by status and by location --------------

    def become(self, status: Status) -> None:
        self.model.count_status(self.status, -1)
        self.model.count_status(status, +1)
        self.status = status

    def move_to(self, node: int) -> None:
        self.model.people_at[self.node] -= 1
        self.model.people_at[node] += 1
        self.node = int(node)
        if self.model.net.node_country[node] != self.model.home_country:
            self.been_abroad = True

    # --- a day on the road ---------------------------------------------------------------------

    def travel(self) -> None:
        """A day on the current segment: death hazard, child abandonment, then arrival at its end."""
        m = self.model
        arc = self.arc
        if m.arc_death_hazard[arc] > 0 and bh.happens(m.arc_death_hazard[arc], self.draw(Purpose.DEATH)):
            m.count_by_segment("deaths", arc)
            self.become(Status.DEAD)
            m.people_at[self.node] -= 1
            return
        if self.with_children and m.arc_abandon_hazard[arc] > 0 \
                and bh.happens(m.arc_abandon_hazard[arc], self.draw(Purpose.ABANDONMENT)):
            m.count_by_segment("children_abandoned", arc)
            self.with_children = False
        self.days_left -= 1
        if self.days_left > 0:
            m.movers.append(self)
        else:
            self.arrive(arc)

    def arrive(self, arc: int) -> None:
        """End of a segment: crossings are counted, border control may stop the migrant; else go on."""
        m, net, rec, t = self.model, self.model.net, self.model.rec, self.model.day
        rec.arcs_used[t, arc] += 1
        crossing = net.arc_crossing[arc]
        if crossing == Crossing.DARIEN:
            rec.add(t, "darien_crossings_north" if net.arc_northbound[arc] else "darien_crossings_south", 1)
        if m.arc_international[arc]:
            rec.add(t, "border_crossings_north" if net.arc_northbound[arc] else "border_crossings_south", 1)
        if net.arc_control[arc] >= 0:
            m.count_control(t, [net.arc_control[arc]])
        stopped = bh.happens(m.arc_intensity[arc], self.draw(Purpose.INTERCEPTION))
        into_us = crossing == Crossing.US_BORDER and net.arc_northbound[arc]  # going back south is no encounter
        if into_us and m.appointments_left >= 1:  # an appointment at a port: encountered there and released
            m.appointments_left -= 1
            rec.add(t, "port_appointments", 1)
            rec.add(t, "encounters_us_border", 1)
            self.legal_status = LegalStatus.ASYLUM_PENDING
            stopped = False
        elif into_us:
            rec.add(t, "encounters_us_border" if stopped else "us_border_evasions", 1)
            share = m.scenario.behaviour.asylum_release_share[m.state.asylum]
            if stopped and self.draw(Purpose.ASYLUM_RELEASE) < share:  # released into the US to pursue asylum
                self.legal_status = LegalStatus.ASYLUM_PENDING
                rec.add(t, "released_us_asylum", 1)
                stopped = False
        if stopped:
            rec.add(t, "interceptions", 1)
            self.intercepted(arc)
            return
        self.go_on(arc)

    def go_on(self, arc: int) -> None:
        """Through the segment: at its end, settle if the route ends there, else decide what next."""
        net = self.model.net
        self.position += 1
        self.move_to(net.arc_to[arc])
        if self.position >= net.path_length[self.path] - 1:
            self.settle(last_mode=int(net.arc_mode[arc]))
        else:
            self.decide(settled=False)

    def intercepted(self, arc: int) -> None:
        """What the controlling country does: push back (decide again here), or hold for removal."""
        m, net, t = self.model, self.model.net, self.model.day
        country = int(net.arc_control[arc])
        response = BorderResponse(m.state.border_response[country])
        if response == BorderResponse.PUSH_BACK:
            m.rec.add(t, "pushed_back", 1)
            m.count_control(t, [country], stops=True)
            self.decide(settled=False, informed=True)  # still at the segment's start
        else:
            self.hold(arc, country, fixed_term=response == BorderResponse.DETAIN)

    def hold(self, arc: int, country: int, fixed_term: bool) -> None:
        """Held by ``country``: queued for a removal seat; without a removal lever, a fixed term or removal at once."""
        m, net, t = self.model, self.model.net, self.model.day
        m.count_by_country("detentions", country)
        if net.node_country[net.arc_to[arc]] == country:  # held inside the country that stopped them
            self.move_to(net.arc_to[arc])
        self.become(Status.DETAINED)
        self.held_by = country
        if not np.isnan(m.state.removal_seats[country]):
            m.removal.hold(country, [self.index], t)
        elif fixed_term:
            self.fixed_term = True
            m.schedule(self, t + m.scenario.behaviour.detention_days)  # then removed
        else:
            self.deport(country)

    def let_go(self, country: int, fallback: WithoutSeat) -> None:
        """Held with no removal seat in time: expelled back to the transit country, or released on their way."""
        m, net, t = self.model, self.model.net, self.model.day
        arc = self.arc
        self.become(Status.IN_TRANSIT)
        if fallback == WithoutSeat.EXPEL:
            m.rec.add(t, "expelled", 1)
            m.count_control(t, [country], stops=True)
            self.move_to(net.arc_from[arc])
            self.decide(settled=False, informed=True)
            return
        m.rec.add(t, "released_no_seat", 1)
        if fallback == WithoutSeat.RELEASE_WITH_CASE:
            self.legal_status = LegalStatus.ASYLUM_PENDING
        self.go_on(arc)

    def deport(self, country: int) -> None:
        """Removed home by ``country``: a return home, with the rights of a citizen there."""
        m, rec, t = self.model, self.model.rec, self.model.day
        m.count_by_country("deportations", country)
        m.count_control(t, [country], stops=True)
        rec.add(t, "returns_home_deported", 1)
        self.fixed_term = False
        self.arrive_home(m.home)

    def arrive_home(self, node: int) -> None:
        """Back home at ``node`` (removed or on a repatriation flight): a return home, with a citizen's rights."""
        m, t = self.model, self.model.day
        m.rec.add(t, "returns_home", 1)
        self.changed_country(m.home_country)
        self.move_to(node)
        self.been_abroad = False
        self.settled_since = t
        self.become(Status.RETURNED)
        self.path = -1
        self.legal_status = LegalStatus.PERMIT

    def changed_country(self, country: int) -> None:
        """Count a journey ending in another country than the one it began in; the new one is home now."""
        if country != self.journey_from:
            self.model.count_by_country("changed_country", country)
        self.journey_from = int(country)

    def settle(self, last_mode: int | None = None, stuck: bool = False) -> None:
        """End of a journey (or a stop on the way): settled here, with a chance of legal status.

        Settling in the home country after being abroad is a return home, by flight if the last
        leg was by air; a journey given up before leaving the country is not.
        """
        m, net, rec, t = self.model, self.model.net, self.model.rec, self.model.day
        country = int(net.node_country[self.node])
        self.changed_country(country)
        home = country == m.home_country
        came_back = home and self.been_abroad
        if came_back:
            rec.add(t, "returns_home", 1)
            rec.add(t, "returns_home_flight" if last_mode == Mode.AIR else "returns_home_overland", 1)
        if home:
            self.been_abroad = False
        chance = m.tables[m.epoch].country_legal_chance[country]
        gets_status = home or self.draw(Purpose.LEGAL_STATUS) < chance
        if self.legal_status != LegalStatus.ASYLUM_PENDING:
            self.legal_status = LegalStatus.PERMIT if gets_status else LegalStatus.NONE
        self.path = -1
        self.settled_since = t
        self.become(Status.RETURNED if came_back else Status.RESIDENT if stuck or home else Status.ARRIVED)

    # --- decisions -----------------------------------------------------------------------------

    def decide(self, settled: bool, informed: bool = False) -> None:
        """Logit choice among staying and each candidate route leaving here, as policy is perceived.

        ``settled``: a settled migrant's reconsideration (staying keeps them settled, leaving
        costs the move constant); otherwise a traveller at a stop (staying means stopping here).
        ``informed``: just turned back at a border, they weigh what is known there now (no perception lag).
        """
        m, net, t = self.model, self.model.net, self.model.day
        if settled:  # savings put aside since the last look
            self.savings = float(bh.accrued_savings(self.savings, m.income_at[self.node], t - self.settled_since,
                                                    m.scenario.behaviour.saving_share))
            self.settled_since = t
        planned = -1 if settled else int(m.plan_index[self.path, self.position])  # carrying on as planned
        lag = 0 if informed else m.perception_lag(Purpose.LAG_SETTLED if settled else Purpose.LAG_TRAVELLING,
                                                   self.index)  # just turned back at a border: they know it now
        epoch = int(m.timeline.epoch_of(t - lag))  # the policy as they know it
        paths, positions = m.cand_path[self.node], m.cand_pos[self.node]
        p, q = np.maximum(paths, 0), positions
        table = m.stacked  # route-table arrays stacked by epoch: [epoch, path(, position)]
        here_legal = 1.0 if self.legal_status in HOLDS_STATUS else \
            table["country_legal_chance"][epoch, net.node_country[self.node]]
        b = m.scenario.behaviour
        at_home = net.node_country[self.node] == m.home_country
        row = lambda a: np.asarray(a)[None, :]  # noqa: E731  one migrant = one row
        utility = bh.utilities(
            m.scenario.behaviour.weights,
            dest_log_income=row(table["dest_log_income"][epoch, p]),
            dest_legal=row(table["dest_legal_chance"][epoch, p]),
            money_cost=row(table["money_cost"][epoch, p, q]),
            death_risk=row(table["death_risk"][epoch, p, q]),
            interception=row(table["interception"][epoch, p, q]),
            days=row(table["days"][epoch, p, q]),
            refusal=row(table["refusal"][epoch, p, q]),
            available=row((paths >= 0) & (self.passport | ~m.cand_needs_passport[self.node])),
            here_log_income=bh.here_log_income([m.log_income_at[self.node]], [self.earns_full],
                                               b.irregular_income_share),
            here_legal=[here_legal],
            savings=bh.means([self.savings], [m.income_at[self.node]], m.scenario.behaviour),
            with_children=[self.with_children],
            settled=[settled],
            planned=[planned],
            push=[m.push_at[t] if at_home else 0.0],
            same_country=row(m.cand_same_country[self.node]),
        )
        choice = Purpose.CHOICE_INFORMED if informed else Purpose.CHOICE_SETTLED if settled else Purpose.CHOICE_TRAVELLING
        pick = int(bh.choose(bh.choice_probabilities(utility), np.array([self.draw(choice, double=True)]))[0])
        if self.legal_status == LegalStatus.TPS_LOST:
            self.count_tps_choice(pick, paths)
        if pick == 0:  # stay: settled migrants stay settled; travellers stop here
            if not settled:
                self.settle(stuck=True)
            return
        path, position = int(paths[pick - 1]), int(positions[pick - 1])
        if bh.happens(m.tables[m.epoch].refusal[path, position], self.draw(Purpose.VISA_REFUSAL)):  # a visa the route needs is refused
            m.rec.add(t, "visa_refusals", 1)
            if not settled:
                self.settle(stuck=True)
            return
        self.path, self.position = path, position
        if settled:
            m.rec.add(t, "departures", 1)
            self.journey_from = int(net.node_country[self.node])
            self.become(Status.IN_TRANSIT)
            if self.legal_status != LegalStatus.ASYLUM_PENDING:
                self.legal_status = LegalStatus.NONE  # a permit or TPS is left behind
        if self.takes_parole():
            return
        self.set_off()

    def count_tps_choice(self, pick: int, paths: np.ndarray) -> None:
        """A former TPS holder's first choice since losing status: stay without it, go home, or move on."""
        m, t = self.model, self.model.day
        if pick == 0:
            m.rec.add(t, "tps_lost_stayed", 1)
        elif m.path_end_country[paths[pick - 1]] == m.home_country:
            m.rec.add(t, "tps_lost_went_home", 1)
        else:
            m.rec.add(t, "tps_lost_moved_on", 1)
        self.legal_status = LegalStatus.NONE

    def takes_parole(self) -> bool:
        """Heading for the US with a sponsor while the month's quota lasts: enter on parole, settled there."""
        m, net, t = self.model, self.model.net, self.model.day
        if m.parole_left < 1 or m.us < 0:
            return False
        if m.path_end_country[self.path] != m.us or not self.passport \
                or not self.draw(Purpose.PAROLE) < m.scenario.behaviour.parole_eligible_share:
            return False
        m.parole_left -= 1
        m.rec.add(t, "parole_entries", 1)
        last = int(net.path_length[self.path]) - 1
        self.move_to(net.path_nodes[self.path, last])
        self.position = last
        self.legal_status = LegalStatus.ASYLUM_PENDING
        self.settle()
        return True

    def set_off(self) -> None:
        """Start the next segment of the route: find a place, pay, start the countdown."""
        m, net = self.model, self.model.net
        arc = self.arc
        capacity = m.arc_capacity[arc]
        if capacity < 1 and self.draw(Purpose.PLACE) >= capacity:  # smugglers short of places: wait, reconsider tomorrow
            m.waiting.append(self)
            return
        cost = m.arc_cost[arc]
        if self.savings < cost:
            self.work_on_the_way(cost)
            return
        self.savings -= cost
        fee = m.arc_fee[arc]
        if fee > 0 and net.arc_network[arc] >= 0:  # revenue: fees a criminal network collects
            m.count_by_network("smuggling_revenue_usd", arc, fee)
        self.days_left = int(m.arc_days[arc])
        if self.status != Status.IN_TRANSIT:
            self.become(Status.IN_TRANSIT)
        m.movers.append(self)

    def work_on_the_way(self, cost: float) -> None:
        """Short of the next leg's price: work here until it is earned, or stop here if that takes too long."""
        m, b, t = self.model, self.model.scenario.behaviour, self.model.day
        income = m.income_at[self.node]
        days = bh.work_days([cost - self.savings], [income], b.transit_saving_share)[0]
        if days > b.max_work_days:
            m.rec.add(t, "stranded", 1)
            self.settle(stuck=True)
            return
        m.rec.add(t, "stopped_to_work", 1)
        self.savings = float(bh.accrued_savings(self.savings, income, int(days), b.transit_saving_share))
        self.become(Status.WORKING)
        m.back_on_the_road.setdefault(t + int(days), []).append(self)
