"""Run a scenario on an engine and collect its outcome tables and provenance."""
from __future__ import annotations

import datetime as dt
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import yaml

from . import __version__
from .load import without_timeline
from .outcomes import yearly_table
from .provenance import provenance, sha256
from .rundir import atomic_dir, write_bytes, write_json, write_tables, writing
from .scenario import Scenario

NETWORK_FILE = "network.yaml"  # the network a run used, copied into its run directory

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
    """One run: its scenario, its tables in people, its provenance and the network file it read."""

    scenario: Scenario
    tables: dict[str, pd.DataFrame]
    yearly: pd.DataFrame
    meta: dict = field(default_factory=dict)
    network_file: bytes = b""  # the network YAML as the run read it
    counterfactual: "RunResult | None" = None  # the same run without the policy timeline, when asked for
    state: bytes | None = None  # the whole state on a date (sim.branch.state_bytes), when asked for
    state_date: "dt.date | None" = None

    @property
    def daily(self) -> pd.DataFrame:
        return self.tables["daily"]

    def files(self) -> dict[str, bytes]:
        """``scenario.yaml`` (pointing at the copied network) and ``network.yaml``, as a run directory holds them."""
        return {"scenario.yaml": scenario_yaml(self.scenario, network=NETWORK_FILE).encode("utf-8"),
                NETWORK_FILE: self.network_file}


def run_scenario(scenario: Scenario, engine: str = "vector",
                 progress: Callable[[int], None] | None = None, counterfactual: bool = False,
                 save_state: dt.date | None = None, from_state: dict | None = None) -> RunResult:
    """Run to the end and return the tables in people, with the run's provenance.

    ``counterfactual``: also run the scenario without its policy timeline after the first reported
    day, branched from this run's own state on the first date the two differ (:mod:`sim.branch`);
    it is ``result.counterfactual``. ``save_state``: keep the whole state before that date as
    ``result.state``; ``from_state``: carry on from such a state (read and checked by sim.branch).
    """
    network_file = Path(scenario.network).read_bytes()  # before the run: the file the model reads
    began = time.perf_counter()
    state = None
    if counterfactual:
        from .branch import run_branched

        model, other = run_branched(lambda s: make_model(s, engine), scenario, without_timeline(scenario), progress)
    else:
        from .branch import resume, state_bytes, state_day

        model = resume(from_state, scenario) if from_state is not None else make_model(scenario, engine)
        other = None
        if save_state is not None:
            day = state_day(scenario, save_state)
            while model.day < day:
                model.step()
                if progress is not None:
                    progress(model.day)
            state = state_bytes(model, engine, save_state)
        model.run(progress)
    result = _result(model, scenario, engine, time.perf_counter() - began, network_file)
    result.state, result.state_date = state, save_state if state is not None else None
    if other is not None:
        result.counterfactual = _result(other, other.scenario, engine, result.meta["runtime_seconds"], network_file)
    return result


def _result(model, scenario: Scenario, engine: str, seconds: float, network_file: bytes) -> RunResult:
    """A finished model's tables and provenance."""
    tables = model.tables_out()
    agents = int(model.pop.size) if hasattr(model, "pop") else len(model.agents)
    meta = {
        "migsim_version": __version__,
        "engine": engine,
        "seed": scenario.seed,
        "scale": scenario.scale,
        "agents": agents,
        "days": scenario.days,
        "spin_up_days": scenario.spin_up_days,  # simulated before `start`, not in the tables
        "report_from": str(scenario.reported_start),
        "runtime_seconds": round(seconds, 3),
        "agent_days_per_second": round(agents * (scenario.days + scenario.spin_up_days) / max(seconds, 1e-9)),
        "python": platform.python_version(),
        **provenance(engine),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    result = RunResult(scenario, tables, yearly_table(tables["daily"]), meta, network_file)
    meta["sha256"] = {name: sha256(data) for name, data in result.files().items()}
    return result


def scenario_yaml(scenario: Scenario, network: str | None = None) -> str:
    """The resolved scenario, every default filled in, as YAML (``network`` replaces the network path)."""
    data = scenario.model_dump(mode="json")
    if network is not None:
        data["network"] = network
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def difference(policy: pd.DataFrame, counterfactual: pd.DataFrame) -> pd.DataFrame:
    """Yearly policy outcomes minus the counterfactual's (same seed, timeline removed)."""
    cols = [c for c in policy.columns if c not in ("year", "days")]
    diff = policy[cols].to_numpy() - counterfactual[cols].to_numpy()
    out = pd.DataFrame(diff, columns=cols)
    out.insert(0, "year", policy["year"].to_numpy())
    return out


def write_run(directory: Path, result: RunResult) -> None:
    """Scenario and network (the run reproduces from them alone), provenance and tables into ``directory``."""
    files = result.files()
    for name, data in files.items():
        write_bytes(directory / name, data)
    write_json(directory / "run.json", {**result.meta, "sha256": {n: sha256(d) for n, d in files.items()}})
    write_tables(directory, result.tables, result.yearly)


def save_run(result: RunResult, out: str | Path, force: bool = False,
             counterfactual: RunResult | None = None, extra: Callable[[Path, RunResult], None] | None = None) -> Path:
    """Write the run directory atomically: scenario, network, provenance, tables (and report via ``extra``)."""
    counterfactual = counterfactual or result.counterfactual
    with atomic_dir(out, force) as tmp:
        write_run(tmp, result)
        if counterfactual is not None:
            sub = tmp / "counterfactual"
            sub.mkdir()
            write_run(sub, counterfactual)
            with writing(tmp / "difference.csv"):
                difference(result.yearly, counterfactual.yearly).to_csv(
                    tmp / "difference.csv", index=False, float_format="%.6g")
        if result.state is not None:
            write_bytes(tmp / state_file(result.state_date), result.state)
        if extra is not None:
            extra(tmp, result)
    return Path(out)


def state_file(date: dt.date) -> str:
    """Name of the state file ``--save-state DATE`` writes into the run directory."""
    return f"state-{date.isoformat()}.pkl"


def run_counterfactual(scenario: Scenario, engine: str = "vector", progress=None) -> RunResult:
    """The scenario without its policy timeline after the first reported day, branched from the policy run's state."""
    return run_scenario(scenario, engine, progress, counterfactual=True).counterfactual
