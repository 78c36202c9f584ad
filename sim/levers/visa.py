"""Visas for Venezuelans flying in: whether a country asks for one, the share refused, and a bond to pay."""
from __future__ import annotations

from dataclasses import replace
from typing import Literal

import numpy as np

from ..schema import NonNegative, Probability
from .base import Lever, StateField, known, per_country, share


class Visa(Lever):
    """Whether a country asks Venezuelans for a visa to fly in, and the share of applicants refused."""

    lever: Literal["visa"]
    country: str
    required: bool
    refusal_rate: Probability = 0.0

    state = (
        StateField("visa_required", "bool [country]: air arrivals need a visa",
                   lambda net: net.country_visa_required.copy()),
        StateField("visa_refusal", "float32 [country]: share of visa applicants refused",
                   lambda net: net.country_visa_refusal.astype(np.float32)),
    )

    def check(self, net) -> None:
        known("country", self.country, net.countries, "country")

    def apply(self, state, net):
        c = net.country_index(self.country)
        req, ref = state.visa_required.copy(), state.visa_refusal.copy()
        req[c], ref[c] = self.required, self.refusal_rate if self.required else 0.0
        return replace(state, visa_required=req, visa_refusal=ref)

    def label(self) -> str:
        if self.required:
            return f"{self.country} visa required ({share(self.refusal_rate)} refused)"
        return f"{self.country} no visa"


class VisaBond(Lever):
    """Bond (USD) added to the cost of routes needing a visa for the country."""

    lever: Literal["visa_bond"]
    country: str
    bond_usd: NonNegative

    state = (StateField("visa_bond", "float32 [country] USD", per_country(np.float32)),)

    def check(self, net) -> None:
        known("country", self.country, net.countries, "country")

    def apply(self, state, net):
        vb = state.visa_bond.copy()
        vb[net.country_index(self.country)] = self.bond_usd
        return replace(state, visa_bond=vb)

    def label(self) -> str:
        return f"{self.country} visa bond ${self.bond_usd:,.0f}"
