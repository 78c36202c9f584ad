"""The reported figures (``seeds/targets.yaml``) and how each maps to what the model produces.

Every target has a *role*: ``fit`` (a run outcome the 2024 calibration is fitted to),
``validation`` (a run outcome of another scenario, checked but not fitted), ``input`` (a number
the scenario itself supplies, so agreement is an input check, not evidence of fit) or
``network`` (a property of the network file). A run outcome is looked up in the outcome
registry (:mod:`sim.outcomes`), the Darién totals included.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, model_validator

from ..network import Network
from ..outcomes import darien_segments, outcome_series  # noqa: F401 (the registry's, re-exported)
from ..scenario import Scenario
from ..vocabulary import Mode
from ..yamlio import read_validated

Role = Literal["fit", "validation", "input", "network"]


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    low: float
    high: float


class Period(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    start: dt.date
    end: dt.date


class Target(BaseModel):
    """One reported figure, the band a model result must fall in, and where the model produces it."""

    model_config = ConfigDict(extra="allow", frozen=True)  # sources and notes ride along
    id: str
    figure: float
    unit: str
    period: Period | dt.date
    reading: Literal["exact", "band", "lower_bound"]
    band: Band
    outcome: str
    role: Role
    scenario: str | None = None  # the shipped scenario whose run is compared (fit / validation)

    @model_validator(mode="after")
    def _band_holds_figure(self):
        if not self.band.low <= self.figure <= self.band.high:
            raise ValueError(f"figure {self.figure} is outside its band [{self.band.low}, {self.band.high}]")
        return self

    @property
    def dates(self) -> tuple[dt.date, dt.date]:
        p = self.period
        return (p.start, p.end) if isinstance(p, Period) else (p, p)


class TargetFile(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    targets: list[Target]


def load_targets(path: str | Path) -> dict[str, Target]:
    """Targets by id, validated (a bad entry is a ScenarioError naming the file and key)."""
    parsed = read_validated(path, TargetFile)
    return {t.id: t for t in parsed.targets}


# --- outcome mapping ------------------------------------------------------------------------------


def simulated(daily: pd.DataFrame, target: Target, net: Network) -> float:
    """A run's value of ``target``: its outcome summed over the target's period (people)."""
    start, end = target.dates
    series = outcome_series(daily, target.outcome, net)
    days = daily["date"].dt.date
    inside = (days >= start) & (days <= end)
    if not inside.any():
        raise ValueError(f"target {target.id}: the run does not cover {start} to {end}")
    return float(series[inside].sum())


def input_value(target: Target, scenario: Scenario) -> float:
    """What a scenario supplies for an ``input`` target (e.g. TPS holders in the population)."""
    if target.outcome == "tps_holders":
        return float(sum(g.people for g in scenario.population if g.legal_status == "tps"))
    if target.outcome == "arrests_police_operation":
        start, end = target.dates
        return float(sum(lv.arrests for lv in scenario.policy.timeline
                         if getattr(lv, "lever", "") == "police_operation" and start <= lv.date <= end))
    raise KeyError(f"no input check defined for outcome {target.outcome!r}")


def network_value(target: Target, net: Network) -> float:
    """A network property a ``network`` target names (the Darién trail length, in km)."""
    if target.id == "darien_gap_length":
        jungle = net.arc_mode == Mode.JUNGLE
        seen = set()
        return float(sum(net.arc_distance_km[a] for a in np.flatnonzero(jungle)
                         if not (net.arc_segment[a] in seen or seen.add(net.arc_segment[a]))))
    raise KeyError(f"no network check defined for target {target.id!r}")
