"""A plain one-``mesa.Agent``-per-migrant model, the baseline a modeller would write first.

Each day every agent steps: a settled agent does nothing; a travelling agent counts down the
days left on its link; an agent at a location picks the next link at random, weighted by
``1 / distance`` (never straight back), and sets off at ``speed_km_per_day``. Reaching a camp
settles it (when camps are sinks). No money, hazards or policy: this is the cost floor of agent-per-object code.
"""
from __future__ import annotations

import math

import mesa
import numpy as np


class Migrant(mesa.Agent):
    """One migrant: where they are, where they are going, days left on the link."""

    def __init__(self, model: "PlainMesaModel", node: int, settled: bool):
        super().__init__(model)
        self.node, self.previous, self.next_node = node, -1, -1
        self.days_left, self.settled = 0, settled

    def step(self) -> None:
        if self.settled:
            return
        m = self.model
        if self.days_left > 0:
            self.days_left -= 1
            if self.days_left == 0:
                self.previous, self.node = self.node, self.next_node
                self.settled = m.camps_are_sinks and m.is_camp[self.node]
            return
        links = [k for k in m.out_links[self.node] if m.link_to[k] != self.previous] or m.out_links[self.node]
        weights = [m.link_weight[k] for k in links]
        k = m.random.choices(links, weights)[0]
        self.next_node = m.link_to[k]
        self.days_left = m.link_days[k]


class PlainMesaModel(mesa.Model):
    """Migrants on a network of ``n_nodes`` joined by two-way links ``(a, b, distance_km)``.

    Args:
        n_nodes: number of locations.
        links: (a, b, distance_km) per two-way link.
        camps: locations where migrants settle.
        start: location of each migrant at the start.
        settled: whether each migrant starts settled (does not move).
        speed_km_per_day: travel speed on every link.
        camps_are_sinks: whether migrants reaching a camp settle there (else they keep moving).
    """

    def __init__(self, n_nodes, links, camps, start, settled, speed_km_per_day=400.0, camps_are_sinks=True, seed=0):
        super().__init__(seed=seed)
        self.camps_are_sinks = camps_are_sinks
        self.out_links = [[] for _ in range(n_nodes)]
        self.link_to, self.link_weight, self.link_days = [], [], []
        for a, b, km in links:
            for u, v in ((a, b), (b, a)):
                self.out_links[u].append(len(self.link_to))
                self.link_to.append(v)
                self.link_weight.append(1.0 / km)
                self.link_days.append(max(1, math.ceil(km / speed_km_per_day)))
        self.is_camp = [False] * n_nodes
        for c in camps:
            self.is_camp[c] = True
        for node, s in zip(np.asarray(start).tolist(), np.asarray(settled).tolist()):
            Migrant(self, node, s)

    def step(self) -> None:
        self.agents.do("step")
