"""The reference engine: one ``mesa.Agent`` per migrant, readable and slow.

It mirrors :class:`sim.engine.VectorModel` (the specification) day by day and rule by rule,
with the same constructor, outcome recorder and tables, and the same behaviour functions from
:mod:`sim.behaviour`. The two are checked against each other statistically
(tests/test_engine_equivalence.py). A day, in order:

1. the policy in force today (a new epoch may end TPS; a new month refills the parole quota);
2. every traveller spends a day on their segment (hazards), and those reaching its end arrive:
   crossings are counted, border control may intercept them, the rest settle or decide again;
3. travellers who found no place yesterday reconsider where they are, and so do those who have
   worked long enough on the way to pay their next leg;
4. detention ends in deportation when due; settled migrants reconsider (each with probability
   1 / reconsideration_days a day, or when news of a policy that concerns them arrives);
5. repatriation flights offer Venezuelans at their origin a free seat home, up to the seats;
6. stocks (people by status and by location) are recorded.
"""
from __future__ import annotations

import numpy as np

from . import behaviour as bh
from .agents import Migrant
from .draws import Purpose
from .model import MigrationModel
from .population import initial_population
from .scenario import Scenario
from .vocabulary import HOLDS_STATUS, SETTLED, LegalStatus, Status, WithoutSeat

STACKED = ("money_cost", "refusal", "death_risk", "interception", "days", "dest_log_income", "dest_legal_chance",
           "country_legal_chance")


