"""Border control: the interception probability at a country's controlled crossings, and what follows."""
from __future__ import annotations

from dataclasses import replace
from typing import Literal

import numpy as np

from ..schema import Probability
from ..vocabulary import BorderResponse, words_literal
from .base import NBSP, Lever, StateField, known, per_country, share

ResponseWord = words_literal(BorderResponse)

class BorderControl(Lever):
    """Interception probability at a country's controlled crossings, and what follows."""

    lever: Literal["border_control"]
    country: str
    intensity: Probability
    response: ResponseWord = "push_back"

    state = (
        StateField("border_intensity", "float32 [country]: interception probability at its controlled arcs",
                   per_country(np.float32)),
        StateField("border_response", "uint8 [country]: a BorderResponse code", per_country(np.uint8)),
    )

    def check(self, net) -> None:
        known("country", self.country, net.countries, "country")

    def apply(self, state, net):
        c = net.country_index(self.country)
        bi, br = state.border_intensity.copy(), state.border_response.copy()
        bi[c], br[c] = self.intensity, BorderResponse.of(self.response)
        return replace(state, border_intensity=bi, border_response=br)

    def label(self) -> str:
        return f"{self.country} border control {share(self.intensity)} ({self.response.replace('_', NBSP)})"
