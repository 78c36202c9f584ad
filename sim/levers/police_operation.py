"""A police operation against a smuggling network: over its dates fees rise, departures fall, people are arrested."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, model_validator

from ..schema import Probability
from .base import Events, Lever, StateField, days_from, known, network_label


class PoliceOperation(Lever):
    """An anti-smuggling operation against one network: fees rise, capacity falls, arrests."""

    lever: Literal["police_operation"]
    end: dt.date
    network: str
    fee_multiplier: Annotated[float, Field(ge=1)] = 1.5
    capacity: Probability = 0.5  # share of the network's daily departures that still happen
    arrests: Annotated[int, Field(ge=0)] = 0

    event = True
    state = (StateField("network_capacity", "float32 [criminal network]: share of departures that go ahead",
                        lambda net: np.ones(len(net.criminal_networks), np.float32)),)

    @model_validator(mode="after")
    def _end_after_start(self):
        if self.end < self.date:
            raise ValueError("`end` is before `date`")
        return self

    def check(self, net) -> None:
        known("network", self.network, net.criminal_networks, "criminal network")

    def epoch_cuts(self, start: dt.date) -> list[int]:
        return [days_from(start, self.date), days_from(start, self.end) + 1]

    def overlay(self, state, day: int, start: dt.date, net):
        if not days_from(start, self.date) <= day <= days_from(start, self.end):
            return state
        k = net.criminal_networks.index(self.network)
        fm, cap = state.fee_multiplier.copy(), state.network_capacity.copy()
        fm[k] *= self.fee_multiplier
        cap[k] *= self.capacity
        return replace(state, fee_multiplier=fm, network_capacity=cap)

    def schedule(self, events: Events, start: dt.date, net) -> None:
        n_days = events.arrests_per_day.size
        a, b = days_from(start, self.date), min(days_from(start, self.end), n_days - 1)
        events.arrests_per_day[a : b + 1] += self.arrests / (b - a + 1)

    def label(self) -> str:
        return f"police operation vs {network_label(self.network)}"