class MesaModel(MigrationModel):
    """Migrant route choice on a network, one Mesa agent per migrant (constructor: MigrationModel)."""

    def __init__(self, scenario: Scenario | str, seed: int | None = None, scale: float | None = None,
                 collect: bool = True):
        super().__init__(scenario, seed, scale, collect)
        self._tables_rebuilt()
        self.calendar: dict[int, list[Migrant]] = {}  # day -> migrants due (end of detention, news of TPS)
        self.back_on_the_road: dict[int, list[Migrant]] = {}  # day -> migrants ending work on the way
        self.movers: list[Migrant] = []  # on a segment
        self.waiting: list[Migrant] = []  # in transit at a location, waiting for a place
        self.epoch = 0
        self.parole_left = 0.0
        self.state = self.timeline.states[0]

        pop = initial_population(self.scenario, self.net, self.draws)  # the same draws as VectorModel
        self.migrants: list[Migrant] = []  # in creation order, for drawing today's reviewers
        for i in range(pop.size):
            migrant = Migrant(self, int(pop.node[i]), float(pop.savings[i]), bool(pop.with_children[i]),
                              LegalStatus(pop.legal[i]), bool(pop.passport[i]))
            self.migrants.append(migrant)
            self.status_count[migrant.status] += 1
            self.people_at[migrant.node] += 1

    def _tables_rebuilt(self) -> None:
        """Route-table arrays stacked by epoch, as the agents read them: [epoch, path(, position)]."""
        self.stacked = {name: np.stack([getattr(tb, name) for tb in self.tables]) for name in STACKED}

    def simulate_day(self, t: int) -> None:
        """One day, in the order of the module docstring (steps 1-5; the base class records stocks)."""
        self.enter_epoch(t)
        travellers, self.movers = self.movers, []
        for migrant in travellers:
            migrant.travel()
        waiting, self.waiting = self.waiting, []
        for migrant in waiting:
            migrant.decide(settled=False)
        for migrant in self.back_on_the_road.pop(t, []):
            if migrant.status == Status.WORKING:
                migrant.become(Status.IN_TRANSIT)
                migrant.decide(settled=False)
        self.review_settled(t)
        self.removals(t)
        self.repatriation_flights(t)

    # --- what agents ask of the model ----------------------------------------------------------

    def uniform(self, purpose: Purpose, agent: int, double: bool = False) -> float:
        """Agent ``agent``'s uniform in [0, 1) for ``purpose`` today (sim/draws.py): the number VectorModel
        draws for the same agent, purpose and day (``double``: its 53-bit draw, else its 24-bit one)."""
        return (self.draws.one64 if double else self.draws.one32)(purpose, self.day, agent)

    def perception_lag(self, purpose: Purpose, agent: int) -> int:
        lag = self.scenario.behaviour.perception_lag
        return self.draws.one_lag(purpose, self.day, agent, lag.mean_days, lag.shape)

    def schedule(self, migrant: Migrant, day: int) -> None:
        """Put a migrant on the calendar (days past the run's end are not kept)."""
        if 0 <= day < self.n_days:
            self.calendar.setdefault(int(day), []).append(migrant)

    def count_status(self, status: str, change: int) -> None:
        self.status_count[status] += change

    def count_by_segment(self, name: str, arc: int) -> None:
        self.rec.add_by(self.rec.by_segment, self.day, name, self.net.arc_segment[[arc]],
                        size=len(self.net.segment_names))

    def count_by_country(self, name: str, country: int) -> None:
        self.rec.add_by(self.rec.by_country, self.day, name, np.array([country]), size=len(self.net.countries))

    def count_by_network(self, name: str, arc: int, amount: float) -> None:
        self.rec.add_by(self.rec.by_network, self.day, name, self.net.arc_network[[arc]], weights=[amount],
                        size=len(self.net.criminal_networks))

    # --- policy --------------------------------------------------------------------------------

    def enter_epoch(self, t: int) -> None:
        """Today's policy: the day's port appointments; the parole quota refills on the first of a month; a new
        epoch sets the levers."""
        e = int(self.timeline.epoch_of(t))
        state = self.timeline.states[e]
        if t == 0 or self.month_starts[t]:
            self.parole_left = state.parole_monthly_quota / self.scenario.scale
        self.open_appointments(state)
        if e == self.epoch and t > 0:
            return
        before = self.timeline.states[self.epoch]
        self.epoch, self.state = e, state
        if t > 0:  # what happened at the borders since, as migrants will perceive it
            table = self.perceive(e, t)
            for name in STACKED:
                self.stacked[name][e] = getattr(table, name)
        net = self.net
        self.arc_cost = bh.arc_money_cost(net, state)
        self.arc_fee = state.arc_fees(net)
        self.arc_capacity = state.arc_capacity(net)
        self.arc_intensity = np.where(net.arc_control >= 0, state.border_intensity[net.arc_control], 0.0)
        if before.tps == "designated" and state.tps == "terminated" and t > 0:
            self.end_tps(t)

    def end_tps(self, t: int) -> None:
        """TPS holders lose status; settled ones reconsider once the news reaches them."""
        for migrant in self.migrants:
            if migrant.legal_status != LegalStatus.TPS:
                continue
            migrant.legal_status = LegalStatus.TPS_LOST
            self.rec.add(t, "tps_lost", 1)
            if migrant.status in SETTLED:
                self.schedule(migrant, t + 1 + self.perception_lag(Purpose.TPS_NEWS, migrant.index))

    # --- settled migrants and events -----------------------------------------------------------

    def review_settled(self, t: int) -> None:
        """Ends of detention (deportation), then today's reconsiderations: news due, and those drawn."""
        due = [(migrant, migrant.status) for migrant in self.calendar.pop(t, [])]
        for migrant, status in due:
            if status == Status.DETAINED and migrant.fixed_term:
                migrant.deport(migrant.held_by)
        news = {migrant for migrant, status in due if status in SETTLED}
        reviewers = self.reviewers()
        if news:  # each decides once, in order of creation
            reviewers = sorted(news | set(reviewers), key=lambda m: m.unique_id)
        for migrant in reviewers:
            migrant.decide(settled=True)

    def reviewers(self) -> list[Migrant]:
        """Settled migrants who reconsider today.

        Each settled migrant reconsiders on any day with probability 1 / reconsideration_days.
        Drawing today's number from the binomial and then that many distinct migrants is the same
        distribution, at a cost proportional to those drawn; the very ids the vectorised engine draws.
        """
        p = 1.0 / max(self.scenario.behaviour.reconsideration_days, 1.0)
        drawn = self.draws.reconsidering(self.day, len(self.migrants), p)
        return [self.migrants[i] for i in drawn if self.migrants[i].status in SETTLED]

    def removals(self, t: int) -> None:
        """Today's removal seats go to the longest held; those held too long are let go as the lever says."""
        removed, expired = self.removal.today(t, self.removal_seats_today(), self.state.removal_wait)
        for country, held in removed:
            for i in held:
                self.migrants[i].deport(country)
        for country, held in expired:
            fallback = WithoutSeat(self.state.removal_fallback[country])
            for i in held:
                self.migrants[i].let_go(country, fallback)

    def repatriation_flights(self, t: int) -> None:
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
            held = self.removal.board(country, seats)
            for i in held:
                self.rec.add(t, "repatriation_flight_passengers", 1)
                self.migrants[i].deport(country)
            wants = self.flight_volunteers(flight.origin, t)
            # seats go to the volunteers of lowest keyed priority (as VectorModel)
            board = sorted(wants, key=lambda m: (self.uniform(Purpose.BOARDING, m.index, double=True), m.index))
            board = board[: max(seats - len(held), 0)]
            self.rec.add(t, "repatriation_flight_demand", len(wants) + len(held))
            aboard = set(board)
            self.waiting = [m for m in self.waiting if m not in aboard]
            for migrant in board:
                self.rec.add(t, "returns_home_flight", 1)
                self.rec.add(t, "repatriation_flight_passengers", 1)
                migrant.arrive_home(flight.destination)

    def flight_volunteers(self, origin: int, t: int) -> list[Migrant]:
        """Venezuelans at ``origin`` who would take a free seat home today."""
        b = self.scenario.behaviour
        waiting = set(self.waiting)
        wants = []
        for m in self.migrants:
            if m.node != origin or not (m.status in SETTLED or m.status == Status.WORKING or m in waiting):
                continue
            settled = m.status in SETTLED
            if not settled and self.path_end_country[m.path] == self.home_country:
                wants.append(m)  # already on the way home
                continue
            legal = 1.0 if m.legal_status in HOLDS_STATUS else \
                self.stacked["country_legal_chance"][self.epoch, self.net.node_country[origin]]
            earns = bh.here_log_income([self.log_income_at[origin]], [m.earns_full], b.irregular_income_share)
            p = bh.flight_home_probability(b.weights, earns, self.log_income_at[self.home], legal, settled,
                                           float(self.push_at[t]))
            if self.uniform(Purpose.FLIGHT_HOME, m.index, double=True) < p[0]:
                wants.append(m)
        return wants
