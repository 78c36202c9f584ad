"""What both engines share: the scenario's world read once, the day's bookkeeping, the outputs.

:class:`sim.engine.VectorModel` and :class:`sim.mesa_engine.MesaModel` subclass
:class:`MigrationModel` and implement :meth:`MigrationModel.simulate_day`; everything else (the
constructor, ``step``/``run``, reporters and tables) is this one piece of code.
"""
from __future__ import annotations

from typing import Callable

import mesa
import numpy as np
import pandas as pd

from . import behaviour as bh
from .draws import Draws
from .load import load_scenario, network_of
from .outcomes import Recorder, arcs_table, daily_table, locations_table
from .perception import perceived_stop, stated_stop
from .policy import compile_timeline
from .population import STATUSES
from .removal import RemovalQueues
from .reporters import datacollector
from .scenario import Scenario


class MigrationModel(mesa.Model):
    """Migrant route choice on a network (a base class: engines say how a day is simulated).

    Args:
        scenario: a validated :class:`Scenario` (from :func:`sim.load.load_scenario`) or a path to one.
        seed: overrides the scenario's seed.
        scale: overrides the scenario's people per agent.
        collect: fill ``datacollector`` (mesa.DataCollector) every day, for batch_run and SolaraViz;
            the run's tables come from the recorder either way.
    """

    def __init__(self, scenario: Scenario | str, seed: int | None = None, scale: float | None = None,
                 collect: bool = True):
        if not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario)
        updates = {k: v for k, v in (("seed", seed), ("scale", scale)) if v is not None}
        self.scenario = scenario.model_copy(update=updates) if updates else scenario
        super().__init__(seed=self.scenario.seed)
        sc, b = self.scenario, self.scenario.behaviour
        self.draws = Draws(sc.seed)  # keyed by purpose, agent and day (common random numbers: sim/draws.py)
        self.net = net = network_of(sc)
        simulated = sc.spun_up()  # the days before `start` (if any) are simulated but not reported
        self.spin_up = sc.spin_up_days + (sc.reported_start - sc.start).days  # days simulated, not reported
        self.n_days = simulated.days
        self.day = 0
        self.dates = pd.date_range(simulated.start, sc.end, freq="D")
        self.timeline = compile_timeline(simulated, net)
        # Route tables per epoch: the first now; each later one when its epoch begins (perceive), from
        # what happened at the borders. Until then an epoch holds the first table as a placeholder of
        # the same shape: nobody reads an epoch before it begins (the perception lag looks back).
        self.tables = [bh.route_table(net, self.timeline.states[0], b)] * len(self.timeline.states)
        self.cand_path, self.cand_pos = bh.candidates(net)
        self.cand_same_country = bh.same_country_candidates(net, self.cand_path)  # moves within a country
        self.cand_needs_passport = bh.path_needs_passport(net)[np.maximum(self.cand_path, 0), self.cand_pos]
        self.plan_index = bh.planned_candidates(net, self.cand_path, self.cand_pos)
        self.income_at = net.country_income[net.node_country]  # USD a month at each location
        self.arc_days = bh.arc_days(net, b.speed_km_per_day)
        self.arc_international = net.node_country[net.arc_from] != net.node_country[net.arc_to]
        self.arc_death_hazard, self.arc_abandon_hazard = bh.arc_hazards(net, b)
        self.log_income_at = bh.country_log_income(net, b)[net.node_country].astype(np.float32)  # with appeal
        self.home = net.node_index(sc.home)
        self.home_country = int(net.node_country[self.home])
        self.path_end_country = net.node_country[net.path_nodes[np.arange(net.n_paths), net.path_length - 1]]
        self.us = net.country_index(bh.US) if bh.US in net.countries else -1
        self.month_starts = self.dates.day == 1
        self.push_at = bh.push_by_day(b.push, self.dates, b.push_between)  # the push of conditions at home, each day
        self.removal = RemovalQueues(len(net.countries))
        # who tried each country's controls, and who was stopped for good (pushed back, removed, expelled)
        self.control_attempts = np.zeros((self.n_days, len(net.countries)))
        self.control_stops = np.zeros((self.n_days, len(net.countries)))
        # the day each country's stated policy at its controls last changed: outcomes before it are stale news
        self.policy_since = np.zeros(len(net.countries), np.int64)
        self.appointments_left = 0.0  # today's appointments at US ports still open to Venezuelans, in agents
        self._stated_policy = self._policy_key(self.timeline.states[0])
        self.rec = Recorder(net, self.n_days)
        self.status_count = np.zeros(len(STATUSES), np.int64)
        self.people_at = np.zeros(net.n_nodes, np.int64)
        self.collect = collect
        self.datacollector = datacollector()  # row i is day i (mesa.batch_run, SolaraViz)

    def simulate_day(self, t: int) -> None:  # pragma: no cover - engines implement it
        raise NotImplementedError

    # --- Mesa interface ------------------------------------------------------------------------

    def step(self) -> None:
        """Advance one day, then record the day's stocks."""
        if self.day >= self.n_days:
            self.running = False
            return
        t = self.day
        self.simulate_day(t)
        self.rec.add(t, "arrests_police_operation", self.timeline.arrests_per_day[t])
        self.rec.status[t] = self.status_count
        self.rec.people_at[t] = self.people_at
        self.day += 1
        self.running = self.day < self.n_days
        if self.collect:
            self.datacollector.collect(self)

    def run(self, progress: Callable[[int], None] | None = None) -> None:
        """Run to the scenario's end; ``progress(day)`` is called after each day."""
        while self.day < self.n_days:
            self.step()
            if progress is not None:
                progress(self.day)

    # --- outputs -------------------------------------------------------------------------------

    @property
    def people(self) -> dict[str, int]:
        """People in each status now (agents x scale)."""
        return {s: int(c * self.scenario.scale) for s, c in zip(STATUSES, self.status_count)}

    def tables_out(self) -> dict[str, pd.DataFrame]:
        """The run's outcome tables from ``start`` on (spin-up days left out): daily, per location, per arc and month."""
        scale, dates, first = self.scenario.scale, self.dates, self.spin_up
        return {
            "daily": daily_table(self.rec, dates, scale).iloc[first: self.day].reset_index(drop=True),
            "locations": locations_table(self.rec, dates, scale).iloc[first: self.day].reset_index(drop=True),
            "flows": arcs_table(self.rec, dates, scale, first),
        }

    # --- branching: the same state under another timeline -----------------------------------------

    def adopt_timeline(self, scenario: Scenario) -> None:
        """Carry on from this state under ``scenario``'s timeline (identical to ours up to today).

        Epochs before today keep their route tables (what migrants perceived then); later ones are
        built when they begin. Used to branch a counterfactual from a run's state (sim/branch.py).
        """
        self.scenario = scenario.model_copy(update={"seed": self.scenario.seed, "scale": self.scenario.scale})
        old = self.tables
        self.timeline = compile_timeline(self.scenario.spun_up(), self.net)
        now = self._current_epoch()
        self.tables = [old[min(e, now)] for e in range(len(self.timeline.states))]  # later ones: placeholders
        self._tables_rebuilt()

    def _current_epoch(self) -> int:
        return int(self.timeline.epoch_of(max(self.day - 1, 0)))

    def _tables_rebuilt(self) -> None:  # pragma: no cover - engines implement it
        raise NotImplementedError

    # --- what migrants perceive -----------------------------------------------------------------

    def perceive(self, epoch: int, t: int) -> bh.RouteTable:
        """Rebuild ``epoch``'s route table from what happened to those who tried each country's controls.

        Called when the epoch begins (every month at least): the chance of getting through that
        migrants weigh is the realised one over the last ``perceived_window_days`` since the country's
        stated policy last changed (what happened under the old rules is stale news), shrunk towards
        the stated policy (:func:`sim.perception.perceived_stop`); so a new policy is weighed as stated
        until those who try under it show what it does. Those who look later (the perception lag) see
        the table of the epoch they remember.
        """
        b = self.scenario.behaviour
        state = self.timeline.states[epoch]
        key = self._policy_key(state)
        self.policy_since[(key != self._stated_policy).any(axis=1)] = t
        self._stated_policy = key
        first = np.maximum(t - b.perceived_window_days, self.policy_since)
        attempts = np.array([self.control_attempts[f:t, c].sum() for c, f in enumerate(first)])
        stops = np.array([self.control_stops[f:t, c].sum() for c, f in enumerate(first)])
        us_attempts, offered = 0.0, 0.0
        if self.us >= 0:
            us_attempts = float(attempts[self.us])
            offered = self.appointments_per_day(state) * (t - first[self.us])
        perceived = perceived_stop(attempts, stops, stated_stop(self.net, state, b, us_attempts, offered),
                                   b.perceived_prior_people / self.scenario.scale)
        self.tables[epoch] = bh.route_table(self.net, state, b, perceived)
        return self.tables[epoch]

    def _policy_key(self, state) -> np.ndarray:
        """[country] what a country states at its controls: the stated chance of being stopped for good there,
        and at the US the appointments offered (a change in either makes earlier outcomes stale)."""
        appointments = np.zeros(len(self.net.countries))
        if self.us >= 0:
            appointments[self.us] = state.port_appointments_monthly
        return np.column_stack((stated_stop(self.net, state, self.scenario.behaviour), appointments))

    def appointments_per_day(self, state) -> float:
        """Appointments at US ports open to Venezuelans a day, in agents: a day's share of the month's (all
        nationalities) times Venezuelans' share."""
        b = self.scenario.behaviour
        return state.port_appointments_monthly * b.port_appointment_share * 12.0 / 365.25 / self.scenario.scale

    def open_appointments(self, state) -> None:
        """Today's appointments: the day's, plus the fraction of an agent carried from yesterday (unused whole
        appointments lapse, as a day's slots did)."""
        self.appointments_left = self.appointments_left % 1.0 + self.appointments_per_day(state)

    def count_control(self, t: int, countries, stops: bool = False) -> None:
        """Count attempts at (or final stops by) each country's controls today."""
        table = self.control_stops if stops else self.control_attempts
        table[t] += np.bincount(np.asarray(countries, np.int64), minlength=table.shape[1])

    def removal_seats_today(self) -> np.ndarray:
        """[country] removal seats home today, in agents (NaN where no removal lever is in force)."""
        return self.state.removal_seats / 30.0 / self.scenario.scale

    # --- shared rules of thumb -----------------------------------------------------------------

    def agents_for(self, people: float, what: int = 0) -> int:
        """Agents standing for ``people``: the whole part, plus one with the fractional part's chance.

        The draw is keyed by today and ``what`` (e.g. a flight's route), not taken from a shared stream.
        """
        return self.draws.rounded(people / self.scenario.scale, self.day, what)
