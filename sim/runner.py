"""Run a scenario on an engine and collect its outcome tables and provenance."""
from __future__ import annotations

import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import yaml

from . import __version__
from .load import without_timeline
from .outcomes import yearly_table
from .rundir import atomic_dir, write_json, write_tables
from .scenario import Scenario

ENGINES = ("vector", "mesa")


def make_model(scenario: Scenario, engine: str = "vector", collect: bool = False):
    """The engine named ``engine`` on this scenario (both are ``mesa.Model`` subclasses).

    ``collect`` fills the mesa DataCollector every day; runs written to disk do not need it.
    """
    if engine == "vector":
        from .engine import VectorModel

        return VectorModel(scenario, collect=collect)
    if engine == "mesa":
        from .mesa_engine import MesaModel  # the readable reference engine

        return MesaModel(scenario, collect=collect)
    raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")


@dataclass
class RunResult:
    scenario: Scenario
    tables: dict[str, pd.DataFrame]
    yearly: pd.DataFrame
    meta: dict = field(default_factory=dict)

    @property
    def daily(self) -> pd.DataFrame:
        return self.tables["daily"]


def run_scenario(scenario: Scenario, engine: str = "vector",
                 progress: Callable[[int], None] | None = None) -> RunResult:
    """Run to the end and return the tables in people, with the run's provenance."""
    began = time.perf_counter()
    model = make_model(scenario, engine)
    model.run(progress)
    tables = model.tables_out()
    seconds = time.perf_counter() - began
    agents = int(model.pop.size) if hasattr(model, "pop") else len(model.agents)
    meta = {
        "migsim_version": __version__,
        "engine": engine,
        "seed": scenario.seed,
        "scale": scenario.scale,
        "agents": agents,
        "days": scenario.days,
        "spin_up_days": scenario.spin_up_days,  # simulated before `start`, not in the tables
        "runtime_seconds": round(seconds, 3),
        "agent_days_per_second": round(agents * (scenario.days + scenario.spin_up_days) / max(seconds, 1e-9)),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    return RunResult(scenario, tables, yearly_table(tables["daily"]), meta)


def scenario_yaml(scenario: Scenario) -> str:
    """The resolved scenario, every default filled in, as YAML."""
    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def difference(policy: pd.DataFrame, counterfactual: pd.DataFrame) -> pd.DataFrame:
    """Yearly policy outcomes minus the counterfactual's (same seed, timeline removed)."""
    cols = [c for c in policy.columns if c not in ("year", "days")]
    diff = policy[cols].to_numpy() - counterfactual[cols].to_numpy()
    out = pd.DataFrame(diff, columns=cols)
    out.insert(0, "year", policy["year"].to_numpy())
    return out


def save_run(result: RunResult, out: str | Path, force: bool = False,
             counterfactual: RunResult | None = None, extra: Callable[[Path, RunResult], None] | None = None) -> Path:
    """Write the run directory atomically: scenario, provenance, tables (and report via ``extra``)."""
    with atomic_dir(out, force) as tmp:
        (tmp / "scenario.yaml").write_text(scenario_yaml(result.scenario), encoding="utf-8")
        write_json(tmp / "run.json", result.meta)
        write_tables(tmp, result.tables, result.yearly)
        if counterfactual is not None:
            sub = tmp / "counterfactual"
            sub.mkdir()
            (sub / "scenario.yaml").write_text(scenario_yaml(counterfactual.scenario), encoding="utf-8")
            write_json(sub / "run.json", counterfactual.meta)
            write_tables(sub, counterfactual.tables, counterfactual.yearly)
            difference(result.yearly, counterfactual.yearly).to_csv(
                tmp / "difference.csv", index=False, float_format="%.6g")
        if extra is not None:
            extra(tmp, result)
    return Path(out)


def run_counterfactual(scenario: Scenario, engine: str = "vector", progress=None) -> RunResult:
    return run_scenario(without_timeline(scenario), engine, progress)
