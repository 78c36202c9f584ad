"""Removal with capacity: detainees wait, first come first served, for a seat home; both engines use it.

A country that stops a migrant and does not release them holds them for removal. Seats home come
at the rate its `removal` lever gives (seats a month, spread over the days; 0 while Venezuela
refuses flights). Whoever has waited longer than the lever's ``max_wait_days`` without a seat is
let go as the lever says (released, or expelled to the transit country). Agents are integers: rows
of the vectorised engine's arrays, or indices into the Mesa engine's list of migrants.
"""
from __future__ import annotations

import numpy as np


class RemovalQueues:
    """Per removing country, the detainees in the order they were stopped, and the seats not yet used today."""

    def __init__(self, n_countries: int):
        self.agents = [np.empty(0, np.int64) for _ in range(n_countries)]
        self.since = [np.empty(0, np.int32) for _ in range(n_countries)]
        self.credit = np.zeros(n_countries)  # seats (in agents) accrued and not yet given

    def hold(self, country: int, agents, day: int) -> None:
        """Detain ``agents`` for removal by ``country`` from ``day``."""
        agents = np.asarray(agents, np.int64)
        self.agents[country] = np.concatenate([self.agents[country], agents])
        self.since[country] = np.concatenate([self.since[country], np.full(agents.size, day, np.int32)])

    def waiting(self, country: int) -> int:
        return int(self.agents[country].size)

    def board(self, country: int, seats: int) -> np.ndarray:
        """The first ``seats`` detainees of ``country`` (longest waiting first), taken off the queue."""
        k = min(int(seats), self.agents[country].size)
        taken = self.agents[country][:k]
        self.agents[country], self.since[country] = self.agents[country][k:], self.since[country][k:]
        return taken

    def today(self, day: int, seats_per_day: np.ndarray, max_wait: np.ndarray) -> tuple[list, list]:
        """Today's removals and today's expiries, per country, as ``[(country, agents), ...]``.

        ``seats_per_day`` (agents, fractional; NaN where a country has no removal lever) accrue as
        credit; whole seats go to the longest waiting; seats no one waits for are not kept beyond
        one day's worth. Then whoever has waited more than ``max_wait`` days leaves the queue.
        """
        removed, expired = [], []
        for c in range(len(self.agents)):
            if self.agents[c].size == 0 and self.credit[c] == 0:
                continue
            rate = 0.0 if np.isnan(seats_per_day[c]) else float(seats_per_day[c])
            self.credit[c] += rate
            gone = self.board(c, int(self.credit[c]))
            self.credit[c] = min(self.credit[c] - gone.size, max(rate, 1.0))
            if gone.size:
                removed.append((c, gone))
            late = (day - self.since[c]) > int(max_wait[c])
            if late.any():
                expired.append((c, self.agents[c][late]))
                self.agents[c], self.since[c] = self.agents[c][~late], self.since[c][~late]
        return removed, expired
