"""Sweep files: which scenario parameters and policy levers to vary, how (the design), how often
(replicates) and what to keep (yearly outcomes); and the design points they resolve to.

Parameters are sampled on the unit interval and mapped to their values, so a date, a choice
between named options and a number are treated alike by every design.
"""
from __future__ import annotations

import copy
import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import ScenarioError
from ..load import check_references, load_scenario, network_of, parse_scenario
from ..outcomes import outcome_problem
from ..yamlio import read_validated
from .paths import PathError, resolve, set_value

Value = Union[bool, int, float, dt.date, str]
FIXED_BY_SWEEP = ("seed",)  # set per run from the sweep seed; never a parameter


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Parameter(Strict):
    """One scenario value to vary: a ``range`` [low, high] (numbers or dates) or a list of ``values``."""

    path: str
    name: str | None = None  # column name in the results; defaults to the path
    range: tuple[Union[dt.date, float], Union[dt.date, float]] | None = None
    values: list[Value] | None = Field(None, min_length=1)
    levels: Annotated[int, Field(ge=2, le=1000)] | None = None  # grid points across a range (grid design)
    integer: bool = False  # round sampled numbers to whole numbers (e.g. a monthly quota)

    @field_validator("range")
    @classmethod
    def _ordered(cls, rng):
        if rng is not None:
            lo, hi = rng
            if isinstance(lo, dt.date) != isinstance(hi, dt.date):
                raise ValueError("`range` mixes a date and a number")
            if not lo < hi:
                raise ValueError(f"low ({lo}) must be below high ({hi})")
        return rng

    @field_validator("values")
    @classmethod
    def _one_kind_of_value(cls, values):
        kinds = {_kind(v) for v in values or ()}
        if len(kinds) > 1:
            raise ValueError(f"`values` mixes kinds ({', '.join(sorted(kinds))}); use one kind")
        return values

    @model_validator(mode="after")
    def _range_or_values(self):
        if (self.range is None) == (self.values is None):
            raise ValueError("give exactly one of `range: [low, high]` or `values: [...]`")
        return self

    @property
    def label(self) -> str:
        return self.name or self.path

    @property
    def kind(self) -> str:
        """number, integer, date, text or bool: how the values are stored."""
        if self.range is not None:
            if isinstance(self.range[0], dt.date):
                return "date"
            return "integer" if self.integer else "number"
        kind = _kind(self.values[0])
        return "integer" if kind == "number" and (self.integer or all(isinstance(v, int) for v in self.values)) \
            else kind

    def from_unit(self, u: np.ndarray) -> list:
        """Map points of [0, 1] to this parameter's values (uniform over a range or the list)."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        if self.values is not None:
            idx = np.minimum((u * len(self.values)).astype(int), len(self.values) - 1)
            return [self.values[i] for i in idx]
        lo, hi = self.range
        if isinstance(lo, dt.date):
            days = np.rint(u * (hi - lo).days).astype(int)
            return [lo + dt.timedelta(days=int(d)) for d in days]
        x = lo + u * (hi - lo)
        return [int(v) for v in np.rint(x)] if self.integer else [float(v) for v in x]

    def grid(self) -> list:
        """The values a full grid takes: every listed value, or ``levels`` evenly spaced over the range."""
        if self.values is not None:
            return list(self.values)
        return self.from_unit(np.linspace(0.0, 1.0, self.levels))


def _kind(v) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, dt.date):
        return "date"
    return "text"


class Design(Strict):
    """How design points are chosen.

    grid: every combination (``levels`` per range); latin_hypercube: ``samples`` points;
    saltelli: Sobol' sequence for Sobol indices, ``samples`` x (parameters + 2) points
    (x (2 parameters + 2) with ``second_order``); morris: ``samples`` trajectories of
    ``levels`` levels, (parameters + 1) points each.
    """

    method: Literal["grid", "latin_hypercube", "saltelli", "morris"]
    samples: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    second_order: bool = False
    levels: Annotated[int, Field(ge=2, le=100)] = 4  # morris grid levels

    @field_validator("samples")
    @classmethod
    def _samples(cls, samples, info):
        method = info.data.get("method")
        if method == "grid" and samples is not None:
            raise ValueError("a grid takes no `samples`; set `levels` on each parameter with a range")
        if method == "saltelli" and samples is not None and samples & (samples - 1):
            raise ValueError(f"must be a power of 2 for saltelli (e.g. {1 << samples.bit_length()})")
        return samples

    @model_validator(mode="after")
    def _needs_samples(self):
        if self.method != "grid" and self.samples is None:
            raise ValueError(f"`samples` is required for the {self.method} design")
        return self


class Sweep(Strict):
    """A sweep file: a base scenario and what to vary around it."""

    name: str
    description: str = ""
    base: str  # scenario file, relative to the sweep file
    fixed: dict[str, Any] = {}  # path -> value applied to every run (e.g. scale: 500)
    parameters: list[Parameter] = Field(min_length=1)
    design: Design
    replicates: Annotated[int, Field(ge=1, le=10_000)] = 1
    seed: Annotated[int, Field(ge=0)] = 0
    outcomes: list[str] = Field(min_length=1)
    years: list[int] | None = None  # calendar years to keep; default every year of the run

    @model_validator(mode="after")
    def _names(self):
        labels = [p.label for p in self.parameters]
        dup = sorted({x for x in labels if labels.count(x) > 1})
        if dup:
            raise ValueError(f"parameter names must differ; repeated: {', '.join(dup)}")
        return self


@dataclass(frozen=True)
class SweepPlan:
    """A checked sweep: the file model, the base scenario as a document, and resolved parameter paths."""

    file: Path
    sweep: Sweep
    base_doc: dict  # the base scenario, every default filled in, fixed values applied
    keys: tuple[tuple, ...]  # resolved path of each parameter
    outcome_columns: tuple[str, ...]  # stored columns: <outcome>_<year>

    @property
    def parameters(self) -> list[Parameter]:
        return self.sweep.parameters


def load_sweep(path: str | Path) -> SweepPlan:
    """Read and check a sweep file: shape, base scenario, parameter paths, values, outcomes."""
    path = Path(path)
    sweep = read_validated(path, Sweep)
    if sweep.design.method == "grid":
        for i, p in enumerate(sweep.parameters):
            if p.range is not None and p.levels is None:
                raise ScenarioError(path, f"parameters[{i}].levels", "a grid needs `levels` (how many values "
                                    "across the range)")
    base_path = (path.parent / sweep.base).resolve()
    if not base_path.is_file():
        raise ScenarioError(path, "base", f"scenario file not found: {base_path}")
    base = load_scenario(base_path)
    doc = base.model_dump(mode="json")
    for key, value in sweep.fixed.items():
        if key in FIXED_BY_SWEEP:
            raise ScenarioError(path, f"fixed.{key}", "each run's seed comes from the sweep `seed`")
        try:
            set_value(doc, resolve(doc, key), _json(value))
        except PathError as exc:
            raise ScenarioError(path, f"fixed.{key}", str(exc)) from None
    _check_runs(path, "fixed", doc)
    keys = []
    for i, p in enumerate(sweep.parameters):
        if p.path.strip() in FIXED_BY_SWEEP:
            raise ScenarioError(path, f"parameters[{i}].path", "each run's seed comes from the sweep `seed`")
        try:
            keys.append(resolve(doc, p.path))
        except PathError as exc:
            raise ScenarioError(path, f"parameters[{i}].path", str(exc)) from None
    if len(set(keys)) < len(keys):
        raise ScenarioError(path, "parameters", "two parameters address the same value")
    for i, (p, k) in enumerate(zip(sweep.parameters, keys)):
        extremes = p.values if p.values is not None else list(p.range)
        for value in extremes:
            trial = copy.deepcopy(doc)
            set_value(trial, k, _json(value))
            _check_runs(path, f"parameters[{i}].{'values' if p.values is not None else 'range'}", trial)
    years = _years(path, sweep, doc)
    _check_outcomes(path, sweep.outcomes, network_of(base))
    columns = tuple(f"{o}_{y}" for o in sweep.outcomes for y in years)
    return SweepPlan(path, sweep, doc, tuple(keys), columns)


def _json(value):
    """A value as it appears in a scenario document (dates as ISO text)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def scenario_for(plan: SweepPlan, values: dict, seed: int):
    """The validated scenario of one run: base, parameter values set, timeline in date order."""
    doc = copy.deepcopy(plan.base_doc)
    for p, k in zip(plan.parameters, plan.keys):
        set_value(doc, k, _json(values[p.label]))
    return _scenario(doc, seed, plan.file)


