"""Removal: a country's capacity to remove Venezuelans home, and what happens to those it cannot remove."""
from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from ..schema import NonNegative
from ..vocabulary import WithoutSeat, words_literal
from .base import NBSP, Lever, StateField, known, per_country

WithoutSeatWord = words_literal(WithoutSeat)


class Removal(Lever):
    """A country's capacity to remove Venezuelans home, and what happens to those it cannot remove.

    Those the country stops and does not release wait (detained) up to ``max_wait_days`` for a
    seat; ``seats_per_month`` is 0 when Venezuela refuses flights. Without a seat in time they are
    released into the country with a pending case (``release_with_case``, e.g. a US notice to
    appear), released without one (``release``) or expelled to the transit country (``expel``).
    """

    lever: Literal["removal"]
    country: str
    seats_per_month: NonNegative
    without_seat: WithoutSeatWord = "release_with_case"
    max_wait_days: Annotated[int, Field(ge=0, le=3650)] = 60

    state = (
        StateField("removal_seats", "float32 [country]: removal seats home a month; NaN = removes at once, no limit",
                   per_country(np.float32, np.nan)),
        StateField("removal_fallback", "uint8 [country]: a WithoutSeat code", per_country(np.uint8)),
        StateField("removal_wait", "int16 [country]: days a detainee waits for a seat", per_country(np.int16)),
    )

    def check(self, net) -> None:
        known("country", self.country, net.countries, "country")

    def apply(self, state, net):
        c = net.country_index(self.country)
        seats, fallback, wait = state.removal_seats.copy(), state.removal_fallback.copy(), state.removal_wait.copy()
        seats[c], fallback[c], wait[c] = self.seats_per_month, WithoutSeat.of(self.without_seat), self.max_wait_days
        return replace(state, removal_seats=seats, removal_fallback=fallback, removal_wait=wait)

    def label(self) -> str:
        return (f"{self.country} removals {self.seats_per_month:,.0f}{NBSP}seats/month, then "
                f"{self.without_seat.replace('_', NBSP)} after {self.max_wait_days}{NBSP}days")
