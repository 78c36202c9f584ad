"""A calendar of agents due to act on a given day (end of detention, news of a policy change).

Entries are kept in blocks of ``BLOCK`` days; a block is sorted into per-day lists only when the
run reaches it, so scheduling costs little however far ahead. Callers check that an entry still
applies (the agent may have moved on since).
"""
from __future__ import annotations

import numpy as np

BLOCK = 32


class Calendar:
    def __init__(self, n_days: int):
        self.n_days = n_days
        self._pending: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in range(n_days // BLOCK + 1)]
        self._today: dict[int, list[np.ndarray]] = {}
        self._open_block = -1

    def schedule(self, agents: np.ndarray, days: np.ndarray) -> None:
        """Put ``agents`` (int32) on the calendar at ``days``; days outside the run are dropped."""
        keep = (days >= 0) & (days < self.n_days)
        agents, days = agents[keep], days[keep]
        if agents.size == 0:
            return
        block = days // BLOCK
        order = np.argsort(block, kind="stable")
        agents, days, block = agents[order], days[order], block[order]
        bounds = np.flatnonzero(np.diff(block)) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [agents.size]])
        for s, e in zip(starts, ends):
            b = int(block[s])
            if b == self._open_block:
                self._file_into_days(agents[s:e], days[s:e])
            else:
                self._pending[b].append((agents[s:e].astype(np.int32, copy=False),
                                         days[s:e].astype(np.int16, copy=False)))

    def _file_into_days(self, agents: np.ndarray, days: np.ndarray) -> None:
        order = np.argsort(days, kind="stable")
        agents, days = agents[order], days[order]
        uniq, first = np.unique(days, return_index=True)
        for d, chunk in zip(uniq, np.split(agents, first[1:])):
            self._today.setdefault(int(d), []).append(chunk)

    def pop(self, day: int) -> np.ndarray:
        """Agents on the calendar for ``day`` (possibly stale or repeated; callers filter)."""
        block = day // BLOCK
        if block != self._open_block:
            self._open_block = block
            entries = self._pending[block]
            self._pending[block] = []
            if entries:
                self._file_into_days(
                    np.concatenate([a for a, _ in entries]), np.concatenate([d for _, d in entries])
                )
        chunks = self._today.pop(day, [])
        if not chunks:
            return np.empty(0, dtype=np.int32)
        return np.concatenate(chunks).astype(np.int32, copy=False)


def first_occurrences(agents: np.ndarray) -> np.ndarray:
    """``agents`` without repeats, in the order of their first occurrence (the same array if none repeat).

    A calendar may hold an agent twice for one day (scheduled, then again after an intervening
    change); acting on both would count one agent's change of status twice.
    """
    if agents.size < 2:
        return agents
    _, first = np.unique(agents, return_index=True)
    return agents if first.size == agents.size else agents[np.sort(first)]