def _scenario(doc: dict, seed: int, file):
    doc = dict(doc, seed=int(seed))
    timeline = doc.get("policy", {}).get("timeline")
    if timeline:  # a moved date keeps the timeline in order; equal dates keep the file's order
        doc["policy"] = dict(doc["policy"], timeline=sorted(timeline, key=lambda lv: str(lv.get("date"))))
    scenario = parse_scenario(doc, file)
    check_references(scenario, network_of(scenario), file)
    return scenario


def _check_runs(file, key: str, doc: dict) -> None:
    try:
        _scenario(doc, 0, "<base>")
    except ScenarioError as err:
        raise ScenarioError(file, key, f"gives an invalid scenario: {err.key}: {err.message}") from None


def _years(file, sweep: Sweep, doc: dict) -> list[int]:
    first, last = dt.date.fromisoformat(doc["start"]).year, dt.date.fromisoformat(doc["end"]).year
    if sweep.years is None:
        return list(range(first, last + 1))
    for i, y in enumerate(sweep.years):
        if not first <= y <= last:
            raise ScenarioError(file, f"years[{i}]", f"{y} is outside the base run ({first} to {last})")
    return sorted(set(sweep.years))


def _check_outcomes(file, outcomes: list[str], net) -> None:
    """Every outcome is a column a run on ``net`` writes (the registry in sim/outcomes.py)."""
    for i, name in enumerate(outcomes):
        problem = outcome_problem(name, net)
        if problem:
            raise ScenarioError(file, f"outcomes[{i}]", problem)
    if len(set(outcomes)) < len(outcomes):
        raise ScenarioError(file, "outcomes", "an outcome is listed twice")


