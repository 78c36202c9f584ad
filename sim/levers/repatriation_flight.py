"""A repatriation flight: on its date it boards migrants who chose to return, up to its seats."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from .base import NBSP, Events, Flight, Lever, days_from, known


class RepatriationFlight(Lever):
    """A flight home: boards migrants at `origin` who chose to return, up to `seats`."""

    lever: Literal["repatriation_flight"]
    origin: str
    destination: str = "Caracas"
    seats: Annotated[int, Field(ge=0)]

    event = True

    def check(self, net) -> None:
        known("origin", self.origin, net.nodes, "location")
        known("destination", self.destination, net.nodes, "location")

    def schedule(self, events: Events, start: dt.date, net) -> None:
        events.flights.append(Flight(days_from(start, self.date), net.node_index(self.origin),
                                     net.node_index(self.destination), self.seats))

    def label(self) -> str:
        return f"flight {self.origin} → {self.destination} ({self.seats:,}{NBSP}seats)"
