"""Which runs make an ensemble: member m's seed comes from the scenario's seed and m alone, and its
parameters are posterior draw m mod K (when a posterior is given), so adding members or workers
changes no member already run."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..calibrate.params import check_paths, with_parameters
from ..errors import ScenarioError
from ..failures import reading
from ..scenario import Scenario
from ..sweep.seeds import run_seed

PRIOR = re.compile(r"^\s*(uniform|loguniform)\(\s*([-+0-9.eE]+)\s*,\s*([-+0-9.eE]+)\s*\)\s*$")


@dataclass(frozen=True)
class Member:
    """One run of the ensemble: its index, seed and posterior draw (-1: the scenario's own parameters)."""

    index: int
    seed: int
    draw: int
    values: tuple[tuple[str, float], ...] = ()


def members(scenario: Scenario, n: int, draws: pd.DataFrame | None = None) -> list[Member]:
    """The first ``n`` members: seeds from SeedSequence(scenario seed, spawn_key=(m, 0)); draws cycled."""
    out = []
    for m in range(n):
        draw, values = -1, ()
        if draws is not None and len(draws):
            draw = m % len(draws)
            values = tuple((k, float(v)) for k, v in draws.iloc[draw].items())
        out.append(Member(m, run_seed(scenario.seed, m, 0), draw, values))
    return out


def member_scenario(scenario: Scenario, member: Member) -> Scenario:
    """The scenario of one member: its seed, and its posterior draw's parameter values."""
    if not member.values:
        return scenario.model_copy(update={"seed": member.seed})
    return with_parameters(scenario, dict(member.values), seed=member.seed)


def _priors(directory: Path) -> dict:
    """Each calibrated parameter's prior, from the posterior.csv that a calibration writes beside abc.csv."""
    path = directory / "posterior.csv"
    with reading(path, "CSV", "; it lists the priors that turn abc.csv's unit coordinates into values"):
        table = pd.read_csv(path)
    if not {"parameter", "prior"} <= set(table.columns):
        raise ScenarioError(path, "prior", "missing column: is this a posterior.csv written by `migsim calibrate`?")
    priors = {}
    for name, prior in zip(table["parameter"], table["prior"].astype(str)):
        found = PRIOR.match(prior)  # parameters held fixed ("fixed") have no prior and no draws
        if found:
            priors[name] = (found[1], float(found[2]), float(found[3]))
    return priors


def _from_unit(kind: str, low: float, high: float, u: np.ndarray) -> np.ndarray:
    if kind == "loguniform":
        return np.exp(np.log(low) + u * (np.log(high) - np.log(low)))
    return low + u * (high - low)


def _accepted(path: Path) -> pd.DataFrame:
    """The accepted ABC proposals of abc.csv, as parameter values (one row per draw)."""
    with reading(path, "CSV"):
        table = pd.read_csv(path)
    if "accepted" not in table.columns:
        raise ScenarioError(path, "accepted", "missing column: is this an abc.csv written by `migsim calibrate`?")
    kept = table[table["accepted"].astype(str).str.lower() == "true"]
    units = [c for c in table.columns if c.startswith("unit:")]
    priors = _priors(path.parent)
    out = {}
    for col in units:
        name = col.removeprefix("unit:")
        if name not in priors:
            raise ScenarioError(path, col, f"no prior uniform(low, high) or loguniform(low, high) for {name} in "
                                f"{path.parent / 'posterior.csv'}")
        out[name] = _from_unit(*priors[name], kept[col].to_numpy(dtype=float))
    return pd.DataFrame(out)


def read_posterior(path: str | Path, scenario: Scenario) -> pd.DataFrame:
    """Posterior draws (columns: dotted parameter paths), from a calibration's abc.csv or posterior.csv
    (its accepted ABC draws), or from any CSV with one column per dotted path and one row per draw."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(path, "--posterior", "missing (give a calibration's abc.csv or posterior.csv)")
    with reading(path, "CSV"):
        head = pd.read_csv(path, nrows=0).columns
    if {"parameter", "prior"} <= set(head):
        draws, source = _accepted(path.parent / "abc.csv"), path.parent / "abc.csv"
    elif "accepted" in head:
        draws, source = _accepted(path), path
    else:
        with reading(path, "CSV"):
            draws, source = pd.read_csv(path), path
    if draws.empty:
        raise ScenarioError(source, "--posterior", "holds no (accepted) draws")
    if draws.isna().any().any():
        raise ScenarioError(source, "--posterior", "has empty values")
    check_paths(scenario, list(draws.columns), source, key="column")
    return draws.reset_index(drop=True)


def posterior_record(path: str | Path | None, draws: pd.DataFrame | None) -> dict | None:
    """What identifies the draws an ensemble used: the file and a hash of the values."""
    if draws is None:
        return None
    text = json.dumps(draws.to_dict("split"), sort_keys=True, default=float)
    return {"file": str(path), "draws": len(draws), "sha256": hashlib.sha256(text.encode()).hexdigest()}
