"""The calibration file: which scenario, which figures (reported targets and/or observed series), which
parameters with which priors, how hard to try."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import ScenarioError
from ..yamlio import read_validated


class Prior(BaseModel):
    """A parameter's prior: uniform or log-uniform between ``low`` and ``high``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    distribution: Literal["uniform", "loguniform"] = "uniform"
    low: float
    high: float
    note: str = ""

    @model_validator(mode="after")
    def _ordered(self):
        if not self.low < self.high:
            raise ValueError(f"`low` ({self.low}) must be below `high` ({self.high})")
        if self.distribution == "loguniform" and self.low <= 0:
            raise ValueError("a log-uniform prior needs `low` > 0")
        return self

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map points of [0, 1] to the parameter's scale (the prior is uniform in the unit coordinate)."""
        if self.distribution == "loguniform":
            return np.exp(np.log(self.low) + u * (np.log(self.high) - np.log(self.low)))
        return self.low + u * (self.high - self.low)

    def to_unit(self, x: np.ndarray) -> np.ndarray:
        if self.distribution == "loguniform":
            return (np.log(x) - np.log(self.low)) / (np.log(self.high) - np.log(self.low))
        return (x - self.low) / (self.high - self.low)


class Effort(BaseModel):
    """How many simulations each stage spends (see sim/calibrate/fit.py for the stages)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    screen: Annotated[int, Field(ge=2)] = 64  # Latin-hypercube points over the prior
    optimise: Annotated[int, Field(ge=0)] = 60  # Nelder-Mead loss evaluations (each = `seeds` runs)
    seeds: Annotated[int, Field(ge=1)] = 2  # common random numbers: seeds per loss evaluation
    abc: Annotated[int, Field(ge=0)] = 200  # ABC rejection proposals around the optimum
    abc_box: Annotated[float, Field(gt=0, le=1)] = 0.25  # half-width of the proposal box (unit coordinates)
    abc_min_accepted: Annotated[int, Field(ge=1)] = 10  # widen the tolerance until this many are accepted
    check_replicates: Annotated[int, Field(ge=1)] = 8  # final runs at the optimum for the fit table

    @property
    def runs(self) -> int:
        """Simulations the four stages ask for at most (Nelder-Mead may stop early): the time budget."""
        return self.screen + self.optimise * self.seeds + self.abc + self.check_replicates


class CalibrationConfig(BaseModel):
    """A calibration: the scenario to fit, the figures, the free parameters and their priors.

    Figures come from reported targets (``targets`` + ``fit``), observed series (``observed`` +
    ``series``: the fit-window rows of those series that the scenario's dates cover), or both.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    scenario: str  # relative to this file
    targets: str = ""  # relative to this file
    fit: list[str] = []  # target ids fitted
    observed: str = ""  # directory of observed-figure CSVs (sim/observed.py), relative to this file
    series: list[str] = []  # observed series fitted (e.g. darien_crossings_north, stock)
    # observed rows of those series left out of the fit, each with the reason (e.g. not like for like)
    not_fitted: dict[str, str] = {}
    scale: Annotated[float, Field(ge=1)]  # people per agent during calibration
    seed: Annotated[int, Field(ge=0)] = 0
    parameters: dict[str, Prior] = Field(min_length=1)  # dotted path into the scenario -> prior
    fixed: dict[str, float] = {}  # dotted path -> value held fixed during the fit (stated, not fitted)
    # where Nelder-Mead starts instead of the best screened point (e.g. an earlier calibration's optimum)
    start: dict[str, float] = {}
    effort: Effort = Effort()
    output: str = ""  # partial scenario written with the calibrated behaviour, relative to this file

    def path(self, field: str, file: Path) -> Path:
        value = getattr(self, field)
        return (file.parent / value).resolve() if value else Path()


def load_config(path: str | Path) -> CalibrationConfig:
    """Read and validate a calibration file (problems are a ScenarioError naming file and key)."""
    path = Path(path)
    cfg = read_validated(path, CalibrationConfig)
    if bool(cfg.targets) != bool(cfg.fit):
        raise ScenarioError(path, "fit" if cfg.targets else "targets",
                            "`targets` and `fit` go together: the targets file and the ids fitted from it")
    if bool(cfg.observed) != bool(cfg.series):
        raise ScenarioError(path, "series" if cfg.observed else "observed",
                            "`observed` and `series` go together: the observed directory and the series fitted")
    if not (cfg.fit or cfg.series):
        raise ScenarioError(path, "series", "nothing to fit: give `targets` + `fit`, or `observed` + `series`")
    for i, name in enumerate(cfg.series):
        if name in cfg.series[:i]:
            raise ScenarioError(path, f"series[{i}]", f"{name!r} is named twice")
    for key in cfg.parameters:
        if not (key.startswith("behaviour.") or key in cfg.fixed):
            raise ScenarioError(path, f"parameters.{key}", "only `behaviour.` parameters can be calibrated "
                                "(the calibrated file is a behaviour block)")
    for key in cfg.fixed:
        if not key.startswith("behaviour."):
            raise ScenarioError(path, f"fixed.{key}", "only `behaviour.` parameters can be fixed here")
    if cfg.start and set(cfg.start) != set(cfg.parameters):
        missing = sorted(set(cfg.parameters) ^ set(cfg.start))
        raise ScenarioError(path, "start", f"give a value for every parameter and nothing else: {', '.join(missing)}")
    for key, value in cfg.start.items():
        prior = cfg.parameters[key]
        if not prior.low <= value <= prior.high:
            raise ScenarioError(path, f"start.{key}", f"{value} is outside the prior ({prior.low} to {prior.high})")
    return cfg
