"""Smuggling fees of one criminal network or on one segment: a multiplier or an absolute fee in USD."""
from __future__ import annotations

from dataclasses import replace
from typing import Literal

import numpy as np
from pydantic import model_validator

from ..schema import NonNegative
from .base import Lever, LeverProblem, StateField, known, network_label, per_arc


class SmugglingFee(Lever):
    """Fees of one criminal network (or one segment): a multiplier or an absolute fee in USD."""

    lever: Literal["smuggling_fee"]
    network: str | None = None
    segment: tuple[str, str] | None = None
    multiplier: NonNegative | None = None
    fee_usd: NonNegative | None = None

    state = (
        StateField("fee_multiplier", "float32 [criminal network]",
                   lambda net: np.ones(len(net.criminal_networks), np.float32)),
        StateField("fee_override", "float32 [arc]: absolute fee, NaN where none",
                   lambda net: np.full(net.n_arcs, np.nan, np.float32)),
    )

    @model_validator(mode="after")
    def _one_target_one_value(self):
        if (self.network is None) == (self.segment is None):
            raise ValueError("give exactly one of `network` or `segment`")
        if (self.multiplier is None) == (self.fee_usd is None):
            raise ValueError("give exactly one of `multiplier` or `fee_usd`")
        return self

    def check(self, net) -> None:
        if self.network is not None:
            known("network", self.network, net.criminal_networks, "criminal network")
            return
        for j, name in enumerate(self.segment):
            known(f"segment[{j}]", name, net.nodes, "location")
        a, b = self.segment
        if f"{a} - {b}" not in net.segment_names and f"{b} - {a}" not in net.segment_names:
            raise LeverProblem("segment", f"no segment joins {a!r} and {b!r}")

    def apply(self, state, net):
        if self.network is not None:
            k = net.criminal_networks.index(self.network)
            fm, fo = state.fee_multiplier.copy(), state.fee_override.copy()
            fm[k] = self.multiplier if self.multiplier is not None else 1.0
            fo[net.arc_network == k] = self.fee_usd if self.fee_usd is not None else np.nan
            return replace(state, fee_multiplier=fm, fee_override=fo)
        a, b = net.node_index(self.segment[0]), net.node_index(self.segment[1])
        arcs = ((net.arc_from == a) & (net.arc_to == b)) | ((net.arc_from == b) & (net.arc_to == a))
        fo = state.fee_override.copy()
        mult = per_arc(state.fee_multiplier, net.arc_network, 1.0)
        fo[arcs] = self.fee_usd if self.fee_usd is not None else (net.arc_fee * mult * self.multiplier)[arcs]
        return replace(state, fee_override=fo)

    def label(self) -> str:
        target = self.network if self.network is not None else " – ".join(self.segment)
        value = f"×{self.multiplier:g}" if self.multiplier is not None else f"${self.fee_usd:,.0f}"
        return f"{network_label(target)} fees {value}"
