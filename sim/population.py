"""The migrant population as a structure of arrays with small dtypes (20 bytes an agent)."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields

import numpy as np

from .draws import Draws, Purpose
from .errors import ScenarioError
from .network import Network
from .scenario import Scenario
from .vocabulary import FULL_INCOME, HOLDS_STATUS, SETTLED, LegalStatus, Status

# status and legal-status codes (sim/vocabulary.py): every agent is in exactly one status every day
RESIDENT, IN_TRANSIT, WORKING, DETAINED, ARRIVED, RETURNED, DEAD = Status
STATUSES = Status.words()
LEGAL = LegalStatus.words()
NO_STATUS, PERMIT, TPS, ASYLUM_PENDING, TPS_LOST = LegalStatus
IS_SETTLED = Status.lookup(SETTLED)  # lookup by status code
HAS_STATUS = LegalStatus.lookup(HOLDS_STATUS)  # lookup by legal-status code
EARNS_FULL = LegalStatus.lookup(FULL_INCOME)  # status or a pending asylum case: a place's full income
DETAINED_UNTIL_DUE = -1  # countdown of a detainee held a fixed term (no removal lever), removed when due

# bytes per agent at peak: the arrays below (20) + set-up temporaries (float32 draws, 4-8); see benchmarks/
PEAK_BYTES_PER_AGENT = 28


@dataclass
class Population:
    status: np.ndarray  # uint8
    node: np.ndarray  # int16: where the agent is (last location reached, if travelling)
    path: np.ndarray  # int16: path followed, -1 if none
    pos: np.ndarray  # uint8: position of `node` on `path`
    countdown: np.ndarray  # int16: days left to the next location
    savings: np.ndarray  # float32 USD
    with_children: np.ndarray  # bool
    legal: np.ndarray  # uint8, index into LEGAL
    been_abroad: np.ndarray  # bool: outside the home country since last living there
    settled_since: np.ndarray  # int16: day savings were last brought up to date while settled
    journey_from: np.ndarray  # uint8: country where the current journey began (where last settled)
    held_by: np.ndarray  # uint8: country holding the migrant while detained
    passport: np.ndarray  # bool: holds a valid passport (needed to fly abroad)

    @property
    def size(self) -> int:
        return self.status.size

    def nbytes(self) -> int:
        return sum(getattr(self, f.name).nbytes for f in fields(self))


def agent_counts(scenario: Scenario) -> list[int]:
    """Agents per population group: people / scale, rounded."""
    return [int(round(g.people / scenario.scale)) for g in scenario.population]


def available_memory() -> int:
    """Bytes of memory available to this process (MemAvailable), or physical memory."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def check_memory(scenario: Scenario, file=None, available: int | None = None) -> None:
    """Refuse up front a population that would not fit in memory, with an estimate."""
    n = sum(agent_counts(scenario))
    need = n * PEAK_BYTES_PER_AGENT
    have = available_memory() if available is None else available
    if need > 0.8 * have:
        raise ScenarioError(
            file, "population",
            f"{n:,} agents need about {need / 1e9:.1f} GB but only {have / 1e9:.1f} GB is available; "
            f"raise `scale` (people per agent, now {scenario.scale:g}) or use --scale",
        )


def initial_population(scenario: Scenario, net: Network, draws: Draws) -> Population:
    """Everyone settled where the scenario puts them, with drawn savings and children.

    Each agent's draws are keyed by its id (:mod:`sim.draws`): the same agent gets the same savings,
    children and passport in every run with the seed.
    """
    home_country = net.node_country[net.node_index(scenario.home)]
    counts = agent_counts(scenario)
    n = sum(counts)
    pop = Population(
        status=np.full(n, RESIDENT, np.uint8),
        node=np.empty(n, np.int16),
        path=np.full(n, -1, np.int16),
        pos=np.zeros(n, np.uint8),
        countdown=np.zeros(n, np.int16),
        savings=np.empty(n, np.float32),
        with_children=np.empty(n, bool),
        legal=np.empty(n, np.uint8),
        been_abroad=np.empty(n, bool),
        settled_since=np.zeros(n, np.int16),
        journey_from=np.zeros(n, np.uint8),
        held_by=np.zeros(n, np.uint8),
        passport=np.empty(n, bool),
    )
    start = 0
    for group, k in zip(scenario.population, counts):
        sl = slice(start, start + k)
        ids = np.arange(start, start + k)
        pop.node[sl] = net.node_index(group.location)
        pop.savings[sl] = group.savings.median_usd * np.exp(
            group.savings.sigma * draws.normal(Purpose.INITIAL_SAVINGS, 0, ids).astype(np.float32)
        )
        pop.with_children[sl] = draws.uniform32(Purpose.INITIAL_CHILDREN, 0, ids) < group.share_with_children
        pop.legal[sl] = LegalStatus.of(group.legal_status)
        pop.passport[sl] = draws.uniform32(Purpose.INITIAL_PASSPORT, 0, ids) < scenario.behaviour.passport_share
        pop.been_abroad[sl] = net.node_country[net.node_index(group.location)] != home_country
        pop.journey_from[sl] = net.node_country[net.node_index(group.location)]
        start += k
    return pop