# --- design -------------------------------------------------------------------------------------


def design(plan: SweepPlan) -> pd.DataFrame:
    """The design points: ``point``, one column per parameter, and ``u_<name>`` unit coordinates."""
    params, s = plan.parameters, plan.sweep
    method = s.design.method
    if method == "grid":
        combos = list(itertools.product(*(p.grid() for p in params)))
        frame = pd.DataFrame({p.label: [c[j] for c in combos] for j, p in enumerate(params)})
        frame.insert(0, "point", np.arange(len(frame), dtype=np.int64))
        return frame
    unit = unit_sample(method, len(params), s.design, s.seed)
    frame = pd.DataFrame({p.label: p.from_unit(unit[:, j]) for j, p in enumerate(params)})
    for j, p in enumerate(params):
        frame[f"u_{p.label}"] = unit[:, j]
    frame.insert(0, "point", np.arange(len(frame), dtype=np.int64))
    return frame


def salib_problem(n: int) -> dict:
    """SALib's problem on the unit cube (values are mapped from it per parameter)."""
    return {"num_vars": n, "names": [f"x{j}" for j in range(n)], "bounds": [[0.0, 1.0]] * n}


def unit_sample(method: str, n_params: int, design_: Design, seed: int) -> np.ndarray:
    """Points of the unit cube for a sampling design, reproducible from the sweep seed."""
    if method == "latin_hypercube":
        from scipy.stats import qmc

        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**32 - 1,)))
        try:
            sampler = qmc.LatinHypercube(n_params, rng=rng)
        except TypeError:  # scipy < 1.15
            sampler = qmc.LatinHypercube(n_params, seed=rng)
        return sampler.random(design_.samples)
    if method == "saltelli":
        from SALib.sample import sobol

        return sobol.sample(salib_problem(n_params), design_.samples,
                            calc_second_order=design_.second_order, seed=seed)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(salib_problem(n_params), design_.samples, num_levels=design_.levels, seed=seed)
    raise ValueError(f"unknown design {method!r}")
