"""What every policy lever is: a dated timeline entry that checks its names, changes the policy state or
schedules events, and labels itself in reports.

A *state lever* (border control, fees, asylum, ...) sets values of :class:`sim.policy.PolicyState`
that stay in force until another entry changes them; it declares those values (:class:`StateField`)
with their neutral value, so the state is assembled from the levers. An *event lever* (a flight, a
police operation) acts on its own dates: it may overlay the state while it runs and add events the
engines carry out (:class:`Events`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Callable, ClassVar

import numpy as np

from ..names import unknown_name
from ..schema import Strict

NBSP = "\u00a0"  # keeps "(push back)" on one line when a label wraps


class LeverProblem(ValueError):
    """A lever names something the network lacks: ``field`` (e.g. ``country``, ``segment[1]``) and why."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def known(field: str, value: str, names, what: str) -> None:
    """Raise a LeverProblem on ``field`` if ``value`` is not one of ``names`` (closest spelling suggested)."""
    problem = unknown_name(value, names, what)
    if problem:
        raise LeverProblem(field, problem)


@dataclass(frozen=True)
class StateField:
    """One value of the policy state a lever sets: its name, what it holds, its neutral value on a network."""

    name: str
    meaning: str
    neutral: Callable[[Any], Any]  # network -> value before any lever changes it
    type: Any = np.ndarray


@dataclass(frozen=True)
class Flight:
    """A repatriation flight: on ``day`` it boards up to ``seats`` migrants at ``origin`` bound for ``destination``."""

    day: int
    origin: int  # node
    destination: int  # node
    seats: int


@dataclass
class Events:
    """What event levers leave the engines to carry out on their days."""

    flights: list[Flight] = field(default_factory=list)
    arrests_per_day: np.ndarray = field(default_factory=lambda: np.zeros(0))  # an input, counted as given


class Lever(Strict):
    """One dated entry of the policy timeline; each subclass is one lever (its ``lever:`` name in YAML)."""

    date: dt.date

    event: ClassVar[bool] = False  # acts on its own dates (True) or sets a state in force until changed
    state: ClassVar[tuple[StateField, ...]] = ()  # the state values it sets, with their neutral values
    given: ClassVar[str | None] = None  # the field whose value is its one state value, as written (e.g. a mode)

    def check(self, net) -> None:
        """Raise a LeverProblem if a name it gives (country, location, network) is not in ``net``."""

    def apply(self, state, net):
        """The policy state after this change (pure: returns a new state)."""
        if self.given is None:
            raise TypeError(f"not a state lever: {self!r}")
        return replace(state, **{self.state[0].name: getattr(self, self.given)})

    def label(self) -> str:
        """Short words for a figure or table: ``PAN border control 60% (push back)``."""
        return str(self.lever).replace("_", " ")

    # --- event levers ----------------------------------------------------------------------------

    def epoch_cuts(self, start: dt.date) -> list[int]:
        """Days (from ``start``) on which the state it overlays changes."""
        return []

    def overlay(self, state, day: int, start: dt.date, net):
        """The state on ``day`` with this event's effect, if it is running then."""
        return state

    def schedule(self, events: Events, start: dt.date, net) -> None:
        """Add what the engines must carry out on its days."""


def days_from(start: dt.date, date: dt.date) -> int:
    return (date - start).days


def share(x: float) -> str:
    return f"{x:.0%}"


ACRONYMS = {"cjng": "CJNG"}
SMALL_WORDS = {"de", "del", "la", "el", "y"}


def network_label(name: str) -> str:
    """``clan_del_golfo`` -> ``Clan del Golfo``; ``cjng`` -> ``CJNG``."""
    if name in ACRONYMS:
        return ACRONYMS[name]
    words = name.replace("_", " ").split()
    return " ".join(w if (i and w in SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def per_arc(per_network: np.ndarray, arc_network: np.ndarray, default: float) -> np.ndarray:
    """A criminal network's value on each of its arcs; ``default`` on arcs with no network (-1).

    Works when the network file names no criminal network at all (e.g. an imported Flee network).
    """
    return np.append(per_network, np.float32(default))[arc_network]


def per_country(dtype, fill=0):
    """A neutral value: one ``fill`` per country of the network."""
    return lambda net: np.full(len(net.countries), fill, dtype)
